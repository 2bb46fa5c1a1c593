"""The glossary's definitions: a respondent just inside and just outside each criterion.

Each case is checked twice: by ``domain.glossary.classify`` (one respondent) and by the Ibis
expression that classifies whole tables (``process.survey_classes``); they must agree.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest

from opendtm.domain.glossary import NOT_CLASSIFIED, classify, load_rules, parse_rules
from opendtm.process.survey_classes import classify_table

RETURNEE = {"respondent_type": "returnee", "nationality": "KGZ", "birth_country": "KGZ",
            "months_abroad": 3, "date_return": "2020-03-01"}
STRANDED_KAZ = {"respondent_type": "migrant", "admin1": "KZ-ALA", "months_in_country": 2,
                "intends_return": "yes", "can_return": "no", "nationality": "UZB"}
STRANDED_RUS = {**STRANDED_KAZ, "admin1": "RU-SVE", "city": "yekaterinburg"}

CASES: list[tuple[str, str, dict[str, Any], str, tuple[str, ...]]] = [
    # Returnees in Kyrgyzstan and Tajikistan
    ("KGZ", "inside on every criterion", {}, "returnee", ()),
    ("KGZ", "born in KGZ, other nationality", {"nationality": "KAZ"}, "returnee", ()),
    ("KGZ", "KGZ national, born elsewhere", {"birth_country": "RUS"}, "returnee", ()),
    ("KGZ", "neither national nor native", {"nationality": "KAZ", "birth_country": "KAZ"},
     NOT_CLASSIFIED, ("national_or_native",)),
    ("KGZ", "2 consecutive months abroad", {"months_abroad": 2}, NOT_CLASSIFIED,
     ("abroad_3_months",)),
    ("KGZ", "returned on 29 February 2020", {"date_return": "2020-02-29"}, NOT_CLASSIFIED,
     ("returned_since_march_2020",)),
    ("KGZ", "months abroad not answered", {"months_abroad": None}, NOT_CLASSIFIED,
     ("abroad_3_months",)),
    ("TJK", "Tajik national, 3 months, March 2020",
     {"nationality": "TJK", "birth_country": "TJK"}, "returnee", ()),
    ("TJK", "Kyrgyz national in Tajikistan", {}, NOT_CLASSIFIED, ("national_or_native",)),
    # Stranded migrants in Kazakhstan and the Russian Federation
    ("KAZ", "inside on every criterion", {}, "stranded_migrant", ()),
    ("KAZ", "not identified as a migrant", {"respondent_type": "returnee"}, NOT_CLASSIFIED,
     ("identified_as_migrant",)),
    ("KAZ", "in a region the assessment did not cover", {"admin1": "KZ-MAN"}, NOT_CLASSIFIED,
     ("in_covered_region",)),
    ("KAZ", "exactly one month in the country", {"months_in_country": 1}, NOT_CLASSIFIED,
     ("over_1_month_in_country",)),
    ("KAZ", "does not intend to return", {"intends_return": "no", "can_return": None},
     NOT_CLASSIFIED, ("wants_to_return_but_cannot",)),
    ("KAZ", "intends to return and can", {"can_return": "yes"}, NOT_CLASSIFIED,
     ("wants_to_return_but_cannot",)),
    ("RUS", "in Yekaterinburg", {}, "stranded_migrant", ()),
    ("RUS", "in Kazan, not a covered city", {"city": "kazan", "admin1": "RU-TA"},
     NOT_CLASSIFIED, ("in_covered_city",)),
    ("RUS", "two criteria failed", {"months_in_country": 0, "can_return": "yes"},
     NOT_CLASSIFIED, ("over_1_month_in_country", "wants_to_return_but_cannot")),
    ("UZB", "a country without rules", {}, NOT_CLASSIFIED, ("no rules for country UZB",)),
]


def _respondent(country: str, change: dict[str, Any]) -> dict[str, Any]:
    base = {"KGZ": RETURNEE, "TJK": RETURNEE, "KAZ": STRANDED_KAZ, "RUS": STRANDED_RUS
            }.get(country, RETURNEE)
    return {"country": country, **base, **change}


@pytest.mark.parametrize(("country", "case", "change", "klass", "failed"), CASES,
                         ids=[f"{c[0]}: {c[1]}" for c in CASES])
def test_each_criterion_just_inside_and_just_outside(
        country: str, case: str, change: dict[str, Any], klass: str, failed: tuple[str, ...]
) -> None:
    rules = load_rules()
    answers = _respondent(country, change)
    verdict = classify(rules, country, answers)
    assert (verdict.klass, verdict.failed) == (klass, failed)


def test_ibis_classification_agrees_with_the_rules_on_every_case() -> None:
    rules = load_rules()
    rows = [_respondent(c[0], c[2]) for c in CASES]
    names = sorted({k for r in rows for k in r})
    columns = {}
    for name in names:
        values = [r.get(name) for r in rows]
        if name in ("months_abroad", "months_in_country"):
            columns[name] = pa.array(values, pa.int64())
        elif name == "date_return":
            columns[name] = pa.array([dt.date.fromisoformat(v) if v else None for v in values])
        else:
            columns[name] = pa.array(values, pa.string())
    table = classify_table(ibis.memtable(pa.table(columns)), rules, "country")
    got = ibis.duckdb.connect().to_pyarrow(table.select("respondent_class", "failed_criteria"))
    for case, row in zip(CASES, got.to_pylist(), strict=True):
        failed = ";".join(case[4]) if case[0] in rules else "no rules for this country"
        assert row["respondent_class"] == case[3], case[1]
        assert row["failed_criteria"] == failed, case[1]


def test_users_add_countries_and_replace_shipped_rules(tmp_path: Path) -> None:
    (tmp_path / "UZB.toml").write_text("""
country = "UZB"
[[class]]
name = "returnee"
[[class.criteria]]
name = "abroad_6_months"
question = "months_abroad"
op = "ge"
value = 6
""", encoding="utf-8")
    (tmp_path / "KGZ.toml").write_text("""
country = "KGZ"
[[class]]
name = "returnee"
[[class.criteria]]
name = "returned_since_2021"
question = "date_return"
op = "ge"
value = 2021-01-01
""", encoding="utf-8")
    rules = load_rules(tmp_path)
    assert classify(rules, "UZB", {"months_abroad": 6}).klass == "returnee"
    assert classify(rules, "UZB", {"months_abroad": 5}).failed == ("abroad_6_months",)
    assert classify(rules, "KGZ", RETURNEE).failed == ("returned_since_2021",)
    assert classify(rules, "KAZ", STRANDED_KAZ).klass == "stranded_migrant"  # still shipped


@pytest.mark.parametrize(("text", "message"), [
    ('country = "KG"', "alpha-3"),
    ('country = "KGZ"\n[[class]]\nname = "x"\n[[class.criteria]]\nname = "c"\n'
     'question = "q"\nop = "bigger"\nvalue = 1', "has op 'bigger'"),
    ('country = "KGZ"\n[[class]]\nname = "x"\n[[class.criteria]]\nname = "c"\n'
     'question = "q"\nop = "in"\nvalue = 1', "needs a list"),
    ("country = ", "not valid TOML"),
])
def test_bad_rule_files_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_rules(text, "XXX.toml")
