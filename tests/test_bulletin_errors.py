"""The bulletin refuses, with a clear message, what it cannot publish."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select
from typer.testing import CliRunner

from opendtm.cli.main import app
from opendtm.publish import config
from opendtm.services.bulletin import BulletinError, Request, build
from opendtm.services.demo import prepare_demo
from opendtm.store.database import make_engine
from opendtm.store.models import Assistance


@pytest.fixture(scope="module")
def demo_url(module_db_url: str) -> str:
    return prepare_demo(module_db_url)


def test_empty_period_is_a_clear_message(demo_url: str, tmp_path: Path) -> None:
    engine = make_engine(demo_url)
    req = Request(out=tmp_path / "out", config=config.load(), start=dt.date(2019, 1, 1),
                  end=dt.date(2019, 12, 31), countries=["KGZ"])
    with pytest.raises(BulletinError, match=r"no assistance or consultation is recorded for "
                       r"KGZ between 2019-01-01 and 2019-12-31"):
        build(engine, req)
    engine.dispose()
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_cli_empty_period_exits_with_one_line(demo_url: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--db", demo_url, "bulletin", "--out", str(tmp_path),
                                      "--from", "2030-01-01", "--format", "json"])
    assert result.exit_code == 1
    assert "no assistance or consultation is recorded" in result.output
    assert "Traceback" not in result.output


def test_cli_rejects_bad_options(demo_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    for args, words in (
        (["--lang", "de"], "--lang 'de'"),
        (["--format", "html,docx"], "--format 'html,docx'"),
        (["--audience", "press"], "--audience 'press'"),
        (["--from", "2021-13-01"], "is not a date"),
    ):
        result = runner.invoke(app, ["--db", demo_url, "bulletin", "--out", str(tmp_path),
                                     *args])
        assert result.exit_code != 0 and words in result.output, result.output


def test_bad_configuration_names_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "bulletin.toml"
    path.write_text('[en]\ntitle = "T"\n', "utf-8")
    with pytest.raises(config.ConfigError, match=r"bulletin.toml: \[en\] has no 'series'"):
        config.load(path)
    path.write_text("[en\n", "utf-8")
    with pytest.raises(config.ConfigError, match="not valid TOML"):
        config.load(path)


def test_failed_check_stops_the_build_unless_allowed(demo_url: str, tmp_path: Path) -> None:
    if not demo_url.startswith("sqlite"):
        pytest.skip("PostgreSQL enforces its CHECK constraints: such a record cannot exist")
    engine = make_engine(demo_url)
    # records written by another program, past the schema's CHECK constraints
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
        model = conn.execute(select(Assistance.partner_id, Assistance.case_id)
                             .order_by(Assistance.id)).first()
        assert model is not None
        conn.execute(insert(Assistance).values(
            partner_id=model.partner_id, record_id="orphan-1", case_id=model.case_id,
            type="food", delivered_on=dt.date(2021, 3, 1)))
        conn.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")
    try:
        req = Request(out=tmp_path, config=config.load(), formats=["json", "html"],
                      languages=["en"], countries=["KGZ"])
        with pytest.raises(BulletinError, match=r"consistency check\(s\) failed: assistance: "
                           r"1 assistance records have neither a person nor a family.*"
                           r"--allow-problems"):
            build(engine, req)
        assert not (tmp_path / "figures.json").exists()
        req.allow_problems = True
        result = build(engine, req)
        assert any(p["code"] == "no-recipient" for p in result.model["problems"])
        page = (tmp_path / "bulletin-en.html").read_text("utf-8")
        assert "Annex: data quality problems" in page and "no-recipient" in page
    finally:
        with engine.begin() as conn:
            conn.execute(delete(Assistance).where(Assistance.record_id == "orphan-1"))
        engine.dispose()
