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
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Table, text
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex

from opendtm.store.models import Base

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
    yield
    for index in indexes:
        conn.execute(CreateIndex(index))
    for key in keys:
        conn.execute(AddConstraint(key))
