"""Disclosure control of survey figures: counts just under and at the threshold where sex
or age is crossed, secondary suppression in additive groups, samples by sex."""

from __future__ import annotations

from typing import Any

from opendtm.process.disclosure import Rules
from opendtm.process.survey_disclosure import protect


def group(by: dict[str, Any], counts: dict[str, int]) -> dict[str, Any]:
    n = sum(counts.values())
    return {"by": by, "n": n, "suppressed": False, "values": [
        {"option": o, "count": c, "percent": round(100 * c / n, 1)} for o, c in counts.items()]}


def figures(kind: str, *groups: dict[str, Any]) -> dict[str, Any]:
    return {"indicators": {"q": {"kind": kind, "groups": list(groups)}}, "sample": []}


def counts(g: dict[str, Any]) -> dict[str, Any]:
    return {v["option"]: v["count"] for v in g["values"]}


def test_a_count_at_the_threshold_is_shown_one_under_it_is_not() -> None:
    by = {"country": "KGZ", "class": "returnee", "sex": "f"}
    out, hidden = protect(figures("distribution", group(by, {"a": 40, "b": 5, "c": 0})),
                          Rules(5))
    assert counts(out["indicators"]["q"]["groups"][0]) == {"a": 40, "b": 5, "c": 0}
    assert hidden == []
    out, hidden = protect(figures("distribution", group(by, {"a": 40, "b": 4, "c": 9})),
                          Rules(5))
    g = out["indicators"]["q"]["groups"][0]
    # 4 is primary; the base minus 'a' would give it away, so the next smallest goes too
    assert counts(g) == {"a": 40, "b": None, "c": None}
    assert all(v["percent"] is None for v in g["values"] if v["count"] is None)
    assert [h.rule for h in hidden] == ["crossed", "secondary"]


def test_country_and_class_are_not_crossed_and_several_answers_are_not_additive() -> None:
    plain = group({"country": "KGZ", "class": "returnee"}, {"a": 40, "b": 1})
    by_age = group({"country": "KGZ", "class": "returnee", "age_group": "55+"},
                   {"a": 40, "b": 2, "c": 30})
    out, _ = protect(figures("multiple", plain, by_age), Rules(5))
    assert counts(out["indicators"]["q"]["groups"][0]) == {"a": 40, "b": 1}
    assert counts(out["indicators"]["q"]["groups"][1]) == {"a": 40, "b": None, "c": 30}


def test_a_base_under_the_threshold_hides_its_group() -> None:
    g = group({"country": "KGZ", "class": "returnee", "sex": "f"}, {"a": 3, "b": 1})
    numbers = {"by": {"country": "KGZ", "class": "returnee", "sex": "f"}, "n": 4,
               "suppressed": True, "mean": 3.0, "median": 3.0, "min": 1.0, "max": 9.0}
    data = figures("distribution", g)
    data["indicators"]["age"] = {"kind": "summary", "groups": [numbers]}
    out, _ = protect(data, Rules(5))
    shown = out["indicators"]["q"]["groups"][0]
    assert shown["n"] is None and counts(shown) == {"a": None, "b": None}
    assert out["indicators"]["age"]["groups"][0]["max"] is None


def test_sample_by_sex_gets_secondary_suppression() -> None:
    data = figures("distribution")
    data["sample"] = [
        {"by": {"country": "TJK", "class": "returnee"}, "n": 40},
        {"by": {"country": "TJK", "class": "returnee", "sex": "m"}, "n": 37},
        {"by": {"country": "TJK", "class": "returnee", "sex": "f"}, "n": 3},
    ]
    out, hidden = protect(data, Rules(5))
    assert [r["n"] for r in out["sample"]] == [40, None, None]
    assert len(hidden) == 2
