"""Recording assistance for a person, or once for the person's whole family."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opendtm.domain.taxonomy import AssistanceType, CaseKind, CaseStatus
from opendtm.store.models import Admin1, Assistance, Case

from .access import Scope
from .inputs import AssistanceIn
from .persons import Invalid, load


def _open_case(session: Session, person_id: int | None, family_id: int | None,
               partner_id: int, kind: CaseKind, on: Any) -> Case:
    stmt = select(Case).where(Case.partner_id == partner_id,
                              Case.status != CaseStatus.CLOSED).order_by(Case.id.desc()).limit(1)
    stmt = stmt.where(Case.family_id == family_id) if family_id else stmt.where(
        Case.person_id == person_id)
    case = session.scalar(stmt)
    if case is None:
        case = Case(partner_id=partner_id, person_id=person_id, family_id=family_id,
                    kind=kind, opened_on=on)
        session.add(case)
        session.flush()
    return case


def record_assistance(session: Session, scope: Scope, data: AssistanceIn) -> dict[str, Any]:
    scope.require_write()
    person = load(session, scope, data.person_id, "record assistance for")
    family_id = None
    if data.for_family:
        if person.family_id is None:
            raise Invalid("for_family", "the person belongs to no registered family")
        family_id = person.family_id
    if data.admin1_code and session.get(Admin1, data.admin1_code) is None:
        raise Invalid("admin1_code", f"{data.admin1_code} is not a known region code")
    record_id = data.record_id or f"A-{secrets.token_hex(5).upper()}"
    taken = session.scalar(select(Assistance.id).where(Assistance.partner_id == person.partner_id,
                                                       Assistance.record_id == record_id))
    if taken is not None:
        raise Invalid("record_id", f"{record_id} is recorded already with this partner")
    kind = CaseKind.AVR if data.type is AssistanceType.RETURN else CaseKind.GENERAL
    case = _open_case(session, None if family_id else person.id, family_id,
                      person.partner_id, kind, data.delivered_on)
    row = Assistance(
        partner_id=person.partner_id, record_id=record_id, case_id=case.id,
        person_id=None if family_id else person.id, family_id=family_id, type=data.type,
        delivered_on=data.delivered_on, admin1_code=data.admin1_code,
        return_from=data.return_from, return_to=data.return_to,
        transport_mode=data.transport_mode, consultation_topic=data.consultation_topic,
        consultation_channel=data.consultation_channel,
        quantity=None if data.quantity is None else Decimal(str(data.quantity)), unit=data.unit)
    session.add(row)
    session.flush()
    values = data.model_dump(mode="json", exclude_none=True)
    scope.audit(session, "create", "assistance", row.id,
                {"changes": {k: [None, v] for k, v in values.items()}})
    return {"id": row.id, "record_id": record_id, "case_id": case.id, "person_id": row.person_id,
            "family_id": family_id, "type": data.type.value,
            "delivered_on": data.delivered_on.isoformat()}
