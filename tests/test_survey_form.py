"""The shipped XLSForm, and reading any XLSForm into what opendtm registers."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from opendtm.cli.main import app
from opendtm.domain.questionnaire import definition
from opendtm.ingest.survey.formfile import check_with_pyxform, read_xlsform
from survey_util import SMALL_FORM, workbook

MODULES = {"consent", "profile", "reasons", "trajectory", "employment", "remittances", "covid"}


def test_shipped_form_converts_with_pyxform_in_both_languages(tmp_path: Path) -> None:
    out = tmp_path / "form.xlsx"
    result = CliRunner().invoke(app, ["survey", "form", "--out", str(out)])
    assert result.exit_code == 0, result.output
    xform, problems = check_with_pyxform(out)
    assert problems == []
    assert xform is not None
    assert 'lang="English (en)"' in xform and 'lang="Russian (ru)"' in xform
    assert "Сколько месяцев подряд вы прожили за рубежом" in xform
    spec, problems = read_xlsform(out)
    assert spec is not None and problems == []
    groups = {q.path[0] for q in spec.questions if q.path}
    assert groups == MODULES
    assert spec.repeats == {"hh_member": ("profile", "hh_member")}
    assert [q.name for q in spec.questions if q.personal] == ["followup_phone"]


def test_shipped_form_has_the_iom_answer_options() -> None:
    choices = definition()["choices"]
    labels = {name: [en for _, en, _ in options] for name, options in choices.items()}
    assert labels["time_abroad"] == ["Under 1 month", "2-3 months", "4-6 months",
                                     "7-12 months", "1-3 years", "3-5 years", "Over 5 years"]
    assert labels["employment"][:5] == [
        "Employed in the private sector", "Daily wage work", "Self-employed",
        "Employed in the public sector", "Volunteer or unpaid family work"]
    assert labels["sector"] == [
        "Construction", "Community, social and personal services",
        "Transport, storage and communication", "Manufacturing", "Wholesale and retail trade",
        "Agriculture", "Other"]
    assert [n for n, _, _ in choices["intention"]] == ["stay", "circular", "remigrate",
                                                       "undecided"]
    for options in choices.values():
        assert all(en and ru for _, en, ru in options)


def test_any_xlsform_is_read_with_groups_repeats_and_languages(tmp_path: Path) -> None:
    spec, problems = read_xlsform(workbook(tmp_path / "small.xlsx", **SMALL_FORM))
    assert problems == [] and spec is not None
    assert (spec.form_id, spec.version, spec.title) == ("small", "3", "Small test")
    assert spec.languages == ["en", "ru"]
    sex = spec.question("sex")
    assert (sex.type, sex.list_name, sex.path, sex.labels["ru"]) == (
        "select_one", "sex", ("profile",), "Пол")
    assert spec.question("m_age").repeat == "member"
    assert spec.question("m_age").xpath == "profile/member/m_age"
    assert spec.question("needs").is_multiple
    assert spec.question("phone").personal  # free text is personal unless marked otherwise
    assert not spec.question("age").personal
    assert [c.name for c in spec.choices["needs"]] == ["food", "work", "cash"]


def test_a_form_pyxform_refuses_is_refused_with_its_message(tmp_path: Path) -> None:
    bad = dict(SMALL_FORM)
    bad["survey"] = """
    | type               | name | label |
    |--------------------|------|-------|
    | select_one missing | q    | Q     |
    """
    spec, problems = read_xlsform(workbook(tmp_path / "bad.xlsx", **bad))
    assert spec is None
    assert [p.code for p in problems] == ["xlsform-invalid"]
    assert "missing" in problems[0].message and problems[0].file == "bad.xlsx"
