"""Create, upgrade and downgrade the schema with Alembic, and refuse foreign databases."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from .database import DatabaseError, check_reachable, safe_url, table_names

VERSION_TABLE = "alembic_version"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(files("opendtm.store") / "migrations"))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_ownership(engine: Engine) -> None:
    """Refuse a database that holds tables of another application."""
    check_reachable(engine)
    tables = table_names(engine)
    if not tables or tables == {VERSION_TABLE}:  # empty, or downgraded to base
        return
    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
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
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, direction)(cfg, revision)
