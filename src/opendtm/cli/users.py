"""``opendtm users``: create users and API tokens."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from opendtm.domain.taxonomy import Role
from opendtm.services import users as service
from opendtm.store import schema
from opendtm.store.database import unit_of_work

from .context import console, engine, fail, handled

app = typer.Typer(help="Users of the web application and the API.", no_args_is_help=True)


def _password() -> str:
    """From a hidden prompt (asked twice) on a terminal, else the first line of stdin."""
    if sys.stdin.isatty():
        value: str = typer.prompt("password", hide_input=True, confirmation_prompt=True)
        return value
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        fail("give the password on standard input (one line) or run in a terminal")
    return line


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="User name to sign in with.")],
    role: Annotated[Role, typer.Option(help="What the user may do (see docs/web.md).")],
    partner: Annotated[str | None, typer.Option(help="Partner of a caseworker.")] = None,
    country: Annotated[str | None, typer.Option(help="Country of an officer.")] = None,
) -> None:
    """Create a user; the password is read from a prompt or standard input, never an
    argument."""
    with handled():
        eng = engine()
        schema.require_current(eng)
        password = _password()
        with unit_of_work(eng) as session:
            user = service.add_user(session, name, role, password, partner, country)
            where = user.partner.name if user.partner else (
                user.operation.country if user.operation else "all countries")
        console.print(f"user {name} added: {role.value}, {where}")


@app.command("token")
def token(name: Annotated[str, typer.Argument(help="User the token acts for.")]) -> None:
    """Print a new API token for the user (only its hash is kept: store it now)."""
    with handled():
        eng = engine()
        schema.require_current(eng)
        with unit_of_work(eng) as session:
            value = service.new_token(session, name)
    typer.echo(value)


@app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="User whose tokens end.")]) -> None:
    """Revoke every API token of the user (a running server refuses them within seconds)."""
    with handled():
        eng = engine()
        schema.require_current(eng)
        with unit_of_work(eng) as session:
            count = service.revoke_tokens(session, name)
    console.print(f"{count} token(s) of {name} revoked")
