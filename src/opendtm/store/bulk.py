"""Large loads: constraints and indexes set aside while a table at least doubles.

Building an index from all its rows at once beats a million random insertions into it, and
one set-based check of a foreign key beats a million per-row checks (PostgreSQL runs a
trigger per row and key). So when a load brings at least ``REBUILD_AT`` new rows and at
least as many as the table already holds, its secondary indexes (both engines) and its
foreign keys (PostgreSQL; SQLite cannot drop one) are dropped before the insert and created
again after it, inside the caller's transaction: a crash or kill leaves the database as it
was, and re-creating a foreign key checks every row, new ones included. On PostgreSQL the
table stays locked against readers until the commit, which is why a small load into a large
table keeps everything in place.

On SQLite the same large loads also evaluate the table's CHECK constraints once over the new
rows after the insert instead of row by row during it (SQLite evaluates a constraint such as
``type IN (...17 values...)`` for every row at several times the cost of the insert itself):
``PRAGMA ignore_check_constraints`` is on for the one statement, then a query finds any new
row that breaks a constraint and raises the error SQLite would have raised, which rolls the
import back.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import CheckConstraint, Connection, Table, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex

from opendtm.store.models import Base
from opendtm.timing import timed

log = logging.getLogger(__name__)

# Below this many new rows, keeping indexes and keys up to date row by row is cheaper.
REBUILD_AT = 20_000


def doubles(conn: Connection, table: str, new: int) -> bool:
    """Whether ``new`` rows are at least ``REBUILD_AT`` and at least the table's size."""
    if new < REBUILD_AT:
        return False
    held = conn.execute(text(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT :n) t"),
                        {"n": new + 1}).scalar_one()
    return bool(held <= new)


@contextmanager
def loading(conn: Connection, table: str, new: int) -> Iterator[None]:
    """Around a load of ``new`` rows into ``table``: see the module's docstring."""
    if not doubles(conn, table, new):
        yield
        return
    meta: Table = Base.metadata.tables[table]
    indexes = sorted(meta.indexes, key=lambda i: str(i.name))
    keys = (sorted(meta.foreign_key_constraints, key=lambda k: str(k.name))
            if conn.dialect.name == "postgresql" else [])
    for key in keys:
        conn.execute(DropConstraint(key))
    for index in indexes:
        conn.execute(DropIndex(index))
    with _checks_after(conn, meta):
        yield
    with timed(log, f"{table}: indexes and keys created again"):
        for index in indexes:
            conn.execute(CreateIndex(index))
        for key in keys:
            conn.execute(AddConstraint(key))


@contextmanager
def _checks_after(conn: Connection, table: Table) -> Iterator[None]:
    """SQLite: the table's CHECK constraints evaluated once over the rows the load adds
    (those past the greatest id before it, or the greatest rowid where the key is not
    one integer, as ``screening_finding``'s), not row by row; see the module's docstring.
    A table without rowid keeps its checks row by row."""
    checks = [c for c in table.constraints if isinstance(c, CheckConstraint)]
    with_rowid = table.dialect_options["sqlite"].get("with_rowid", True) is not False
    if conn.dialect.name != "sqlite" or not checks or not with_rowid:
        yield
        return
    key = "id" if "id" in table.c else "rowid"  # an INTEGER PRIMARY KEY id is the rowid
    base = conn.execute(text(f"SELECT coalesce(max({key}), 0) FROM {table.name}")).scalar_one()
    conn.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
    try:
        yield
    finally:
        conn.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")
    exprs = {str(c.name): str(c.sqltext.compile(dialect=conn.dialect,
                                                compile_kwargs={"literal_binds": True}))
             for c in checks}
    broken = " OR ".join(f"NOT ({e})" for e in exprs.values())
    query = f"SELECT 1 FROM {table.name} WHERE {key} > :b AND ({{}}) LIMIT 1"
    with timed(log, f"{table.name}: CHECK constraints"):
        if conn.execute(text(query.format(broken)), {"b": base}).first() is None:
            return
    name = next(n for n, e in exprs.items()
                if conn.execute(text(query.format(f"NOT ({e})")), {"b": base}).first())
    raise IntegrityError(query.format(f"NOT ({exprs[name]})"), {"b": base},
                         sqlite3.IntegrityError(f"CHECK constraint failed: {name}"))
