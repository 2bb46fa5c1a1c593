"""The demo population, calibrated to Bulletin 6 "Direct Assistance" (2020-2021).

Each cohort is a group of people helped in the same way; the builder turns each into
persons, cases, screenings, referrals and assistance records. Counts are chosen so that
counting the database reproduces every figure the bulletin publishes; where the bulletin
contradicts itself, the reading is documented in ``opendtm.demo.seed.CONTRADICTIONS``.

Partners other than the Russian Red Cross, Ural House and Tong Jahoni are invented and
marked "(demo)"; so are all names of people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from opendtm.domain.taxonomy import AssistanceType as A
from opendtm.domain.taxonomy import MigrantStatus, PartnerKind, ReferralKind, Vulnerability

PROJECT_CODE = "DEMO-SDC-COVID19"
PROJECT_NAME = (
    "Mitigating Socio-Economic Effects of the COVID-19 Pandemic on Migrants and Communities "
    "in Central Asia and the Russian Federation"
)
DONOR = "Swiss Agency for Development and Cooperation (SDC)"


@dataclass(frozen=True)
class OperationSpec:
    country: str
    name_en: str
    name_ru: str
    office: str
    start: dt.date
    end: dt.date


OPERATIONS = [
    OperationSpec("KGZ", "Kyrgyzstan", "Кыргызстан", "IOM Kyrgyzstan",
                  dt.date(2020, 10, 1), dt.date(2021, 4, 30)),
    OperationSpec("TJK", "Tajikistan", "Таджикистан", "IOM Tajikistan",
                  dt.date(2020, 10, 1), dt.date(2021, 5, 31)),
    OperationSpec("KAZ", "Kazakhstan", "Казахстан", "IOM Kazakhstan",
                  dt.date(2020, 10, 1), dt.date(2021, 5, 31)),
    OperationSpec("RUS", "Russian Federation", "Российская Федерация", "IOM Moscow",
                  dt.date(2020, 10, 1), dt.date(2021, 4, 30)),
    OperationSpec("UZB", "Uzbekistan", "Узбекистан", "IOM Uzbekistan",
                  dt.date(2020, 10, 1), dt.date(2021, 4, 30)),
]


@dataclass(frozen=True)
class PartnerSpec:
    country: str
    name: str
    name_ru: str
    admin1: str  # any spelling the gazetteer knows
    city: str | None = None
    kind: PartnerKind = PartnerKind.NGO
    cyrillic_share: float = 0.7  # how often this partner writes names in Cyrillic


def _p(country: str, name: str, name_ru: str, admin1: str, city: str | None = None,
       kind: PartnerKind = PartnerKind.NGO, cyrillic: float = 0.7) -> PartnerSpec:
    return PartnerSpec(country, name, name_ru, admin1, city, kind, cyrillic)


PARTNERS = [
    # Kyrgyzstan: nine partners in seven provinces.
    _p("KGZ", "Chui Migrant Desk (demo)", "Чуйский центр мигрантов (демо)", "Chui", "Tokmok"),
    _p("KGZ", "Bishkek Road Home (demo)", "Дорога домой (демо)", "Chui"),
    _p("KGZ", "Talas Open Door (demo)", "Открытая дверь Талас (демо)", "Talas", "Talas"),
    _p("KGZ", "Batken Mutual Aid (demo)", "Взаимопомощь Баткен (демо)", "Batken", "Batken"),
    _p("KGZ", "Issyk Kul Returnee Aid (demo)", "Помощь возвращенцам (демо)", "Issyk Kul",
       "Karakol"),
    _p("KGZ", "Jalal-Abad Support Line (demo)", "Линия поддержки (демо)", "Jalal-Abad",
       "Jalal-Abad", cyrillic=0.4),
    _p("KGZ", "Naryn Family Centre (demo)", "Семейный центр Нарын (демо)", "Naryn", "Naryn"),
    _p("KGZ", "Osh Valley Aid (demo)", "Помощь долины Ош (демо)", "Osh oblast", cyrillic=0.4),
    _p("KGZ", "South Migrant Network (demo)", "Южная сеть мигрантов (демо)", "Osh oblast"),
    # Tajikistan: seven partners in four regions.
    _p("TJK", "Sughd Migrant Support (demo)", "Поддержка мигрантов Согд (демо)", "Sughd",
       "Khujand"),
    _p("TJK", "Khujand Hope (demo)", "Надежда Худжанд (демо)", "Sughd", "Khujand"),
    _p("TJK", "Khatlon Women Forum (demo)", "Женский форум Хатлон (демо)", "Khatlon", "Bokhtar"),
    _p("TJK", "Kulob Aid Point (demo)", "Пункт помощи Куляб (демо)", "Khatlon", "Kulob"),
    _p("TJK", "Pamir Care (demo)", "Забота Памира (демо)", "Gorno-Badakhshan", "Khorog"),
    _p("TJK", "Hisor Valley Aid (demo)", "Помощь Гиссарской долины (демо)",
       "Districts of Republican Subordination"),
    _p("TJK", "Rasht Migrant Line (demo)", "Линия мигрантов Рашт (демо)",
       "Districts of Republican Subordination", cyrillic=0.5),
    # Kazakhstan: eleven partners, one in each of eleven places.
    _p("KAZ", "Aktobe Migrant Aid (demo)", "Помощь мигрантам Актобе (демо)", "Aktobe", "Aktobe"),
    _p("KAZ", "Almaty Safe House (demo)", "Безопасный дом Алматы (демо)", "Almaty city",
       "Almaty"),
    _p("KAZ", "Temirtau Workers Aid (demo)", "Помощь рабочим Темиртау (демо)", "Karaganda",
       "Temirtau"),
    _p("KAZ", "Kostanay Open Hands (demo)", "Открытые руки Костанай (демо)", "Kostanay",
       "Kostanay"),
    _p("KAZ", "Kyzylorda Support (demo)", "Поддержка Кызылорда (демо)", "Kyzylorda",
       "Kyzylorda"),
    _p("KAZ", "Capital Migrant Centre (demo)", "Столичный центр мигрантов (демо)", "Nur-Sultan",
       "Nur-Sultan"),
    _p("KAZ", "North Star Aid (demo)", "Северная звезда (демо)", "North Kazakhstan",
       "Petropavlovsk"),
    _p("KAZ", "Shymkent Crossroads (demo)", "Перекрёсток Шымкент (демо)", "Shymkent",
       "Shymkent"),
    _p("KAZ", "Zhetysu Helping Hand (demo)", "Рука помощи Жетысу (демо)", "Almaty oblast",
       "Taldykorgan"),
    _p("KAZ", "Ural River Aid (demo)", "Помощь Урал (демо)", "West Kazakhstan", "Uralsk"),
    _p("KAZ", "Altai Bridge (demo)", "Мост Алтай (демо)", "East Kazakhstan", "Ust-Kamenogorsk"),
    # Russian Federation: Moscow, Saint Petersburg, Yekaterinburg.
    _p("RUS", "Moscow Migrant Helpline (demo)", "Горячая линия для мигрантов (демо)", "Moscow",
       "Moscow", PartnerKind.IOM_OFFICE),
    _p("RUS", "Russian Red Cross", "Российский Красный Крест", "Saint Petersburg",
       "Saint Petersburg", PartnerKind.RED_CROSS),
    _p("RUS", "Ural House", "Уральский дом", "Sverdlovsk", "Yekaterinburg"),
    _p("RUS", "IOM Uzbekistan", "МОМ Узбекистан", "Moscow", "Moscow", PartnerKind.IOM_OFFICE,
       cyrillic=0.5),
    _p("RUS", "Tong Jahoni", "Тонг Жахони", "Moscow", "Moscow", cyrillic=0.5),
]


@dataclass(frozen=True)
class Cohort:
    """A group of individuals helped the same way by a set of partners."""

    key: str
    country: str
    partners: tuple[str, ...]
    sex: dict[str | None, int]  # 'm', 'f', None (not recorded) -> count
    age_months: tuple[int, int]  # youngest and oldest, in completed months
    nationality: dict[str, int]
    status: MigrantStatus
    types: tuple[A, ...]  # every person receives each
    boys: int = 0  # minors (under 18) by sex
    girls: int = 0
    extra: dict[A, int] = field(default_factory=dict)  # given to the first n persons
    previous_country: dict[str, int] | None = None
    return_from: str | dict[str, int] | None = None
    return_to: str | None = None  # ISO3, or "nationality"
    vulnerabilities: dict[Vulnerability, int] = field(default_factory=dict)
    referrals: dict[ReferralKind, int] = field(default_factory=dict)
    family_heads: int = 0  # first n persons head a family that is helped as a family

    @property
    def size(self) -> int:
        return sum(self.sex.values())


def years(y: int, m: int = 0) -> int:
    return y * 12 + m


V = Vulnerability
R = ReferralKind
M, F = "m", "f"

COHORTS = [
    # ---- Kyrgyzstan: 295 (163 m, 132 f), aged 2 to 69, 11 minors (3 boys, 8 girls).
    Cohort("kgz-return", "KGZ", ("Chui Migrant Desk (demo)", "Osh Valley Aid (demo)"),
           {M: 10, F: 8}, (years(19), years(60)), {"KGZ": 18}, MigrantStatus.RETURNEE,
           (A.RETURN, A.CONSULTATION), previous_country={"RUS": 9, "UKR": 5, "KAZ": 4},
           return_from={"RUS": 9, "UKR": 5, "KAZ": 4}, return_to="KGZ",
           vulnerabilities={V.INCOME_LOSS: 18}, referrals={R.NGO: 12, R.CONSULATE: 6}),
    Cohort("kgz-returnees", "KGZ", tuple(p.name for p in PARTNERS if p.country == "KGZ"),
           {M: 132, F: 110}, (years(2), years(69, 7)), {"KGZ": 242}, MigrantStatus.RETURNEE,
           (A.FOOD, A.HYGIENE), boys=3, girls=6, extra={A.CONSULTATION: 200, A.NFI: 120},
           previous_country={"RUS": 190, "KAZ": 40, "TUR": 12},
           vulnerabilities={V.INCOME_LOSS: 230, V.SERIOUS_ILLNESS: 9, V.DISABILITY: 6},
           referrals={R.FELLOW_MIGRANTS: 90, R.MIGRATION_SERVICE: 80, R.SELF: 72}),
    Cohort("kgz-stranded", "KGZ", ("Bishkek Road Home (demo)",), {M: 12, F: 8},
           (years(5), years(58)), {"RUS": 1, "MDA": 19}, MigrantStatus.STRANDED,
           (A.DOCUMENTS, A.PCR_TEST, A.MEDICAL_EXAM, A.FOOD), girls=2,
           vulnerabilities={V.UNDOCUMENTED: 7, V.INCOME_LOSS: 20}, referrals={R.CONSULATE: 20}),
    Cohort("kgz-other", "KGZ", ("Jalal-Abad Support Line (demo)", "South Migrant Network (demo)"),
           {M: 9, F: 6}, (years(18, 2), years(50)), {"UZB": 6, "TJK": 5, "KAZ": 4},
           MigrantStatus.OTHER, (A.FOOD, A.NFI), referrals={R.NGO: 15}),
    # ---- Tajikistan: 189 (124 m, 65 f), aged 20 to 55, 4 victims of trafficking,
    # six stranded Moldovan families; hygiene supplies to all.
    Cohort("tjk-returnees", "TJK", tuple(p.name for p in PARTNERS if p.country == "TJK"),
           {M: 120, F: 63}, (years(20), years(55, 4)), {"TJK": 183}, MigrantStatus.RETURNEE,
           (A.FOOD, A.HYGIENE, A.CONSULTATION), extra={A.DOCUMENTS: 40},
           previous_country={"RUS": 167, "KAZ": 8, "IND": 4, "AZE": 2, "TUR": 2},
           vulnerabilities={V.VOT: 4, V.GBV: 9, V.INCOME_LOSS: 160, V.EXPLOITATION: 6},
           referrals={R.MIGRATION_SERVICE: 70, R.WOMEN_FAMILY_DEPARTMENT: 40,
                      R.ANTI_TRAFFICKING_CENTRE: 8, R.NGO: 65}),
    Cohort("tjk-moldovan-families", "TJK", ("Sughd Migrant Support (demo)",), {M: 4, F: 2},
           (years(24), years(47)), {"MDA": 6}, MigrantStatus.STRANDED,
           (A.HYGIENE, A.CONSULTATION), family_heads=6, referrals={R.MIGRATION_SERVICE: 6}),
    # ---- Kazakhstan: 230 (134 m, 96 f). Return to 110 (79 m, 31 f, aged 1 to 64,
    # 19 minors: 11 boys, 8 girls); food and NFIs to 120 (55 m, 65 f).
    Cohort("kaz-return", "KAZ", tuple(p.name for p in PARTNERS if p.country == "KAZ"),
           {M: 79, F: 31}, (years(1), years(64, 9)),
           {"UZB": 40, "MDA": 38, "RUS": 17, "TJK": 13, "UKR": 1, "AFG": 1},
           MigrantStatus.STRANDED, (A.RETURN, A.DOCUMENTS, A.CONSULTATION), boys=11, girls=8,
           extra={A.PCR_TEST: 90, A.MEDICAL_EXAM: 60, A.MONITORING: 70},
           return_from="KAZ", return_to="nationality",
           vulnerabilities={V.UNDOCUMENTED: 34, V.INCOME_LOSS: 80, V.CHILD_NO_SERVICES: 6,
                            V.PREGNANT: 2, V.DISABILITY: 3, V.GBV: 2, V.EXPLOITATION: 3,
                            V.VOT: 1},
           referrals={R.CONSULATE: 60, R.NGO: 30, R.HOTLINE: 20}),
    Cohort("kaz-food-nfi", "KAZ", tuple(p.name for p in PARTNERS if p.country == "KAZ"),
           {M: 55, F: 65}, (years(2), years(69, 2)),
           {"UZB": 34, "TJK": 32, "KGZ": 25, "RUS": 15, "TKM": 13, "AFG": 1},
           MigrantStatus.STRANDED, (A.FOOD, A.NFI), boys=2, girls=3,
           extra={A.CONSULTATION: 100},
           vulnerabilities={V.INCOME_LOSS: 110, V.UNDOCUMENTED: 20, V.DISABILITY: 4, V.GBV: 3},
           referrals={R.HOTLINE: 40, R.NGO: 50, R.FELLOW_MIGRANTS: 30}),
    # ---- Russian Federation.
    Cohort("rus-ural-help", "RUS", ("Ural House",), {M: 250, F: 115}, (years(18), years(63)),
           {"UZB": 160, "TJK": 130, "KGZ": 75}, MigrantStatus.STRANDED,
           (A.FOOD, A.HYGIENE), extra={A.CLOTHING: 120},
           vulnerabilities={V.INCOME_LOSS: 300, V.UNDOCUMENTED: 40},
           referrals={R.FELLOW_MIGRANTS: 200, R.HOTLINE: 165}),
    Cohort("rus-ural-return", "RUS", ("Ural House",), {M: 14, F: 5}, (years(21), years(52)),
           {"UZB": 8, "TJK": 7, "KGZ": 4}, MigrantStatus.STRANDED, (A.RETURN, A.PCR_TEST),
           return_from="RUS", return_to="nationality", referrals={R.NGO: 19}),
    Cohort("rus-avr-uzbekistan", "RUS", ("IOM Uzbekistan",), {M: 31, F: 34, None: 11},
           (2, years(78, 3)), {"UZB": 76}, MigrantStatus.STRANDED,
           (A.RETURN, A.PCR_TEST, A.DOCUMENTS), boys=4, girls=5,
           return_from="RUS", return_to="UZB",
           referrals={R.LABOUR_MIGRATION_AGENCY: 50, R.CONSULATE: 26}),
    Cohort("rus-tong-jahoni", "RUS", ("Tong Jahoni",), {M: 308, F: 5}, (years(19), years(61)),
           {"UZB": 313}, MigrantStatus.STRANDED, (A.FOOD, A.MEDICINE),
           extra={A.CLOTHING: 200, A.NFI: 150},
           vulnerabilities={V.INCOME_LOSS: 280, V.SERIOUS_ILLNESS: 12},
           referrals={R.LABOUR_MIGRATION_AGENCY: 113, R.FELLOW_MIGRANTS: 200}),
]


@dataclass(frozen=True)
class FamilyCohort:
    """Families helped as families (counted separately from individuals)."""

    key: str
    country: str
    partner: str
    nationality: dict[str, int]
    types: tuple[A, ...]
    # Members who also received help of their own, by type.
    member_help: dict[A, int] = field(default_factory=dict)


FAMILY_COHORTS = [
    FamilyCohort("rus-spb-families", "RUS", "Russian Red Cross",
                 {"UZB": 9, "TJK": 8, "KGZ": 8, "UKR": 5, "AZE": 1, "AFG": 1},
                 (A.FOOD, A.NFI),
                 {A.CLOTHING: 12, A.HYGIENE: 20, A.BABY_FOOD: 5, A.MEDICINE: 4,
                  A.TREATMENT: 1}),
]


@dataclass(frozen=True)
class ContactCohort:
    """Anonymous consultations by phone or in person."""

    key: str
    country: str
    partner: str
    sex: dict[str | None, int]
    topics: dict[str, int]
    nationality: dict[str, int]
    phone_share: float = 0.9


CONTACT_COHORTS = [
    ContactCohort("rus-consultations", "RUS", "Moscow Migrant Helpline (demo)",
                  {M: 457, F: 190},
                  {"registration": 160, "residence_permit": 140, "citizenship": 95,
                   "voluntary_return": 88, "employment": 90, "health": 30, "other": 44},
                  {"TJK": 220, "UZB": 250, "KGZ": 120, "MDA": 35, "UKR": 22}),
]
