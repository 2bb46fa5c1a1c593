"""`opendtm import`: exit codes, the problem report, the template, and a kill mid-import."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from importing import counts, row, write_csv
from opendtm.cli.main import app
from opendtm.ingest import template
from opendtm.store import schema
from opendtm.store.database import make_engine

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_import_exit_codes_and_problem_report(db_url: str, tmp_path: Path) -> None:
    assert run("--db", db_url, "init").exit_code == 0
    good = write_csv(tmp_path / "good.csv", [row("A1"), row("A2")])
    result = run("--db", db_url, "import", str(good), "--add-partners")
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    result = run("--db", db_url, "import", str(good))
    assert result.exit_code == 0 and "2 unchanged" in result.output
    bad = write_csv(tmp_path / "bad.csv", [row("A3", admin1="Atlantis"), row("A4")])
    result = run("--db", db_url, "import", str(bad), "--problems-csv")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "bad.csv, row 2, column admin1" in result.output
    assert "rejected, nothing written" in result.output
    with (tmp_path / "bad.csv.problems.csv").open(encoding="utf-8") as fh:
        report = list(csv.DictReader(fh))
    assert [(r["file"], r["row"], r["column"], r["code"]) for r in report] == [
        ("bad.csv", "2", "admin1", "unknown-region")]
    result = run("--db", db_url, "import", str(bad), "--dry-run")
    assert result.exit_code == 1
    result = run("--db", db_url, "import", str(tmp_path / "missing.csv"))
    assert result.exit_code == 1 and "cannot read" in result.output
    assert counts(make_engine(db_url))["assistance"] == 2


def test_template_csv_and_xlsx(tmp_path: Path) -> None:
    result = run("import", "template", "--format", "csv", "--out", str(tmp_path / "t.csv"))
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "t.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",") == list(template.NAMES)
    assert lines[1].startswith("#meta+id,#beneficiary+id")
    result = run("import", "template", "--format", "xlsx", "--out", str(tmp_path / "t.xlsx"))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == ["assistance", "columns", "allowed values"]
    allowed = [tuple(r) for r in book["allowed values"].iter_rows(values_only=True)]
    assert ("assistance_type", "pcr_test", "PCR test", "ПЦР-тест") in allowed
    assert ("vulnerabilities", "vot", "victim of trafficking", "жертва торговли людьми") in allowed
    result = run("import", "template", "--format", "pdf", "--out", str(tmp_path / "t.pdf"))
    assert result.exit_code == 1 and "unknown template format" in result.output


# Run the import with its step log on standard error (each step is logged as it ends).
IMPORT_LOGGED = """
import logging, sys
logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(message)s")
logging.getLogger("opendtm").setLevel(logging.DEBUG)
from opendtm.cli.main import app
app(sys.argv[1:])
"""
# Steps logged once the import's transaction has written rows to the store: persons on the
# path that resolves ids in DuckDB, a table's indexes rebuilt after its rows on the others.
WRITTEN = ("import: persons ", "indexes and keys created again")


@pytest.mark.skipif(sys.platform == "win32", reason="kills the import with SIGKILL")
def test_kill_mid_import_leaves_database_as_before(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    schema.upgrade(engine)
    path = write_csv(tmp_path / "big.csv", [
        row(f"R{n}", beneficiary_id=f"B{n % 5000}", vulnerabilities="vot" if n % 7 else "")
        for n in range(60_000)])  # fmt: skip
    before = counts(engine)
    env = {**os.environ, "OPENDTM_DATABASE_URL": db_url}
    proc = subprocess.Popen([sys.executable, "-c", IMPORT_LOGGED, "import", str(path),
                             "--add-partners"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stderr is not None
    logged = []
    for line in proc.stderr:  # ends when the import ends
        logged.append(line)
        if any(step in line for step in WRITTEN):
            break
    assert logged and any(step in logged[-1] for step in WRITTEN), (
        f"the import never got to writing: {logged}")
    assert proc.poll() is None, "the import finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert counts(engine) == before
    from opendtm.services.importer import ImportOptions, import_file

    report = import_file(engine, write_csv(tmp_path / "small.csv", [row("S1")]),
                         ImportOptions(add_partners=True))
    assert report.landed and counts(engine)["assistance"] == 1
    engine.dispose()
