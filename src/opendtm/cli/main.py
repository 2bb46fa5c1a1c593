"""The ``opendtm`` command: thin over the services."""

from __future__ import annotations

import sys

from opendtm.services.bulletin_team import start_early

# the bulletin's languages are laid out by processes that import their libraries while
# this one imports its own (see bulletin_team): started before anything heavy is imported
if __name__ == "__main__" or sys.argv[0].endswith("opendtm"):
    start_early(sys.argv[1:])

import atexit
import json
import os
import threading
from typing import Annotated, Any

import typer
from rich.table import Table

from opendtm import __version__
from opendtm.domain.gazetteer import gazetteer
from opendtm.store import schema
from opendtm.store.database import safe_url, unit_of_work

from .context import console, engine, handled, parse_date, progress_steps, state

app = typer.Typer(
    help="opendtm: register vulnerable migrants and the help they receive, and publish it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        console.print(f"opendtm {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    db: Annotated[
        str | None,
        typer.Option("--db", help="Database URL (default: $OPENDTM_DATABASE_URL or "
                     "sqlite:///opendtm.db).", show_default=False),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    state.db_url = db


@app.command()
def init() -> None:
    """Create the database schema, or upgrade it to this version, and load place names."""
    from opendtm.services import reference

    with handled():
        eng = engine()
        schema.check_ownership(eng)
        before = schema.current_revision(eng)
        schema.upgrade(eng)
        with unit_of_work(eng) as session:
            units, cities = reference.sync_gazetteer(session)
        after = schema.current_revision(eng)
        what = "created" if before is None else ("upgraded" if before != after else "up to date")
        console.print(f"schema {what} at revision {after} in {safe_url(str(eng.url))}; "
                      f"{units} regions and {cities} cities in the gazetteer")


@app.command()
def demo() -> None:
    """Load the demo dataset (calibrated to the 2020-2021 Direct Assistance bulletin)."""
    from opendtm.services.demo import load_demo  # the demo builder only for this command

    with handled():
        eng = engine()
        with progress_steps("demo", prefix="loading ") as step:
            loaded = load_demo(eng, step)
        console.print("demo dataset loaded" if loaded else "demo dataset already loaded")


@app.command()
def stats(
    country: Annotated[
        list[str] | None, typer.Option("--country", "-c", help="Country (ISO3 or name).")
    ] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Key figures per country, with consistency checks."""
    from opendtm.services.stats import key_figures  # Ibis and DuckDB only for this command

    with handled():
        codes = [gazetteer().country(c).iso3 for c in country or []]
        start, end = parse_date(date_from, "--from"), parse_date(date_to, "--to")
        eng = engine()
        schema.require_current(eng)
        data = key_figures(eng, codes or None, start, end)
        missing = [c for c in codes if not data["countries"][c].get("coverage")]
        if missing and not as_json:
            console.print(f"no records for {', '.join(missing)}")
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    _print_tables(data)


def _print_tables(data: dict[str, Any]) -> None:
    table = Table(title="Key figures", show_lines=False)
    cols = ["", "people", "male", "female", "n/r", "ages", "<18", "return", "food", "fam.",
            "consult.", "partners", "regions"]
    for col in cols:
        table.add_column(col, justify="left" if not col else "right")
    for code, block in data["countries"].items():
        ind = block.get("individuals", {})
        ages = (f"{ind['age_min_years']}-{ind['age_max_years']}"
                if ind.get("age_min_years") is not None else "")
        table.add_row(
            code, *(str(ind.get(k, 0)) for k in ("total", "male", "female", "not_recorded")),
            ages, str(ind.get("minors", 0)),
            str(block.get("return", {}).get("total", 0)),
            str(block.get("food_nfi", {}).get("total", 0)),
            str(block.get("families", {}).get("total", 0)),
            str(block.get("consultations", {}).get("total", 0)),
            str(block.get("coverage", {}).get("partners", 0)),
            str(block.get("coverage", {}).get("regions", 0)),
        )
    console.print(table)
    seed = data.get("seed")
    if seed:
        console.print(f"seed bulletin: {seed['matched']} of {seed['figures']} figures reproduced")
        for miss in seed["mismatches"]:
            console.print(f"  [red]differs[/] {miss['key']}: seed {miss['seed']}, "
                          f"database {miss['computed']}")
        for c in seed["contradictions"]:
            console.print(f"  [yellow]contradiction[/] {c['key']}: {c['says']} -> {c['reading']}"
                          f" (database: {c['computed']})", highlight=False)
    for p in data["problems"]:
        colour = "red" if p["severity"] == "error" else "yellow"
        console.print(f"  [{colour}]{p['severity']}[/] {p.get('key', '')}: {p['message']}",
                      highlight=False)


from .survey import app as survey_app  # noqa: E402

app.add_typer(survey_app, name="survey")

from . import audit, users, web  # noqa: E402

web.register(app)
app.add_typer(users.app, name="users")
app.add_typer(audit.app, name="audit")

from .bulletin import bulletin  # noqa: E402

app.command()(bulletin)

from .dedup import dedup  # noqa: E402

app.command()(dedup)

from .importer import import_command  # noqa: E402

app.command("import")(import_command)



def run() -> None:
    """The ``opendtm`` command. Once the command has done its work, the process ends
    without tearing down every module's objects, which takes about a second after a
    bulletin's build (Ibis, sqlglot, SQLAlchemy and DuckDB loaded): the exit handlers run,
    the output is flushed and the database connections closed first. A command that
    leaves a thread of its own running ends the usual way."""
    try:
        app()
        code: object = 0
    except SystemExit as done:
        code = done.code
    if any(t.is_alive() and not t.daemon for t in threading.enumerate()
           if t is not threading.main_thread()):
        raise SystemExit(code)
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for made in list(state.engines):
        made.dispose()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    run()
