"""The person list, search and page read plain columns (Core) in few statements; they must
answer exactly what the ORM implementation they replaced answered. That implementation is
kept here as the reference, and both run on the same world for every role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from opendtm.domain.ages import age_in_months
from opendtm.domain.namefold import fold_words
from opendtm.domain.taxonomy import AssistanceType, MigrantStatus, Role, Sex, Vulnerability
from opendtm.services import person_views, persons
from opendtm.services.access import NotFound, Scope
from opendtm.services.inputs import PersonIn
from opendtm.services.search import matching_ids, tokens_of
from opendtm.store import driver
from opendtm.store import models as m
from opendtm.store.database import make_engine, unit_of_work
from webworld import ROLES, build

# --- the ORM implementation that person_views replaced ------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


def _summary(person: m.Person, partner: m.Partner, identity: m.PersonIdentity | None,
             scope: Scope) -> dict[str, Any]:
    months = age_in_months(dt.date.today(), person.date_of_birth, person.age_years,
                           person.registered_on)
    out: dict[str, Any] = {
        "id": person.id, "beneficiary_id": person.beneficiary_id,
        "partner": {"id": partner.id, "name": partner.name}, "sex": _plain(person.sex),
        "age_years": None if months is None else months // 12,
        "nationality": person.nationality, "migrant_status": _plain(person.migrant_status),
        "registered_on": person.registered_on.isoformat()}
    if scope.identity:
        out["identity"] = {f: getattr(identity, f) if identity else None
                           for f in person_views.IDENTITY_FIELDS}
    return out


def _list(session: Session, scope: Scope, q: str | None, partner_id: int | None,
          sex: Sex | None, page: int, per_page: int) -> list[dict[str, Any]]:
    stmt = scope.restrict(select(m.Person, m.Partner, m.PersonIdentity), m.Person.partner_id)
    stmt = stmt.join(m.Partner, m.Partner.id == m.Person.partner_id).outerjoin(
        m.PersonIdentity)
    if partner_id is not None:
        stmt = stmt.where(m.Person.partner_id == partner_id)
    if sex is not None:
        stmt = stmt.where(m.Person.sex == sex)
    if q:
        only = scope.partner_id if scope.role is Role.PARTNER_CASEWORKER else partner_id
        found, params = matching_ids(q, fold_words(q), scope.identity, only)
        stmt = stmt.where(m.Person.id.in_(select(found.c.id)))
    rows = session.execute(stmt.order_by(m.Person.id.desc())
                           .offset((page - 1) * per_page).limit(per_page),
                           params if q else {}).all()
    return [_summary(p, partner, ident, scope) for p, partner, ident in rows]


def _page(session: Session, scope: Scope, person_id: int) -> dict[str, Any]:
    person = session.scalar(scope.restrict(
        select(m.Person).where(m.Person.id == person_id), m.Person.partner_id).options(
        joinedload(m.Person.partner), joinedload(m.Person.identity),
        joinedload(m.Person.family)))
    if person is None:
        raise NotFound("person", person_id, "read")
    out = _summary(person, person.partner, person.identity, scope)
    out.update({f: _plain(getattr(person, f)) for f in ("date_of_birth", "previous_country")})
    out["can_edit"] = scope.write
    family = person.family
    out["family"] = None if family is None else {
        "id": family.id, "family_code": family.family_code,
        "members": [{"id": p.id, "beneficiary_id": p.beneficiary_id, "sex": _plain(p.sex)}
                    for p in sorted(family.members, key=lambda p: p.id)]}
    out["vulnerabilities"] = [
        {"screened_on": s.screened_on.isoformat(), "vulnerability": f.vulnerability.value}
        for s in session.scalars(select(m.Screening).where(m.Screening.person_id == person.id)
                                 .options(selectinload(m.Screening.findings))
                                 .order_by(m.Screening.screened_on, m.Screening.id))
        for f in sorted(s.findings, key=lambda f: f.vulnerability.value)
        if scope.visible(f.vulnerability)]
    recipients = [m.Assistance.person_id == person.id]
    if family is not None:
        recipients.append(m.Assistance.family_id == family.id)
    out["assistance"] = [
        {"id": a.id, "type": a.type.value, "delivered_on": a.delivered_on.isoformat(),
         "for_family": a.person_id is None, "record_id": a.record_id,
         "return_from": a.return_from, "return_to": a.return_to,
         "transport_mode": _plain(a.transport_mode)}
        for a in session.scalars(select(m.Assistance).where(or_(*recipients)).order_by(
            m.Assistance.delivered_on.desc(), m.Assistance.id.desc()).limit(100))]
    out["history"] = [
        {"at": e.at.isoformat(), "actor": e.actor, "action": e.action,
         **({"changes": (e.detail or {}).get("changes", {})} if scope.identity else {})}
        for e in session.scalars(select(m.AuditEntry).where(
            m.AuditEntry.entity == "person", m.AuditEntry.entity_id == str(person.id),
            m.AuditEntry.action.in_(("create", "update"))).order_by(m.AuditEntry.id))]
    out["merged_into_id"] = person.merged_into_id
    out["can_unmerge"] = scope.review and (person.merged_into_id is not None or session.scalar(
        select(m.Person.id).where(m.Person.merged_into_id == person.id).limit(1)) is not None)
    return out


# --- the world: the web tests' one, and more of what a page shows -------------------------


@pytest.fixture(scope="module")
def world(module_db_url: str) -> Iterator[tuple[Engine, dict[str, int]]]:
    engine = make_engine(module_db_url)
    w = build(engine, module_db_url)
    ids = dict(w.persons)
    with unit_of_work(engine) as s:
        admin = Scope.of(s, s.scalars(select(m.User).where(m.User.username == "admin")).one())
        new = persons.register_person(s, admin, PersonIn(
            partner_id=w.partner_ids["Alpha"], beneficiary_id="A-3", given_name="Нурлан",
            family_name="Осмоналиев", sex=Sex.MALE, date_of_birth=dt.date(2010, 5, 4),
            migrant_status=MigrantStatus.RETURNEE, previous_country="RUS",
            family_code="FAM-1"))
        ids["A-3"] = new["id"]
        persons.update_person(s, admin, new["id"], PersonIn(
            beneficiary_id="A-3", given_name="Нурлан", family_name="Осмоналиев",
            sex=Sex.MALE, date_of_birth=dt.date(2010, 5, 4), phone="+996 555 000",
            migrant_status=MigrantStatus.RETURNEE, family_code="FAM-1"))
        a1 = s.get(m.Person, ids["A-1"])
        assert a1 is not None and a1.family_id is not None
        scr = m.Screening(person_id=a1.id, screened_on=dt.date(2021, 3, 1))
        scr.findings += [m.ScreeningFinding(vulnerability=Vulnerability.GBV),
                         m.ScreeningFinding(vulnerability=Vulnerability.DISABILITY),
                         m.ScreeningFinding(vulnerability=Vulnerability.PREGNANT)]
        s.add(scr)
        case = s.scalars(select(m.Case).where(m.Case.person_id == a1.id)).one()
        s.add(m.Assistance(partner_id=a1.partner_id, record_id="fam-1", case=case,
                           family_id=a1.family_id, type=AssistanceType.RETURN,
                           delivered_on=dt.date(2021, 3, 2), return_from="RUS",
                           return_to="KGZ"))
        s.get(m.Person, ids["A-2"]).merged_into_id = a1.id  # type: ignore[union-attr]
    yield engine, ids
    engine.dispose()


def _scopes(engine: Engine) -> list[Scope]:
    with unit_of_work(engine) as s:
        return [Scope.of(s, s.scalars(select(m.User).where(m.User.username == name)).one())
                for name in ROLES]


@pytest.mark.parametrize("direct", [True, False])
def test_the_list_and_search_answer_as_the_orm_did(
        world: tuple[Engine, dict[str, int]], direct: bool,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``direct`` the list runs on psycopg's connection (PostgreSQL), else through
    SQLAlchemy: both answer what the ORM did."""
    monkeypatch.setattr(driver, "DIRECT", direct)
    engine, _ = world
    queries: list[tuple[Any, ...]] = [
        (None, None, None, 1, 25), (None, None, None, 2, 2), (None, None, Sex.FEMALE, 1, 25),
        ("осмоналиев", None, None, 1, 25), ("osmonaliev", None, None, 1, 1),
        ("Айгуль Осмоналиева", None, None, 1, 25), ("A-2", None, None, 1, 25),
        ("AC101", None, None, 1, 25), ("нет такого", None, None, 1, 25)]
    compared = 0
    for scope in _scopes(engine):
        for q, partner_id, sex, page, per_page in queries:
            with unit_of_work(engine) as s:
                expected = _list(s, scope, q, partner_id, sex, page, per_page)
            with unit_of_work(engine) as s:
                got = person_views.list_persons(s, scope, q, partner_id, sex, None, page,
                                                per_page)
            assert got["items"] == expected, (scope.username, q, page)
            compared += len(expected)
    assert compared > 40


@pytest.mark.parametrize("direct", [True, False])
def test_the_person_page_answers_as_the_orm_did(world: tuple[Engine, dict[str, int]],
                                                direct: bool,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(driver, "DIRECT", direct)
    engine, ids = world
    shown = refused = 0
    for scope in _scopes(engine):
        for person_id in [*ids.values(), 999_999]:
            with unit_of_work(engine) as s:
                try:
                    expected: dict[str, Any] | None = _page(s, scope, person_id)
                except NotFound:
                    expected = None
            try:
                with unit_of_work(engine) as s:
                    got: dict[str, Any] | None = person_views.get_person(s, scope, person_id)
            except NotFound:
                got = None
            assert got == expected, (scope.username, person_id)
            shown, refused = shown + (got is not None), refused + (got is None)
    assert shown > 15 and refused > 15
    with unit_of_work(engine) as s:
        admin = _scopes(engine)[0]
        page = person_views.get_person(s, admin, ids["A-1"])
    assert [v["vulnerability"] for v in page["vulnerabilities"]] == [
        "vot", "disability", "gbv", "pregnant"]
    assert page["can_unmerge"] and page["assistance"][0]["for_family"]
    assert [m["id"] for m in page["family"]["members"]] == sorted(
        [ids["A-1"], ids["A-2"], ids["A-3"]])


@pytest.mark.parametrize("q", ["Айгуль Осмоналиева", "осм айг", "Осмоналиев", "ai osm",
                               "Нурлан Осмоналиев н", "AC 101", "A-2", "zzz osm"])
def test_a_search_finds_the_persons_whose_tokens_start_with_every_word(
        world: tuple[Engine, dict[str, int]], q: str) -> None:
    """The found ids, as a set, against the rule computed in Python from each person's
    tokens: the partner code, or every word a prefix of one of the person's tokens, or the
    words run together a prefix of one (a document number typed with spaces)."""
    engine, _ = world
    words = fold_words(q)
    with unit_of_work(engine) as s:
        found, params = matching_ids(q, words, True)
        got = set(s.scalars(select(found.c.id), params))
        expected = set()
        for person, identity in s.execute(select(m.Person, m.PersonIdentity).outerjoin(
                m.PersonIdentity)):
            tokens = tokens_of(identity) if identity else set()
            if person.beneficiary_id == q or (len(words) > 0 and (
                    all(any(t.startswith(w) for t in tokens) for w in words)
                    or (len(words) > 1 and any(t.startswith("".join(words))
                                               for t in tokens)))):
                expected.add(person.id)
    assert got == expected
    assert got or q == "zzz osm"
