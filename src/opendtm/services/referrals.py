"""Referrals in (who sent the person to the partner) and out (where the partner sent them
on): on a person's page, in a list of the scope, recorded and followed by status.

A referral to an anti-trafficking centre tells of trafficking: like the finding itself, it
is shown only to roles that see sensitive findings (``Scope.sensitive``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from opendtm.domain.taxonomy import (
    CaseKind,
    ReferralDirection,
    ReferralKind,
    ReferralStatus,
)
from opendtm.store.models import Case, Partner, Person, Referral

from .access import Forbidden, NotFound, Scope
from .casework_inputs import ReferralIn
from .person_views import MAX_PER_PAGE
from .persons import load, open_case

SENSITIVE_KINDS = frozenset({ReferralKind.ANTI_TRAFFICKING_CENTRE})


def kinds(scope: Scope) -> list[str]:
    return [k.value for k in ReferralKind if scope.sensitive or k not in SENSITIVE_KINDS]


def _row(r: Referral, case: Case, person: Person | None) -> dict[str, Any]:
    return {"id": r.id, "direction": r.direction.value, "kind": r.kind.value,
            "organisation": r.organisation, "referred_on": r.referred_on.isoformat(),
            "status": r.status.value, "case_id": case.id,
            "person_id": person.id if person else None,
            "beneficiary_id": person.beneficiary_id if person else None}


def _visible(stmt: Any, scope: Scope) -> Any:
    return stmt if scope.sensitive else stmt.where(Referral.kind.not_in(SENSITIVE_KINDS))


def person_referrals(session: Session, scope: Scope, person_id: int) -> dict[str, Any]:
    person = load(session, scope, person_id, "read referrals of")
    subject = [Case.person_id == person.id]
    if person.family_id is not None:
        subject.append(Case.family_id == person.family_id)
    stmt = _visible(select(Referral, Case).join(Case, Case.id == Referral.case_id)
                    .where(or_(*subject)), scope)
    rows = session.execute(stmt.order_by(Referral.referred_on.desc(), Referral.id.desc())).all()
    if scope.identity:
        scope.audit(session, "read", "referral", None, {"person_id": person.id})
    return {"person_id": person.id, "beneficiary_id": person.beneficiary_id,
            "items": [_row(r, c, person) for r, c in rows], "kinds": kinds(scope),
            "can_edit": scope.write}


def list_referrals(session: Session, scope: Scope, direction: ReferralDirection | None = None,
                   kind: ReferralKind | None = None, status: ReferralStatus | None = None,
                   partner_id: int | None = None, page: int = 1,
                   per_page: int = 25) -> dict[str, Any]:
    """One page of the referrals of the scope, newest first."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    stmt = scope.restrict(select(Referral, Case, Person, Partner), Case.partner_id)
    stmt = (stmt.join(Case, Case.id == Referral.case_id)
            .join(Partner, Partner.id == Case.partner_id)
            .outerjoin(Person, Person.id == Case.person_id))
    stmt = _visible(stmt, scope)
    for column, value in ((Referral.direction, direction), (Referral.kind, kind),
                          (Referral.status, status), (Case.partner_id, partner_id)):
        if value is not None:
            stmt = stmt.where(column == value)
    stmt = (stmt.order_by(Referral.referred_on.desc(), Referral.id.desc())
            .offset((page - 1) * per_page).limit(per_page + 1))
    rows = session.execute(stmt).all()
    items = [{**_row(r, c, p), "partner": {"id": pa.id, "name": pa.name}}
             for r, c, p, pa in rows[:per_page]]
    return {"items": items, "page": page, "per_page": per_page,
            "has_next": len(rows) > per_page,
            "filters": {"direction": direction and direction.value, "kind": kind and kind.value,
                        "status": status and status.value, "partner_id": partner_id}}


def refer(session: Session, scope: Scope, person_id: int, data: ReferralIn) -> dict[str, Any]:
    scope.require_write()
    person = load(session, scope, person_id, "refer")
    if data.kind in SENSITIVE_KINDS and not scope.sensitive:
        raise Forbidden("your role may not record this kind of referral")
    case = open_case(session, person)
    if case is None:
        case = Case(partner_id=person.partner_id, person_id=person.id, kind=CaseKind.GENERAL,
                    opened_on=data.referred_on)
        session.add(case)
        session.flush()
    row = Referral(case_id=case.id, direction=data.direction, kind=data.kind,
                   organisation=data.organisation, referred_on=data.referred_on,
                   status=data.status)
    session.add(row)
    session.flush()
    values = data.model_dump(mode="json", exclude_none=True)
    scope.audit(session, "create", "referral", row.id,
                {"person_id": person.id, "changes": {k: [None, v] for k, v in values.items()}})
    return _row(row, case, person)


def set_status(session: Session, scope: Scope, referral_id: int,
               status: ReferralStatus) -> dict[str, Any]:
    scope.require_write()
    stmt = _visible(scope.restrict(select(Referral, Case), Case.partner_id)
                    .join(Case, Case.id == Referral.case_id)
                    .where(Referral.id == referral_id), scope)
    found = session.execute(stmt).first()
    if found is None:
        raise NotFound("referral", referral_id, "update")
    row, case = found
    old = row.status.value
    row.status = status
    session.flush()
    scope.audit(session, "update", "referral", row.id,
                {"changes": {"status": [old, status.value]}} if old != status.value else {})
    return _row(row, case, case.person)
