"""Age arithmetic used by the counting rules (minors are under 18 on the date of assistance)."""

from __future__ import annotations

import datetime as dt

from .taxonomy import ADULT_AGE


def months_between(born: dt.date, on: dt.date) -> int:
    """Whole months from ``born`` to ``on`` (the age in completed months)."""
    months = (on.year - born.year) * 12 + (on.month - born.month)
    if on.day < born.day:
        months -= 1
    return months


def age_in_months(
    on: dt.date,
    date_of_birth: dt.date | None,
    age_years: int | None,
    registered_on: dt.date | None,
) -> int | None:
    """Age on a date: from the date of birth when known, else from the age reported at
    registration plus the whole years since then."""
    if date_of_birth is not None:
        return months_between(date_of_birth, on)
    if age_years is None:
        return None
    elapsed = months_between(registered_on, on) if registered_on else 0
    return age_years * 12 + max(elapsed, 0) // 12 * 12


def is_minor(age_months: int | None) -> bool:
    return age_months is not None and age_months < ADULT_AGE * 12
