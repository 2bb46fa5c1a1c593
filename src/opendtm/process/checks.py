"""Consistency checks on computed figures: totals add up, subsets stay inside their sets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from opendtm.domain.problems import Problem

SUBSETS = ("returnees", "return", "food_nfi", "pre_departure")


def check_block(key: str, block: dict[str, Any]) -> Iterator[Problem]:
    """Checks on one scope's figures (a country or a partner)."""
    ind = block.get("individuals")
    if not ind:
        return
    yield from _check_individuals(f"{key}.individuals", ind)
    total = ind["total"]
    for name in SUBSETS:
        sub = block.get(name)
        if not sub or "total" not in sub:
            continue
        yield from _check_individuals(f"{key}.{name}", sub)
        if sub["total"] > total:
            yield Problem("subset-larger", f"{name} counts {sub['total']} people but the "
                          f"scope has {total} individuals", key=f"{key}.{name}.total")
        for end in ("min", "max"):
            s, t = sub.get(f"age_{end}_months"), ind.get(f"age_{end}_months")
            outside = s is not None and t is not None and (s < t if end == "min" else s > t)
            if outside:
                yield Problem("age-range", f"{name} age {end} ({s} months) lies outside the "
                              f"scope's range", key=f"{key}.{name}.age_{end}_months")
    for name in ("by_nationality", "by_status"):
        counted = sum(block.get(name, {}).values())
        if counted > total:
            yield Problem("parts-exceed-total", f"{name} adds up to {counted}, more than the "
                          f"{total} individuals", key=f"{key}.{name}")
        elif counted < total:
            yield Problem("parts-missing", f"{total - counted} of {total} individuals have no "
                          f"{name.removeprefix('by_')} recorded", "warning", key=f"{key}.{name}")
    cons = block.get("consultations")
    if cons and cons["male"] + cons["female"] + cons["not_recorded"] != cons["total"]:
        yield Problem("sum-mismatch", "consultations by sex do not add up to the total",
                      key=f"{key}.consultations")


def _check_individuals(key: str, ind: dict[str, Any]) -> Iterator[Problem]:
    parts = ind["male"] + ind["female"] + ind["not_recorded"]
    if parts != ind["total"]:
        yield Problem("sum-mismatch", f"male + female + not recorded = {parts}, total is "
                      f"{ind['total']}", key=key)
    if ind["boys"] + ind["girls"] > ind["minors"] or ind["minors"] > ind["total"]:
        yield Problem("minors-not-subset", "boys and girls exceed minors, or minors exceed the "
                      "total", key=key)
    if ind["boys"] > ind["male"] or ind["girls"] > ind["female"]:
        yield Problem("minors-not-subset", "more boys than males or girls than females", key=key)
