"""Real databases for the tests: SQLite always, PostgreSQL when a server is configured.

Set OPENDTM_TEST_POSTGRES_URL to a URL of a role that may create databases; each test that
asks for ``db_url`` gets a fresh database of its own on each engine. In CI (CI=true) a
missing PostgreSQL is an error, never a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

PG_ENV = "OPENDTM_TEST_POSTGRES_URL"


def postgres_admin_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if not url and os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        raise RuntimeError(f"{PG_ENV} must be set in CI so that PostgreSQL tests run")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'opendtm.db'}"
        return
    yield from _fresh_postgres()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'opendtm.db'}"
        return
    yield from _fresh_postgres()


def _fresh_postgres() -> Iterator[str]:
    admin = postgres_admin_url()
    if not admin:
        pytest.skip(f"PostgreSQL not configured ({PG_ENV})")
    name = f"opendtm_test_{uuid.uuid4().hex[:10]}"
    admin_engine: Engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()
