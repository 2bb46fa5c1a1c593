"""Survey use cases shared by the command line and, later, the web.

Write the shipped form; register any XLSForm; import a Kobo/ODK export of it (one
transaction per file, nothing written when the file has errors, re-import changes nothing);
tabulate a bulletin theme; load the demo submissions.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
from sqlalchemy import Engine

from opendtm.demo.kobo import write_export
from opendtm.demo.survey import submissions
from opendtm.domain.glossary import load_rules
from opendtm.domain.indicators import load_catalogue
from opendtm.domain.problems import Problem
from opendtm.domain.questionnaire import sheets
from opendtm.domain.xlsform import FormSpec
from opendtm.ingest.survey.export import read_export
from opendtm.ingest.survey.formfile import read_xlsform, spec_summary, write_xlsform
from opendtm.process.survey_frame import frame
from opendtm.process.survey_tables import prepare, questions_needed, tabulate
from opendtm.store import survey as store
from opendtm.store.database import unit_of_work

from .audit import record

Step = Callable[[str, int, int], None]
ACTOR = "cli"


class ProblemsFound(ValueError):
    """The input has errors; nothing was written. ``problems`` says where and what."""

    def __init__(self, what: str, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{what}: {len(errors)} error(s); nothing was written. First: "
                         f"{errors[0] if errors else '?'}")
        self.problems = problems


@dataclass
class ImportResult:
    file: str
    form_id: str
    version: str
    read: int = 0
    added: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "form_id": self.form_id, "version": self.version,
                "read": self.read, "added": self.added, "unchanged": self.unchanged,
                "problems": [p.to_dict() for p in self.problems]}


def write_form(out: Path) -> dict[str, Any]:
    """Write the shipped questionnaire as an XLSForm; a summary of what it holds."""
    if out.suffix.lower() != ".xlsx":
        raise ValueError(f"{out}: the form is written as .xlsx")
    write_xlsform(sheets(), out)
    spec, problems = read_xlsform(out)
    if spec is None:
        raise ProblemsFound(str(out), problems)
    return spec_summary(spec)


def register_form(engine: Engine, path: Path) -> tuple[dict[str, Any], bool]:
    """Register an XLSForm; (summary, whether it was new). The same form twice is a no-op."""
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    spec, problems = read_xlsform(path)
    if spec is None or any(p.severity == "error" for p in problems):
        raise ProblemsFound(path.name, problems)
    with unit_of_work(engine) as session:
        known = store.find_form(session, spec.form_id, spec.version)
        if known is not None:
            if known.definition != spec.to_dict():
                raise ValueError(
                    f"{path.name}: form {spec.form_id} version {spec.version} is already "
                    "registered with other questions or choices; give the changed form a new "
                    "version (settings sheet, 'version' column)")
            return spec_summary(spec), False
        store.add_form(session, spec)
        record(session, ACTOR, "register", "survey_form", f"{spec.form_id}@{spec.version}",
               {"file": path.name})
    return spec_summary(spec), True


def form_spec(engine: Engine, form_id: str, version: str | None = None) -> tuple[int, FormSpec]:
    with unit_of_work(engine) as session:
        form = store.find_form(session, form_id, version)
        if form is None:
            what = f"{form_id} version {version}" if version else form_id
            raise LookupError(f"no registered form {what}: run `opendtm survey register "
                              "FORM.xlsx` first")
        return form.id, FormSpec.from_dict(form.definition)


def import_export(engine: Engine, path: Path, form_id: str, version: str | None = None,
                  step: Step | None = None) -> ImportResult:
    """Load a Kobo/ODK export of a registered form, in one transaction."""
    form_pk, spec = form_spec(engine, form_id, version)
    if step:
        step("reading", 0, 1)
    report = read_export(path, spec)
    result = ImportResult(path.name, spec.form_id, spec.version, read=len(report.submissions),
                          problems=report.problems)
    if not report.ok:
        raise ProblemsFound(path.name, report.problems)
    with unit_of_work(engine) as session:
        known = store.existing_uuids(session, [s.uuid for s in report.submissions])
        fresh = [s for s in report.submissions if s.uuid not in known]
        for s in report.submissions:
            if known.get(s.uuid, form_pk) != form_pk:
                result.problems.append(Problem(
                    "export-uuid-other-form", f"uuid {s.uuid} is stored under another form; "
                    "left as it is", "warning", file=path.name, row=s.row))
        result.unchanged = len(report.submissions) - len(fresh)
        total = len(fresh)

        def rows() -> Iterator[dict[str, Any]]:
            for i, s in enumerate(fresh, start=1):
                if step and i % 2000 == 0:
                    step("storing", i, total)
                yield {"uuid": s.uuid, "submitted_at": s.submitted_at, "answers": s.answers,
                       "personal": s.personal}

        result.added = store.add_submissions(session, form_pk, path.name, rows())
        record(session, ACTOR, "import", "survey_submission", spec.form_id,
               {"file": path.name, "added": result.added, "unchanged": result.unchanged})
    return result


def tabulate_theme(engine: Engine, theme: str, form_id: str | None = None,
                   min_base: int | None = None, rules_dir: Path | None = None,
                   catalogue_path: Path | None = None) -> dict[str, Any]:
    """The figures of one bulletin theme from the stored submissions."""
    catalogue = load_catalogue(catalogue_path)
    catalogue.of_theme(theme)
    rules = load_rules(rules_dir)
    _, spec = form_spec(engine, form_id or catalogue.form_id)
    table = frame(spec, store.answers_of(engine, spec.form_id),
                  questions_needed(catalogue, rules))
    if table.num_rows == 0:
        raise LookupError(f"form {spec.form_id} has no submissions yet: run `opendtm survey "
                          "import`")
    con = ibis.duckdb.connect()
    prepared = prepare(table, catalogue, rules, con)
    return tabulate(table, spec, catalogue, rules, theme, min_base, con, prepared)


def load_demo(engine: Engine, step: Step | None = None) -> ImportResult:
    """Register the shipped form and import the synthetic demo submissions (a Kobo XLSX)."""
    with tempfile.TemporaryDirectory() as tmp:
        form = Path(tmp) / "dtm_returnee_stranded.xlsx"
        write_xlsform(sheets(), form)
        register_form(engine, form)
        _, spec = form_spec(engine, "dtm_returnee_stranded")
        export = Path(tmp) / "dtm_returnee_stranded_kobo_export.xlsx"
        if step:
            step("writing the demo export", 0, 1)
        write_export(spec, submissions(), export)
        return import_export(engine, export, spec.form_id, spec.version, step)
