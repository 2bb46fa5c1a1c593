"""Families as the web and the API see them: list (filters, search by family code), and a
family with its members and the help given to it or to any of them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from opendtm.store.models import Assistance, Family, Partner, Person, PersonIdentity

from .access import NotFound, Scope
from .assistance import record_assistance
from .casework_inputs import FamilyAssistanceIn
from .inputs import AssistanceIn
from .person_views import MAX_PER_PAGE, summary
from .persons import Invalid
from .search import TOP


def list_families(session: Session, scope: Scope, q: str | None = None,
                  partner_id: int | None = None, page: int = 1,
                  per_page: int = 25) -> dict[str, Any]:
    """One page of the families in scope, newest first; ``q`` is a family code's start."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    stmt = scope.restrict(select(Family, Partner), Family.partner_id)
    stmt = stmt.join(Partner, Partner.id == Family.partner_id)
    if partner_id is not None:
        stmt = stmt.where(Family.partner_id == partner_id)
    code = (q or "").strip()
    if code:
        stmt = stmt.where(Family.family_code >= code, Family.family_code < code + TOP)
    stmt = stmt.order_by(Family.id.desc()).offset((page - 1) * per_page).limit(per_page + 1)
    rows = session.execute(stmt).all()
    ids = [f.id for f, _ in rows[:per_page]]
    counts: dict[int, int] = dict(session.execute(  # type: ignore[arg-type]
        select(Person.family_id, func.count()).where(Person.family_id.in_(ids or [0]))
        .group_by(Person.family_id)).all())
    items = [{"id": f.id, "family_code": f.family_code,
              "partner": {"id": p.id, "name": p.name}, "members": counts.get(f.id, 0)}
             for f, p in rows[:per_page]]
    return {"items": items, "page": page, "per_page": per_page,
            "has_next": len(rows) > per_page,
            "filters": {"q": code or None, "partner_id": partner_id}}


def load_family(session: Session, scope: Scope, family_id: int, action: str) -> Family:
    """The family if in scope; otherwise NotFound, which tells nothing more."""
    family = session.scalar(scope.restrict(select(Family).where(Family.id == family_id),
                                           Family.partner_id))
    if family is None:
        raise NotFound("family", family_id, action)
    return family


def get_family(session: Session, scope: Scope, family_id: int) -> dict[str, Any]:
    family = load_family(session, scope, family_id, "read")
    rows = session.execute(select(Person, PersonIdentity).outerjoin(PersonIdentity)
                           .where(Person.family_id == family.id).order_by(Person.id)).all()
    member_ids = [p.id for p, _ in rows]
    help_rows = session.scalars(
        select(Assistance).where(or_(Assistance.family_id == family.id,
                                     Assistance.person_id.in_(member_ids or [0])))
        .order_by(Assistance.delivered_on.desc(), Assistance.id.desc()).limit(100))
    out: dict[str, Any] = {
        "id": family.id, "family_code": family.family_code,
        "partner": {"id": family.partner.id, "name": family.partner.name},
        "members": [summary(p, family.partner, ident, scope) for p, ident in rows],
        "assistance": [{"id": a.id, "type": a.type.value,
                        "delivered_on": a.delivered_on.isoformat(),
                        "for_family": a.person_id is None, "person_id": a.person_id,
                        "record_id": a.record_id, "return_from": a.return_from,
                        "return_to": a.return_to,
                        "transport_mode": a.transport_mode.value if a.transport_mode else None}
                       for a in help_rows],
        "can_edit": scope.write,
    }
    if scope.identity and member_ids:
        scope.audit(session, "read", "family", family.id, {"ids": member_ids})
    return out


def record_for_family(session: Session, scope: Scope, family_id: int,
                      data: FamilyAssistanceIn) -> dict[str, Any]:
    """Help given to the whole family through one form: one record per member (each counts
    as an individual assisted), or with ``each_member`` false one record for the family as a
    household (counted once among the families assisted). All or nothing."""
    scope.require_write()
    family = load_family(session, scope, family_id, "record assistance for")
    members = list(session.scalars(select(Person.id).where(Person.family_id == family.id)
                                   .order_by(Person.id)))
    if not members:
        raise Invalid("_", "the family has no members")
    base = data.model_dump(exclude_none=True, exclude={"person_id", "for_family", "each_member"})
    if not data.each_member:
        one = AssistanceIn.model_validate({**base, "person_id": members[0], "for_family": True})
        return {"family_id": family.id, "items": [record_assistance(session, scope, one)]}
    items = []
    for n, member in enumerate(members, 1):
        values = {**base, "person_id": member, "for_family": False}
        if data.record_id:
            values["record_id"] = f"{data.record_id}-{n}"
        items.append(record_assistance(session, scope, AssistanceIn.model_validate(values)))
    return {"family_id": family.id, "items": items}
