"""Reads audited with the commit: the entry is written when its transaction commits, in
that transaction (on PostgreSQL with the COMMIT, in one round trip), after the entries
written before; a transaction rolled back writes none. Runs on SQLite and PostgreSQL, with
the statements on the driver and through SQLAlchemy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from opendtm.services import audit
from opendtm.services.audit import append_at_commit, record, verify
from opendtm.store import driver, schema
from opendtm.store.database import make_engine
from opendtm.store.models import AuditEntry


@pytest.fixture(params=[True, False], ids=["driver", "sqlalchemy"])
def engine(db_url: str, request: pytest.FixtureRequest,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setattr(driver, "DIRECT", request.param)
    eng = make_engine(db_url)
    schema.upgrade(eng)
    yield eng
    eng.dispose()


def _entries(engine: Engine) -> list[tuple[str, str, str | None, dict | None]]:
    with engine.connect() as conn:
        return [(r.actor, r.action, r.entity_id, r.detail) for r in conn.execute(
            select(AuditEntry).order_by(AuditEntry.id))]


def test_entries_land_with_the_commit_after_those_written_before(engine: Engine) -> None:
    with Session(engine) as s:
        append_at_commit(s, "ann", "list", "person", None, {"ids": [1, 2], "q": "Айгуль"})
        record(s, "ann", "update", "person", "7")
        append_at_commit(s, "ann", "read", "person", "7")
        assert _entries(engine) == []  # nothing committed yet
        audit.commit(s)
    assert _entries(engine) == [
        ("ann", "update", "7", None),
        ("ann", "list", None, {"ids": [1, 2], "q": "Айгуль"}),
        ("ann", "read", "7", None)]
    with Session(engine) as s:
        assert verify(s) == (3, [])


def test_a_plain_commit_writes_them_too(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        append_at_commit(s, "bob", "read", "person", "3")
    assert _entries(engine) == [("bob", "read", "3", None)]


def test_the_only_statement_of_its_transaction(engine: Engine) -> None:
    with Session(engine) as s:
        append_at_commit(s, "bob", "read", "person", "4")
        audit.commit(s)
        append_at_commit(s, "bob", "read", "person", "5")
        audit.commit(s)  # the session goes on: a second transaction, a second entry
    assert [e[2] for e in _entries(engine)] == ["4", "5"]
    with Session(engine) as s:
        assert verify(s) == (2, [])


def test_a_rolled_back_or_abandoned_transaction_writes_none(engine: Engine) -> None:
    with Session(engine) as s:
        append_at_commit(s, "eve", "read", "person", "1")
        s.rollback()
        audit.commit(s)
        append_at_commit(s, "eve", "read", "person", "2")
        s.close()  # closed without a commit: the entry goes with its transaction
        s.commit()
    assert _entries(engine) == []
