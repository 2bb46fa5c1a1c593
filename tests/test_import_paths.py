"""The set-based reading of a file and the row-by-row one leave the same database.

Each file goes through both paths, one database each, in the same order: clean files (with
an HXL row, in CP1251 with semicolons and Cyrillic regions), duplicates inside a file,
families, returns, consultations, vulnerabilities, referrals, names, a corrected file that
updates and creates records and drops vulnerabilities, the same file again, files the
set-based path hands over (a blank line, a problem). Reports and every table, audit entries
included, must be equal, timestamps aside.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

import conftest
from importing import five_rows, row, write_csv
from opendtm.services.importer import ImportOptions, ImportReport, import_file
from opendtm.store import models as m
from opendtm.store import schema
from opendtm.store.database import make_engine

TABLES = (m.Partner, m.Operation, m.Family, m.Person, m.PersonIdentity, m.Case, m.Screening,
          m.ScreeningFinding, m.Referral, m.Assistance, m.ImportBatch, m.ImportChange,
          m.AuditEntry)  # fmt: skip
VOLATILE = {"created_at", "updated_at", "started_at", "at", "hash", "prev_hash", "lane"}


@pytest.fixture
def engines(db_url: str, tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    """(set-based, row by row): two fresh databases on the same engine."""
    if db_url.startswith("sqlite"):
        urls: Iterator[str] = iter([f"sqlite:///{tmp_path / 'rows.db'}"])
    else:
        urls = conftest._fresh_postgres()
    second = next(urls)
    pair = (make_engine(db_url), make_engine(second))
    for engine in pair:
        schema.upgrade(engine)
    yield pair
    for engine in pair:
        engine.dispose()
    next(urls, None)  # drops the second PostgreSQL database


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with engine.connect() as conn:
        for model in TABLES:
            table = model.__table__  # type: ignore[attr-defined]
            cols = [c for c in table.columns if c.name not in VOLATILE]
            rows = conn.execute(select(*cols).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


def both(engines: tuple[Engine, Engine], path: Path, **options: Any) -> ImportReport:
    fast = import_file(engines[0], path, ImportOptions(**options))
    slow = import_file(engines[1], path, ImportOptions(**options, row_by_row=True))
    assert not slow.set_based
    assert fast.to_dict() == slow.to_dict()
    return fast


def first_rows() -> list[dict[str, str]]:
    rows = five_rows()
    rows[1]["assistance_date"] = "01.02.2021"
    rows[4]["city"] = "Bishkek"
    return [*rows, row("A6", beneficiary_id="B4", family_id="F2", sex=" female ", age="41",
                       assistance_type="Medical", vulnerabilities="income_loss, pregnant",
                       assistance_date="44212", phone="+996 555 000"),
            dict(rows[1]),  # the same row again: loaded once
            row("A7", beneficiary_id="B4", family_id="F2", assistance_type="food",
                referral_source="Migration service", admin1="KG-O")]


def test_both_paths_leave_the_same_database(engines: tuple[Engine, Engine],
                                            tmp_path: Path) -> None:
    rows = first_rows()
    first = both(engines, write_csv(tmp_path / "v1.csv", rows, hxl=True), add_partners=True)
    assert first.set_based and first.landed and (first.created, first.duplicates) == (7, 1)
    cyrillic = [row("K1", admin1="Чуйская область", partner="Рука помощи", beneficiary_id="K"),
                row("K2", admin1="Ошская обл.", partner="Рука помощи", sex="М",
                    beneficiary_id="K", family_id="КФ1", vulnerabilities="vot")]
    report = both(engines, write_csv(tmp_path / "cp1251.csv", cyrillic, encoding="cp1251",
                                     delimiter=";"), add_partners=True)
    assert report.set_based and report.landed and report.partners_added
    rows[0]["vulnerabilities"] = "disability"  # vot dropped
    rows[0]["age"] = "31"
    rows[1]["transport_mode"] = rows[6]["transport_mode"] = "land"
    rows[3]["beneficiary_id"] = "B5"  # the family's record now names a person
    rows.append(row("A8", beneficiary_id="B3", assistance_type="shelter", admin1="Chui"))
    corrected = write_csv(tmp_path / "v2.csv", rows)
    report = both(engines, corrected)
    assert report.set_based and report.landed
    assert (report.created, report.updated, report.unchanged) == (1, 3, 4)
    assert report.vulnerabilities_removed == 1
    again = both(engines, corrected)
    assert again.set_based and (again.created, again.updated, again.unchanged) == (0, 0, 8)
    assert dump(engines[0]) == dump(engines[1])


def test_files_the_set_based_path_hands_over(engines: tuple[Engine, Engine],
                                             tmp_path: Path) -> None:
    path = write_csv(tmp_path / "blank.csv", first_rows())
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*text[:3], "\n", *text[3:]]), encoding="utf-8")
    report = both(engines, path, add_partners=True)
    assert report.landed and not report.set_based
    assert [p.row for p in report.problems] == [9]  # the blank line counts as a row
    bad = first_rows()
    bad[2]["admin1"] = "Atlantis"
    report = both(engines, write_csv(tmp_path / "bad.csv", bad))
    assert not report.landed and not report.set_based and report.errors == 1
    conflict = [row("C1"), row("C1", assistance_type="medical")]
    report = both(engines, write_csv(tmp_path / "conflict.csv", conflict))
    assert not report.landed and [p.code for p in report.problems] == ["conflicting-record"]
    unknown = both(engines, write_csv(tmp_path / "p.csv", [row("P1", partner="Nobody")]))
    assert not unknown.landed and unknown.problems[0].code == "unknown-partner"
    columns = [c for c in row("O1") if c not in ("partner", "country")]
    options = write_csv(tmp_path / "o.csv", [row("O1"), row("O2", sex="")], columns=columns)
    report = both(engines, options, partner="Helping Hand", country="KGZ")
    assert report.set_based and report.created == 2
    assert dump(engines[0]) == dump(engines[1])


def test_set_based_reading_shows_progress(engines: tuple[Engine, Engine],
                                          tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [row(f"R{n}", beneficiary_id=f"B{n % 50}")
                                          for n in range(12_000)])
    size = path.stat().st_size
    seen: list[tuple[int, int, int]] = []
    report = import_file(engines[0], path, ImportOptions(add_partners=True),
                         lambda rows, done, total: seen.append((rows, done, total)))
    assert report.set_based and report.landed
    done = [d for _, d, _ in seen]
    assert done == sorted(done) and done[-1] == size and {t for *_, t in seen} == {size}
    assert len([d for d in done if 0 < d < size]) >= 4  # reading, then staging batches
    assert seen[-1][0] == 12_000


def test_line_breaks_inside_cells(engines: tuple[Engine, Engine], tmp_path: Path) -> None:
    """A quoted cell may hold line breaks: the file is still read set-wise; with a blank
    line besides, the line count no longer adds up and the row path reads it."""
    rows = first_rows()
    rows[0]["referral_source"] = "Hotline\nsecond line\nthird"
    rows[4]["given_name"] = "Айгуль\r\nАсановна"
    path = write_csv(tmp_path / "breaks.csv", rows)
    report = both(engines, path, add_partners=True)
    assert report.set_based and report.landed and report.created == 7
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*text, "\n", row_line(tmp_path)]), encoding="utf-8")
    report = both(engines, path)
    assert report.landed and not report.set_based and report.created == 1
    assert dump(engines[0]) == dump(engines[1])


def row_line(tmp_path: Path) -> str:
    """The data line of a file of one new record."""
    one = write_csv(tmp_path / "one.csv", [row("Z1", beneficiary_id="B9")])
    return one.read_text(encoding="utf-8").splitlines(keepends=True)[1]


def test_cells_stripped_of_any_white_space(engines: tuple[Engine, Engine],
                                           tmp_path: Path) -> None:
    """Every character Python's str.strip() removes, at either end of a cell (and inside
    it, where it stays), read set-wise as the row path reads it."""
    spaces = "\t\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000 "
    rows = [row(f"W{n}", beneficiary_id=f"{space}B{n}", family_name=f"Асан{space}ова{space}",
                given_name=f"Ai{space}", admin1=f"{space}Osh", sex=f"f{space}")
            for n, space in enumerate(spaces)]
    rows.append(row("W99", given_name="Айгуль", family_name="Ӧ", phone="+996\u3000700"))
    report = both(engines, write_csv(tmp_path / "spaces.csv", rows), add_partners=True)
    assert report.set_based and report.landed and report.created == len(spaces) + 1
    assert dump(engines[0]) == dump(engines[1])
    with engines[0].connect() as conn:
        ids = {r[0] for r in conn.exec_driver_sql("SELECT beneficiary_id FROM person")}
    assert ids == {f"B{n}" for n in range(len(spaces))} | {"B1"}
