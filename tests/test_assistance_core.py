"""Recording assistance runs prebuilt Core statements; it must write and answer exactly what
the ORM implementation it replaced did. That implementation is kept here as the reference;
each case runs through both on the same database state (the reference rolled back)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from opendtm.domain.taxonomy import AssistanceType, CaseKind, CaseStatus
from opendtm.services import assistance
from opendtm.services.access import NotFound, Scope
from opendtm.services.inputs import AssistanceIn
from opendtm.services.persons import Invalid, load
from opendtm.store import models as m
from opendtm.store.database import make_engine, session_factory
from webworld import build

# --- the ORM implementation that the Core statements replaced -----------------------------


def _open_case(session: Session, person_id: int | None, family_id: int | None,
               partner_id: int, kind: CaseKind, on: Any) -> m.Case:
    stmt = select(m.Case).where(m.Case.partner_id == partner_id,
                                m.Case.status != CaseStatus.CLOSED).order_by(
        m.Case.id.desc()).limit(1)
    stmt = stmt.where(m.Case.family_id == family_id) if family_id else stmt.where(
        m.Case.person_id == person_id)
    case = session.scalar(stmt)
    if case is None:
        case = m.Case(partner_id=partner_id, person_id=person_id, family_id=family_id,
                      kind=kind, opened_on=on)
        session.add(case)
        session.flush()
    return case


def _reference(session: Session, scope: Scope, data: AssistanceIn) -> dict[str, Any]:
    scope.require_write()
    person = load(session, scope, data.person_id, "record assistance for")
    family_id = None
    if data.for_family:
        if person.family_id is None:
            raise Invalid("for_family", "the person belongs to no registered family")
        family_id = person.family_id
    if data.admin1_code and session.get(m.Admin1, data.admin1_code) is None:
        raise Invalid("admin1_code", f"{data.admin1_code} is not a known region code")
    record_id = data.record_id or f"A-{secrets.token_hex(5).upper()}"
    taken = session.scalar(select(m.Assistance.id).where(
        m.Assistance.partner_id == person.partner_id, m.Assistance.record_id == record_id))
    if taken is not None:
        raise Invalid("record_id", f"{record_id} is recorded already with this partner")
    kind = CaseKind.AVR if data.type is AssistanceType.RETURN else CaseKind.GENERAL
    case = _open_case(session, None if family_id else person.id, family_id,
                      person.partner_id, kind, data.delivered_on)
    row = m.Assistance(
        partner_id=person.partner_id, record_id=record_id, case_id=case.id,
        person_id=None if family_id else person.id, family_id=family_id, type=data.type,
        delivered_on=data.delivered_on, admin1_code=data.admin1_code,
        return_from=data.return_from, return_to=data.return_to,
        transport_mode=data.transport_mode, consultation_topic=data.consultation_topic,
        consultation_channel=data.consultation_channel,
        quantity=None if data.quantity is None else Decimal(str(data.quantity)),
        unit=data.unit)
    session.add(row)
    session.flush()
    values = data.model_dump(mode="json", exclude_none=True)
    scope.audit(session, "create", "assistance", row.id,
                {"changes": {k: [None, v] for k, v in values.items()}})
    return {"id": row.id, "record_id": record_id, "case_id": case.id,
            "person_id": row.person_id, "family_id": family_id, "type": data.type.value,
            "delivered_on": data.delivered_on.isoformat()}


# --- both on the same state ---------------------------------------------------------------

HELP = ("partner_id", "record_id", "person_id", "family_id", "type", "delivered_on",
        "admin1_code", "return_from", "return_to", "transport_mode", "consultation_topic",
        "consultation_channel", "quantity", "unit")
CASE = ("partner_id", "person_id", "family_id", "kind", "status", "opened_on")


@pytest.fixture(scope="module")
def world(module_db_url: str) -> Iterator[tuple[Engine, dict[str, int]]]:
    engine = make_engine(module_db_url)
    w = build(engine, module_db_url, roles=("alpha_worker", "kgz_protection", "info"))
    yield engine, w.persons
    engine.dispose()


def _outcome(session: Session, scope: Scope, work: Any, data: AssistanceIn) -> Any:
    """What one implementation answers and writes (ids made comparable), or its refusal."""
    cases_before = set(session.scalars(select(m.Case.id)))
    try:
        answer = work(session, scope, data)
    except (NotFound, Invalid) as error:
        return type(error).__name__, str(error)
    session.expire_all()
    help_row = session.get(m.Assistance, answer["id"])
    case = session.get(m.Case, answer["case_id"])
    audit = session.scalars(select(m.AuditEntry).order_by(m.AuditEntry.id.desc())).first()
    assert help_row is not None and case is not None and audit is not None
    new_case = answer["case_id"] not in cases_before
    answer = {**answer, "id": None, "case_id": None if new_case else answer["case_id"]}
    return (answer, {k: getattr(help_row, k) for k in HELP},
            {k: getattr(case, k) for k in CASE}, new_case,
            (audit.action, audit.entity, audit.entity_id == str(help_row.id), audit.detail))


def _both(engine: Engine, username: str, data: AssistanceIn) -> tuple[Any, Any]:
    outcomes = []
    for work in (_reference, assistance.record_assistance):
        with session_factory(engine)() as session:
            user = session.scalars(select(m.User).where(m.User.username == username)).one()
            outcomes.append(_outcome(session, Scope.of(session, user), work, data))
            session.rollback()
    return outcomes[0], outcomes[1]


def test_recording_assistance_writes_and_answers_as_the_orm_did(
        world: tuple[Engine, dict[str, int]]) -> None:
    engine, ids = world
    day = dt.date(2021, 4, 1)
    cases: list[tuple[str, dict[str, Any]]] = [
        ("alpha_worker", {"person_id": ids["A-1"], "type": "food", "record_id": "X-1"}),
        ("alpha_worker", {"person_id": ids["A-1"], "type": "food", "record_id": "r-A-1"}),
        ("alpha_worker", {"person_id": ids["A-2"], "type": "return", "return_to": "KGZ",
                          "return_from": "RUS", "transport_mode": "air",
                          "for_family": True, "record_id": "X-2"}),
        ("alpha_worker", {"person_id": ids["A-1"], "type": "consultation",
                          "consultation_topic": "employment", "consultation_channel": "phone",
                          "quantity": 2.5, "unit": "h", "admin1_code": "KG-C",
                          "record_id": "X-3"}),
        ("alpha_worker", {"person_id": ids["A-1"], "type": "food", "admin1_code": "ZZ-9"}),
        ("alpha_worker", {"person_id": ids["B-1"], "type": "food", "record_id": "X-4"}),
        ("kgz_protection", {"person_id": ids["B-1"], "type": "food", "for_family": True}),
        ("kgz_protection", {"person_id": ids["B-1"], "type": "food", "record_id": "X-5"}),
        ("kgz_protection", {"person_id": ids["G-1"], "type": "food", "record_id": "X-6"}),
    ]
    compared = refused = 0
    for username, values in cases:
        data = AssistanceIn.model_validate({"delivered_on": day, **values})
        expected, got = _both(engine, username, data)
        assert got == expected, (username, values)
        compared += 1
        refused += isinstance(got[0], str)
    assert compared == len(cases) and refused == 5
