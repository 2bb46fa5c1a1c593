"""Consultation contacts (hotline calls, office visits): anonymous, counted by sex and topic
as the bulletin counts them. Registered by the roles that write, listed within the scope."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opendtm.domain.taxonomy import ConsultationTopic, Sex
from opendtm.store.models import Admin1, ConsultationContact, Partner

from .access import Scope
from .casework_inputs import ConsultationIn
from .person_views import MAX_PER_PAGE
from .persons import Invalid


def _filtered(stmt: Any, partner_id: int | None, topic: ConsultationTopic | None,
              sex: Sex | None, start: dt.date | None, end: dt.date | None) -> Any:
    C = ConsultationContact
    for column, value in ((C.partner_id, partner_id), (C.topic, topic), (C.sex, sex)):
        if value is not None:
            stmt = stmt.where(column == value)
    if start is not None:
        stmt = stmt.where(C.contacted_on >= start)
    if end is not None:
        stmt = stmt.where(C.contacted_on <= end)
    return stmt


def list_contacts(session: Session, scope: Scope, partner_id: int | None = None,
                  topic: ConsultationTopic | None = None, sex: Sex | None = None,
                  start: dt.date | None = None, end: dt.date | None = None, page: int = 1,
                  per_page: int = 25) -> dict[str, Any]:
    """One page of the contacts in scope, newest first, and their totals by sex and topic."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    C = ConsultationContact
    stmt = _filtered(scope.restrict(select(C, Partner), C.partner_id)
                     .join(Partner, Partner.id == C.partner_id),
                     partner_id, topic, sex, start, end)
    rows = session.execute(stmt.order_by(C.contacted_on.desc(), C.id.desc())
                           .offset((page - 1) * per_page).limit(per_page + 1)).all()
    totals_stmt = _filtered(scope.restrict(select(C.sex, C.topic, func.sum(C.contacts)),
                                           C.partner_id), partner_id, topic, sex, start, end)
    by_sex: dict[str, int] = {}
    by_topic: dict[str, int] = {}
    for s, t, n in session.execute(totals_stmt.group_by(C.sex, C.topic)):
        key = s.value if s else "not_recorded"
        by_sex[key] = by_sex.get(key, 0) + int(n)
        by_topic[t.value] = by_topic.get(t.value, 0) + int(n)
    items = [{"id": c.id, "record_id": c.record_id, "contacted_on": c.contacted_on.isoformat(),
              "sex": c.sex.value if c.sex else None, "nationality": c.nationality,
              "topic": c.topic.value, "channel": c.channel.value,
              "admin1_code": c.admin1_code, "contacts": c.contacts,
              "partner": {"id": p.id, "name": p.name}} for c, p in rows[:per_page]]
    return {"items": items, "page": page, "per_page": per_page,
            "has_next": len(rows) > per_page,
            "totals": {"contacts": sum(by_sex.values()), "by_sex": by_sex, "by_topic": by_topic},
            "filters": {"partner_id": partner_id, "topic": topic and topic.value,
                        "sex": sex and sex.value,
                        "from": start and start.isoformat(), "to": end and end.isoformat()}}


def _partner(session: Session, scope: Scope, partner_id: int | None) -> Partner:
    allowed = {p.id: p for p in scope.partners(session)}
    if partner_id is None:
        partner_id = scope.partner_id or (next(iter(allowed)) if len(allowed) == 1 else None)
        if partner_id is None:
            raise Invalid("partner_id", "choose the partner that gave the consultation")
    if partner_id not in allowed:
        raise Invalid("partner_id", "not a partner you may record for")
    return allowed[partner_id]


def register(session: Session, scope: Scope, data: ConsultationIn) -> dict[str, Any]:
    scope.require_write()
    partner = _partner(session, scope, data.partner_id)
    if data.admin1_code and session.get(Admin1, data.admin1_code) is None:
        raise Invalid("admin1_code", f"{data.admin1_code} is not a known region code")
    record_id = data.record_id or f"C-{secrets.token_hex(5).upper()}"
    taken = session.scalar(select(ConsultationContact.id).where(
        ConsultationContact.partner_id == partner.id, ConsultationContact.record_id == record_id))
    if taken is not None:
        raise Invalid("record_id", f"{record_id} is recorded already with this partner")
    row = ConsultationContact(
        partner_id=partner.id, record_id=record_id, contacted_on=data.contacted_on,
        sex=data.sex, nationality=data.nationality, topic=data.topic, channel=data.channel,
        admin1_code=data.admin1_code, contacts=data.contacts)
    session.add(row)
    session.flush()
    values = data.model_dump(mode="json", exclude_none=True)
    scope.audit(session, "create", "consultation_contact", row.id,
                {"changes": {k: [None, v] for k, v in values.items()}})
    return {"id": row.id, "record_id": record_id, "partner": {"id": partner.id,
                                                              "name": partner.name},
            "contacted_on": data.contacted_on.isoformat(), "contacts": data.contacts}
