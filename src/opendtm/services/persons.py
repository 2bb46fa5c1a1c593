"""Persons registered and edited through the web and the API (the list, the search and
the person page are in :mod:`.person_views`).

Each function takes the caller's :class:`Scope` and returns plain dicts (one shape for the
JSON API and the pages). Names and documents appear only where the scope allows.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from opendtm.domain.taxonomy import CaseKind, CaseStatus
from opendtm.store.models import (
    Case,
    Family,
    Partner,
    Person,
    PersonIdentity,
    PersonNameToken,
)

from .access import NotFound, Scope
from .inputs import PersonIn
from .person_views import IDENTITY_FIELDS, _plain
from .search import reindex

PERSON_FIELDS = ("sex", "date_of_birth", "age_years", "nationality", "migrant_status",
                 "previous_country", "registered_on")


class Invalid(ValueError):
    """A well-formed request that the records refuse (a code taken, a partner not one's own)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


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


def open_case(session: Session, person: Person) -> Case | None:
    """The person's latest case with its own partner that is not closed: where a new
    screening or referral belongs."""
    return session.scalar(select(Case).where(Case.person_id == person.id,
                                             Case.partner_id == person.partner_id,
                                             Case.status != CaseStatus.CLOSED)
                          .order_by(Case.id.desc()).limit(1))


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
