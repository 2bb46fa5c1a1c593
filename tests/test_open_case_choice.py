"""Which case new assistance joins, whichever way it comes: its subject's newest case with
the partner that is not closed, where the subject is the person for help to a person and
the family itself (not a member's own case) for help to the whole family. Without one, a
new case is opened. The import (both of its paths) and the service behind the pages and
the API take the same case. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from importing import row, write_csv
from opendtm.domain.taxonomy import AssistanceType, CaseKind, CaseStatus, Role
from opendtm.services.access import Scope
from opendtm.services.assistance import record_assistance
from opendtm.services.inputs import AssistanceIn
from opendtm.store import models as m
from test_import_paths import both, dump, engines

__all__ = ["engines"]  # the fixture, shared with test_import_paths
DAY = dt.date(2021, 1, 10)


def _ids(conn: object, model: type, **where: object) -> int:
    stmt = select(model.id).filter_by(**where)  # type: ignore[attr-defined]
    return int(conn.execute(stmt).scalar_one())  # type: ignore[attr-defined]


def _add_case(conn: object, partner: int, person: int | None, family: int | None,
              status: CaseStatus = CaseStatus.OPEN) -> int:
    return int(conn.execute(insert(m.Case).values(  # type: ignore[attr-defined]
        partner_id=partner, person_id=person, family_id=family, kind=CaseKind.GENERAL,
        status=status, opened_on=DAY,
        closed_on=DAY if status is CaseStatus.CLOSED else None).returning(m.Case.id)
    ).scalar_one())


def _case_of(engine: Engine, record_id: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(m.Assistance.case_id).where(
            m.Assistance.record_id == record_id)).scalar_one())


def _first_file(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "v1.csv", [
        row("R1", beneficiary_id="B1", family_id="F1"),
        row("R2", beneficiary_id="", family_id="F1", sex="", age="")])


def test_an_import_joins_the_newest_open_case(engines: tuple[Engine, Engine],
                                              tmp_path: Path) -> None:
    both(engines, _first_file(tmp_path), add_partners=True)
    newer: list[tuple[int, int]] = []
    for engine in engines:
        with engine.begin() as conn:
            partner = _ids(conn, m.Partner, name="Helping Hand")
            person = _ids(conn, m.Person, beneficiary_id="B1")
            family = _ids(conn, m.Family, family_code="F1")
            assert _case_of(engine, "R1") != _case_of(engine, "R2")
            # A second open case of the person (it carries the family, as an imported
            # person's case does), a newer one closed, a second open case of the family.
            person_case = _add_case(conn, partner, person, family)
            _add_case(conn, partner, person, family, CaseStatus.CLOSED)
            family_case = _add_case(conn, partner, None, family)
            newer.append((person_case, family_case))
    both(engines, write_csv(tmp_path / "v2.csv", [
        row("R3", beneficiary_id="B1", family_id="F1", assistance_date="2021-02-01"),
        row("R4", beneficiary_id="", family_id="F1", sex="", age="",
            assistance_date="2021-02-01")]))
    for engine, (person_case, family_case) in zip(engines, newer, strict=True):
        assert (_case_of(engine, "R3"), _case_of(engine, "R4")) == (person_case, family_case)
    assert dump(engines[0]) == dump(engines[1])


def test_the_service_takes_the_same_case(engines: tuple[Engine, Engine],
                                         tmp_path: Path) -> None:
    engine = engines[0]
    both(engines, _first_file(tmp_path), add_partners=True)
    with engine.begin() as conn:
        partner = _ids(conn, m.Partner, name="Helping Hand")
        person = _ids(conn, m.Person, beneficiary_id="B1")
        family = _ids(conn, m.Family, family_code="F1")
        family_cases = [_case_of(engine, "R2")]
        person_case = _add_case(conn, partner, person, family)
        _add_case(conn, partner, person, family, CaseStatus.CLOSED)
    scope = Scope("amina", Role.PARTNER_CASEWORKER, None, partner, "KGZ")

    def record(for_family: bool) -> int:
        with Session(engine) as session, session.begin():
            out = record_assistance(session, scope, AssistanceIn(
                person_id=person, for_family=for_family, type=AssistanceType.FOOD, record_id=None,
                delivered_on=dt.date(2021, 3, 1)))
            return int(out["case_id"])

    assert record(False) == person_case
    # The family's own case, not the member's newer one that carries the family.
    assert record(True) == family_cases[0]
    with engine.begin() as conn:  # the family's case closed: help to it opens another
        conn.execute(update(m.Case).where(m.Case.id == family_cases[0]).values(
            status=CaseStatus.CLOSED, closed_on=dt.date(2021, 3, 1)))
    opened = record(True)
    assert opened not in (person_case, *family_cases)
    with engine.connect() as conn:
        subject = conn.execute(select(m.Case.person_id, m.Case.family_id).where(
            m.Case.id == opened)).one()
    assert tuple(subject) == (None, family)
