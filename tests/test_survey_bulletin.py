"""Survey bulletins 1-5 from the demo survey, on SQLite and PostgreSQL: every output of
every theme, the small-base rule and the count threshold in what is published, and no
personal data anywhere."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from opendtm.cli.main import app
from opendtm.demo.survey import submissions
from opendtm.services.survey_bulletin import THEMES

runner = CliRunner()
FOLDERS = {t: f"bulletin-{i}-{t}" for i, t in enumerate(THEMES, start=1)}


def run(db: str, *args: str) -> str:
    result = runner.invoke(app, ["--db", db, *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def demo(module_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    run(module_db_url, "init")
    run(module_db_url, "survey", "demo")
    out = tmp_path_factory.mktemp("bulletins")
    output = run(module_db_url, "bulletin", "--series", "survey", "--format", "json,hxl,html",
                 "--out", str(out))
    for folder in FOLDERS.values():
        assert f"{folder}/bulletin-en.html" in output.replace("\n", "")
    return module_db_url, out


def figures(out: Path, theme: str) -> dict:  # type: ignore[type-arg]
    loaded: dict = json.loads((out / FOLDERS[theme] / "figures.json").read_text("utf-8"))  # type: ignore[type-arg]
    return loaded


def test_every_theme_has_its_outputs_in_both_languages(demo: tuple[str, Path]) -> None:
    _, out = demo
    for theme, folder in FOLDERS.items():
        model = figures(out, theme)
        assert model["series"] == "survey" and model["theme"] == theme
        sections = [(s["country"], s["class"], s["n"]) for s in model["sections"]]
        assert sections == [("KGZ", "returnee", 885), ("TJK", "returnee", 640),
                            ("KAZ", "stranded_migrant", 520), ("RUS", "stranded_migrant", 610)]
        kgz = model["methodology"]["countries"]["KGZ"]
        assert kgz["from"] >= "2020-12-01" and kgz["to"] <= "2020-12-31"
        assert {p["city"] for p in kgz["places"]} == {"bishkek", "osh"}
        assert model["methodology"]["not_classified"] == 150
        en = (out / folder / "bulletin-en.html").read_text("utf-8")
        ru = (out / folder / "bulletin-ru.html").read_text("utf-8")
        assert "Methodology" in en and "Sampling and its limits" in en
        assert "Методология" in ru and "Выборка и её ограничения" in ru
        assert "n = 885" in en and "n = 885" in ru
        assert en.count('<img class="chart"') >= 4 * 3
        assert (out / folder / "hxl").is_dir()
    profile_en = (out / FOLDERS["profile"] / "bulletin-en.html").read_text("utf-8")
    assert "Respondents by age group and sex, returnees, Kyrgyzstan" in profile_en
    assert "885 returnees were interviewed in Kyrgyzstan" in profile_en
    profile_ru = (out / FOLDERS["profile"] / "bulletin-ru.html").read_text("utf-8")
    assert "опрошено 885 вернувшихся мигрантов" in profile_ru
    assert "опрошено 640 вернувшихся мигрантов" in profile_ru
    employment = (out / FOLDERS["employment"] / "bulletin-en.html").read_text("utf-8")
    assert "Main occupation: before, during and after migration" in employment


def test_hxl_files_carry_tags_and_every_group(demo: tuple[str, Path]) -> None:
    _, out = demo
    path = out / FOLDERS["covid"] / "hxl" / "covid_05_needs.csv"
    with path.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[1][:2] == ["#country+code", "#respondee+type"]
    assert "#indicator+pct" in rows[1] and "#meta+suppressed" in rows[1]
    kgz = [r for r in rows[2:] if r[:4] == ["KGZ", "returnee", "", ""]]
    assert {r[4] for r in kgz} >= {"employment", "food", "cash"}
    assert all(r[-2] == "885" for r in kgz)


def test_no_personal_data_in_any_output(demo: tuple[str, Path]) -> None:
    _, out = demo
    secrets = set()
    for uuid, answers in submissions():
        secrets.add(uuid)
        if answers.get("followup_phone"):
            secrets.add(answers["followup_phone"])
            secrets.add(answers["followup_phone"].split()[-1])
    assert len(secrets) > 3000
    for path in out.rglob("*"):
        if path.is_file():
            content = path.read_text("utf-8")
            found = [s for s in secrets if s in content]
            assert not found, f"{path.name} holds {found[:3]}"


def test_counts_under_the_threshold_are_withheld_where_sex_or_age_is_crossed(
    demo: tuple[str, Path], tmp_path: Path
) -> None:
    db, out = demo
    public = figures(out, "employment")
    run(db, "bulletin", "--series", "survey", "--theme", "employment", "--format", "json",
        "--audience", "internal", "--out", str(tmp_path))
    internal = figures(tmp_path, "employment")
    assert internal["disclosure"]["applied"] is False
    assert public["disclosure"]["applied"] is True and public["disclosure"]["suppressed"]
    small = hidden = 0
    for ind_id, block in internal["indicators"].items():
        for g, shown in zip(block["groups"], public["indicators"][ind_id]["groups"],
                            strict=True):
            crossed = "sex" in g["by"] or "age_group" in g["by"]
            for v, w in zip(g.get("values", []), shown.get("values", []), strict=True):
                if crossed and 0 < v["count"] < 5:
                    small += 1
                    assert w["count"] is None and w["percent"] is None
                if w["count"] is None:
                    hidden += 1
                if not crossed:
                    assert w["count"] == v["count"]  # country and class: never hidden
    assert small > 0 and hidden > small  # primary and secondary suppression both happened


@pytest.mark.parametrize(("min_base", "shown"), [(640, True), (641, False)])
def test_small_base_rule_in_the_published_bulletin(
    demo: tuple[str, Path], tmp_path: Path, min_base: int, shown: bool
) -> None:
    """Tajikistan's 640 returnees all answered their marital status: a base of 640 is just
    inside a minimum of 640 and just outside a minimum of 641."""
    db, _ = demo
    run(db, "bulletin", "--series", "survey", "--theme", "profile", "--lang", "en",
        "--format", "json,hxl,html", "--min-base", str(min_base), "--out", str(tmp_path))
    model = figures(tmp_path, "profile")
    tjk = next(g for g in model["indicators"]["marital_status"]["groups"]
               if g["by"] == {"country": "TJK", "class": "returnee"})
    kgz = next(g for g in model["indicators"]["marital_status"]["groups"]
               if g["by"] == {"country": "KGZ", "class": "returnee"})
    assert tjk["n"] == 640 and tjk["suppressed"] is not shown
    assert all((v["percent"] is not None) is shown for v in tjk["values"])
    assert all(v["percent"] is not None for v in kgz["values"])
    page = (tmp_path / FOLDERS["profile"] / "bulletin-en.html").read_text("utf-8")
    withheld = f"Not shown: 640 answered, fewer than {min_base}."
    assert (withheld in page) is not shown
    # the pyramid needs both sexes: Tajikistan's 122 women are under either minimum
    assert "Respondents by age group and sex, returnees, Tajikistan" in page
    assert f"Not shown: 122 answered, fewer than {min_base}." in page
    with (tmp_path / FOLDERS["profile"] / "hxl" / "profile_04_marital_status.csv").open(
            encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r[:4] == ["TJK", "returnee", "", ""]]
    assert rows and all((r[6] != "") is shown for r in rows)


def test_pdf_in_russian(demo: tuple[str, Path], tmp_path: Path) -> None:
    db, _ = demo
    if not db.startswith("sqlite") or shutil.which("pdftotext") is None:
        pytest.skip("PDF checked once, on SQLite, with pdftotext")
    run(db, "bulletin", "--series", "survey", "--theme", "covid", "--lang", "ru",
        "--format", "pdf", "--out", str(tmp_path))
    pdf = tmp_path / FOLDERS["covid"] / "bulletin-ru.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "Последствия COVID-19 и уязвимости" in text and "Методология" in text
    assert "Застрявшие мигранты, Казахстан" in text and "n = 520" in text


def test_bad_options_are_refused(demo: tuple[str, Path], tmp_path: Path) -> None:
    db, _ = demo
    for args, message in ((["--series", "survey", "--theme", "weather"], "--theme 'weather'"),
                          (["--series", "weekly"], "--series 'weekly'"),
                          (["--series", "survey", "--format", "docx"], "--format 'docx'"),
                          (["--series", "survey", "--lang", "de"], "--lang 'de'"),
                          (["--series", "survey", "--audience", "press"], "--audience 'press'")):
        result = runner.invoke(app, ["--db", db, "bulletin", *args, "--out", str(tmp_path)])
        assert result.exit_code != 0 and message in result.output, result.output
