"""Import a file of assistance records: one transaction per file, all or nothing.

Shared by the command line and the web: ``import_file(..., dry_run=True)`` is the preview
(the whole import runs and is rolled back, so its report is exactly what a real import
would do); the report is a plain dict for JSON and HTML alike.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from opendtm.domain.problems import Problem
from opendtm.ingest import vectorised
from opendtm.ingest.checks import RowChecker
from opendtm.ingest.mapping import Mapping, MappingError, load_mapping, plan
from opendtm.ingest.readers import ReadError, Table, open_table
from opendtm.store import references, resolved
from opendtm.store.loader import Loader
from opendtm.store.models import City, ImportBatch
from opendtm.store.partners import PartnerDirectory
from opendtm.store.schema import require_current
from opendtm.store.staging import BATCH
from opendtm.timing import timed

from .audit import record
from .reference import sync_gazetteer

log = logging.getLogger(__name__)
# (rows read, bytes read, bytes in the file)
Progress = Callable[[int, int, int], None]
MAX_PROBLEMS = 10_000
PROGRESS_EVERY = 5_000
READ = 0.6  # the part of the progress bar a set-based reading takes before staging


@dataclass
class ImportOptions:
    partner: str | None = None
    country: str | None = None
    mapping: Path | None = None
    sheet: str | None = None
    add_partners: bool = False
    dry_run: bool = False
    actor: str = "cli"
    remote_addr: str | None = None
    name: str | None = None  # the file's name as the user knows it (web uploads)
    row_by_row: bool = False  # skip the set-based reading (same result, slower)


@dataclass
class ImportReport:
    file: str
    shape: str | None = None
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    families_created: int = 0
    vulnerabilities_removed: int = 0  # findings a corrected file no longer carries
    partners_added: list[str] = field(default_factory=list)
    landed: bool = False
    dry_run: bool = False
    set_based: bool = False  # read and checked whole by DuckDB (see ingest.vectorised)
    batch_id: int | None = None
    problems: list[Problem] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)  # problems by severity

    @property
    def errors(self) -> int:
        return self.counts["error"]

    @property
    def warnings(self) -> int:
        return self.counts["warning"]

    def add(self, problems: Problem | list[Problem]) -> None:
        for p in problems if isinstance(problems, list) else [problems]:
            self.counts[p.severity] += 1
            if len(self.problems) < MAX_PROBLEMS:
                self.problems.append(p)

    def to_dict(self) -> dict[str, Any]:
        keys = ("file", "shape", "rows_read", "created", "updated", "unchanged", "duplicates",
                "persons_created", "persons_updated", "families_created",
                "vulnerabilities_removed", "partners_added",
                "landed", "dry_run", "batch_id", "errors", "warnings")
        out = {k: getattr(self, k) for k in keys}
        out["problems"] = [p.to_dict() for p in self.problems]
        out["problems_shown"] = len(self.problems)
        return out


def import_file(engine: Engine, path: Path, options: ImportOptions | None = None,
                progress: Progress | None = None) -> ImportReport:
    """Check and load one file. Nothing is written unless every row is good; a dry run
    does everything and rolls back."""
    opts = options or ImportOptions()
    report = ImportReport(file=opts.name or path.name, dry_run=opts.dry_run)
    require_current(engine)
    try:
        mapping = load_mapping(opts.mapping) if opts.mapping else Mapping()
        table = open_table(path, opts.sheet, report.file)
    except MappingError as exc:
        report.add(Problem("mapping", str(exc), file=report.file))
        return report
    except ReadError as exc:
        report.add(exc.problem)
        return report
    report.shape = table.shape
    column_plan, problems = plan(table, mapping, {"partner": opts.partner or "",
                                                  "country": opts.country or ""})
    report.add(problems)
    if report.errors:
        table.close()
        return report
    checked: vectorised.Checked | None = None
    with engine.connect() as conn, references.foreign_keys_off(conn, table.size):
        trans = conn.begin()
        try:
            session = Session(bind=conn)
            written = list[str]()  # the tables to check for broken references
            if session.scalar(select(City.id).limit(1)) is None:
                sync_gazetteer(session)
                written.append("city")
            partners = PartnerDirectory(session, add=opts.add_partners)
            city_ids = {(c.country, c.name_en): c.id for c in session.scalars(select(City))}
            checker = RowChecker(report.file, partners, city_ids)
            loader = Loader(conn)
            checked = None if opts.row_by_row else vectorised.read(
                path, table, column_plan, checker, loader.known_of, _reading(table, progress))
            direct = None
            if checked is None:
                _read(table, column_plan.apply, checker, loader, report, progress)
            else:
                report.set_based = True
                _counted(checked, report)
                direct = resolved.resolve(loader, checked,
                                          _writing(report, table.size, progress))
                if direct is None:
                    _stage_checked(checked, loader, report, table.size, progress)
                else:
                    _broken(report, direct.broken())
                    checked.release()
            loader.flush()
            for record_id, row, first in loader.conflicts():
                report.add(Problem("conflicting-record", f"record_id {record_id!r} is also on "
                                   f"row {first} with different content", file=report.file,
                                   row=row, column="record_id"))
            report.partners_added = partners.added
            if report.errors:
                trans.rollback()
                return report
            if partners.added:
                written.append("partner")
            if direct is None and loader.staged():
                written += references.LOADER_TABLES
            _land(session, direct or loader, loader, report, path, opts)
            _broken(report, references.check(conn, written))
            if report.errors:
                trans.rollback()
                return report
            if direct is not None and progress:
                progress(report.rows_read, table.size, table.size)
            loader.close()
            session.close()
            if opts.dry_run:
                trans.rollback()
            else:
                with timed(log, "commit"):
                    trans.commit()
                report.landed = True
        except BaseException:
            trans.rollback()
            raise
        finally:
            table.close()
            if checked is not None:
                checked.close()
    return report


def _broken(report: ImportReport, broken: list[references.Broken]) -> None:
    """Refuse the file when what it writes would refer to a row the store lacks."""
    report.add([Problem("broken-reference", b.message(), file=report.file, row=b.row,
                        column=b.column) for b in broken])


def _read(table: Table, apply: Callable[[list[str]], list[str]], checker: RowChecker,
          loader: Loader, report: ImportReport, progress: Progress | None) -> None:
    first_seen: dict[int, int] = {}
    try:
        for row_no, raw in table.rows():
            report.rows_read += 1
            if progress and report.rows_read % PROGRESS_EVERY == 0:
                progress(report.rows_read, table.position(), table.size)
            cells = apply(raw)
            ident = checker.identify(row_no, cells)
            if isinstance(ident, list):
                report.add(ident)
                continue
            partner_id, record_id, digest = ident
            first = first_seen.setdefault(digest, row_no)
            if first != row_no:
                report.duplicates += 1
                report.add(Problem("duplicate-row", f"same as row {first}; loaded once",
                                   "warning", report.file, row_no, "record_id"))
                continue
            loader.seen(row_no, partner_id, record_id, digest)
            if digest in loader.known(partner_id):
                report.unchanged += 1
                continue
            checked = checker.check(row_no, cells, ident)
            if isinstance(checked, list):
                report.add(checked)
            else:
                loader.stage(checked)
    except ReadError as exc:
        report.add(exc.problem)
    if not report.rows_read and not report.errors:
        report.add(Problem("no-rows", "the file has a header but no data rows", "warning",
                           report.file))
    if progress:
        progress(report.rows_read, table.size, table.size)


def _reading(table: Table, progress: Progress | None) -> Callable[[int, float], None]:
    """The set-based reading's progress (rows, fraction read) on the file's bar."""
    def step(rows: int, done: float) -> None:
        if progress:
            progress(rows, int(table.size * done * READ), table.size)

    return step


def _counted(checked: vectorised.Checked, report: ImportReport) -> None:
    """The counts and the repeated rows the set-based reading found."""
    report.rows_read, report.unchanged = checked.rows_read, checked.unchanged
    for row_no, first in checked.duplicates:
        report.duplicates += 1
        report.add(Problem("duplicate-row", f"same as row {first}; loaded once",
                           "warning", report.file, row_no, "record_id"))


def _writing(report: ImportReport, size: int,
             progress: Progress | None) -> Callable[[float], None]:
    """Progress of the rows written or staged after the set-based reading: reading took
    the first part of the bar, writing takes the rest."""
    def step(done: float) -> None:
        if progress:
            progress(report.rows_read, int(size * (READ + (1 - READ) * done)), size)

    return step


def _stage_checked(checked: vectorised.Checked, loader: Loader, report: ImportReport,
                   size: int, progress: Progress | None) -> None:
    """Stage what the set-based reading left to write (see ``ingest.vectorised``)."""
    step, done = _writing(report, size, progress), 0
    for batch in checked.batches(BATCH):
        loader.stage_many(batch)
        done += len(batch)
        step(done / max(checked.staged, 1))
    step(1.0)


def _land(session: Session, writer: Loader | resolved.Resolved, loader: Loader,
          report: ImportReport, path: Path, opts: ImportOptions) -> None:
    conn = loader.conn
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            sha.update(chunk)
    options = {"partner": opts.partner, "country": opts.country, "sheet": opts.sheet,
               "mapping": opts.mapping.name if opts.mapping else None,
               "add_partners": opts.add_partners}
    batch_id = conn.execute(insert(ImportBatch).values(
        file_name=report.file[:255], file_sha256=sha.hexdigest(), file_size=path.stat().st_size,
        shape=report.shape or "", actor=opts.actor, options=options,
    ).returning(ImportBatch.id)).scalar_one()  # fmt: skip
    counts = writer.apply(batch_id)
    for key, value in counts.items():
        setattr(report, key, value)
    conn.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(
        rows_read=report.rows_read, created=report.created, updated=report.updated,
        unchanged=report.unchanged, duplicates=report.duplicates))  # fmt: skip
    report.batch_id = batch_id
    record(session, opts.actor, "import", "import_batch", str(batch_id), {
        "file": report.file, "sha256": sha.hexdigest(), "rows_read": report.rows_read,
        "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
        "duplicates": report.duplicates, "partners_added": report.partners_added,
        "changes_sha256": writer.changes_sha256(batch_id),
        "vulnerabilities_removed": report.vulnerabilities_removed,
        "vulnerabilities_removed_rows": sorted({row for row, _ in loader.dropped})[:1000],
    }, opts.remote_addr)  # fmt: skip
    session.flush()
