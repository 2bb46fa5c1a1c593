"""Flat fact tables read from the operational store, for the aggregation layer.

Each function runs one SELECT and returns an Arrow table; ages are computed here so that
every engine downstream (DuckDB, SQLite, PostgreSQL, Spark) counts the same way.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from opendtm.domain.taxonomy import CATEGORY_OF, AssistanceType
from opendtm.store import driver

from .models import (
    ConsultationContact,
    Operation,
    Partner,
)

BATCH = 50_000
SelectT = TypeVar("SelectT", bound="Select[*tuple[Any, ...]]")


def _scope(
    stmt: SelectT,
    date_col: Any,
    countries: Sequence[str] | None,
    start: dt.date | None,
    end: dt.date | None,
) -> SelectT:
    if countries:
        stmt = stmt.where(Operation.country.in_(list(countries)))
    if start:
        stmt = stmt.where(date_col >= start)
    if end:
        stmt = stmt.where(date_col <= end)
    return stmt


ASSISTANCE_SCHEMA = pa.schema(
    [
        ("assistance_id", pa.int64()),
        ("country", pa.string()),
        ("partner", pa.string()),
        ("person_key", pa.int64()),
        ("family_id", pa.int64()),
        ("family_nationality", pa.string()),
        ("sex", pa.string()),
        ("age_months", pa.int64()),
        ("nationality", pa.string()),
        ("migrant_status", pa.string()),
        ("previous_country", pa.string()),
        ("type", pa.string()),
        ("category", pa.string()),
        ("delivered_on", pa.date32()),
        ("admin1_code", pa.string()),
        ("city", pa.string()),
        ("return_from", pa.string()),
        ("return_to", pa.string()),
        ("transport_mode", pa.string()),
        ("consultation_topic", pa.string()),
    ]
)


# The assistance facts' query, written for the driver: its rows come back as the driver's
# plain tuples (no result objects, no conversion of each value), and the columns are made
# in Arrow. {where} holds the scope's conditions.
_ASSISTANCE_SQL = (
    "SELECT a.id, o.country, p.name, coalesce(pe.merged_into_id, pe.id), a.family_id, "
    "f.nationality, pe.sex, pe.date_of_birth, pe.age_years, pe.registered_on, "
    "pe.nationality, pe.migrant_status, pe.previous_country, a.type, a.delivered_on, "
    "a.admin1_code, c.name_en, a.return_from, a.return_to, a.transport_mode, "
    "a.consultation_topic FROM assistance a JOIN partner p ON p.id = a.partner_id "
    "JOIN operation o ON o.id = p.operation_id LEFT JOIN person pe ON pe.id = a.person_id "
    "LEFT JOIN family f ON f.id = a.family_id LEFT JOIN city c ON c.id = a.city_id "
    "{where} ORDER BY a.id"
)
_READ = ("assistance_id", "country", "partner", "person_key", "family_id",
         "family_nationality", "sex", "date_of_birth", "age_years", "registered_on",
         "nationality", "migrant_status", "previous_country", "type", "delivered_on",
         "admin1_code", "city", "return_from", "return_to", "transport_mode",
         "consultation_topic")  # fmt: skip
_DATES = frozenset({"date_of_birth", "registered_on", "delivered_on"})


def assistance_facts(
    session: Session,
    countries: Sequence[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pa.Table:
    """One row per assistance delivered, with the recipient's attributes.

    ``person_key`` is the person counted: the merged person when de-duplication merged the
    record into another one, else the person itself; empty for help given to a family.
    Ages (the rule of :func:`opendtm.domain.ages.age_in_months`) and categories are
    computed over whole columns.
    """
    conn = session.connection()
    pg = conn.dialect.name == "postgresql"
    mark = "%s" if pg else "?"
    where, params = [], list[Any]()
    if countries:
        where.append(f"o.country IN ({', '.join([mark] * len(countries))})")
        params += list(countries)
    for op, day in ((">=", start), ("<=", end)):
        if day:
            where.append(f"a.delivered_on {op} {mark}")
            params.append(day if pg else day.isoformat())
    sql = _ASSISTANCE_SQL.format(where=("WHERE " + " AND ".join(where)) if where else "")
    values = _columns(session, sql, params, len(_READ))
    read = {name: _column(name, column) for name, column in zip(_READ, values, strict=True)}
    read["age_months"] = ages(read["delivered_on"], read["date_of_birth"], read["age_years"],
                              read["registered_on"], read["person_key"].is_valid())
    read["category"] = _categories(read["type"])
    return pa.table({name: read[name] for name in ASSISTANCE_SCHEMA.names},
                    schema=ASSISTANCE_SCHEMA)


def _columns(session: Session, sql: str, params: Sequence[Any], width: int
             ) -> list[list[Any]]:
    """The columns of the rows of ``sql``, run by the driver on the session's connection:
    its plain tuples, no result objects and no conversion of each value."""
    values: list[list[Any]] = [[] for _ in range(width)]
    with _no_collection():
        for rows in driver.batches(session.connection(), sql, params, BATCH):
            for column, batch in zip(values, zip(*rows, strict=True), strict=True):
                column.extend(batch)
    return values


@contextmanager
def _no_collection() -> Iterator[None]:
    """Python's cyclic garbage collector paused: reading a million rows makes tens of
    millions of tuples and values, none part of a cycle, and the collector would otherwise
    walk the growing lists again and again (half the time of the read)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _column(name: str, values: list[Any]) -> pa.Array:
    """A column read from the driver: dates as Arrow dates (SQLite gives ISO text), ids and
    ages as integers, the rest as text."""
    if name in _DATES:
        first = next((v for v in values if v is not None), None)
        if isinstance(first, str):
            return pa.array(values, pa.string()).cast(pa.date32())
        return pa.array(values, pa.date32())
    if name in ("assistance_id", "person_key", "family_id", "age_years"):
        return pa.array(values, pa.int64())
    return pa.array(values, pa.string())


def _parts(days: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of each date (zero where there is none)."""
    return tuple(pc.fill_null(f(days), 0).to_numpy().astype(np.int64)
                 for f in (pc.year, pc.month, pc.day))


def _months(born: pa.Array, on: pa.Array) -> np.ndarray:
    """:func:`opendtm.domain.ages.months_between` of each pair (meaningless where a date
    is missing: masked by the caller)."""
    (by, bm, bd), (oy, om, od) = _parts(born), _parts(on)
    return np.asarray((oy - by) * 12 + (om - bm) - (od < bd))


def ages(on: pa.Array, born: pa.Array, age_years: pa.Array, registered: pa.Array,
         counted: pa.Array) -> pa.Array:
    """:func:`opendtm.domain.ages.age_in_months` over whole columns, for the rows
    ``counted`` (a person's; empty for a family's): from the date of birth when known, else
    the age reported at registration plus the whole years since then."""
    has_born = born.is_valid().to_numpy(zero_copy_only=False)
    has_years = age_years.is_valid().to_numpy(zero_copy_only=False)
    has_registered = registered.is_valid().to_numpy(zero_copy_only=False)
    years = pc.fill_null(age_years, 0).to_numpy().astype(np.int64)
    elapsed = np.where(has_registered, _months(registered, on), 0)
    from_years = years * 12 + np.maximum(elapsed, 0) // 12 * 12
    age = np.where(has_born, _months(born, on), from_years)
    known = (has_born | has_years) & counted.to_numpy(zero_copy_only=False)
    return pa.array(age, pa.int64(), mask=~known)


def _categories(types: pa.Array) -> pa.Array:
    """The category of each assistance type (an unknown type raises ``ValueError``)."""
    coded = pc.dictionary_encode(types)
    names = [CATEGORY_OF[AssistanceType(t)].value for t in coded.dictionary.to_pylist()]
    return pa.array(names, pa.string()).take(coded.indices)


def _code(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


CONTACT_SCHEMA = pa.schema(
    [
        ("country", pa.string()),
        ("partner", pa.string()),
        ("contacted_on", pa.date32()),
        ("sex", pa.string()),
        ("nationality", pa.string()),
        ("topic", pa.string()),
        ("channel", pa.string()),
        ("contacts", pa.int64()),
    ]
)


def contact_facts(
    session: Session,
    countries: Sequence[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pa.Table:
    """Anonymous consultation contacts."""
    c = ConsultationContact
    stmt = (
        select(Operation.country, Partner.name, c.contacted_on, c.sex, c.nationality, c.topic,
               c.channel, c.contacts)
        .join(Partner, Partner.id == c.partner_id)
        .join(Operation, Operation.id == Partner.operation_id)
        .order_by(c.id)
    )
    stmt = _scope(stmt, c.contacted_on, countries, start, end)
    rows = [
        (country, partner, on, _code(sex), nat, _code(topic), _code(channel), n)
        for country, partner, on, sex, nat, topic, channel, n in session.execute(stmt)
    ]
    return pa.Table.from_pylist(
        [dict(zip(CONTACT_SCHEMA.names, r, strict=True)) for r in rows], schema=CONTACT_SCHEMA
    )


VULNERABILITY_SCHEMA = pa.schema([("person_key", pa.int64()), ("vulnerability", pa.string())])


def vulnerability_facts(session: Session) -> pa.Table:
    """Screening findings per counted person (any screening on record), in the same order
    on every engine."""
    keys, codes = _columns(session, _VULNERABILITY_SQL, (), 2)
    return pa.table({"person_key": pa.array(keys, pa.int64()),
                     "vulnerability": pa.array(codes, pa.string())},
                    schema=VULNERABILITY_SCHEMA)


_VULNERABILITY_SQL = (
    "SELECT DISTINCT coalesce(p.merged_into_id, p.id), f.vulnerability FROM person p "
    "JOIN screening s ON s.person_id = p.id JOIN screening_finding f ON "
    "f.screening_id = s.id ORDER BY 1, 2"
)
