"""Broken references refuse an import on SQLite, where an import writes with foreign keys
off and checks them itself (``store.references``): on every path, nothing is written.

The break is a region the gazetteer knows but the database has lost (deleted below with
foreign keys off), so only the database can tell the reference is broken.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine

from importing import ADD, counts, row, write_csv
from opendtm.services.importer import ImportOptions, import_file
from opendtm.store import references, schema
from opendtm.store.database import make_engine


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    """A SQLite store holding one partner's record in Osh, and no region KG-C (Chui)."""
    db = tmp_path / "store.db"
    engine = make_engine(f"sqlite:///{db}")
    schema.upgrade(engine)
    first = import_file(engine, write_csv(tmp_path / "first.csv", [row("A1", admin1="Osh")]),
                        ADD)
    assert first.landed
    con = sqlite3.connect(db)
    con.execute("PRAGMA foreign_keys = OFF")
    for table in ("city", "partner_region"):
        con.execute(f"DELETE FROM {table} WHERE admin1_code = 'KG-C'")
    assert con.execute("DELETE FROM admin1 WHERE code = 'KG-C'").rowcount == 1
    con.commit()
    con.close()
    return engine


@pytest.mark.parametrize("path", ["resolved", "staged", "row by row"])
def test_a_broken_reference_refuses_the_file(engine: Engine, tmp_path: Path,
                                             path: str) -> None:
    rows = [row("N1", beneficiary_id="B7", admin1="Chui"),
            row("N2", beneficiary_id="B8", admin1="Osh")]
    if path == "staged":  # a record already in the store: the loader writes the file
        rows.append(row("A1", admin1="Osh", age="31"))
    before = counts(engine)
    report = import_file(engine, write_csv(tmp_path / "next.csv", rows),
                         ImportOptions(row_by_row=path == "row by row"))
    assert report.set_based == (path != "row by row")
    assert not report.landed and report.errors >= 1
    problem = report.problems[0]
    assert (problem.code, problem.column) == ("broken-reference", "admin1_code")
    assert "assistance.admin1_code = 'KG-C' refers to no admin1" in problem.message
    if path == "resolved":  # proved in DuckDB, with the file's row
        assert problem.row == 2
    assert counts(engine) == before
    with engine.connect() as conn:  # the connection is back to checking its keys
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_good_references_land_on_every_path(engine: Engine, tmp_path: Path) -> None:
    rows = [row("N1", beneficiary_id="B7", admin1="Osh")]
    report = import_file(engine, write_csv(tmp_path / "next.csv", rows))
    assert report.landed and report.set_based and report.created == 1
    rows.append(row("A1", admin1="Osh", age="31"))
    report = import_file(engine, write_csv(tmp_path / "again.csv", rows))
    assert report.landed and (report.created, report.updated, report.unchanged) == (0, 1, 1)


def test_a_small_file_into_a_larger_store_keeps_sqlites_own_checks(engine: Engine) -> None:
    """Checking whole tables after the import pays only for a file of at least a quarter
    as many rows as the store has assistance records (here: one)."""
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert references.pays(driver, references.ROW_BYTES)
        assert not references.pays(driver, references.ROW_BYTES - 1)
        conn.rollback()
        with references.foreign_keys_off(conn, references.ROW_BYTES - 1):
            assert references.enforced(conn)
            assert references.check(conn, references.LOADER_TABLES) == []
            conn.rollback()
        with references.foreign_keys_off(conn, references.ROW_BYTES):
            assert not references.enforced(conn)
            conn.rollback()
        assert references.enforced(conn)
