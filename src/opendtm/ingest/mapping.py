"""Put a table's columns onto the template: a user's mapping file, HXL hashtags, names.

A mapping file is TOML::

    [columns]                 # template column = the file's column (name, label, path or #tag)
    beneficiary_id = "ben_code"
    sex = "Sex of the beneficiary"
    vulnerabilities = "screening/vulnerabilities"

    [values.sex]              # the file's value = the template's code
    "Female" = "f"

    [defaults]                # used where the file's cell is blank
    country = "KGZ"

For each template column the first that matches wins: the mapping file; the HXL hashtag
row; the column's own name, ignoring case and any Kobo ``group/`` path. A select_multiple
question exported as ``question/option`` 0/1 columns is joined into one space-separated
value. Without a ``record_id`` column, Kobo's ``_uuid`` or ODK's ``__id`` is used.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from opendtm.domain.problems import Problem

from . import template as t
from .kobo import RECORD_ID_FALLBACKS, SELECTED, leaf, parent
from .readers import Table


class MappingError(ValueError):
    """A mapping file that cannot be used, explained in one line."""


@dataclass
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)


def load_mapping(path: Path) -> Mapping:
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"{path.name}: not a readable TOML mapping file ({exc})") from None
    unknown_sections = set(data) - {"columns", "values", "defaults"}
    if unknown_sections:
        raise MappingError(f"{path.name}: unknown section(s) {', '.join(sorted(unknown_sections))}"
                           "; use [columns], [values.COLUMN] and [defaults]")
    mapping = Mapping()
    for section in ("columns", "defaults"):
        for key, value in _table(data, section, path).items():
            _known(key, path, section)
            if not isinstance(value, str):
                raise MappingError(f"{path.name}: [{section}] {key} must be text")
            getattr(mapping, section)[key] = value
    for column, table in _table(data, "values", path).items():
        _known(column, path, "values")
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise MappingError(f"{path.name}: [values.{column}] must map text to text")
        mapping.values[column] = {str(k).strip(): v for k, v in table.items()}
    return mapping


def _table(data: dict[str, object], section: str, path: Path) -> dict[str, object]:
    value = data.get(section, {})
    if not isinstance(value, dict):
        raise MappingError(f"{path.name}: [{section}] must be a table")
    return value


def _known(column: str, path: Path, section: str) -> None:
    if column not in t.BY_NAME:
        raise MappingError(f"{path.name}: [{section}] names {column!r}, not a template column; "
                           f"known: {', '.join(t.NAMES)}")


@dataclass
class Plan:
    """How to build a template row (cells in ``template.COLUMNS`` order) from a file row."""

    index: list[int | None]
    options: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    values: dict[int, dict[str, str]] = field(default_factory=dict)
    defaults: dict[int, str] = field(default_factory=dict)
    _pick: Callable[[list[str]], Any] | None = field(default=None, init=False, repr=False)
    _width: int = field(default=0, init=False, repr=False)

    def apply(self, row: list[str]) -> list[str]:
        n = len(row)
        if self._pick is None:
            # One C-level pick per row; -1 is the blank cell appended below.
            self._pick = itemgetter(-1, *(-1 if i is None else i for i in self.index))
            self._width = max((i + 1 for i in self.index if i is not None), default=0)
        padded = row + [""] * (max(self._width - n, 0) + 1)
        out: list[str] = list(self._pick(padded))[1:]
        for col, opts in self.options.items():
            out[col] = " ".join(code for i, code in opts if i < n and row[i] in SELECTED)
        for col, table in self.values.items():
            value = out[col]
            if value:
                if t.COLUMNS[col].kind == "multi":
                    out[col] = " ".join(table.get(v, v) for v in value.split())
                else:
                    out[col] = table.get(value, value)
        for col, default in self.defaults.items():
            if not out[col]:
                out[col] = default
        return out


def plan(table: Table, mapping: Mapping, defaults: dict[str, str]) -> tuple[Plan, list[Problem]]:
    """Match the table's columns; problems for missing required columns (errors) and
    columns left unused (a warning)."""
    problems: list[Problem] = []
    cols = table.columns
    exact = {c: i for i, c in reversed(list(enumerate(cols)))}
    folded = {c.casefold(): i for i, c in reversed(list(enumerate(cols)))}
    leaves: dict[str, list[int]] = {}
    for i, c in enumerate(cols):
        leaves.setdefault(leaf(c).casefold(), []).append(i)
    hxl = {key: i for i, tag in enumerate(table.hxl or []) if (key := t.hxl_key(tag))}

    def find(source: str) -> int | None:
        if source.startswith("#"):
            key = t.hxl_key(source)
            return hxl.get(key) if key else None
        if source in exact:
            return exact[source]
        if source.casefold() in folded:
            return folded[source.casefold()]
        found = leaves.get(leaf(source).casefold(), [])
        return found[0] if len(found) == 1 and "/" not in source else None

    result = Plan(index=[None] * len(t.COLUMNS))
    for n, col in enumerate(t.COLUMNS):
        source = mapping.columns.get(col.name)
        if source is not None:
            result.index[n] = find(source)
            if result.index[n] is None and col.kind == "multi":
                result.options[n] = _options(cols, source, mapping.values.get(col.name, {}), col)
            if result.index[n] is None and not result.options.get(n):
                problems.append(Problem("mapped-column-missing", f"the mapping file maps "
                                        f"{col.name} to {source!r}, which is not a column "
                                        "of the file", file=table.name, row=1, column=source))
            continue
        key = t.hxl_key(col.hxl) if col.hxl else None
        index = hxl.get(key) if key else None
        if index is None:
            index = find(col.name)
        if index is None and col.kind == "multi":
            result.options[n] = _options(cols, col.name, mapping.values.get(col.name, {}), col)
        if index is None and col.name == "record_id":
            index = next((exact[f] for f in RECORD_ID_FALLBACKS if f in exact), None)
        result.index[n] = index
    result.options = {k: v for k, v in result.options.items() if v}
    result.values = {t.INDEX[k]: v for k, v in mapping.values.items()}
    merged = {**mapping.defaults, **{k: v for k, v in defaults.items() if v}}
    result.defaults = {t.INDEX[k]: v for k, v in merged.items()}
    problems += _missing(table, result)
    used = {i for i in result.index if i is not None}
    used |= {i for opts in result.options.values() for i, _ in opts}
    unused = [c for i, c in enumerate(cols) if i not in used and c and not c.startswith("_")]
    if unused:
        shown = ", ".join(unused[:12]) + (f" and {len(unused) - 12} more" if len(unused) > 12
                                          else "")
        problems.append(Problem("ignored-columns", f"columns not in the template, ignored: "
                                f"{shown}", severity="warning", file=table.name, row=1))
    return result, problems


def _options(cols: list[str], question: str, values: dict[str, str],
             col: t.Column) -> list[tuple[int, str]]:
    """The ``question/option`` 0/1 columns of a select_multiple question."""
    lookup = t.choice_lookup(col.name) if col.choices else {}
    found = []
    for i, c in enumerate(cols):
        head = parent(c)
        if head is None or not (head == question or leaf(head).casefold() == question.casefold()):
            continue
        option = leaf(c)
        code = values.get(option) or lookup.get(option.casefold()) or option
        found.append((i, code))
    return found


def _missing(table: Table, result: Plan) -> list[Problem]:
    have = {t.COLUMNS[n].name for n, i in enumerate(result.index) if i is not None}
    have |= {t.COLUMNS[n].name for n in result.options}
    have |= {t.COLUMNS[n].name for n in result.defaults}
    missing = [c for c in t.REQUIRED if c not in have]
    if not {"beneficiary_id", "family_id"} & have:
        missing.append("beneficiary_id or family_id")
    for name, flag in (("country", "--country"), ("partner", "--partner")):
        if name not in have:
            missing.append(f"{name} (or {flag})")
    return [
        Problem("missing-column", f"required column {name} is missing; the file has: "
                f"{', '.join(c for c in table.columns if c)[:300]}", file=table.name, row=1,
                column=name.split()[0])
        for name in missing
    ]
