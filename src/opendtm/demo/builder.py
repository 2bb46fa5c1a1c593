"""Write the demo dataset into the store, deterministically (same seed, same rows)."""

from __future__ import annotations

import datetime as dt
import random
import zlib
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from opendtm.domain.gazetteer import gazetteer
from opendtm.domain.taxonomy import (
    AssistanceType,
    CaseKind,
    CaseStatus,
    ConsentScope,
    ConsultationChannel,
    ConsultationTopic,
    MigrantStatus,
    ReferralDirection,
    ReferralKind,
    Sex,
    TransportMode,
    Vulnerability,
)
from opendtm.services.reference import city_id
from opendtm.store import models as m

from . import cohorts as spec
from .names import person_name
from .population import Individual, date_of_birth, expand, individuals

Progress = Callable[[str, int, int], None]
PHONE_PREFIX = {"KGZ": "+996", "TJK": "+992", "KAZ": "+7", "RUS": "+7", "UZB": "+998"}


def _seed(key: str) -> int:
    return zlib.crc32(key.encode())


class DemoBuilder:
    def __init__(self, session: Session, progress: Progress | None = None) -> None:
        self.s = session
        self.progress = progress or (lambda _label, _done, _total: None)
        self.partners: dict[str, m.Partner] = {}
        self.places: dict[str, tuple[str | None, int | None]] = {}
        self.periods: dict[str, tuple[dt.date, dt.date]] = {}
        self.cyrillic: dict[str, float] = {}

    def already_loaded(self) -> bool:
        found = self.s.scalar(select(m.Project.id).where(m.Project.code == spec.PROJECT_CODE))
        return found is not None

    def build(self) -> None:
        self._reference()
        steps = len(spec.COHORTS) + len(spec.FAMILY_COHORTS) + len(spec.CONTACT_COHORTS)
        done = 0
        for cohort in spec.COHORTS:
            self._cohort(cohort)
            done += 1
            self.progress(cohort.key, done, steps)
        for fam in spec.FAMILY_COHORTS:
            self._families(fam)
            done += 1
            self.progress(fam.key, done, steps)
        for contacts in spec.CONTACT_COHORTS:
            self._contacts(contacts)
            done += 1
            self.progress(contacts.key, done, steps)

    # ---- reference data
    def _reference(self) -> None:
        gaz = gazetteer()
        project = m.Project(code=spec.PROJECT_CODE, name=spec.PROJECT_NAME, donor=spec.DONOR)
        self.s.add(project)
        ops: dict[str, m.Operation] = {}
        for o in spec.OPERATIONS:
            op = self.s.scalar(select(m.Operation).where(m.Operation.country == o.country))
            if op is None:
                op = m.Operation(country=o.country, name_en=o.name_en, name_ru=o.name_ru,
                                 office=o.office)
                self.s.add(op)
            ops[o.country] = op
            self.periods[o.country] = (o.start, o.end)
            label = f"{o.start:%B %Y} - {o.end:%B %Y}"
            self.s.add(m.Period(project=project, operation=op, label=label,
                                start_date=o.start, end_date=o.end))
        self.s.flush()
        for p in spec.PARTNERS:
            unit = gaz.admin1(p.admin1, country=p.country)
            cid = city_id(self.s, p.country, gaz.city(p.city, country=p.country).name_en) \
                if p.city else None
            partner = m.Partner(operation=ops[p.country], name=p.name, name_ru=p.name_ru,
                                kind=p.kind)
            partner.regions.append(m.PartnerRegion(admin1_code=unit.code))
            self.s.add(partner)
            self.partners[p.name] = partner
            self.places[p.name] = (unit.code, cid)
            self.cyrillic[p.name] = p.cyrillic_share
        self.s.flush()

    # ---- individuals
    def _cohort(self, cohort: spec.Cohort) -> None:
        start, end = self.periods[cohort.country]
        rng = random.Random(_seed(cohort.key) + 1)
        people = individuals(cohort, start, end, _seed(cohort.key))
        for ind in people:
            partner_name = cohort.partners[ind.index % len(cohort.partners)]
            person = self._person(cohort.key, ind, partner_name, cohort.status, rng)
            family = None
            if ind.index < cohort.family_heads:
                family = self._family_of(person, partner_name, f"{cohort.key}-F{ind.index:03d}",
                                         ind.first_day, rng)
            case = self._case(person, None, partner_name, ind, rng)
            self._screen(person, case, ind)
            day = ind.first_day
            for n, atype in enumerate(ind.types):
                when = day + dt.timedelta(days=min(n * rng.randint(0, 4), 14))
                self._assist(case, person, None, partner_name, atype, when,
                             f"{cohort.key}-{ind.index:04d}-{atype.value}", ind, cohort, rng)
            if family is not None:
                fcase = m.Case(partner=self.partners[partner_name], family=family,
                               opened_on=day, closed_on=day, status=CaseStatus.CLOSED,
                               closure_reason="assistance completed")
                self.s.add(fcase)
                self._assist(fcase, None, family, partner_name, AssistanceType.FOOD, day,
                             f"{cohort.key}-F{ind.index:03d}-food", None, None, rng)
        self.s.flush()

    def _person(self, key: str, ind: Individual, partner_name: str,
                status: MigrantStatus, rng: random.Random) -> m.Person:
        exact = ind.exact_age
        person = m.Person(
            partner=self.partners[partner_name],
            beneficiary_id=f"{key.upper()}-{ind.index + 1:04d}",
            sex=Sex(ind.sex) if ind.sex else None,
            date_of_birth=date_of_birth(ind.age_months, ind.first_day, rng) if exact else None,
            age_years=None if exact else ind.age_months // 12,
            nationality=ind.nationality,
            migrant_status=status,
            previous_country=ind.previous_country,
            registered_on=ind.first_day,
        )
        latin = rng.random() > self.cyrillic[partner_name]
        given, family = person_name(rng, ind.nationality, ind.sex, latin)
        prefix = PHONE_PREFIX.get(ind.nationality, "+7")
        person.identity = m.PersonIdentity(
            given_name=given, family_name=family,
            document_type="passport" if rng.random() < 0.8 else None,
            document_number=f"{ind.nationality[:2]}{rng.randint(1000000, 9999999)}",
            phone=f"{prefix}{rng.randint(100000000, 999999999)}" if rng.random() < 0.6 else None,
        )
        self.s.add(person)
        self.s.add(m.Consent(person=person, scope=ConsentScope.REGISTRATION,
                             given_on=ind.first_day))
        return person

    def _family_of(self, head: m.Person, partner_name: str, code: str, day: dt.date,
                   rng: random.Random) -> m.Family:
        size = rng.randint(3, 5)
        family = m.Family(partner=self.partners[partner_name], family_code=code,
                          nationality=head.nationality, size=size)
        head.family = family
        for k in range(size - 1):
            child = k > 0
            age = rng.randint(1, 15) if child else rng.randint(20, 50)
            member = m.Person(
                partner=self.partners[partner_name], beneficiary_id=f"{code}-{k + 2}",
                sex=Sex.MALE if rng.random() < 0.5 else Sex.FEMALE, age_years=age,
                nationality=head.nationality, migrant_status=head.migrant_status,
                registered_on=day, family=family,
            )
            self.s.add(member)
        self.s.add(family)
        return family

    def _case(self, person: m.Person | None, family: m.Family | None, partner_name: str,
              ind: Individual, rng: random.Random) -> m.Case:
        avr = AssistanceType.RETURN in ind.types
        closed = ind.first_day + dt.timedelta(days=14)
        case = m.Case(
            partner=self.partners[partner_name], person=person, family=family,
            kind=CaseKind.AVR if avr else CaseKind.GENERAL, opened_on=ind.first_day,
            status=CaseStatus.CLOSED, closed_on=closed,
            closure_reason="returned home" if avr else "assistance completed",
        )
        self.s.add(case)
        if ind.referral:
            self.s.add(m.Referral(case=case, direction=ReferralDirection.IN,
                                  kind=ReferralKind(ind.referral), referred_on=ind.first_day))
        if rng.random() < 0.1:
            self.s.add(m.Referral(case=case, direction=ReferralDirection.OUT,
                                  kind=ReferralKind.NGO, organisation="Legal aid clinic (demo)",
                                  referred_on=closed))
        return case

    def _screen(self, person: m.Person, case: m.Case, ind: Individual) -> None:
        screening = m.Screening(person=person, case=case, screened_on=ind.first_day)
        screening.findings = [m.ScreeningFinding(vulnerability=Vulnerability(v))
                              for v in ind.vulnerabilities]
        self.s.add(screening)

    def _assist(self, case: m.Case, person: m.Person | None, family: m.Family | None,
                partner_name: str, atype: AssistanceType, when: dt.date, record_id: str,
                ind: Individual | None, cohort: spec.Cohort | None, rng: random.Random) -> None:
        admin1, cid = self.places[partner_name]
        row = m.Assistance(partner=self.partners[partner_name], record_id=record_id, case=case,
                           person=person, family=family, type=atype, delivered_on=when,
                           admin1_code=admin1, city_id=cid)
        if atype is AssistanceType.RETURN and ind is not None and cohort is not None:
            row.return_from = ind.return_from
            row.return_to = ind.nationality if cohort.return_to == "nationality" \
                else cohort.return_to
            row.transport_mode = TransportMode.AIR if rng.random() < 0.6 else TransportMode.LAND
            row.cost, row.currency = Decimal(rng.randint(80, 400)), "USD"
        elif atype is AssistanceType.CONSULTATION:
            row.consultation_topic = ConsultationTopic.VOLUNTARY_RETURN \
                if rng.random() < 0.3 else ConsultationTopic.OTHER
            row.consultation_channel = ConsultationChannel.IN_PERSON
        elif atype in (AssistanceType.FOOD, AssistanceType.HYGIENE, AssistanceType.NFI):
            row.quantity, row.unit = Decimal(1), "kit"
            row.cost, row.currency = Decimal(rng.randint(20, 60)), "USD"
        self.s.add(row)

    # ---- families helped as families
    def _families(self, fc: spec.FamilyCohort) -> None:
        start, end = self.periods[fc.country]
        rng = random.Random(_seed(fc.key))
        nats = expand(fc.nationality, rng)
        partner = self.partners[fc.partner]
        members: list[tuple[m.Person, m.Case, dt.date]] = []
        for i, nat in enumerate(nats):
            day = dt.date(start.year, start.month, 1) + dt.timedelta(days=rng.randint(0, 150))
            day = min(day, end)
            code = f"{fc.key.upper()}-{i + 1:03d}"
            family = m.Family(partner=partner, family_code=code, nationality=nat,
                              size=rng.randint(2, 5))
            self.s.add(family)
            case = m.Case(partner=partner, family=family, opened_on=day, closed_on=day,
                          status=CaseStatus.CLOSED, closure_reason="assistance completed")
            self.s.add(case)
            for k in range(family.size or 2):
                sex = "m" if k == 0 else ("f" if k == 1 else rng.choice("mf"))
                age_months = rng.randint(240, 600) if k < 2 else rng.randint(3, 200)
                ind = Individual(index=k, sex=sex, age_months=age_months,
                                 nationality=str(nat), first_day=day, exact_age=True)
                person = self._person(code, ind, fc.partner, MigrantStatus.STRANDED, rng)
                person.family = family
                members.append((person, case, day))
            for atype in fc.types:
                self._assist(case, None, family, fc.partner, atype, day,
                             f"{code}-{atype.value}", None, None, rng)
        order = list(range(len(members)))
        for atype, k in fc.member_help.items():
            rng.shuffle(order)
            for j in order[:k]:
                person, case, day = members[j]
                self._assist(case, person, None, fc.partner, atype, day,
                             f"{person.beneficiary_id}-{atype.value}", None, None, rng)
        self.s.flush()

    # ---- anonymous consultations
    def _contacts(self, cc: spec.ContactCohort) -> None:
        start, end = self.periods[cc.country]
        rng = random.Random(_seed(cc.key))
        sexes = expand(cc.sex, rng)
        topics = expand(cc.topics, rng)
        nats = expand(cc.nationality, rng)
        admin1, cid = self.places[cc.partner]
        span = (end - start).days
        for i, (sex, topic, nat) in enumerate(zip(sexes, topics, nats, strict=True)):
            channel = ConsultationChannel.PHONE if rng.random() < cc.phone_share \
                else ConsultationChannel.IN_PERSON
            self.s.add(m.ConsultationContact(
                partner=self.partners[cc.partner], record_id=f"{cc.key}-{i + 1:05d}",
                contacted_on=start + dt.timedelta(days=rng.randint(0, span)),
                sex=Sex(sex) if sex else None, nationality=nat,
                topic=ConsultationTopic(str(topic)), channel=channel,
                admin1_code=admin1, city_id=cid,
            ))
        self.s.flush()
