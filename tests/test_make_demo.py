"""The steps of `make demo`, read from the Makefile and run through the command line:
bulletin 6 and survey bulletins 1-5 land side by side in the output folder."""

from __future__ import annotations

import shlex
from pathlib import Path

from typer.testing import CliRunner

from opendtm.cli.main import app

MAKEFILE = Path(__file__).resolve().parents[1] / "Makefile"


def demo_steps() -> list[list[str]]:
    lines = MAKEFILE.read_text("utf-8").split("\ndemo:", 1)[1].split("\n")[1:]
    steps = []
    for line in lines:
        if not line.startswith("\t"):
            break
        words = shlex.split(line.strip())
        assert words[0] == "$(BIN)/opendtm", line
        steps.append(words[1:])
    return steps


def test_make_demo_builds_bulletin_6_and_survey_bulletins_1_to_5(tmp_path: Path) -> None:
    steps = demo_steps()
    assert ["survey", "demo"] in steps
    db = f"sqlite:///{tmp_path / 'opendtm.db'}"
    out = tmp_path / "out"
    runner = CliRunner()
    printed = ""
    for step in steps:
        args = [str(out) if word == "out" else word for word in step]
        result = runner.invoke(app, ["--db", db, *args])
        assert result.exit_code == 0, f"{step}: {result.output}"
        printed += result.output
    assert (out / "bulletin-en.pdf").exists() and (out / "figures.json").exists()
    for number, theme in enumerate(
            ("profile", "trajectory", "remittances", "employment", "covid"), start=1):
        folder = out / f"bulletin-{number}-{theme}"
        for name in ("figures.json", "bulletin-en.html", "bulletin-ru.html"):
            assert (folder / name).stat().st_size > 1000, folder / name
        assert any((folder / "hxl").iterdir())
        assert f"bulletin-{number}-{theme}" in printed.replace("\n", "")
