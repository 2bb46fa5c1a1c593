"""A small world for the web tests: two countries, three partners, persons with names and
sensitive findings, a family, and one user of every role (password ``correct horse``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine

from opendtm.domain.taxonomy import AssistanceType, Role, Sex, Vulnerability
from opendtm.services import search, users
from opendtm.services.reference import sync_gazetteer
from opendtm.store import models as m
from opendtm.store import schema
from opendtm.store.database import unit_of_work

PASSWORD = "correct horse"
ROLES = {
    "admin": (Role.ADMINISTRATOR, None, None),
    "kgz_officer": (Role.COUNTRY_OFFICER, None, "KGZ"),
    "kgz_protection": (Role.PROTECTION_OFFICER, None, "KGZ"),
    "alpha_worker": (Role.PARTNER_CASEWORKER, "Alpha", None),
    "beta_worker": (Role.PARTNER_CASEWORKER, "Beta", None),
    "gamma_worker": (Role.PARTNER_CASEWORKER, "Gamma", None),
    "info": (Role.INFORMATION_OFFICER, None, None),
    "viewer": (Role.VIEWER, None, None),
}


@dataclass
class World:
    url: str
    persons: dict[str, int] = field(default_factory=dict)  # beneficiary_id -> id
    partner_ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


def build(engine: Engine, url: str, roles: tuple[str, ...] | None = None) -> World:
    schema.upgrade(engine)
    world = World(url)
    with unit_of_work(engine) as s:
        sync_gazetteer(s)
        kgz = m.Operation(country="KGZ", name_en="Kyrgyzstan", name_ru="Кыргызстан")
        tjk = m.Operation(country="TJK", name_en="Tajikistan", name_ru="Таджикистан")
        partners = {"Alpha": m.Partner(operation=kgz, name="Alpha"),
                    "Beta": m.Partner(operation=kgz, name="Beta"),
                    "Gamma": m.Partner(operation=tjk, name="Gamma")}
        s.add_all(partners.values())
        s.flush()
        fam = m.Family(partner=partners["Alpha"], family_code="FAM-1")
        people = [
            ("A-1", "Alpha", "Айгуль", "Осмоналиева", Sex.FEMALE, fam, Vulnerability.VOT),
            ("A-2", "Alpha", "Бакыт", "Осмоналиев", Sex.MALE, fam, Vulnerability.DISABILITY),
            ("B-1", "Beta", "Jamshed", "Rahimov", Sex.MALE, None, Vulnerability.GBV),
            ("G-1", "Gamma", "Зарина", "Каримова", Sex.FEMALE, None, None),
        ]
        for code, partner, given, family, sex, family_row, vuln in people:
            p = m.Person(partner=partners[partner], beneficiary_id=code, sex=sex,
                         age_years=30, nationality="KGZ", family=family_row,
                         registered_on=dt.date(2021, 1, 5))
            p.identity = m.PersonIdentity(given_name=given, family_name=family,
                                          document_number=f"AC{len(world.persons) + 100}")
            s.add(p)
            s.flush()
            case = m.Case(partner=partners[partner], person=p, opened_on=dt.date(2021, 1, 5))
            s.add(case)
            s.add(m.Assistance(partner=partners[partner], record_id=f"r-{code}", case=case,
                               person=p, type=AssistanceType.FOOD,
                               delivered_on=dt.date(2021, 2, 1)))
            if vuln:
                scr = m.Screening(person=p, screened_on=dt.date(2021, 1, 6))
                scr.findings.append(m.ScreeningFinding(vulnerability=vuln))
                s.add(scr)
            world.persons[code] = p.id
        world.partner_ids = {n: p.id for n, p in partners.items()}
        search.index_missing(s)
        for name, (role, partner, country) in ROLES.items():
            if roles is not None and name not in roles:
                continue
            users.add_user(s, name, role, PASSWORD, partner, country)
            world.tokens[name] = users.new_token(s, name)
    return world
