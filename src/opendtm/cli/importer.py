"""``opendtm import FILE`` and ``opendtm import template``: thin over services.importer."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .context import console, engine, err, fail, handled, progress_bar

if TYPE_CHECKING:
    from opendtm.services.importer import ImportReport

SHOWN = 20


def import_command(
    file: Annotated[Path, typer.Argument(help="CSV, XLSX or Kobo/ODK JSON file; or the word "
                                         "'template' to write the blank template.")],
    partner: Annotated[str | None, typer.Option(help="Partner, where the file has none.")] = None,
    country: Annotated[str | None, typer.Option(help="Country (ISO3), where the file has "
                                                "none.")] = None,
    mapping: Annotated[Path | None, typer.Option(help="TOML file mapping the file's columns "
                                                 "and values onto the template.")] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet (default: the first).")] = None,
    add_partners: Annotated[bool, typer.Option("--add-partners", help="Register partners "
                                               "the database does not know yet.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and count everything, "
                                          "write nothing.")] = False,
    problems_csv: Annotated[bool, typer.Option("--problems-csv", help="Write the problems to "
                                               "FILE.problems.csv next to the file.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="Template format: csv or xlsx.")] = "csv",
    out: Annotated[Path | None, typer.Option(help="Where to write the template.")] = None,
) -> None:
    """Import assistance records (one transaction per file), or write the template."""
    # the readers (openpyxl, DuckDB, ijson) only for this command
    from opendtm.ingest.template_files import write_template
    from opendtm.services.importer import ImportOptions, import_file

    if str(file) == "template" and not file.exists():
        with handled():
            target = out or Path(f"assistance-template.{fmt}")
            write_template(target, fmt)
        console.print(f"template written to {target}")
        return
    options = ImportOptions(partner=partner, country=country, mapping=mapping, sheet=sheet,
                            add_partners=add_partners, dry_run=dry_run)
    with handled():
        eng = engine()
        with progress_bar("import") as bar:
            task = bar.add_task(f"importing {file.name}", total=None)

            def step(rows: int, done: int, total: int) -> None:
                bar.update(task, completed=done, total=total,
                           description=f"importing {file.name}: {rows:,} rows")

            report = import_file(eng, file, options, step)
        if problems_csv and report.problems:
            _write_problems(report, file.with_name(file.name + ".problems.csv"))
    _print(report)
    if not report.landed and not (dry_run and not report.errors):
        raise typer.Exit(1)


def _print(report: ImportReport) -> None:
    shown = [p for p in report.problems if p.severity == "error"][:SHOWN]
    shown += [p for p in report.problems if p.severity == "warning"][: SHOWN - len(shown)]
    for p in shown:
        colour = "red" if p.severity == "error" else "yellow"
        err.print(f"[{colour}]{p.severity}[/] {p} [{p.code}]", highlight=False, soft_wrap=True)
    hidden = report.errors + report.warnings - len(shown)
    if hidden > 0:
        err.print(f"... and {hidden:,} more problems (--problems-csv writes them all)",
                  highlight=False)
    counts = (f"{report.rows_read:,} rows read: {report.created:,} created, "
              f"{report.updated:,} updated, {report.unchanged:,} unchanged, "
              f"{report.duplicates:,} duplicate")
    if report.landed:
        console.print(f"imported {report.file} (batch {report.batch_id}); {counts}; "
                      f"{report.persons_created:,} persons created, "
                      f"{report.persons_updated:,} updated", highlight=False)
    elif report.dry_run and not report.errors:
        console.print(f"dry run of {report.file}, nothing written; {counts}", highlight=False)
    else:
        fail(f"{report.file} rejected, nothing written: {report.errors:,} errors "
             f"in {report.rows_read:,} rows")


def _write_problems(report: ImportReport, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["file", "row", "column", "code", "severity", "message"])
        for p in report.problems:
            out.writerow([p.file, p.row or "", p.column or "", p.code, p.severity, p.message])
    console.print(f"problems written to {path}")
