"""The command line: one-line errors and non-zero exits for bad input, never a traceback."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from opendtm import __version__
from opendtm.cli.main import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def _one_line_error(result) -> str:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error:")
    return lines[0]


def test_unreachable_postgres() -> None:
    line = _one_line_error(run("--db", "postgresql://nobody@127.0.0.1:1/none", "init"))
    assert "cannot connect" in line


def test_malformed_and_unsupported_urls() -> None:
    assert "not a database URL" in _one_line_error(run("--db", "::nonsense::", "init"))
    assert "unsupported database" in _one_line_error(run("--db", "mysql://x/y", "init"))


def test_missing_sqlite_folder(tmp_path: Path) -> None:
    _one_line_error(run("--db", f"sqlite:///{tmp_path}/no/such/dir/x.db", "init"))


def test_database_of_another_application(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    line = _one_line_error(run("--db", f"sqlite:///{path}", "init"))
    assert "another application" in line and "customers" in line


def test_stats_before_init(tmp_path: Path) -> None:
    line = _one_line_error(run("--db", f"sqlite:///{tmp_path}/new.db", "stats"))
    assert "opendtm init" in line


@pytest.fixture
def initialised(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/cli.db"
    result = run("--db", url, "init")
    assert result.exit_code == 0, result.output
    assert "created" in result.output
    return url


def test_init_twice_is_up_to_date(initialised: str) -> None:
    result = run("--db", initialised, "init")
    assert result.exit_code == 0 and "up to date" in result.output


def test_unknown_country(initialised: str) -> None:
    line = _one_line_error(run("--db", initialised, "stats", "--country", "Atlantis"))
    assert "Atlantis" in line


def test_bad_date(initialised: str) -> None:
    assert "not a date" in _one_line_error(run("--db", initialised, "stats", "--from", "May"))


def test_env_variable_selects_database(initialised: str, monkeypatch) -> None:
    monkeypatch.setenv("OPENDTM_DATABASE_URL", initialised)
    result = run("stats", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["countries"] == {}


def _command(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as installed: its entry point, in a process of its own."""
    return subprocess.run([sys.executable, "-c", "from opendtm.cli.main import run; run()",
                           *args], capture_output=True, text=True, timeout=300, check=False)


def test_command_ends_with_its_output_flushed_and_database_closed(tmp_path: Path) -> None:
    """``run`` ends the process without the interpreter's teardown: the exit code, the
    output and the database must be as a normal exit leaves them."""
    db = tmp_path / "cmd.db"
    done = _command("--db", f"sqlite:///{db}", "init")
    assert done.returncode == 0, done.stderr
    assert "schema created at revision" in " ".join(done.stdout.split())
    assert not Path(f"{db}-wal").exists()  # the connection was closed (WAL checkpointed)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM admin1").fetchone()[0] > 100
    version = _command("--version")
    assert (version.returncode, version.stdout.strip()) == (0, f"opendtm {__version__}")
    failed = _command("--db", f"sqlite:///{tmp_path / 'none' / 'x.db'}", "stats")
    assert failed.returncode == 1
    assert failed.stderr.startswith("error:") and "Traceback" not in failed.stderr
