"""Recording assistance for a person, or once for the person's whole family.

A registration is the API's busiest write, so it runs prebuilt Core statements (no ORM
units of work): the person in scope, the record code's uniqueness, the open case (opened
when there is none), the assistance row and the audit entry.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session

from opendtm.domain.taxonomy import AssistanceType, CaseKind, CaseStatus
from opendtm.store.models import Admin1, Assistance, Case, Person

from .access import NotFound, Scope
from .inputs import AssistanceIn
from .persons import Invalid

_PERSON = cast(Table, Person.__table__)
_CASE = cast(Table, Case.__table__)
_HELP = cast(Table, Assistance.__table__)
_ADMIN1 = cast(Table, Admin1.__table__)
_REGION = select(_ADMIN1.c.code).where(_ADMIN1.c.code == bindparam("admin1_code"))
_TAKEN = select(_HELP.c.id).where(_HELP.c.partner_id == bindparam("partner_id"),
                                  _HELP.c.record_id == bindparam("record_id"))
_OPEN = (select(_CASE.c.id).where(_CASE.c.partner_id == bindparam("partner_id"),
                                  _CASE.c.status != CaseStatus.CLOSED)
         .order_by(_CASE.c.id.desc()).limit(1))
_OPEN_FOR = {"person": _OPEN.where(_CASE.c.person_id == bindparam("person_id")),
             "family": _OPEN.where(_CASE.c.family_id == bindparam("family_id"),
                                   _CASE.c.person_id.is_(None))}
_NEW_CASE = insert(_CASE).returning(_CASE.c.id)
_NEW_HELP = insert(_HELP).returning(_HELP.c.id)


@lru_cache(maxsize=32)
def _subject(kind: Scope) -> Any:
    """The person's partner and family, if the person is in the scope."""
    stmt = select(_PERSON.c.id, _PERSON.c.partner_id, _PERSON.c.family_id)
    return kind.restrict_bound(stmt, _PERSON.c.partner_id).where(
        _PERSON.c.id == bindparam("person_id"))


def record_assistance(session: Session, scope: Scope, data: AssistanceIn) -> dict[str, Any]:
    scope.require_write()
    session.flush()  # Core statements follow: what the caller added must be in the database
    conn = session.connection()
    person = conn.execute(_subject(scope.kind),
                          {**scope.bound, "person_id": data.person_id}).first()
    if person is None:
        raise NotFound("person", data.person_id, "record assistance for")
    family_id = None
    if data.for_family:
        if person.family_id is None:
            raise Invalid("for_family", "the person belongs to no registered family")
        family_id = person.family_id
    if data.admin1_code and conn.scalar(_REGION, {"admin1_code": data.admin1_code}) is None:
        raise Invalid("admin1_code", f"{data.admin1_code} is not a known region code")
    record_id = data.record_id or f"A-{secrets.token_hex(5).upper()}"
    if conn.scalar(_TAKEN, {"partner_id": person.partner_id,
                               "record_id": record_id}) is not None:
        raise Invalid("record_id", f"{record_id} is recorded already with this partner")
    subject = {"partner_id": person.partner_id, "family_id": family_id,
               "person_id": None if family_id else person.id}
    case_id = conn.scalar(_OPEN_FOR["family" if family_id else "person"], subject)
    if case_id is None:
        kind = CaseKind.AVR if data.type is AssistanceType.RETURN else CaseKind.GENERAL
        case_id = conn.scalar(_NEW_CASE, {**subject, "kind": kind,
                                             "status": CaseStatus.OPEN,
                                             "opened_on": data.delivered_on})
    quantity = None if data.quantity is None else Decimal(str(data.quantity))
    help_id = conn.scalar(_NEW_HELP, {
        **subject, "record_id": record_id, "case_id": case_id, "type": data.type,
        "delivered_on": data.delivered_on, "admin1_code": data.admin1_code,
        "return_from": data.return_from, "return_to": data.return_to,
        "transport_mode": data.transport_mode, "consultation_topic": data.consultation_topic,
        "consultation_channel": data.consultation_channel, "quantity": quantity,
        "unit": data.unit})
    values = data.model_dump(mode="json", exclude_none=True)
    scope.audit(session, "create", "assistance", help_id,
                {"changes": {k: [None, v] for k, v in values.items()}})
    return {"id": help_id, "record_id": record_id, "case_id": case_id,
            "person_id": subject["person_id"], "family_id": family_id,
            "type": data.type.value, "delivered_on": data.delivered_on.isoformat()}
