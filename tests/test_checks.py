"""Consistency checks report problems as data."""

from __future__ import annotations

from opendtm.process.checks import check_block


def block(**over) -> dict:
    ind = {"total": 10, "male": 6, "female": 4, "not_recorded": 0, "minors": 2, "boys": 1,
           "girls": 1, "age_min_months": 24, "age_max_months": 600}
    b = {"individuals": ind, "by_nationality": {"KGZ": 10}, "by_status": {"returnee": 10}}
    b.update(over)
    return b


def codes(b: dict) -> list[tuple[str, str | None]]:
    return [(p.code, p.key) for p in check_block("KGZ", b)]


def test_consistent_block_has_no_problems() -> None:
    assert codes(block()) == []


def test_sum_mismatch_and_minors() -> None:
    b = block()
    b["individuals"] = dict(b["individuals"], male=7, boys=3)
    assert codes(b) == [("sum-mismatch", "KGZ.individuals"),
                        ("minors-not-subset", "KGZ.individuals")]


def test_subset_larger_and_age_outside() -> None:
    ret = dict(block()["individuals"], total=11, male=7, age_min_months=12)
    assert codes(block(**{"return": ret})) == [
        ("subset-larger", "KGZ.return.total"),
        ("age-range", "KGZ.return.age_min_months"),
    ]


def test_missing_nationality_is_a_warning() -> None:
    problems = list(check_block("KGZ", block(by_nationality={"KGZ": 8})))
    assert [(p.code, p.severity) for p in problems] == [("parts-missing", "warning")]
    assert "2 of 10" in problems[0].message
