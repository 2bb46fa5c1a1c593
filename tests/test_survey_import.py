"""Kobo/ODK exports into the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select

from opendtm.demo.kobo import write_export
from opendtm.demo.survey import submissions
from opendtm.domain.questionnaire import sheets
from opendtm.ingest.survey.formfile import write_xlsform
from opendtm.services import survey as service
from opendtm.store import models as m
from opendtm.store import schema
from opendtm.store.database import make_engine, unit_of_work
from opendtm.store.survey import answers_of
from survey_util import SMALL_FORM, csv_file, workbook

SURVEY_TABLES = {"survey_form", "survey_question", "survey_choice", "survey_submission",
                 "survey_personal"}


@pytest.fixture
def engine(db_url: str) -> Engine:
    eng = make_engine(db_url)
    schema.upgrade(eng)
    yield eng
    eng.dispose()


def _count(engine: Engine, model: type) -> int:
    with unit_of_work(engine) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_survey_tables_come_and_go_with_migration_0005(db_url: str) -> None:
    eng = make_engine(db_url)
    schema.upgrade(eng)
    assert set(inspect(eng).get_table_names()) >= SURVEY_TABLES
    schema.downgrade(eng, "0001")
    assert not set(inspect(eng).get_table_names()) & SURVEY_TABLES
    schema.upgrade(eng)
    assert set(inspect(eng).get_table_names()) >= SURVEY_TABLES
    eng.dispose()


def test_kobo_xlsx_export_of_the_shipped_form_round_trips(engine: Engine, tmp_path: Path
                                                          ) -> None:
    form = tmp_path / "form.xlsx"
    write_xlsform(sheets(), form)
    summary, new = service.register_form(engine, form)
    assert new and summary["repeats"] == ["hh_member"]
    _, spec = service.form_spec(engine, "dtm_returnee_stranded")
    sample = list(itertools.islice(submissions(), 60))
    export = tmp_path / "kobo.xlsx"
    write_export(spec, sample, export)

    result = service.import_export(engine, export, "dtm_returnee_stranded")
    assert (result.read, result.added, result.unchanged) == (60, 60, 0)
    assert [p for p in result.problems if p.severity == "error"] == []
    stored = list(answers_of(engine, "dtm_returnee_stranded"))
    for (_, original), answers in zip(sample, stored, strict=True):
        expected = {k: v for k, v in original.items() if k != "followup_phone"}
        got = {k: (sorted(v) if isinstance(v, list) and v and isinstance(v[0], str) else v)
               for k, v in answers.items()}
        want = {k: (sorted(v) if isinstance(v, list) and v and isinstance(v[0], str) else v)
                for k, v in expected.items()}
        assert got == want
    phones = sum(1 for _, a in sample if "followup_phone" in a)
    assert phones and _count(engine, m.SurveyPersonal) == phones

    again = service.import_export(engine, export, "dtm_returnee_stranded")
    assert (again.added, again.unchanged) == (0, 60)
    assert _count(engine, m.SurveySubmission) == 60


@pytest.mark.parametrize(("headers", "multiple", "suffix"), [
    ("xml", "single", ".xlsx"), ("xml", "binary", ".csv"), ("label", "single", ".xlsx"),
    ("label", "binary", ".xlsx"),
])
def test_select_multiple_one_column_or_0_1_columns_names_or_labels(
        tmp_path: Path, headers: str, multiple: str, suffix: str) -> None:
    form = tmp_path / "form.xlsx"
    write_xlsform(sheets(), form)
    from opendtm.ingest.survey.export import read_export
    from opendtm.ingest.survey.formfile import read_xlsform
    spec, _ = read_xlsform(form)
    assert spec is not None
    sample = list(itertools.islice(submissions(seed=7), 40))
    export = tmp_path / f"export{suffix}"
    write_export(spec, sample, export, headers, multiple)  # type: ignore[arg-type]
    report = read_export(export, spec)
    assert report.ok, report.problems[:3]
    for (_, original), sub in zip(sample, report.submissions, strict=True):
        for name in ("reasons_migration", "needs", "work_countries", "why_cannot_return"):
            assert sorted(sub.answers.get(name, [])) == sorted(original.get(name, [])), name


SMALL_EXPORT_MAIN = """
| start               | country | profile/sex | profile/age | profile/needs | profile/needs/food | profile/needs/work | profile/needs/cash | profile/returned | profile/phone | _uuid | _index |
|---------------------|---------|-------------|-------------|---------------|--------------------|--------------------|--------------------|------------------|---------------|-------|--------|
| 2020-12-01T10:00:00 | KGZ     | f           | 31          | food cash     | 1                  | 0                  | 1                  | 2020-05-04       | +996 555 1    | u-1   | 1      |
| 2020-12-01T11:00:00 | KGZ     | m           | 44          |               | 0                  | 1                  | 0                  | 2020-06-10       |               | u-2   | 2      |
"""
SMALL_EXPORT_REPEAT = """
| profile/member/m_age | _index | _parent_table_name | _parent_index | _submission__uuid |
|----------------------|--------|--------------------|---------------|-------------------|
| 7                    | 1      | small              | 1             | u-1               |
| 40                   | 2      | small              | 1             | u-1               |
| 12                   | 3      | small              | 2             | u-2               |
"""


def test_repeat_groups_come_as_extra_sheets(engine: Engine, tmp_path: Path) -> None:
    service.register_form(engine, workbook(tmp_path / "small.xlsx", **SMALL_FORM))
    export = workbook(tmp_path / "export.xlsx", small=SMALL_EXPORT_MAIN,
                      member=SMALL_EXPORT_REPEAT)
    result = service.import_export(engine, export, "small")
    assert result.added == 2
    first, second = list(answers_of(engine, "small"))
    assert first["member"] == [{"m_age": 7}, {"m_age": 40}]
    assert second["member"] == [{"m_age": 12}]
    assert first["needs"] == ["food", "cash"]
    assert second["needs"] == ["work"]  # from the 0/1 columns alone
    assert "phone" not in first  # personal: kept apart
    with unit_of_work(engine) as s:
        assert s.scalars(select(m.SurveyPersonal.answers)).all() == [{"phone": "+996 555 1"}]


def test_bad_values_are_reported_by_row_and_column_and_nothing_is_written(
        engine: Engine, tmp_path: Path) -> None:
    service.register_form(engine, workbook(tmp_path / "small.xlsx", **SMALL_FORM))
    export = csv_file(tmp_path / "bad.csv", """
    | country | profile/sex | profile/age | profile/needs | profile/returned | _uuid |
    |---------|-------------|-------------|---------------|------------------|-------|
    | KGZ     | f           | 31          | food          | 2020-05-04       | a-1   |
    | KGZ     | x           | 31.5        | food shelter  | 2020-13-01       | a-2   |
    | KGZ     | m           | 20          | work          | 2020-05-04       | a-1   |
    """)
    with pytest.raises(service.ProblemsFound) as caught:
        service.import_export(engine, export, "small")
    flat = [(p.row, p.column, p.code) for p in caught.value.problems]
    assert flat == [
        (3, "profile/sex", "export-bad-value"),
        (3, "profile/age", "export-bad-value"),
        (3, "profile/needs", "export-bad-value"),
        (3, "profile/returned", "export-bad-value"),
        (4, "_uuid", "export-duplicate-uuid"),
    ]
    assert "'shelter' is not an option of list 'needs'" in caught.value.problems[2].message
    assert _count(engine, m.SurveySubmission) == 0


def test_kobo_api_v2_and_odk_odata_json(engine: Engine, tmp_path: Path) -> None:
    service.register_form(engine, workbook(tmp_path / "small.xlsx", **SMALL_FORM))
    kobo = tmp_path / "kobo.json"
    kobo.write_text(json.dumps({"count": 1, "results": [{
        "_uuid": "k-1", "_submission_time": "2020-12-02T08:00:00", "country": "RUS",
        "profile/sex": "m", "profile/age": 29, "profile/needs": "work cash",
        "profile/member": [{"profile/member/m_age": 3}],
    }]}), encoding="utf-8")
    odata = tmp_path / "odata.json"
    odata.write_text(json.dumps({"value": [{
        "__id": "uuid:o-1", "__system": {"submissionDate": "2020-12-03T09:00:00Z"},
        "country": "KGZ", "profile": {"sex": "f", "age": 52, "needs": "food",
                                      "member@odata.navigationLink": "Submissions('uuid:o-1')",
                                      "member": [{"m_age": 60}, {"m_age": 25}]},
    }]}), encoding="utf-8")
    assert service.import_export(engine, kobo, "small").added == 1
    assert service.import_export(engine, odata, "small").added == 1
    k, o = list(answers_of(engine, "small"))
    assert k == {"country": "RUS", "sex": "m", "age": 29, "needs": ["work", "cash"],
                 "member": [{"m_age": 3}]}
    assert o == {"country": "KGZ", "sex": "f", "age": 52, "needs": ["food"],
                 "member": [{"m_age": 60}, {"m_age": 25}]}
    with unit_of_work(engine) as s:
        assert set(s.scalars(select(m.SurveySubmission.uuid))) == {"k-1", "o-1"}


def test_a_changed_form_needs_a_new_version(engine: Engine, tmp_path: Path) -> None:
    service.register_form(engine, workbook(tmp_path / "small.xlsx", **SMALL_FORM))
    changed = dict(SMALL_FORM, choices=SMALL_FORM["choices"].replace("Cash assistance", "Cash"))
    with pytest.raises(ValueError, match="already registered with other questions"):
        service.register_form(engine, workbook(tmp_path / "small2.xlsx", **changed))


def test_the_command_line_names_row_and_column_of_each_problem(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from opendtm.cli.main import app

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    form = workbook(tmp_path / "small.xlsx", **SMALL_FORM)
    export = csv_file(tmp_path / "bad.csv", """
    | country | profile/age | _uuid |
    |---------|-------------|-------|
    | KGZ     | 31          | c-1   |
    | XYZ     | 40          | c-2   |
    """)
    runner = CliRunner()
    for args in (["init"], ["survey", "register", str(form)]):
        assert runner.invoke(app, ["--db", db, *args]).exit_code == 0
    result = runner.invoke(app, ["--db", db, "survey", "import", str(export), "--form",
                                 "small"])
    assert result.exit_code == 1
    assert "bad.csv, row 3, column country: 'XYZ' is not an option of list 'country'" in \
        result.output.replace("\n", " ")
    assert "nothing was written" in result.output
    assert "Traceback" not in result.output
    missing = runner.invoke(app, ["--db", db, "survey", "import", str(export), "--form",
                                  "nope"])
    assert missing.exit_code == 1 and "no registered form nope" in missing.output


NESTED_FORM = dict(
    survey="""
    | type                     | name        | label::English (en) | label::Russian (ru) |
    |--------------------------|-------------|---------------------|---------------------|
    | select_one country       | country     | Country             | Страна              |
    | integer                  | hh_size     | Household size      | Размер семьи        |
    | begin_repeat             | member      | Members             | Члены семьи         |
    | integer                  | m_age       | Member age          | Возраст члена семьи |
    | begin_repeat             | job         | Jobs abroad         | Работа за рубежом   |
    | select_one country       | job_country | Country of work     | Страна работы       |
    | integer                  | job_months  | Months              | Месяцев             |
    | end_repeat               | job         |                     |                     |
    | end_repeat               | member      |                     |                     |
    """,
    choices=SMALL_FORM["choices"],
    settings="""
    | form_id | version | form_title |
    |---------|---------|------------|
    | nested  | 1       | Nested     |
    """,
)


def odk_central_zip(path: Path, files: dict[str, list[list[str]]]) -> Path:
    """A zip as ODK Central exports it: one CSV per form and per repeat, comma-separated."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, rows in files.items():
            archive.writestr(name, "\n".join(",".join(r) for r in rows) + "\n")
        archive.writestr("media/photo.jpg", b"\xff\xd8")
    return path


def test_odk_central_zip_with_nested_repeats(engine: Engine, tmp_path: Path) -> None:
    service.register_form(engine, workbook(tmp_path / "nested.xlsx", **NESTED_FORM))
    export = odk_central_zip(tmp_path / "nested.zip", {
        # the nested repeat's file comes first in the archive: order must not matter
        "nested-job.csv": [
            ["job_country", "job_months", "PARENT_KEY", "KEY"],
            ["RUS", "14", "uuid:a-1/member[1]", "uuid:a-1/member[1]/job[1]"],
            ["KGZ", "3", "uuid:a-1/member[1]", "uuid:a-1/member[1]/job[2]"],
            ["RUS", "8", "uuid:b-2/member[1]", "uuid:b-2/member[1]/job[1]"],
        ],
        "nested.csv": [
            ["SubmissionDate", "country", "hh_size", "meta-instanceID", "KEY", "SubmitterID"],
            ["2020-12-03T10:00:00.000Z", "KGZ", "2", "uuid:a-1", "uuid:a-1", "5"],
            ["2020-12-04T11:00:00.000Z", "KGZ", "1", "uuid:b-2", "uuid:b-2", "5"],
        ],
        "nested-member.csv": [
            ["m_age", "PARENT_KEY", "KEY"],
            ["34", "uuid:a-1", "uuid:a-1/member[1]"],
            ["9", "uuid:a-1", "uuid:a-1/member[2]"],
            ["51", "uuid:b-2", "uuid:b-2/member[1]"],
        ],
    })
    result = service.import_export(engine, export, "nested")
    assert (result.added, result.problems) == (2, [])
    first, second = list(answers_of(engine, "nested"))
    assert first["member"] == [
        {"m_age": 34, "job": [{"job_country": "RUS", "job_months": 14},
                              {"job_country": "KGZ", "job_months": 3}]},
        {"m_age": 9},
    ]
    assert second["member"] == [{"m_age": 51, "job": [{"job_country": "RUS",
                                                       "job_months": 8}]}]
    again = service.import_export(engine, export, "nested")
    assert (again.added, again.unchanged) == (0, 2)


def test_odk_central_zip_orphans_and_bad_values_are_named(engine: Engine,
                                                          tmp_path: Path) -> None:
    service.register_form(engine, workbook(tmp_path / "nested.xlsx", **NESTED_FORM))
    export = odk_central_zip(tmp_path / "bad.zip", {
        "nested.csv": [["country", "hh_size", "KEY"], ["KGZ", "1", "uuid:c-3"]],
        "nested-member.csv": [["m_age", "PARENT_KEY", "KEY"],
                              ["forty", "uuid:c-3", "uuid:c-3/member[1]"]],
        "nested-job.csv": [["job_country", "job_months", "PARENT_KEY", "KEY"],
                           ["RUS", "2", "uuid:zzz/member[1]", "uuid:zzz/member[1]/job[1]"]],
    })
    with pytest.raises(service.ProblemsFound) as caught:
        service.import_export(engine, export, "nested")
    found = {(p.code, p.row, p.column, p.key) for p in caught.value.problems}
    assert ("export-bad-value", 2, "m_age", None) in found
    assert ("export-orphan-repeat", 2, "PARENT_KEY", "nested-job") in found
    assert _count(engine, m.SurveySubmission) == 0
    (tmp_path / "empty.zip").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match=r"empty\.zip: not a readable zip file"):
        service.import_export(engine, tmp_path / "empty.zip", "nested")
