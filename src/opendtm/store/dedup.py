"""SQL for de-duplication: person records to match, storing runs, decisions and merges."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa
from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from opendtm.domain.dedup import MatchVerdict

from .models import (
    Assistance,
    DedupRun,
    MatchCandidate,
    MatchClusterMember,
    MatchDecision,
    Operation,
    Partner,
    Person,
    PersonIdentity,
    PersonMerge,
)

BATCH = 5_000


def person_records(session: Session, countries: Sequence[str] | None = None) -> pa.Table:
    """Every person record of the countries' partners, names included, as an Arrow table."""
    query = (
        select(
            Person.id.label("unique_id"), Partner.name.label("partner"),
            Person.beneficiary_id, PersonIdentity.given_name, PersonIdentity.family_name,
            PersonIdentity.patronymic, Person.sex, Person.date_of_birth, Person.age_years,
            Person.registered_on, Person.nationality, PersonIdentity.document_number,
        )
        .join(Partner, Partner.id == Person.partner_id)
        .join(Operation, Operation.id == Partner.operation_id)
        .outerjoin(PersonIdentity, PersonIdentity.person_id == Person.id)
        .order_by(Person.id)
    )
    if countries:
        query = query.where(Operation.country.in_(countries))
    result = session.execute(query)
    names = list(result.keys())
    rows = result.all()
    return pa.table({
        name: [None if row[i] is None else _plain(row[i]) for row in rows]
        for i, name in enumerate(names)
    }) if rows else pa.table({name: pa.array([], pa.null()) for name in names})


def _plain(value: Any) -> Any:
    return str(value) if hasattr(value, "value") else value  # enums as their codes


def save_run(session: Session, run: DedupRun, candidates: Iterable[dict[str, Any]],
             members: Iterable[dict[str, Any]]) -> DedupRun:
    """Store a run with its candidate pairs and cluster members, in batches."""
    session.add(run)
    session.flush()
    for table, rows in ((MatchCandidate, candidates), (MatchClusterMember, members)):
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append({**row, "run_id": run.id})
            if len(batch) >= BATCH:
                session.execute(insert(table), batch)
                batch = []
        if batch:
            session.execute(insert(table), batch)
    return run


def latest_run(session: Session) -> DedupRun | None:
    return session.scalar(select(DedupRun).order_by(DedupRun.id.desc()).limit(1))


def undecided_candidates(session: Session, run_id: int, limit: int) -> list[MatchCandidate]:
    """Candidates of a run with no standing decision, most probable first."""
    decided = select(MatchDecision.id).where(
        MatchDecision.person_a_id == MatchCandidate.person_a_id,
        MatchDecision.person_b_id == MatchCandidate.person_b_id,
        MatchDecision.revoked_at.is_(None),
    )
    query = (
        select(MatchCandidate)
        .where(MatchCandidate.run_id == run_id, ~decided.exists())
        .order_by(MatchCandidate.match_probability.desc(), MatchCandidate.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def standing_decision(session: Session, a: int, b: int) -> MatchDecision | None:
    return session.scalar(select(MatchDecision).where(
        MatchDecision.person_a_id == a, MatchDecision.person_b_id == b,
        MatchDecision.revoked_at.is_(None),
    ))


def standing_same_person(session: Session, person_ids: Iterable[int]) -> list[MatchDecision]:
    """Standing same-person decisions touching any of the persons."""
    ids = list(person_ids)
    return list(session.scalars(select(MatchDecision).where(
        MatchDecision.verdict == MatchVerdict.SAME_PERSON,
        MatchDecision.revoked_at.is_(None),
        or_(MatchDecision.person_a_id.in_(ids), MatchDecision.person_b_id.in_(ids)),
    )))


def group_of(session: Session, person_ids: Iterable[int]) -> set[int]:
    """The persons counted together with any of these (sharing their person key)."""
    ids = set(person_ids)
    keys = set(session.scalars(
        select(func.coalesce(Person.merged_into_id, Person.id)).where(Person.id.in_(ids))
    ))
    return ids | set(session.scalars(select(Person.id).where(
        or_(Person.id.in_(keys), Person.merged_into_id.in_(keys))
    )))


def open_merges(session: Session, person_ids: Iterable[int]) -> dict[int, PersonMerge]:
    rows = session.scalars(select(PersonMerge).where(
        PersonMerge.person_id.in_(list(person_ids)), PersonMerge.unmerged_at.is_(None)
    ))
    return {row.person_id: row for row in rows}


def merge_history(session: Session, person_id: int) -> list[PersonMerge]:
    return list(session.scalars(
        select(PersonMerge).where(PersonMerge.person_id == person_id).order_by(PersonMerge.id)
    ))


def count_merged(session: Session, countries: Sequence[str] | None,
                 start: dt.datetime | None, end: dt.datetime | None) -> int:
    """Records merged into another within [start, end) and still merged, by partner country."""
    query = (
        select(func.count(PersonMerge.id))
        .join(Person, Person.id == PersonMerge.person_id)
        .join(Partner, Partner.id == Person.partner_id)
        .join(Operation, Operation.id == Partner.operation_id)
        .where(PersonMerge.unmerged_at.is_(None))
    )
    conditions: list[ColumnElement[bool]] = []
    if countries:
        conditions.append(Operation.country.in_(countries))
    if start is not None:
        conditions.append(PersonMerge.merged_at >= start)
    if end is not None:
        conditions.append(PersonMerge.merged_at < end)
    return int(session.scalar(query.where(and_(*conditions)) if conditions else query) or 0)


def duplicates_assisted(session: Session, countries: Sequence[str] | None,
                        start: dt.date | None, end: dt.date | None) -> dict[str, int]:
    """Per country, the records assisted in the period that count as another record assisted
    in the period (merged duplicates): distinct records less distinct persons counted."""
    key = func.coalesce(Person.merged_into_id, Person.id)
    query = (
        select(Operation.country,
               func.count(Person.id.distinct()) - func.count(key.distinct()))
        .select_from(Assistance)
        .join(Person, Person.id == Assistance.person_id)
        .join(Partner, Partner.id == Assistance.partner_id)
        .join(Operation, Operation.id == Partner.operation_id)
        .group_by(Operation.country)
    )
    if countries:
        query = query.where(Operation.country.in_(countries))
    if start is not None:
        query = query.where(Assistance.delivered_on >= start)
    if end is not None:
        query = query.where(Assistance.delivered_on <= end)
    return {country: int(n or 0) for country, n in session.execute(query)}
