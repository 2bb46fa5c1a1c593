"""A Kobo or ODK export of a registered form, read into submissions and problems.

The main sheet holds one submission a row; repeat groups come as extra sheets linked by
``_submission__uuid``, ``_parent_index`` (Kobo) or ``PARENT_KEY`` (ODK; a repeat nested in
another points to the KEY of the outer repeat's row, as in ODK Central's export zip). Every
problem names the file, the row and the column. Nothing here writes to the store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opendtm.domain.problems import Problem
from opendtm.domain.xlsform import FormSpec, Question

from .columns import Target, is_meta, resolve, resolver
from .rows import Sheet, cell_text, read_tables
from .values import Converter, converter, flag

UUID_COLUMNS = ("_uuid", "meta/instanceid", "meta-instanceid", "instanceid", "key")
TIME_COLUMNS = ("_submission_time", "submissiondate", "end")
LINKS = (("_submission__uuid", "uuid"), ("_parent_index", "_index"), ("parent_key", "key"))


@dataclass
class Submission:
    uuid: str
    submitted_at: dt.datetime | None
    answers: dict[str, Any]
    personal: dict[str, Any]
    row: int


@dataclass
class RepeatRow:
    """A row of a repeat group, which rows of a repeat nested in it can point to."""
    answers: dict[str, Any]
    personal: dict[str, Any]


Links = dict[tuple[str, str], Submission | RepeatRow]


@dataclass
class ExportReport:
    file: str
    submissions: list[Submission] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def read_export(path: Path, spec: FormSpec) -> ExportReport:
    sheets = read_tables(path)
    report = ExportReport(path.name)
    if not sheets:
        report.problems.append(Problem("export-empty", "the file holds no rows", file=path.name))
        return report
    top = resolver(spec, spec.top_level())
    main = max(sheets, key=lambda s: sum(resolve(h, top) is not None for h in s.header))
    by_link = _main_rows(main, spec, top, report)
    rest = [(sheet, _which_repeat(sheet, spec)) for sheet in sheets if sheet is not main]
    # a repeat nested in another comes after it: its rows point to the outer repeat's rows
    rest.sort(key=lambda pair: len(spec.repeats.get(pair[1] or "", ())))
    for sheet, repeat in rest:
        _repeat_rows(sheet, repeat, spec, by_link, report)
    return report


def _lower_index(header: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, h in enumerate(header):
        out.setdefault(h.strip().lower(), i)
    return out


Plan = list[tuple[int, Target, Converter | None, set[str]]]


def _plan(sheet: Sheet, spec: FormSpec, index: dict[str, Target], report: ExportReport) -> Plan:
    """What to do with each column. The 0/1 columns of a select_multiple that also has a
    column of its own come last: they are read only when that column is empty."""
    plan: Plan = []
    fallback: Plan = []
    targets = [resolve(h, index) if h else None for h in sheet.header]
    whole = {t.question.name for t in targets if t is not None and t.option is None}
    for i, header in enumerate(sheet.header):
        target = targets[i]
        if target is None:
            if header and not is_meta(header):
                report.unknown_columns.append(header)
                report.problems.append(Problem(
                    "export-unknown-column", f"not a question of form {spec.form_id}; ignored",
                    "warning", file=report.file, column=header))
            continue
        q = target.question
        if target.option is None:
            plan.append((i, target, converter(spec, q), set()))
        else:
            labels = {label.lower() for c in spec.options(q) if c.name == target.option
                      for label in c.labels.values()}
            (fallback if q.name in whole else plan).append((i, target, None, labels))
    return plan + fallback


def _answers(row: list[Any], number: int, sheet: Sheet, plan: Plan, report: ExportReport,
             personal_names: set[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    answers: dict[str, Any] = {}
    personal: dict[str, Any] = {}
    flags: dict[str, list[str]] = {}
    for i, target, convert, labels in plan:
        q: Question = target.question
        if convert is None and (q.name in answers or q.name in personal):
            continue  # answered in its own column
        text = row[i] if i < len(row) else ""
        if type(text) is not str:
            text = cell_text(text)
        if not text:
            continue
        try:
            if convert is None:
                assert target.option is not None
                if flag(text, target.option, labels):
                    flags.setdefault(q.name, []).append(target.option)
                continue
            value = convert(text)
        except ValueError as exc:
            report.problems.append(Problem("export-bad-value", str(exc), file=report.file,
                                           row=number, column=sheet.header[i]))
            continue
        (personal if q.personal else answers)[q.name] = value
    for name, chosen in flags.items():
        (personal if name in personal_names else answers).setdefault(name, chosen)
    return answers, personal


def _main_rows(sheet: Sheet, spec: FormSpec, index: dict[str, Target],
               report: ExportReport) -> Links:
    cols = _lower_index(sheet.header)
    uuid_col = next((cols[c] for c in UUID_COLUMNS if c in cols), None)
    time_col = next((cols[c] for c in TIME_COLUMNS if c in cols), None)
    if uuid_col is None:
        report.problems.append(Problem(
            "export-no-uuid", "no submission uuid column (_uuid, meta/instanceID or KEY)",
            file=report.file))
        return {}
    plan = _plan(sheet, spec, index, report)
    secret = {t.question.name for _, t, _, _ in plan if t.question.personal}
    links: Links = {}
    seen: dict[str, int] = {}
    for n, row in enumerate(sheet.rows):
        number = n + sheet.first_row
        raw_uuid = cell_text(row[uuid_col]) if uuid_col < len(row) else ""
        uuid = raw_uuid.removeprefix("uuid:")
        if not uuid:
            report.problems.append(Problem("export-no-uuid", "no submission uuid",
                                           file=report.file, row=number,
                                           column=sheet.header[uuid_col]))
            continue
        if uuid in seen:
            report.problems.append(Problem(
                "export-duplicate-uuid", f"uuid {uuid} is also on row {seen[uuid]}",
                file=report.file, row=number, column=sheet.header[uuid_col]))
            continue
        seen[uuid] = number
        answers, personal = _answers(row, number, sheet, plan, report, secret)
        sub = Submission(uuid, _time(row, time_col), answers, personal, number)
        report.submissions.append(sub)
        links[("uuid", uuid)] = sub
        links[("uuid", raw_uuid)] = sub
        for _, key in LINKS:
            if key in cols and cols[key] < len(row) and row[cols[key]] not in ("", None):
                links[(key, cell_text(row[cols[key]]))] = sub
    return links


def _which_repeat(sheet: Sheet, spec: FormSpec) -> str | None:
    """The repeat group whose questions match most of the sheet's columns."""
    best: tuple[int, str] = (0, "")
    for name in spec.repeats:
        index = resolver(spec, spec.in_repeat(name))
        hits = sum(resolve(h, index) is not None for h in sheet.header)
        if hits > best[0] or (hits == best[0] and hits and sheet.name[:31] == name[:31]):
            best = (hits, name)
    return best[1] if best[0] else None


def _repeat_rows(sheet: Sheet, repeat: str | None, spec: FormSpec, links: Links,
                 report: ExportReport) -> None:
    if repeat is None:
        report.problems.append(Problem("export-unknown-sheet", "no repeat group of form "
                                       f"{spec.form_id} matches this sheet; ignored", "warning",
                                       file=report.file, key=sheet.name))
        return
    cols = _lower_index(sheet.header)
    link = next(((c, key) for c, key in LINKS if c in cols), None)
    if link is None:
        report.problems.append(Problem(
            "export-no-parent", "repeat sheet without _submission__uuid, _parent_index or "
            "PARENT_KEY", file=report.file, key=sheet.name))
        return
    plan = _plan(sheet, spec, resolver(spec, spec.in_repeat(repeat)), report)
    secret = {t.question.name for _, t, _, _ in plan if t.question.personal}
    for n, row in enumerate(sheet.rows):
        number = n + sheet.first_row
        parent_value = cell_text(row[cols[link[0]]]) if cols[link[0]] < len(row) else ""
        parent = links.get((link[1], parent_value))
        if parent is None:
            report.problems.append(Problem(
                "export-orphan-repeat", f"no submission has {link[0]} {parent_value!r}",
                file=report.file, row=number, column=sheet.header[cols[link[0]]],
                key=sheet.name))
            continue
        answers, personal = _answers(row, number, sheet, plan, report, secret)
        parent.answers.setdefault(repeat, []).append(answers)
        if personal:
            parent.personal.setdefault(repeat, []).append(personal)
        own_key = cols.get("key")
        if own_key is not None and own_key < len(row) and row[own_key] not in ("", None):
            # ODK Central: rows of a repeat nested in this one name this KEY as PARENT_KEY
            links[("key", cell_text(row[own_key]))] = RepeatRow(answers, personal)


def _time(row: list[Any], col: int | None) -> dt.datetime | None:
    if col is None or col >= len(row) or row[col] in ("", None):
        return None
    if isinstance(row[col], dt.datetime):
        moment: dt.datetime = row[col]
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(cell_text(row[col]).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
