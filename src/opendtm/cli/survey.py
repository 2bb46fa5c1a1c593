"""``opendtm survey ...``: the DTM survey form, its registration, imports and figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import Engine

from opendtm.domain.problems import Problem
from opendtm.store import schema

from .context import console, engine, err, fail, handled, progress_steps

app = typer.Typer(help="DTM surveys: the XLSForm, Kobo/ODK imports, bulletin figures.",
                  no_args_is_help=True)


def _show(problems: list[Problem], limit: int = 20) -> None:
    for p in problems[:limit]:
        colour = "red" if p.severity == "error" else "yellow"
        err.print(f"[{colour}]{p.severity}[/] {p}", highlight=False, soft_wrap=True)
    if len(problems) > limit:
        err.print(f"... and {len(problems) - limit} more", highlight=False)


def _ready() -> Engine:
    eng = engine()
    schema.require_current(eng)
    return eng


@app.command()
def form(out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the .xlsx.")]
         ) -> None:
    """Write the shipped questionnaire (English and Russian) as an XLSForm."""
    from opendtm.services import survey as service

    with handled():
        try:
            summary = service.write_form(out)
        except service.ProblemsFound as exc:
            _show(exc.problems)
            fail(str(exc))
    console.print(f"wrote {out}: form {summary['form_id']} version {summary['version']}, "
                  f"{summary['questions']} questions, languages {', '.join(summary['languages'])}")


@app.command()
def register(path: Annotated[Path, typer.Argument(help="An XLSForm (.xlsx).")]) -> None:
    """Register an XLSForm so that its exports can be imported."""
    from opendtm.services import survey as service

    with handled():
        try:
            summary, new = service.register_form(_ready(), path)
        except service.ProblemsFound as exc:
            _show(exc.problems)
            fail(str(exc))
    what = "registered" if new else "already registered"
    console.print(f"{what}: form {summary['form_id']} version {summary['version']} "
                  f"({summary['questions']} questions, {summary['choice_lists']} choice lists, "
                  f"repeats: {', '.join(summary['repeats']) or 'none'}; personal, kept apart: "
                  f"{', '.join(summary['personal']) or 'none'})")


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="Kobo/ODK export: .xlsx, .csv or .json.")],
    form_id: Annotated[str, typer.Option("--form", help="The registered form id.")],
    version: Annotated[str | None, typer.Option(help="Form version (default: latest).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable report.")] = False,
) -> None:
    """Import a Kobo or ODK export of a registered form (re-importing changes nothing)."""
    from opendtm.services import survey as service

    with handled():
        eng = _ready()
        with progress_steps("reading") as step:
            try:
                result = service.import_export(eng, path, form_id, version, step)
            except service.ProblemsFound as exc:
                if as_json:
                    typer.echo(json.dumps({"file": path.name, "problems": [
                        p.to_dict() for p in exc.problems]}, ensure_ascii=False, indent=2))
                else:
                    _show(exc.problems)
                fail(str(exc))
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    _show(result.problems)
    console.print(f"{result.file}: {result.read} submissions read, {result.added} added, "
                  f"{result.unchanged} already there")


@app.command()
def tabulate(
    theme: Annotated[str, typer.Option(help="profile, trajectory, remittances, employment "
                                            "or covid.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write figures.json here.")
                   ] = None,
    form_id: Annotated[str | None, typer.Option("--form", help="Form id (default: the "
                                                "catalogue's).")] = None,
    min_base: Annotated[int | None, typer.Option(help="Hide percentages on fewer "
                                                 "respondents (default 30).")] = None,
    rules: Annotated[Path | None, typer.Option(help="Folder of glossary rule files.")] = None,
    catalogue: Annotated[Path | None, typer.Option(help="Indicator catalogue (TOML).")] = None,
) -> None:
    """Compute the figures of one bulletin theme from the imported submissions."""
    from opendtm.services import survey as service

    with handled():
        figures = service.tabulate_theme(_ready(), theme, form_id, min_base, rules, catalogue)
        text = json.dumps(figures, ensure_ascii=False, indent=2, default=str)
        if out is None:
            typer.echo(text)
            return
        out.write_text(text, encoding="utf-8")
    table = Table(title=f"{figures['title']['en']}: sample")
    for col in ("country", "class", "n"):
        table.add_column(col, justify="right" if col == "n" else "left")
    for row in figures["sample"]:
        if set(row["by"]) == {"country", "class"}:
            table.add_row(row["by"]["country"], row["by"]["class"], str(row["n"]))
    console.print(table)
    console.print(f"wrote {out}: {len(figures['indicators'])} indicators")


@app.command()
def demo() -> None:
    """Register the shipped form and import the synthetic demo submissions."""
    from opendtm.services import survey as service

    with handled():
        eng = _ready()
        with progress_steps("demo") as step:
            result = service.load_demo(eng, step)
    console.print(f"survey demo: {result.read} submissions, {result.added} added, "
                  f"{result.unchanged} already there")
