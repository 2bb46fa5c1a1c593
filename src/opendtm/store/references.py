"""The references an import writes into SQLite, checked once per table, not row by row.

SQLite checks each foreign key of each row it writes (an index look-up per key and row),
which costs a first import of a million rows a fifth to a third of its writing. So an
import into SQLite runs with ``PRAGMA foreign_keys`` off on its own connection (set before
its transaction begins, the only moment SQLite accepts it, and set on again once the
transaction is over) and checks its references itself before the commit:

- the rows resolved in DuckDB (``store.resolved``) are proved before anything of them is
  written: one anti-join per table against the ids read from the store inside the
  import's transaction (SQLite's write lock held) and the ids just given (see
  ``Resolved.broken``);
- the rows the loader writes, and the partners and gazetteer an import registers, by
  ``PRAGMA foreign_key_check`` of each table written.

A file small beside the store (fewer rows than a quarter of its assistance records) keeps
SQLite's own checks: checking whole tables after it would cost more than checking its rows
(the rows resolved in DuckDB are still proved first; a broken reference among the loader's
rows is then refused by the database, and the import rolled back). Otherwise a broken
reference refuses the file with a problem that names it. Either way nothing is written.
PostgreSQL keeps its foreign keys (``store.bulk`` sets them aside for large loads).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb
from sqlalchemy import Connection

# The tables the loader writes, referring tables after the tables they refer to.
LOADER_TABLES = ("family", "person", "person_identity", "case_file", "screening",
                 "screening_finding", "referral", "assistance", "import_change")  # fmt: skip
SHOWN = 20  # broken references reported at most
ROW_BYTES = 100  # a file's row, at least (a million template rows: 152 MB)


@dataclass(frozen=True)
class Broken:
    """A row of ``table`` whose ``column`` names no row of ``parent``."""

    table: str
    column: str
    value: object
    parent: str
    row: int | None = None  # the file's row, where known

    def message(self) -> str:
        return (f"{self.table}.{self.column} = {self.value!r} refers to no {self.parent} "
                "in the database; nothing was written")


def pays(driver: Any, file_bytes: int) -> bool:
    """Whether a file of ``file_bytes`` is worth writing with foreign keys off. The checks
    after it read every row of the tables the loader wrote, where SQLite checks only the
    rows written: a small file into a large store (a month's corrections) keeps SQLite's
    checks. Off for a file of at least a quarter as many rows as the store has assistance
    records (a row taken as ``ROW_BYTES``, fewer than it is)."""
    (records,) = driver.execute("SELECT coalesce(max(id), 0) FROM assistance").fetchone()
    return file_bytes // ROW_BYTES * 4 >= int(records)


@contextmanager
def foreign_keys_off(conn: Connection, file_bytes: int) -> Iterator[None]:
    """SQLite: foreign keys off on ``conn`` for the block, which must hold the whole
    transaction (SQLite ignores the pragma inside one), when that pays (:func:`pays`).
    Elsewhere, or when it does not pay: nothing (and :func:`check` finds nothing to do)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    driver = conn.connection.driver_connection
    assert driver is not None and not driver.in_transaction
    if not pays(driver, file_bytes):
        yield
        return
    driver.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        if driver.in_transaction:  # an error before the rollback: leave no open write
            driver.rollback()
        driver.execute("PRAGMA foreign_keys = ON")


def enforced(conn: Connection) -> bool:
    """Whether SQLite checks foreign keys row by row on ``conn`` (always on PostgreSQL)."""
    if conn.dialect.name != "sqlite":
        return True
    return bool(conn.exec_driver_sql("PRAGMA foreign_keys").scalar())


def check(conn: Connection, tables: Sequence[str]) -> list[Broken]:
    """SQLite: the rows of ``tables`` whose foreign keys name no row (at most ``SHOWN``);
    nothing to check when SQLite checked them itself."""
    if enforced(conn):
        return []
    found: list[Broken] = []
    for table in tables:
        keys = {int(k[0]): (str(k[2]), str(k[3])) for k in conn.exec_driver_sql(
            f"PRAGMA foreign_key_list({table})").fetchall()}
        for _, rowid, parent, fkid in conn.exec_driver_sql(
                f"PRAGMA foreign_key_check({table})").fetchall():
            column = keys[int(fkid)][1]
            value = None if rowid is None else conn.exec_driver_sql(
                f"SELECT {column} FROM {table} WHERE rowid = ?", (rowid,)).scalar()
            found.append(Broken(table, column, value, str(parent)))
            if len(found) >= SHOWN:
                return found
    return found


def _sets(base_person: int) -> dict[str, str]:
    """The ids a resolved row may name, by parent table: read from the store (``sp``,
    ``sf``, ``ocp``, ``ocf``, ``spt``, ``sad``, ``sct``) or just given (``ip``, ``nf``,
    ``nc``); see ``store.resolved``."""
    return {
        "partner": "SELECT id FROM spt",
        "person": f"SELECT id FROM sp UNION ALL SELECT id FROM ip WHERE id > {base_person}",
        "family": "SELECT id FROM sf UNION ALL SELECT id FROM nf",
        "case_file": "SELECT id FROM ocp UNION ALL SELECT id FROM ocf UNION ALL "
                     "SELECT id FROM nc",
        "admin1": "SELECT code AS id FROM sad",
        "city": "SELECT id FROM sct",
    }


# (table written, its rows in DuckDB, their row in the file, column, parent)
_RESOLVED = (
    ("family", "nf", "NULL", "partner_id", "partner"),
    ("person", "ip WHERE id > {base}", "NULL", "partner_id", "partner"),
    ("person", "ip WHERE id > {base}", "NULL", "family_id", "family"),
    ("case_file", "nc", "NULL", "partner_id", "partner"),
    ("case_file", "nc", "NULL", "person_id", "person"),
    ("case_file", "nc", "NULL", "family_id", "family"),
    ("assistance", "a", "row_no", "partner_id", "partner"),
    ("assistance", "a", "row_no", "case_id", "case_file"),
    ("assistance", "a", "row_no", "person_id", "person"),
    ("assistance", "a", "row_no", "family_id", "family"),
    ("assistance", "a", "row_no", "admin1_code", "admin1"),
    ("assistance", "a", "row_no", "city_id", "city"),
)  # fmt: skip


def resolved(con: duckdb.DuckDBPyConnection, base_person: int) -> list[Broken]:
    """The references of the rows ``store.resolved`` is about to write that name no row
    (at most ``SHOWN``): one anti-join per table and key. The screenings, referrals and import
    changes it writes take their keys from the same rows of ``a``."""
    sets, found = _sets(base_person), list[Broken]()
    for table, rows, row, column, parent in _RESOLVED:
        source = rows.format(base=base_person)
        where = " AND " if " WHERE " in source else " WHERE "
        for value, row_no in con.execute(
                f"SELECT {column}, {row} FROM {source}{where}{column} IS NOT NULL AND NOT "
                f"EXISTS (SELECT 1 FROM ({sets[parent]}) x WHERE x.id = {column}) "
                f"ORDER BY 2 NULLS FIRST, 1 LIMIT {SHOWN - len(found)}").fetchall():
            found.append(Broken(table, column, value, parent, row_no))
        if len(found) >= SHOWN:
            break
    return found
