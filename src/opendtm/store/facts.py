"""Flat fact tables read from the operational store, for the aggregation layer.

Each function runs one SELECT and returns an Arrow table; ages are computed here so that
every engine downstream (DuckDB, SQLite, PostgreSQL, Spark) counts the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar

import pyarrow as pa
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from opendtm.domain.ages import age_in_months
from opendtm.domain.taxonomy import CATEGORY_OF, AssistanceType

from .models import (
    Assistance,
    City,
    ConsultationContact,
    Family,
    Operation,
    Partner,
    Person,
    Screening,
    ScreeningFinding,
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


def assistance_facts(
    session: Session,
    countries: Sequence[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pa.Table:
    """One row per assistance delivered, with the recipient's attributes.

    ``person_key`` is the person counted: the merged person when de-duplication merged the
    record into another one, else the person itself; empty for help given to a family.
    """
    fam = aliased(Family)
    stmt = (
        select(
            Assistance.id,
            Operation.country,
            Partner.name,
            func.coalesce(Person.merged_into_id, Person.id),
            Assistance.family_id,
            fam.nationality,
            Person.sex,
            Person.date_of_birth,
            Person.age_years,
            Person.registered_on,
            Person.nationality,
            Person.migrant_status,
            Person.previous_country,
            Assistance.type,
            Assistance.delivered_on,
            Assistance.admin1_code,
            City.name_en,
            Assistance.return_from,
            Assistance.return_to,
            Assistance.transport_mode,
            Assistance.consultation_topic,
        )
        .join(Partner, Partner.id == Assistance.partner_id)
        .join(Operation, Operation.id == Partner.operation_id)
        .outerjoin(Person, Person.id == Assistance.person_id)
        .outerjoin(fam, fam.id == Assistance.family_id)
        .outerjoin(City, City.id == Assistance.city_id)
        .order_by(Assistance.id)
    )
    stmt = _scope(stmt, Assistance.delivered_on, countries, start, end)
    columns: dict[str, list[Any]] = {name: [] for name in ASSISTANCE_SCHEMA.names}
    for row in session.execute(stmt).yield_per(BATCH):
        (aid, country, partner, person_key, family_id, fam_nat, sex, dob, age_years, registered,
         nationality, status, previous, type_, delivered, admin1, city, rfrom, rto, mode,
         topic) = row
        age = age_in_months(delivered, dob, age_years, registered) if person_key else None
        atype = AssistanceType(type_)
        values = (
            aid, country, partner, person_key, family_id, fam_nat, _code(sex), age,
            nationality, _code(status), previous, atype.value, CATEGORY_OF[atype].value,
            delivered, admin1, city, rfrom, rto, _code(mode), _code(topic),
        )
        for name, value in zip(ASSISTANCE_SCHEMA.names, values, strict=True):
            columns[name].append(value)
    return pa.table(columns, schema=ASSISTANCE_SCHEMA)


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
    """Screening findings per counted person (any screening on record)."""
    stmt = (
        select(func.coalesce(Person.merged_into_id, Person.id), ScreeningFinding.vulnerability)
        .join(Screening, Screening.person_id == Person.id)
        .join(ScreeningFinding, ScreeningFinding.screening_id == Screening.id)
        .distinct()
    )
    rows = [{"person_key": k, "vulnerability": _code(v)} for k, v in session.execute(stmt)]
    return pa.Table.from_pylist(rows, schema=VULNERABILITY_SCHEMA)
