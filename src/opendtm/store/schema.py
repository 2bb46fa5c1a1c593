"""Create, upgrade and downgrade the schema with Alembic, and refuse foreign databases.

Checking a database's revision does not import Alembic (half a second of every command's
start): the revisions shipped, and the one no other follows, are read from the lines of the
migrations' files that state them (a test holds this to Alembic's own reading), and the
database's revision from its version table.
"""

from __future__ import annotations

import re
from importlib.resources import files
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from .database import DatabaseError, check_reachable, safe_url, table_names

if TYPE_CHECKING:
    from alembic.config import Config

VERSION_TABLE = "alembic_version"
_STATED = re.compile(r'^(revision|down_revision): [^=]+= ("\w+"|None)$', re.MULTILINE)


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(files("opendtm.store") / "migrations"))
    return cfg


def _chain() -> dict[str, str | None]:
    """Each migration shipped: its revision and the revision it follows, as its file
    states them."""
    chain: dict[str, str | None] = {}
    for path in (files("opendtm.store") / "migrations" / "versions").iterdir():
        if path.name.endswith(".py") and path.name[:1].isdigit():
            found = dict(_STATED.findall(path.read_text(encoding="utf-8")))
            down = found["down_revision"]
            chain[found["revision"].strip('"')] = None if down == "None" else down.strip('"')
    return chain


def known_revisions() -> set[str]:
    return set(_chain())


def head_revision() -> str:
    """The one revision no other follows."""
    chain = _chain()
    heads = set(chain) - set(chain.values())
    if len(heads) != 1:
        raise DatabaseError(f"the migrations shipped have {len(heads)} heads, not one")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(rows) > 1:
        raise DatabaseError(f"{safe_url(str(engine.url))} is at several schema revisions "
                            f"({', '.join(sorted(rows))}), not one")
    return rows[0] if rows else None


def check_ownership(engine: Engine) -> None:
    """Refuse a database that holds tables of another application."""
    check_reachable(engine)
    tables = table_names(engine)
    if not tables or tables == {VERSION_TABLE}:  # empty, or downgraded to base
        return
    known = set(known_revisions())
    rev = current_revision(engine) if VERSION_TABLE in tables else None
    if rev is None or rev not in known:
        sample = ", ".join(sorted(tables - {VERSION_TABLE})[:5]) or VERSION_TABLE
        raise DatabaseError(
            f"{safe_url(str(engine.url))} holds another application's tables ({sample}); "
            "point opendtm at an empty database or its own"
        )


def upgrade(engine: Engine, revision: str = "head") -> None:
    check_ownership(engine)
    _run(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    check_ownership(engine)
    _run(engine, "downgrade", revision)


def require_current(engine: Engine) -> None:
    """Make sure the schema exists and is at the latest revision before using it."""
    check_ownership(engine)
    rev = current_revision(engine)
    if rev is None:
        raise DatabaseError(
            f"{safe_url(str(engine.url))} has no opendtm schema yet: run `opendtm init`"
        )
    if rev != head_revision():
        raise DatabaseError(
            f"{safe_url(str(engine.url))} is at schema {rev}, not {head_revision()}: "
            "run `opendtm init` to upgrade"
        )


def _run(engine: Engine, direction: str, revision: str) -> None:
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, direction)(cfg, revision)
