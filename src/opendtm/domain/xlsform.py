"""An XLSForm as opendtm holds it: questions, choices, groups and repeats (pure Python).

Any XLSForm is described by a ``FormSpec``: its id and version, its questions in order,
each with the groups and repeat that enclose it, and its choice lists. Readers build it from
a file (``ingest.survey.formfile``); the store keeps it as JSON; imports map export columns
to it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

# Rows of these types hold no answer.
STRUCTURE = {"begin_group", "end_group", "begin_repeat", "end_repeat", "note"}
# Answers of these types say who someone is or where exactly: kept apart unless the form
# says ``personal = no``.
PERSONAL_TYPES = {
    "text", "geopoint", "geotrace", "geoshape", "image", "audio", "video", "file", "barcode",
    "deviceid", "phonenumber", "simserial", "subscriberid", "username", "email", "audit",
    "background-audio", "start-geopoint",
}
NUMERIC = {"integer", "decimal", "range"}
SELECTS = {"select_one", "select_multiple", "rank"}
_LANGUAGE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[A-Za-z-]+)\)\s*$")


def normalise_type(raw: str) -> tuple[str, str | None]:
    """``'select_one yes_no'`` -> ``('select_one', 'yes_no')``;
    ``'begin group'`` -> ``('begin_group', None)``."""
    parts = raw.strip().split()
    if not parts:
        return "", None
    base = parts[0].lower()
    if base in ("begin", "end") and len(parts) > 1:
        return f"{base}_{parts[1].lower()}", None
    if base in ("select_one", "select_multiple", "rank", "select_one_from_file",
                "select_multiple_from_file") and len(parts) > 1:
        return base.removesuffix("_from_file"), parts[1]
    if base in ("select_all_that_apply",) and len(parts) > 1:
        return "select_multiple", parts[1]
    if base == "select" and len(parts) > 2:  # "select one yes_no"
        return f"select_{parts[1].lower()}", parts[2]
    return base, None


def language_key(column_language: str) -> str:
    """``'English (en)'`` -> ``'en'``; a language without a code keeps its name."""
    match = _LANGUAGE.match(column_language)
    return match.group("code").lower() if match else column_language.strip()


@dataclass(frozen=True)
class Question:
    name: str
    type: str
    list_name: str | None = None
    path: tuple[str, ...] = ()  # enclosing groups and repeats, outermost first
    repeat: str | None = None  # the innermost enclosing repeat
    labels: dict[str, str] = field(default_factory=dict)
    personal: bool = False
    row: int | None = None

    @property
    def xpath(self) -> str:
        return "/".join((*self.path, self.name))

    @property
    def is_select(self) -> bool:
        return self.type in SELECTS

    @property
    def is_multiple(self) -> bool:
        return self.type in ("select_multiple", "rank")

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels.get("default") or next(
            iter(self.labels.values()), self.name)


@dataclass(frozen=True)
class Choice:
    list_name: str
    name: str
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels.get("default") or next(
            iter(self.labels.values()), self.name)


@dataclass
class FormSpec:
    form_id: str
    version: str
    title: str
    questions: list[Question]
    choices: dict[str, list[Choice]]
    repeats: dict[str, tuple[str, ...]]  # repeat name -> its full path
    languages: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_name = {q.name: q for q in self.questions}

    def question(self, name: str) -> Question:
        try:
            return self._by_name[name]
        except KeyError:
            raise LookupError(f"form {self.form_id} has no question {name!r}") from None

    def has(self, name: str) -> bool:
        return name in self._by_name

    def options(self, question: Question) -> list[Choice]:
        return self.choices.get(question.list_name or "", [])

    def top_level(self) -> list[Question]:
        return [q for q in self.questions if q.repeat is None]

    def in_repeat(self, repeat: str) -> list[Question]:
        return [q for q in self.questions if q.repeat == repeat]

    def to_dict(self) -> dict[str, Any]:
        return {
            "form_id": self.form_id, "version": self.version, "title": self.title,
            "languages": self.languages,
            "questions": [{**asdict(q), "path": list(q.path)} for q in self.questions],
            "choices": {k: [asdict(c) for c in v] for k, v in self.choices.items()},
            "repeats": {k: list(v) for k, v in self.repeats.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FormSpec:
        return cls(
            form_id=data["form_id"], version=data["version"], title=data["title"],
            languages=list(data.get("languages", [])),
            questions=[Question(**{**q, "path": tuple(q["path"])}) for q in data["questions"]],
            choices={k: [Choice(**c) for c in v] for k, v in data["choices"].items()},
            repeats={k: tuple(v) for k, v in data["repeats"].items()},
        )
