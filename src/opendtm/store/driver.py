"""Prebuilt Core statements run straight on the driver's connection (PostgreSQL).

SQLAlchemy spends more Python on running a small prebuilt statement (cache key, execution
context, result metadata from the cursor's description) than psycopg spends sending it. The
busiest reads therefore compile their statement once to its SQL text and run it on
psycopg's connection, in the session's transaction, as a prepared statement; rows come back
as plain tuples, each value as psycopg reads it (codes of enumerations as their text).
Other databases run the statement through SQLAlchemy as usual, with its rows as tuples.
Only statements whose parameters are plain values (no ``IN`` lists to expand) belong here.
Statements that do not depend on each other's rows go together (:func:`rows_of_each`): sent
at once in psycopg's pipeline mode, answered at once, one round trip instead of one each.
Large reads of SQL text on any engine come as the driver's plain tuples in batches
(:func:`batches`), with no result object per row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from psycopg.pq import TransactionStatus
from psycopg.types.json import Json
from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql import psycopg

_DIALECT = psycopg.dialect()  # type: ignore[no-untyped-call]
DIRECT = True  # False runs every statement through SQLAlchemy (the tests compare both)


@lru_cache(maxsize=256)
def _compiled(stmt: Any) -> tuple[str, dict[str, Any]]:
    """The SQL text of ``stmt`` for psycopg, and the values of its constant parameters."""
    compiled = stmt.compile(dialect=_DIALECT)
    if compiled.positiontup or "POSTCOMPILE" in compiled.string:
        raise ValueError("a statement with parameters to expand cannot run directly")
    return compiled.string, {k: v for k, v in compiled.params.items() if v is not None}


def _values(constants: dict[str, Any], params: dict[str, Any],
            json: tuple[str, ...] = ()) -> dict[str, Any]:
    """The statement's parameters for psycopg; those named in ``json`` as JSON values
    (``None`` as JSON's null, as SQLAlchemy's JSON type writes it)."""
    return {**constants, **params, **{name: Json(params[name]) for name in json}}


def batches(conn: Connection, sql: str, params: Sequence[Any], size: int
            ) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of ``sql`` (SQL text in the driver's parameter style, ``?`` on SQLite and
    ``%s`` on PostgreSQL) on ``conn``'s transaction, ``size`` at a time, as the driver's
    plain tuples."""
    driver: Any = conn.connection.driver_connection
    cursor = driver.cursor()
    try:
        cursor.execute(sql, params)
        while found := cursor.fetchmany(size):
            yield found
    finally:
        cursor.close()


def rows(conn: Connection, stmt: Any, params: dict[str, Any],
         json: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    """All rows of ``stmt`` with ``params``, as tuples; the parameters named in ``json`` are
    values of JSON columns."""
    if not DIRECT or conn.dialect.name != "postgresql":
        return [tuple(row) for row in conn.execute(stmt, params)]
    driver: Any = conn.connection.driver_connection
    if driver.info.transaction_status == TransactionStatus.IDLE:
        # The transaction's first statement: in a pipeline, its BEGIN goes with it.
        return rows_of_each(conn, [(stmt, params)], json)[0]
    sql, constants = _compiled(stmt)
    with driver.cursor() as cursor:
        cursor.execute(sql, _values(constants, params, json), prepare=True)
        return list(cursor.fetchall())


def rows_of_each(conn: Connection, statements: list[tuple[Any, dict[str, Any]]],
                 json: tuple[str, ...] = ()) -> list[list[tuple[Any, ...]]]:
    """The rows of each of ``statements`` (statement, parameters), in order. On PostgreSQL
    they are sent together in one pipeline, as prepared statements."""
    if not DIRECT or conn.dialect.name != "postgresql":
        return [rows(conn, stmt, params) for stmt, params in statements]
    driver: Any = conn.connection.driver_connection
    cursors = []
    try:
        with driver.pipeline():
            for stmt, params in statements:
                sql, constants = _compiled(stmt)
                cursor = driver.cursor()
                cursors.append(cursor)
                cursor.execute(sql, _values(constants, params, json), prepare=True)
        return [list(cursor.fetchall()) for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()


def commit_after(conn: Connection, stmt: Any, params: dict[str, Any],
                 json: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    """The rows of ``stmt``, the last statement of the transaction, then COMMIT. On
    PostgreSQL the statement and the COMMIT are sent together in one pipeline, one round
    trip; the caller then commits its session as usual (the database has nothing more to
    do). Elsewhere only the statement runs here."""
    if not DIRECT or conn.dialect.name != "postgresql":
        return rows(conn, stmt, params, json)
    driver: Any = conn.connection.driver_connection
    if driver.info.transaction_status == TransactionStatus.IDLE:
        return rows(conn, stmt, params, json)  # nothing begun: the session's commit ends it
    sql, constants = _compiled(stmt)
    with driver.cursor() as cursor:
        with driver.pipeline():
            cursor.execute(sql, _values(constants, params, json), prepare=True)
            driver.commit()
        return list(cursor.fetchall())
