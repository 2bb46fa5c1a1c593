"""Which question (and which option) an export column holds.

Kobo and ODK name columns in several ways; all of these are recognised for a question
``q`` in group ``g`` with option ``o``:

- XML names with the group path: ``g/q``, ``g.q`` (Kobo), ``g-q`` (ODK Central), or bare ``q``;
- labels, in any language of the form: ``Question label``, or ``Group/Question label``;
- one 0/1 column per option of a select_multiple: ``g/q/o``, ``q/o``, ``q.o``,
  ``Question label/Option label``.
"""

from __future__ import annotations

from dataclasses import dataclass

from opendtm.domain.xlsform import FormSpec, Question

SEPARATORS = ("/", ".", "-", ":")
# Columns the collecting tools add; never a question, never a warning.
META_PREFIXES = ("_", "meta/", "meta-", "meta.", "__")
META_COLUMNS = {
    "key", "parent_key", "submissiondate", "submitterid", "submittername", "attachmentspresent",
    "attachmentsexpected", "status", "reviewstate", "deviceid", "edits", "formversion",
    "instanceid", "instancename", "index", "parent_index", "parent_table_name", "uuid", "id",
}


@dataclass(frozen=True)
class Target:
    question: Question
    option: str | None = None  # set for a select_multiple 0/1 column


def is_meta(header: str) -> bool:
    low = header.strip().lower()
    return low.startswith(META_PREFIXES) or low in META_COLUMNS


def _keys(q: Question) -> list[str]:
    keys = [q.name]
    for sep in SEPARATORS:
        keys.append(sep.join((*q.path, q.name)))
    return keys


def resolver(spec: FormSpec, questions: list[Question]) -> dict[str, Target]:
    """Every known spelling of a column for these questions, lower-cased."""
    index: dict[str, Target] = {}

    def add(key: str, target: Target) -> None:
        index.setdefault(key.strip().lower(), target)

    for q in questions:
        for key in _keys(q):
            add(key, Target(q))
        for label in q.labels.values():
            add(label, Target(q))
        if q.is_multiple:
            for choice in spec.options(q):
                for key in _keys(q):
                    for sep in SEPARATORS:
                        add(f"{key}{sep}{choice.name}", Target(q, choice.name))
                for qlabel in q.labels.values():
                    for clabel in choice.labels.values():
                        add(f"{qlabel}/{clabel}", Target(q, choice.name))
    return index


def resolve(header: str, index: dict[str, Target]) -> Target | None:
    key = header.strip().lower()
    if key in index:
        return index[key]
    # "Group label/Question label": try the last segments.
    parts = key.split("/")
    for start in range(1, len(parts)):
        tail = "/".join(parts[start:])
        if tail in index:
            return index[tail]
    return None
