"""A load large enough to take the bulk path (indexes and keys set aside, then rebuilt)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from importing import ADD, counts, row, write_csv
from opendtm.services.importer import ImportOptions, import_file
from opendtm.store import bulk, schema
from opendtm.store.bulk import REBUILD_AT
from opendtm.store.database import make_engine
from opendtm.store.models import Assistance


def _indexes(engine: object) -> set[str]:
    """Indexes and foreign keys of the tables a large load sets aside for a while."""
    found = set()
    for table in ("assistance", "import_change", "person", "case_file"):
        found |= {str(i["name"]) for i in inspect(engine).get_indexes(table)}
        found |= {str(k["name"]) for k in inspect(engine).get_foreign_keys(table)}
    return found


def test_large_load_keeps_every_index_and_stays_idempotent(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    schema.upgrade(engine)
    before = _indexes(engine)
    assert {str(i.name) for i in Assistance.metadata.tables["assistance"].indexes} <= before
    assert "fk_import_change_assistance_id_assistance" in before
    n = REBUILD_AT + 500
    path = write_csv(tmp_path / "bulk.csv", [
        row(f"R{k}", beneficiary_id=f"B{k % 7000}", vulnerabilities="vot" if k % 9 == 0 else "")
        for k in range(n)])  # fmt: skip
    report = import_file(engine, path, ImportOptions(add_partners=True))
    assert report.landed and report.errors == 0 and report.created == n
    assert _indexes(engine) == before
    first = counts(engine)
    assert first["assistance"] == n and first["person"] == 7000
    again = import_file(engine, path, ImportOptions(add_partners=True))
    assert again.landed and again.unchanged == n and again.created == 0
    after = counts(engine)
    assert {k: v for k, v in after.items() if k not in ("import_batch", "audit_log")} == {
        k: v for k, v in first.items() if k not in ("import_batch", "audit_log")}


def test_large_load_still_refuses_a_row_that_breaks_a_check(db_url: str, tmp_path: Path) -> None:
    """SQLite checks a large load's CHECK constraints after the insert, not during it: a
    bad row among many is still refused, and checks are enforced again afterwards."""
    engine = make_engine(db_url)
    schema.upgrade(engine)
    small = import_file(engine, write_csv(tmp_path / "one.csv", [row("R1")]), ADD)
    assert small.landed
    n = REBUILD_AT + 10
    cases = ("INSERT INTO case_file (partner_id, person_id, kind, status, opened_on) "
             "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < :n) "
             "SELECT p.partner_id, p.id, 'general', CASE WHEN k.i = :bad THEN 'lost' ELSE "
             "'open' END, p.registered_on FROM k CROSS JOIN person p")
    # pysqlite opens its transaction at the first write, as an import's staging does.
    opening = text("DELETE FROM case_file WHERE id < 0")
    with engine.connect() as conn:
        with pytest.raises(IntegrityError, match="case_status"), conn.begin():
            conn.execute(opening)
            with bulk.loading(conn, "case_file", n):
                conn.execute(text(cases), {"n": n, "bad": n - 3})
        with conn.begin():
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA ignore_check_constraints").scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM case_file")).scalar() == 1
            conn.execute(opening)
            with bulk.loading(conn, "case_file", n):
                conn.execute(text(cases), {"n": n, "bad": 0})
            assert conn.execute(text("SELECT count(*) FROM case_file")).scalar() == n + 1
            with pytest.raises(IntegrityError, match="case_status"):
                conn.execute(text(cases), {"n": 1, "bad": 1})


def test_large_load_checks_a_table_keyed_without_an_id(
        db_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """``screening_finding`` has no ``id``: its new rows are found by their rowid on SQLite,
    and a bad code among many is still refused."""
    caplog.set_level(logging.DEBUG, logger="opendtm.store.bulk")
    engine = make_engine(db_url)
    schema.upgrade(engine)
    assert import_file(engine, write_csv(tmp_path / "one.csv", [row("R1")]), ADD).landed
    n = REBUILD_AT + 10
    screenings = ("INSERT INTO screening (person_id, case_id, screened_on) WITH RECURSIVE "
                  "k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < :n) SELECT "
                  "c.person_id, c.id, c.opened_on FROM k CROSS JOIN case_file c")
    found = ("INSERT INTO screening_finding (screening_id, vulnerability) SELECT id, CASE WHEN "
             "id = :bad THEN 'nope' ELSE 'vot' END FROM screening")
    with engine.connect() as conn:
        with pytest.raises(IntegrityError, match="vulnerability"), conn.begin():
            conn.execute(text(screenings), {"n": n})
            with bulk.loading(conn, "screening_finding", n):
                conn.execute(text(found), {"bad": n - 3})
        with conn.begin():
            assert conn.execute(text("SELECT count(*) FROM screening")).scalar() == 0
            conn.execute(text(screenings), {"n": n})
            with bulk.loading(conn, "screening_finding", n):
                conn.execute(text(found), {"bad": 0})
            assert conn.execute(text("SELECT count(*) FROM screening_finding")).scalar() == n
    if engine.dialect.name == "sqlite":  # checked once after the load, not row by row
        assert "screening_finding: CHECK constraints" in caplog.text
