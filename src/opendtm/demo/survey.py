"""Synthetic submissions of the shipped questionnaire, deterministic, with plausible answers.

Returnees in Kyrgyzstan (885, Bishkek and Osh, December 2020) and Tajikistan; stranded
migrants in Kazakhstan and the Russian Federation. Answers hang together: the return comes
after the departure, the months abroad fit the time abroad, only the employed have a sector,
remittances are in the currency of the country of work. Beside each cohort, a few
respondents interviewed fall just outside the glossary's definition (one criterion each),
so that classification has something to refuse.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

Weights = Sequence[tuple[str, float]]


@dataclass(frozen=True)
class Cohort:
    country: str
    kind: str  # returnee or migrant
    n: int
    places: tuple[tuple[str, str, float], ...]  # admin1, city, weight
    month: tuple[int, int]  # year, month of the interviews
    male: float
    outside: int  # respondents interviewed who fall outside the glossary's definition
    uncovered: tuple[str, str] | None = None  # a place the assessment did not cover


COHORTS = (
    Cohort("KGZ", "returnee", 885, (("KG-GB", "bishkek", 0.6), ("KG-GO", "osh", 0.4)),
           (2020, 12), 0.71, 45),
    Cohort("TJK", "returnee", 640, (("TJ-DU", "dushanbe", 0.35), ("TJ-SU", "khujand", 0.35),
                                    ("TJ-KT", "bokhtar", 0.3)), (2021, 1), 0.83, 30),
    Cohort("KAZ", "migrant", 520, (("KZ-ALA", "almaty", 0.45), ("KZ-AST", "nur_sultan", 0.3),
                                   ("KZ-SHY", "shymkent", 0.25)), (2020, 11), 0.64, 40,
           ("KZ-MAN", "aktau")),
    Cohort("RUS", "migrant", 610, (("RU-MOW", "moscow", 0.55), ("RU-SPE", "saint_petersburg",
                                                                 0.25),
                                   ("RU-SVE", "yekaterinburg", 0.2)), (2020, 11), 0.68, 35,
           ("RU-TA", "kazan")),
)
ORIGINS = {"KAZ": (("UZB", 40), ("TJK", 25), ("KGZ", 22), ("RUS", 6), ("TKM", 4), ("AFG", 3)),
           "RUS": (("UZB", 45), ("TJK", 30), ("KGZ", 15), ("MDA", 5), ("UKR", 3), ("AZE", 2))}
WORK = {"KGZ": (("RUS", 80), ("KAZ", 14), ("TUR", 4), ("KOR", 2)),
        "TJK": (("RUS", 88), ("KAZ", 6), ("TUR", 3), ("KOR", 3))}
CURRENCY = {"RUS": "RUB", "KAZ": "KZT", "TUR": "USD", "KOR": "USD"}
AMOUNT = {"RUB": (8000, 40000), "KZT": (40000, 200000), "USD": (150, 900)}


def _pick(rng: random.Random, weighted: Weights) -> str:
    names, weights = zip(*weighted, strict=True)
    return str(rng.choices(names, weights)[0])


def _some(rng: random.Random, weighted: Weights, low: int, high: int) -> list[str]:
    chosen: list[str] = []
    for _ in range(rng.randint(low, high)):
        name = _pick(rng, [w for w in weighted if w[0] not in chosen])
        chosen.append(name)
    return chosen


def _months_band(months: int) -> str:
    for limit, band in ((1, "lt_1m"), (3, "m2_3"), (6, "m4_6"), (12, "m7_12"), (36, "y1_3"),
                        (60, "y3_5")):
        if months <= limit:
            return band
    return "gt_5y"


def _employment(rng: random.Random, male: bool, stage: str) -> dict[str, Any]:
    weights = {
        "before": [("private", 20), ("daily_wage", 15), ("self_employed", 15), ("public", 8),
                   ("volunteer", 4), ("unemployed", 28), ("inactive", 10)],
        "during": [("private", 45), ("daily_wage", 30), ("self_employed", 10), ("public", 2),
                   ("volunteer", 1), ("unemployed", 10), ("inactive", 2)],
        "now": [("private", 12), ("daily_wage", 18), ("self_employed", 12), ("public", 4),
                ("volunteer", 2), ("unemployed", 45), ("inactive", 7)],
    }[stage]
    status = _pick(rng, weights)
    out: dict[str, Any] = {f"emp_{stage}": status}
    if status not in ("unemployed", "inactive"):
        sectors = ([("construction", 40), ("transport", 15), ("manufacturing", 12),
                    ("trade", 12), ("services", 8), ("agriculture", 8), ("other", 5)] if male
                   else [("services", 35), ("trade", 30), ("manufacturing", 10),
                         ("agriculture", 10), ("transport", 3), ("construction", 2),
                         ("other", 10)])
        out[f"sector_{stage}"] = _pick(rng, sectors)
        if stage != "before":
            out[f"contract_{stage}"] = "yes" if rng.random() < 0.35 else "no"
    return out


def respondent(rng: random.Random, cohort: Cohort, outside: bool = False) -> dict[str, Any]:
    """One respondent; ``outside``: one who fails one criterion of the glossary."""
    year, month = cohort.month
    today = dt.date(year, month, rng.randint(1, 28))
    admin1, city = _pick(rng, [(f"{a}|{c}", w) for a, c, w in cohort.places]).split("|")
    male = rng.random() < cohort.male
    age = min(70, max(18, int(rng.gauss(34, 10))))
    hh_size = rng.randint(1, 9)
    a: dict[str, Any] = {
        "start": f"{today.isoformat()}T10:{rng.randint(0, 59):02d}:00",
        "end": f"{today.isoformat()}T11:{rng.randint(0, 59):02d}:00", "today": today.isoformat(),
        "consent_given": "yes", "respondent_type": cohort.kind, "country": cohort.country,
        "admin1": admin1, "city": city, "sex": "m" if male else "f", "age": age,
        "marital_status": _pick(rng, [("married", 62), ("single", 24), ("divorced", 9),
                                      ("widowed", 5)] if age > 24 else
                                [("single", 70), ("married", 28), ("divorced", 2)]),
        "education": _pick(rng, [("secondary", 55), ("vocational", 20), ("higher", 15),
                                 ("primary", 7), ("none", 3)]),
        "hh_size": hh_size, "dependants": rng.randint(0, hh_size - 1),
        "breadwinner": "yes" if rng.random() < (0.7 if male else 0.35) else "no",
        "hh_member": [{"member_sex": rng.choice("fm"), "member_age": rng.randint(0, 80),
                       "member_abroad": "yes" if rng.random() < 0.2 else "no"}
                      for _ in range(min(hh_size - 1, 6))],
        "reasons_migration": _some(rng, [("no_jobs", 40), ("low_wages", 30),
                                         ("family_needs", 25), ("debts", 10), ("housing", 10),
                                         ("education", 5), ("family_abroad", 4),
                                         ("wedding", 3), ("other", 2)], 1, 3),
    }
    if not a["hh_member"]:
        del a["hh_member"]
    if cohort.kind == "returnee":
        a |= _returnee(rng, cohort, today, outside)
        work = a["work_countries"][0]
    else:
        a |= _migrant(rng, cohort, today, outside)
        work = cohort.country
    a |= _employment(rng, male, "before") | _employment(rng, male, "during")
    a |= _employment(rng, male, "now")
    a["job_lost_covid"] = "yes" if rng.random() < 0.58 else "no"
    if rng.random() < 0.74:
        currency = CURRENCY.get(work, "USD")
        low, high = AMOUNT[currency]
        a |= {"remit_sent": "yes",
              "remit_frequency": _pick(rng, [("monthly", 50), ("quarterly", 22),
                                             ("irregular", 18), ("twice_year", 6),
                                             ("yearly", 4)]),
              "remit_amount": round(rng.randint(low, high), -2), "remit_currency": currency,
              "remit_channel": _pick(rng, [("transfer", 68), ("mobile", 17), ("others", 9),
                                           ("in_person", 6)]),
              "remit_change": _pick(rng, [("decreased", 42), ("stopped", 33), ("same", 20),
                                          ("increased", 5)])}
    else:
        a["remit_sent"] = "no"
    a |= {"income_loss": _pick(rng, [("all", 48), ("part", 41), ("none", 11)]),
          "debts": "yes" if rng.random() < 0.46 else "no",
          "health_access": _pick(rng, [("yes", 52), ("difficult", 33), ("no", 15)]),
          "discrimination": "yes" if rng.random() < 0.14 else "no",
          "needs": _some(rng, [("employment", 40), ("food", 28), ("cash", 25), ("medical", 12),
                               ("housing", 10), ("documents", 8), ("return", 14 if
                               cohort.kind == "migrant" else 0.1), ("legal", 6),
                               ("education", 4), ("psychosocial", 3)], 1, 3)}
    a["followup_consent"] = "yes" if rng.random() < 0.3 else "no"
    if a["followup_consent"] == "yes":
        a["followup_phone"] = f"+{rng.randint(100, 999)} {rng.randint(100, 999)} " \
                              f"{rng.randint(100000, 999999)}"
    return a


def _returnee(rng: random.Random, cohort: Cohort, today: dt.date, outside: bool
              ) -> dict[str, Any]:
    fails = rng.choice(("native", "early", "short")) if outside else ""
    native = fails != "native"
    returned = dt.date(2020, 3, 1) + dt.timedelta(days=rng.randint(0, (today - dt.date(
        2020, 3, 1)).days - 1))
    if fails == "early":  # returned before the pandemic
        returned = dt.date(2020, rng.randint(1, 2), rng.randint(1, 28))
    months = max(3, int(rng.lognormvariate(2.8, 0.8)))
    if fails == "short":
        months = rng.randint(1, 2)
    left = returned - dt.timedelta(days=int(months * 30.4) + rng.randint(0, 20))
    work = [_pick(rng, WORK[cohort.country])]
    if rng.random() < 0.15:
        work.append(_pick(rng, [w for w in WORK[cohort.country] if w[0] != work[0]]))
    return {
        "nationality": cohort.country if native else _pick(rng, [("UZB", 1), ("RUS", 1)]),
        "birth_country": cohort.country if native else "UZB",
        "work_countries": work, "date_left": left.isoformat(),
        "time_abroad": _months_band(months), "months_abroad": months,
        "date_return": returned.isoformat(),
        "reasons_return": _some(rng, [("job_lost", 50), ("covid_fear", 25), ("family", 20),
                                      ("documents", 8), ("contract_end", 8), ("health", 5),
                                      ("expelled", 3), ("other", 2)], 1, 3),
        "intention": _pick(rng, [("remigrate", 38), ("stay", 30), ("circular", 18),
                                 ("undecided", 14)]),
    }


def _migrant(rng: random.Random, cohort: Cohort, today: dt.date, outside: bool
             ) -> dict[str, Any]:
    fails = rng.choice(("place", "recent", "staying", "free")) if outside else ""
    origin = _pick(rng, ORIGINS[cohort.country])
    months = 1 if fails == "recent" else max(2, int(rng.lognormvariate(2.6, 0.9)))
    left = today - dt.timedelta(days=int(months * 30.4))
    intends = "no" if fails == "staying" else "yes"
    out: dict[str, Any] = {
        "nationality": origin, "birth_country": origin, "date_left": left.isoformat(),
        "time_abroad": _months_band(months), "months_in_country": months,
        "intends_return": intends,
    }
    if fails == "place" and cohort.uncovered:
        out["admin1"], out["city"] = cohort.uncovered
    if intends == "yes":
        out["can_return"] = "yes" if fails == "free" else "no"
        if out["can_return"] == "no":
            out["why_cannot_return"] = _some(rng, [("no_money", 45), ("borders", 35),
                                                   ("documents", 15), ("wages_owed", 10),
                                                   ("fines", 6), ("illness", 3)], 1, 2)
    return out


def submissions(seed: int = 2020, scale: float = 1.0) -> Iterator[tuple[str, dict[str, Any]]]:
    """(uuid, answers) for every synthetic respondent, always the same for the same seed."""
    rng = random.Random(seed)
    for cohort in COHORTS:
        inside, outside = max(1, round(cohort.n * scale)), round(cohort.outside * scale)
        for i in range(inside + outside):
            yield (str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                   respondent(rng, cohort, outside=i >= inside))
