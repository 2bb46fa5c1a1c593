"""XLSForm files: read any form into a ``FormSpec`` (checked by pyxform), write ours.

pyxform converts the file first, as KoboToolbox and ODK Central would; a form it refuses is
refused here with its message. Then the sheets are read for what opendtm needs: questions
with their groups and repeats, labels per language, choice lists, id and version.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from opendtm.domain.problems import Problem
from opendtm.domain.questionnaire import Sheets
from opendtm.domain.xlsform import (
    PERSONAL_TYPES,
    STRUCTURE,
    Choice,
    FormSpec,
    Question,
    language_key,
    normalise_type,
)

from .rows import Sheet, cell_text, read_workbook

TRUE = {"yes", "true", "1", "y"}


def write_xlsform(sheets: Sheets, out: Path | io.BytesIO) -> None:
    """Write the sheets as an .xlsx XLSForm."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in (("survey", sheets.survey), ("choices", sheets.choices),
                        ("settings", sheets.settings)):
        columns = sheets.columns()[title]
        ws = book.create_sheet(title)
        ws.append(columns)
        for row in rows:
            ws.append([row.get(c, "") for c in columns])
    book.save(out)


def check_with_pyxform(path: Path) -> tuple[str | None, list[Problem]]:
    """The XForm pyxform makes of the file, or the problem it found. pyxform is imported
    here, not with the module: it takes most of a second, which every command paid."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    try:
        result = convert(xlsform=str(path), warnings=[])
    except PyXFormError as exc:
        return None, [Problem("xlsform-invalid", str(exc).strip(), file=path.name)]
    problems = [Problem("xlsform-warning", w, "warning", file=path.name) for w in result.warnings]
    return result.xform, problems


def read_xlsform(path: Path) -> tuple[FormSpec | None, list[Problem]]:
    """The form in an XLSForm file, and the problems found in it."""
    _, problems = check_with_pyxform(path)
    if any(p.severity == "error" for p in problems):
        return None, problems
    by_name = {s.name.strip().lower(): s for s in read_workbook(path)}
    survey, choices_sheet = by_name.get("survey"), by_name.get("choices")
    if survey is None:
        return None, [*problems, Problem("xlsform-no-survey", "no 'survey' sheet",
                                         file=path.name)]
    settings = _settings(by_name.get("settings"))
    choices, languages = _choices(choices_sheet)
    questions, repeats, q_languages = _questions(survey, path.name, problems)
    form_id = settings.get("form_id") or path.stem
    spec = FormSpec(
        form_id=form_id,
        version=settings.get("version") or "1",
        title=settings.get("form_title") or form_id,
        questions=questions, choices=choices, repeats=repeats,
        languages=sorted(languages | q_languages),
    )
    for q in questions:
        if q.is_select and q.list_name not in choices:
            problems.append(Problem("xlsform-unknown-list", f"choice list {q.list_name!r} is "
                                    "not on the choices sheet", file=path.name, row=q.row,
                                    column="type"))
    return spec, problems


def _columns(header: list[str]) -> list[tuple[str, str | None]]:
    """``'label::English (en)'`` -> ``('label', 'en')``; ``'type'`` -> ``('type', None)``."""
    out: list[tuple[str, str | None]] = []
    for h in header:
        if "::" in h:
            base, lang = h.split("::", 1)
            out.append((base.strip().lower(), language_key(lang)))
        else:
            out.append((h.strip().lower(), None))
    return out


def _records(sheet: Sheet) -> list[tuple[int, dict[str, str], dict[str, dict[str, str]]]]:
    """(row number, plain columns, {column: {language: text}}) for each row."""
    cols = _columns(sheet.header)
    out = []
    for i, row in enumerate(sheet.rows, start=2):
        plain: dict[str, str] = {}
        per_lang: dict[str, dict[str, str]] = {}
        for (base, lang), raw in zip(cols, row, strict=False):
            value = cell_text(raw)
            if not value:
                continue
            if lang is None and base in ("label", "hint", "constraint_message"):
                per_lang.setdefault(base, {})["default"] = value
            elif lang is None:
                plain[base] = value
            else:
                per_lang.setdefault(base, {})[lang] = value
        out.append((i, plain, per_lang))
    return out


def _settings(sheet: Sheet | None) -> dict[str, str]:
    if sheet is None or not sheet.rows:
        return {}
    return {k: cell_text(v) for (k, _), v in zip(_columns(sheet.header), sheet.rows[0],
                                                 strict=False) if cell_text(v)}


def _choices(sheet: Sheet | None) -> tuple[dict[str, list[Choice]], set[str]]:
    choices: dict[str, list[Choice]] = {}
    languages: set[str] = set()
    if sheet is None:
        return choices, languages
    for _, plain, per_lang in _records(sheet):
        list_name, name = plain.get("list_name") or plain.get("list name"), plain.get("name")
        if not list_name or not name:
            continue
        labels = per_lang.get("label", {})
        languages |= set(labels)
        choices.setdefault(list_name, []).append(Choice(list_name, name, dict(labels)))
    return choices, languages


def _questions(
    sheet: Sheet, file: str, problems: list[Problem]
) -> tuple[list[Question], dict[str, tuple[str, ...]], set[str]]:
    stack: list[tuple[str, str]] = []  # (kind, name)
    questions: list[Question] = []
    repeats: dict[str, tuple[str, ...]] = {}
    languages: set[str] = set()
    for row, plain, per_lang in _records(sheet):
        kind, list_name = normalise_type(plain.get("type", ""))
        name = plain.get("name", "")
        if not kind:
            continue
        if kind in ("begin_group", "begin_repeat"):
            stack.append((kind, name))
            if kind == "begin_repeat":
                repeats[name] = tuple(n for _, n in stack)
            continue
        if kind in ("end_group", "end_repeat"):
            if stack:
                stack.pop()
            continue
        if kind in STRUCTURE or not name:
            continue
        labels = per_lang.get("label", {})
        languages |= set(labels)
        flag = plain.get("personal", "").lower()
        personal = flag in TRUE if flag else kind in PERSONAL_TYPES
        repeat = next((n for k, n in reversed(stack) if k == "begin_repeat"), None)
        questions.append(Question(
            name=name, type=kind, list_name=list_name, path=tuple(n for _, n in stack),
            repeat=repeat, labels=dict(labels), personal=personal, row=row))
    names = [q.name for q in questions]
    for q in questions:
        if names.count(q.name) > 1:
            problems.append(Problem("xlsform-duplicate-name", f"question name {q.name!r} is "
                                    "used more than once", file=file, row=q.row, column="name"))
    return questions, repeats, languages


def spec_summary(spec: FormSpec) -> dict[str, Any]:
    kinds: dict[str, int] = {}
    for q in spec.questions:
        kinds[q.type] = kinds.get(q.type, 0) + 1
    return {"form_id": spec.form_id, "version": spec.version, "title": spec.title,
            "questions": len(spec.questions), "choice_lists": len(spec.choices),
            "repeats": sorted(spec.repeats), "types": kinds, "languages": spec.languages,
            "personal": [q.name for q in spec.questions if q.personal]}
