"""Bulletin figures from survey answers: distributions, shares, top-N, bands, means and
medians, by country, class, sex and age group, and the small-base rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from opendtm.cli.main import app
from opendtm.domain.glossary import parse_rules
from opendtm.domain.indicators import parse_catalogue
from opendtm.ingest.survey.formfile import read_xlsform
from opendtm.process.survey_frame import frame
from opendtm.process.survey_tables import tabulate
from survey_util import SMALL_FORM, workbook

CATALOGUE = """
form_id = "small"
min_base = 30
[dimensions]
country = "country"
sex = "sex"
age = "age"
age_bands = [[18, 24], [25, 34], [35, 44], [45, 54], [55, 200]]
breakdowns = [[], ["country"], ["country", "class"], ["country", "sex"], ["age_group"]]
[themes]
t = { en = "Test", ru = "Тест", bulletin = 9 }
[[indicator]]
id = "sex"
theme = "t"
question = "sex"
kind = "distribution"
[[indicator]]
id = "needs"
theme = "t"
question = "needs"
kind = "multiple"
[[indicator]]
id = "needs_top2"
theme = "t"
question = "needs"
kind = "top"
n = 2
[[indicator]]
id = "age_group"
theme = "t"
question = "age"
kind = "bands"
[[indicator]]
id = "age"
theme = "t"
question = "age"
kind = "summary"
[[indicator]]
id = "needs_older"
theme = "t"
question = "needs"
kind = "multiple"
classes = ["older"]
"""
RULES = {c: parse_rules(f"""
country = "{c}"
[[class]]
name = "older"
[[class.criteria]]
name = "age_40_plus"
question = "age"
op = "ge"
value = 40
""", f"{c}.toml") for c in ("KGZ", "RUS")}


def _answers() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    # Kyrgyzstan: 30 respondents (a base just large enough), ages 18..47, 10 women.
    for i in range(30):
        needs = ["food"] if i % 3 else ["food", "work"]
        rows.append({"country": "KGZ", "sex": "f" if i < 10 else "m", "age": 18 + i,
                     "needs": needs})
    # Russian Federation: 29 respondents (just too few), all 40 or older; one skipped needs.
    for i in range(29):
        rows.append({"country": "RUS", "sex": "m", "age": 40 + i,
                     "needs": None if i == 0 else ["cash", "work"] if i % 2 else ["cash"]})
    return rows


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    path = workbook(tmp_path_factory.mktemp("form") / "small.xlsx", **SMALL_FORM)
    spec, _ = read_xlsform(path)
    assert spec is not None
    catalogue = parse_catalogue(CATALOGUE, "test.toml")
    table = frame(spec, _answers(), ["country", "sex", "age", "needs"])
    return tabulate(table, spec, catalogue, RULES, "t")


def _group(figures: dict, indicator: str, **by: str) -> dict:
    groups = figures["indicators"][indicator]["groups"]
    return next(g for g in groups if g["by"] == by)


def _values(group: dict) -> dict[str, tuple[int, float | None]]:
    return {v["option"]: (v["count"], v["percent"]) for v in group["values"]}


def test_distribution_with_its_base(figures: dict) -> None:
    kgz = _group(figures, "sex", country="KGZ")
    assert (kgz["n"], kgz["suppressed"]) == (30, False)
    assert _values(kgz) == {"f": (10, 33.3), "m": (20, 66.7)}
    everyone = _group(figures, "sex")
    assert everyone["n"] == 59 and _values(everyone)["m"] == (49, 83.1)


def test_percentages_on_a_base_under_30_are_not_shown(figures: dict) -> None:
    rus = _group(figures, "sex", country="RUS")
    assert (rus["n"], rus["suppressed"]) == (29, True)
    assert _values(rus) == {"f": (0, None), "m": (29, None)}
    assert figures["min_base"] == 30
    assert "fewer than 30" in figures["counting"]["en"]


def test_min_base_is_configurable(tmp_path: Path) -> None:
    spec, _ = read_xlsform(workbook(tmp_path / "small.xlsx", **SMALL_FORM))
    assert spec is not None
    table = frame(spec, _answers(), ["country", "sex", "age", "needs"])
    out = tabulate(table, spec, parse_catalogue(CATALOGUE, "t.toml"), RULES, "t", min_base=29)
    assert _values(_group(out, "sex", country="RUS"))["m"] == (29, 100.0)


def test_select_multiple_share_of_respondents_per_option(figures: dict) -> None:
    kgz = _group(figures, "needs", country="KGZ")
    assert kgz["n"] == 30
    assert _values(kgz) == {"food": (30, 100.0), "work": (10, 33.3), "cash": (0, 0.0)}
    rus = _group(figures, "needs", country="RUS")
    assert rus["n"] == 28  # the respondent who skipped the question is not in the base
    assert _values(rus) == {"food": (0, None), "work": (14, None), "cash": (28, None)}


def test_top_n(figures: dict) -> None:
    everyone = _group(figures, "needs_top2")
    assert [(v["option"], v["count"]) for v in everyone["values"]] == [("food", 30),
                                                                      ("cash", 28)]


def test_age_bands_at_their_edges(figures: dict) -> None:
    # KGZ ages 18..47 and RUS 40..68: 18-24 holds 18..24, 55+ holds 55..68.
    bands = _values(_group(figures, "age_group"))
    assert {k: v[0] for k, v in bands.items()} == {
        "18-24": 7, "25-34": 10, "35-44": 10 + 5, "45-54": 3 + 10, "55+": 14}
    young = _group(figures, "sex", age_group="18-24")  # a breakdown by age group
    assert (young["n"], _values(young)["f"][0]) == (7, 7)


def test_mean_median_and_classes(figures: dict) -> None:
    kgz = _group(figures, "age", country="KGZ")
    assert (kgz["n"], kgz["mean"], kgz["median"], kgz["min"], kgz["max"]) == (
        30, 32.5, 32.5, 18.0, 47.0)
    assert _group(figures, "age", country="RUS")["mean"] is None  # base 29
    older = _group(figures, "needs_older", country="KGZ")
    assert older["n"] == 8  # KGZ respondents aged 40..47
    classes = {(s["by"]["country"], s["by"]["class"]): s["n"] for s in figures["sample"]
               if set(s["by"]) == {"country", "class"}}
    assert classes == {("KGZ", "not_classified"): 22, ("KGZ", "older"): 8, ("RUS", "older"): 29}
    assert figures["not_classified"] == [{"country": "KGZ", "criterion": "age_40_plus", "n": 22}]


def test_demo_figures_through_the_command_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    runner = CliRunner()
    for args in (["init"], ["survey", "demo"]):
        result = runner.invoke(app, ["--db", db, *args])
        assert result.exit_code == 0, result.output
    out = tmp_path / "covid.json"
    result = runner.invoke(app, ["--db", db, "survey", "tabulate", "--theme", "covid",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["bulletin"] == 5
    sample = {tuple(s["by"].values()): s["n"] for s in figures["sample"]}
    assert sample[("KGZ", "returnee")] == 885  # the seed series' Kyrgyz returnees
    assert sample[("KGZ", "not_classified")] == 45  # interviewed, outside the definition
    assert sample[("KAZ", "stranded_migrant")] == 520
    assert sample[("RUS", "stranded_migrant")] == 610
    # Reasons for being outside the definition: most first, equal counts by name (builds
    # list them alike).
    reasons = [(r["country"], -r["n"], r["criterion"]) for r in figures["not_classified"]]
    assert len(reasons) > 1 and reasons == sorted(reasons)
    needs = next(g for g in figures["indicators"]["needs_top3"]["groups"] if g["by"] == {})
    assert len(needs["values"]) == 3 and needs["values"][0]["option"] == "employment"
    bad = runner.invoke(app, ["--db", db, "survey", "tabulate", "--theme", "weather"])
    assert bad.exit_code != 0 and "unknown theme 'weather'" in bad.output
