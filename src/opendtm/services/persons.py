"""Persons as the web and the API see them: list, search, read, register, edit.

Each function takes the caller's :class:`Scope` and returns plain dicts (one shape for the
JSON API and the pages). Names and documents appear only where the scope allows.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from opendtm.domain.ages import age_in_months
from opendtm.domain.namefold import fold_words
from opendtm.domain.taxonomy import CaseKind, MigrantStatus, Role, Sex
from opendtm.store.models import (
    Assistance,
    AuditEntry,
    Case,
    Family,
    Partner,
    Person,
    PersonIdentity,
    PersonNameToken,
    Screening,
)

from .access import NotFound, Scope
from .inputs import PersonIn
from .search import matching_ids, newest_matches, reindex

IDENTITY_FIELDS = ("given_name", "family_name", "patronymic", "document_type",
                   "document_number", "phone")
PERSON_FIELDS = ("sex", "date_of_birth", "age_years", "nationality", "migrant_status",
                 "previous_country", "registered_on")
MAX_PER_PAGE = 100


class Invalid(ValueError):
    """A well-formed request that the records refuse (a code taken, a partner not one's own)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


def _age(person: Person, on: dt.date) -> int | None:
    months = age_in_months(on, person.date_of_birth, person.age_years, person.registered_on)
    return None if months is None else months // 12


def summary(person: Person, partner: Partner, identity: PersonIdentity | None,
            scope: Scope) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": person.id,
        "beneficiary_id": person.beneficiary_id,
        "partner": {"id": partner.id, "name": partner.name},
        "sex": _plain(person.sex),
        "age_years": _age(person, dt.date.today()),
        "nationality": person.nationality,
        "migrant_status": _plain(person.migrant_status),
        "registered_on": person.registered_on.isoformat(),
    }
    if scope.identity:
        out["identity"] = {f: getattr(identity, f) if identity else None for f in IDENTITY_FIELDS}
    return out


def list_persons(session: Session, scope: Scope, q: str | None = None,
                 partner_id: int | None = None, sex: Sex | None = None,
                 migrant_status: MigrantStatus | None = None, page: int = 1,
                 per_page: int = 25) -> dict[str, Any]:
    """One page of the persons in scope, newest first. ``q`` finds a partner code, and for
    roles that see identities a name (either script) or a document number."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    stmt = scope.restrict(select(Person, Partner, PersonIdentity), Person.partner_id)
    stmt = stmt.join(Partner, Partner.id == Person.partner_id).outerjoin(PersonIdentity)
    if partner_id is not None:
        stmt = stmt.where(Person.partner_id == partner_id)
    if sex is not None:
        stmt = stmt.where(Person.sex == sex)
    if migrant_status is not None:
        stmt = stmt.where(Person.migrant_status == migrant_status)
    stmt = stmt.order_by(Person.id.desc())
    rows: Sequence[Any]
    if q and q.strip():
        only = scope.partner_id if scope.role is Role.PARTNER_CASEWORKER else partner_id
        found = matching_ids(q.strip(), fold_words(q), scope.identity, only)
        rows = newest_matches(session, stmt, found, (page - 1) * per_page, per_page + 1)
    else:
        rows = session.execute(stmt.offset((page - 1) * per_page).limit(per_page + 1)).all()
    items = [summary(p, partner, ident, scope) for p, partner, ident in rows[:per_page]]
    if scope.identity and items:
        scope.audit(session, "list", "person", None,
                    {"ids": [i["id"] for i in items], "q": q or None})
    return {
        "items": items,
        "page": page,
        "per_page": per_page,
        "has_next": len(rows) > per_page,
        "filters": {"q": q or None, "partner_id": partner_id, "sex": _plain(sex),
                    "migrant_status": _plain(migrant_status)},
    }


def load(session: Session, scope: Scope, person_id: int, action: str,
         *options: Any) -> Person:
    """The person if in scope; otherwise NotFound, which tells nothing more. ``options``
    are loader options (what to fetch with the person in the same statement)."""
    stmt = scope.restrict(select(Person).where(Person.id == person_id), Person.partner_id)
    stmt = stmt.options(*options) if options else stmt
    person = session.scalar(stmt)
    if person is None:
        raise NotFound("person", person_id, action)
    return person


def get_person(session: Session, scope: Scope, person_id: int) -> dict[str, Any]:
    person = load(session, scope, person_id, "read", joinedload(Person.partner),
                  joinedload(Person.identity), joinedload(Person.family))
    out = summary(person, person.partner, person.identity, scope)
    out.update({f: _plain(getattr(person, f)) for f in ("date_of_birth", "previous_country")})
    out["can_edit"] = scope.write
    family = person.family
    out["family"] = None if family is None else {
        "id": family.id, "family_code": family.family_code,
        "members": [{"id": m.id, "beneficiary_id": m.beneficiary_id, "sex": _plain(m.sex)}
                    for m in sorted(family.members, key=lambda m: m.id)],
    }
    findings = []
    for screening in session.scalars(select(Screening).where(Screening.person_id == person.id)
                                     .options(selectinload(Screening.findings))
                                     .order_by(Screening.screened_on)):
        for f in screening.findings:
            if scope.visible(f.vulnerability):
                findings.append({"screened_on": screening.screened_on.isoformat(),
                                 "vulnerability": f.vulnerability.value})
    out["vulnerabilities"] = findings
    recipients = [Assistance.person_id == person.id]
    if family is not None:
        recipients.append(Assistance.family_id == family.id)
    help_rows = session.scalars(select(Assistance).where(or_(*recipients))
                                .order_by(Assistance.delivered_on.desc(), Assistance.id.desc())
                                .limit(100))
    out["assistance"] = [
        {"id": a.id, "type": a.type.value, "delivered_on": a.delivered_on.isoformat(),
         "for_family": a.person_id is None, "record_id": a.record_id,
         "return_from": a.return_from, "return_to": a.return_to,
         "transport_mode": _plain(a.transport_mode)} for a in help_rows]
    out["history"] = history(session, scope, person.id)
    out["merged_into_id"] = person.merged_into_id
    # In a merge group: merged into another, or another merged into this one.
    out["can_unmerge"] = scope.review and (person.merged_into_id is not None or session.scalar(
        select(Person.id).where(Person.merged_into_id == person.id).limit(1)) is not None)
    if scope.identity:
        scope.audit(session, "read", "person", person.id)
    return out


def history(session: Session, scope: Scope, person_id: int) -> list[dict[str, Any]]:
    """Who registered and changed the person, when; old and new values where allowed."""
    stmt = (select(AuditEntry).where(AuditEntry.entity == "person",
                                     AuditEntry.entity_id == str(person_id),
                                     AuditEntry.action.in_(("create", "update")))
            .order_by(AuditEntry.id))
    out = []
    for e in session.scalars(stmt):
        item: dict[str, Any] = {"at": e.at.isoformat(), "actor": e.actor, "action": e.action}
        if scope.identity:
            item["changes"] = (e.detail or {}).get("changes", {})
        out.append(item)
    return out


def _partner_for(session: Session, scope: Scope, partner_id: int | None) -> Partner:
    scope.require_write()
    allowed = {p.id: p for p in scope.partners(session)}
    if partner_id is None:
        if scope.partner_id is not None:
            partner_id = scope.partner_id
        elif len(allowed) == 1:
            partner_id = next(iter(allowed))
        else:
            raise Invalid("partner_id", "choose the partner that registers the person")
    if partner_id not in allowed:
        raise Invalid("partner_id", "not a partner you may register for")
    return allowed[partner_id]


def _family(session: Session, partner: Partner, code: str | None) -> Family | None:
    if not code:
        return None
    family = session.scalar(select(Family).where(Family.partner_id == partner.id,
                                                 Family.family_code == code))
    if family is None:
        family = Family(partner=partner, family_code=code)
        session.add(family)
    return family


def _values(person: Person) -> dict[str, Any]:
    out = {f: _plain(getattr(person, f)) for f in PERSON_FIELDS}
    out["beneficiary_id"] = person.beneficiary_id
    out["family_code"] = person.family.family_code if person.family else None
    for f in IDENTITY_FIELDS:
        out[f] = getattr(person.identity, f) if person.identity else None
    return out


def _apply(session: Session, person: Person, data: PersonIn, partner: Partner) -> None:
    for f in PERSON_FIELDS:
        value = getattr(data, f)
        if f == "registered_on" and value is None:
            value = person.registered_on or dt.date.today()
        setattr(person, f, value)
    person.family = _family(session, partner, data.family_code)
    if any(getattr(data, f) for f in IDENTITY_FIELDS):
        identity = person.identity or PersonIdentity()
        for f in IDENTITY_FIELDS:
            setattr(identity, f, getattr(data, f))
        person.identity = identity
    elif person.identity is not None:
        person.identity = None


def _code_taken(session: Session, partner: Partner, code: str, person_id: int | None) -> bool:
    found = session.scalar(select(Person.id).where(Person.partner_id == partner.id,
                                                   Person.beneficiary_id == code))
    return found is not None and found != person_id


def register_person(session: Session, scope: Scope, data: PersonIn) -> dict[str, Any]:
    partner = _partner_for(session, scope, data.partner_id)
    code = data.beneficiary_id or f"P-{secrets.token_hex(4).upper()}"
    if _code_taken(session, partner, code, None):
        raise Invalid("beneficiary_id", f"{code} is registered already with this partner")
    person = Person(partner=partner, beneficiary_id=code)
    session.add(person)
    _apply(session, person, data, partner)
    session.flush()
    session.add(Case(partner=partner, person=person, kind=CaseKind.GENERAL,
                     opened_on=person.registered_on))
    if person.identity is not None:
        reindex(session, person.identity)
    new = _values(person)
    scope.audit(session, "create", "person", person.id,
                {"changes": {k: [None, v] for k, v in new.items() if v is not None}})
    return {"id": person.id, "beneficiary_id": code, "partner": {"id": partner.id,
                                                                 "name": partner.name}}


def update_person(session: Session, scope: Scope, person_id: int,
                  data: PersonIn) -> dict[str, Any]:
    scope.require_write()
    person = load(session, scope, person_id, "update")
    partner = person.partner
    if data.partner_id not in (None, partner.id):
        raise Invalid("partner_id", "a person cannot move to another partner")
    old = _values(person)
    code = data.beneficiary_id or person.beneficiary_id
    if _code_taken(session, partner, code, person.id):
        raise Invalid("beneficiary_id", f"{code} is registered already with this partner")
    person.beneficiary_id = code
    _apply(session, person, data, partner)
    session.flush()
    if person.identity is not None:
        reindex(session, person.identity)
    else:
        session.execute(delete(PersonNameToken).where(PersonNameToken.person_id == person.id))
    new = _values(person)
    changes = {k: [old[k], new[k]] for k in new if old[k] != new[k]}
    scope.audit(session, "update", "person", person.id, {"changes": changes})
    return {"id": person.id, "beneficiary_id": code, "changes": sorted(changes)}


def form_values(session: Session, scope: Scope, person_id: int) -> dict[str, Any]:
    """The fields of the edit form, filled in with the person's values."""
    scope.require_write()
    person = load(session, scope, person_id, "edit")
    values = {k: v for k, v in _values(person).items() if v is not None}
    values["partner_id"] = person.partner_id
    scope.audit(session, "read", "person", person.id)
    return values
