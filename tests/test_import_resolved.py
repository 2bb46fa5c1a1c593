"""New records into a store that already holds the partner's persons, families and cases.

On SQLite the set-based reading writes such a file with its ids resolved in DuckDB
(``store.resolved``); the row path writes it with the loader. Both must leave the same
database: ids continue after the store's, persons and families already held are matched,
a person's or family's newest open case is reused and a closed one is not.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from importing import row, write_csv
from opendtm.store import models as m
from opendtm.store.loader import Loader
from test_import_paths import both, dump, engines, first_rows

__all__ = ["engines"]  # the fixture, shared with test_import_paths


def _max_ids(engine: Engine) -> tuple[int | None, ...]:
    with engine.connect() as conn:
        return tuple(conn.scalar(select(func.max(t.id))) for t in (m.Person, m.Family, m.Case))


def test_new_records_continue_the_store(engines: tuple[Engine, Engine], tmp_path: Path,
                                        caplog: pytest.LogCaptureFixture) -> None:
    first = both(engines, write_csv(tmp_path / "v1.csv", first_rows()), add_partners=True)
    assert first.set_based and first.created == 7
    before = _max_ids(engines[0])
    for engine in engines:  # B3's case is closed: a new record of B3 opens another
        with engine.begin() as conn:
            conn.execute(text(
                "UPDATE case_file SET status = 'closed', closed_on = opened_on WHERE "
                "person_id = (SELECT id FROM person WHERE beneficiary_id = 'B3')"))
    rows = [row("N1", beneficiary_id="B1", age="31", phone="+996 700 1"),  # known person
            row("N2", beneficiary_id="B9", family_id="F1", sex="m"),  # new, known family
            row("N3", beneficiary_id="", family_id="F1", sex="", age="",
                assistance_type="hygiene"),  # the family's open case
            row("N4", beneficiary_id="B3", sex="", age="", vulnerabilities="vot",
                referral_source="hotline"),  # closed case: a new one
            row("N5", beneficiary_id="A0", family_id="F7", assistance_type="return",
                return_to="KGZ"),  # new person and family, sorted before B*
            row("N6", beneficiary_id="", family_id="F8", sex="", age="")]
    caplog.set_level(logging.DEBUG, logger="opendtm.store.resolved")
    report = both(engines, write_csv(tmp_path / "v2.csv", rows))
    assert report.set_based and report.landed
    assert (report.created, report.updated, report.persons_created) == (6, 0, 2)
    assert (report.persons_updated, report.families_created) == (1, 2)
    if engines[0].dialect.name == "sqlite":  # written from DuckDB, not by the loader
        assert "import: assistance" in caplog.text
    after = _max_ids(engines[0])
    assert after == (before[0] + 2, before[1] + 2, before[2] + 4)  # type: ignore[operator]
    assert dump(engines[0]) == dump(engines[1])
    with engines[0].connect() as conn:  # the audit's digest of the changes, from DuckDB
        detail = conn.execute(select(m.AuditEntry.detail).where(
            m.AuditEntry.entity_id == str(report.batch_id))).scalar_one()
        assert detail["changes_sha256"] == Loader(conn).changes_sha256(report.batch_id)


def test_screenings_and_referrals_resolved(engines: tuple[Engine, Engine], tmp_path: Path,
                                           caplog: pytest.LogCaptureFixture) -> None:
    """Screenings, findings and referrals made in DuckDB are the loader's: screening ids in
    the order of their first row, referral ids by (case, kind, organisation); what the
    store holds already (a screening of the same person, case and day, its findings, a
    referral of the same case, kind and organisation) is not written again."""
    days = ["2021-03-02", "2021-01-05", "2021-02-10"]
    sources = ["hotline", "Red Crescent", "", "Embassy", "other"]
    rows = [row(f"S{n:02d}", beneficiary_id=f"B{(7 * n) % 11}", assistance_date=days[n % 3],
                vulnerabilities=("vot gbv" if n % 2 else "disability") if n % 3 else "",
                referral_source=sources[n % 5]) for n in range(40)]
    first = both(engines, write_csv(tmp_path / "v1.csv", rows), add_partners=True)
    assert first.set_based and first.created == 40
    counted = (m.Screening, m.ScreeningFinding, m.Referral)
    with engines[0].connect() as conn:
        before = [conn.scalar(select(func.count()).select_from(t)) for t in counted]
    assert all(before)
    more = [row(f"T{n:02d}", beneficiary_id=f"B{n % 5}", assistance_date=days[n % 3],
                vulnerabilities="vot pregnant" if n % 2 else "gbv",
                referral_source=sources[n % 5] if n % 4 else "Consulate") for n in range(12)]
    caplog.set_level(logging.DEBUG, logger="opendtm.store.resolved")
    report = both(engines, write_csv(tmp_path / "v2.csv", more))
    assert report.set_based and report.landed and report.created == 12
    if engines[0].dialect.name == "sqlite":
        assert "import: screenings and referrals" in caplog.text
    with engines[0].connect() as conn:
        after = [conn.scalar(select(func.count()).select_from(t)) for t in counted]
    assert all(a > b for a, b in zip(after, before, strict=True)), (before, after)
    assert dump(engines[0]) == dump(engines[1])
