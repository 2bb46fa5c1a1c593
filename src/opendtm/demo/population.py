"""Turn a cohort into concrete people: sexes, ages, nationalities and dates, exactly."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from opendtm.domain.taxonomy import ADULT_AGE, AssistanceType

from .cohorts import Cohort

ADULT = ADULT_AGE * 12


@dataclass
class Individual:
    index: int
    sex: str | None
    age_months: int  # on the first delivery
    nationality: str
    first_day: dt.date
    exact_age: bool  # keep the date of birth (extremes and babies)
    previous_country: str | None = None
    return_from: str | None = None
    types: list[AssistanceType] = field(default_factory=list)
    vulnerabilities: list[str] = field(default_factory=list)
    referral: str | None = None


def expand(counts: dict[str, int] | dict[str | None, int], rng: random.Random) -> list[str | None]:
    items: list[str | None] = [k for k, n in counts.items() for _ in range(n)]
    rng.shuffle(items)
    return items


def first_days(n: int, start: dt.date, end: dt.date, rng: random.Random) -> list[dt.date]:
    """Dates in the period on days 1-14, so that two weeks of help stay in one month."""
    months = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    out = []
    for _ in range(n):
        yy, mm = rng.choice(months)
        day = rng.randint(1, 14)
        d = dt.date(yy, mm, day)
        out.append(min(max(d, start), end))
    return out


def ages(cohort: Cohort, sexes: list[str | None], rng: random.Random) -> list[tuple[int, bool]]:
    """Ages in months with the cohort's youngest and oldest present and minors exactly as
    specified; the flag marks ages that must be kept to the month."""
    lo, hi = cohort.age_months
    n = len(sexes)
    minors_wanted = {"m": cohort.boys, "f": cohort.girls}
    minor_idx: list[int] = []
    for sex, k in minors_wanted.items():
        candidates = [i for i, s in enumerate(sexes) if s == sex]
        if k > len(candidates):
            raise ValueError(f"{cohort.key}: {k} minors of sex {sex} but {len(candidates)} people")
        minor_idx += rng.sample(candidates, k)
    if lo < ADULT and not minor_idx:
        raise ValueError(f"{cohort.key}: youngest is a minor but no minors are specified")
    if minor_idx and lo >= ADULT:
        raise ValueError(f"{cohort.key}: minors specified but the youngest is an adult")
    result: list[tuple[int, bool]] = [(0, False)] * n
    minor_set = set(minor_idx)
    adults = [i for i in range(n) if i not in minor_set]
    for j, i in enumerate(sorted(minor_idx)):
        result[i] = (lo, True) if j == 0 else (rng.randint(lo, ADULT - 1), False)
    adult_lo = max(lo, ADULT)
    for j, i in enumerate(adults):
        if j == 0:
            result[i] = (hi, True)
        elif j == 1 and not minor_idx:
            result[i] = (adult_lo, True)
        else:
            result[i] = (rng.randint(adult_lo, hi), False)
    return result


def individuals(cohort: Cohort, start: dt.date, end: dt.date, seed: int) -> list[Individual]:
    rng = random.Random(seed)
    n = cohort.size
    sexes = expand(cohort.sex, rng)
    nationalities = expand(cohort.nationality, rng)
    previous = expand(cohort.previous_country, rng) if cohort.previous_country else [None] * n
    if isinstance(cohort.return_from, dict):
        same = cohort.return_from == cohort.previous_country
        origins = previous if same else expand(cohort.return_from, rng)
    else:
        origins = [cohort.return_from] * n
    days = first_days(n, start, end, rng)
    people = []
    for i, ((age, exact), sex) in enumerate(zip(ages(cohort, sexes, rng), sexes, strict=True)):
        people.append(
            Individual(
                index=i, sex=sex, age_months=age, nationality=str(nationalities[i]),
                first_day=days[i], exact_age=exact or age < 24 or rng.random() < 0.75,
                previous_country=previous[i], return_from=origins[i],
                types=list(cohort.types),
            )
        )
    order = list(range(n))
    for atype, k in cohort.extra.items():
        rng.shuffle(order)
        for i in order[:k]:
            people[i].types.append(atype)
    for vuln, k in cohort.vulnerabilities.items():
        for i in rng.sample(range(n), k):
            people[i].vulnerabilities.append(vuln.value)
    referrals = expand({k.value: v for k, v in cohort.referrals.items()}, rng)
    if len(referrals) > n:
        raise ValueError(f"{cohort.key}: more referrals than people")
    for person, kind in zip(people, referrals, strict=False):
        person.referral = kind
    return people


def date_of_birth(age_months: int, first_day: dt.date, rng: random.Random) -> dt.date:
    """A date of birth that makes the person exactly ``age_months`` old on ``first_day``."""
    total = first_day.year * 12 + (first_day.month - 1) - age_months
    return dt.date(total // 12, total % 12 + 1, rng.randint(1, first_day.day))
