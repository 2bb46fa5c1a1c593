"""``opendtm audit``: check the audit log's hash chain."""

from __future__ import annotations

import typer

from opendtm.services.audit import verify as verify_chain
from opendtm.store import schema
from opendtm.store.database import unit_of_work

from .context import console, engine, err, handled

app = typer.Typer(help="The append-only audit log.", no_args_is_help=True)


@app.command("verify")
def verify() -> None:
    """Recompute the hash chain; name every entry changed, removed or inserted."""
    with handled():
        eng = engine()
        schema.require_current(eng)
        with unit_of_work(eng) as session:
            checked, problems = verify_chain(session)
    for problem in problems:
        err.print(f"[bold red]tampered:[/] {problem}", highlight=False, soft_wrap=True)
    if problems:
        raise typer.Exit(1)
    console.print(f"audit log intact: {checked} entries checked")
