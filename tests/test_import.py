"""Importing assistance files on SQLite and PostgreSQL: atomic, idempotent, audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, select

from importing import ADD, counts, engine_fixture, five_rows, row, write_csv
from opendtm.services.importer import ImportOptions, import_file
from opendtm.store import models as m

engine = engine_fixture()


def flat(report) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.code) for p in report.problems]


def test_lands_then_reimport_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "march.csv", five_rows())
    report = import_file(engine, path, ADD)
    assert report.landed and flat(report) == []
    assert (report.rows_read, report.created, report.updated, report.unchanged) == (5, 5, 0, 0)
    assert report.partners_added == ["Helping Hand (KGZ)"]
    after = counts(engine)
    assert after["assistance"] == 5 and after["person"] == 3 and after["family"] == 1
    assert after["case_file"] == 4  # B1, B2, B3 and the family F1
    assert after["screening_finding"] == 2 and after["referral"] == 2
    assert after["person_identity"] == 1 and after["import_change"] == 5
    assert after["audit_log"] == 1
    with engine.connect() as conn:
        b3 = conn.execute(select(m.Person).where(m.Person.beneficiary_id == "B3")).one()
        assert (b3.sex, b3.date_of_birth, b3.nationality) == ("f", dt.date(2010, 3, 12), "TJK")
        a5 = conn.execute(select(m.Assistance).where(m.Assistance.record_id == "A5")).one()
        assert a5.admin1_code == "KG-GB"
        ref = conn.execute(select(m.Referral.kind, m.Referral.organisation)
                           .order_by(m.Referral.kind)).all()
        assert [tuple(r) for r in ref] == [("hotline", None),
                                           ("other", "Consulate of Kyrgyzstan in Moscow")]
        entry = conn.execute(select(m.AuditEntry)).one()
        assert entry.action == "import" and entry.detail["file"] == "march.csv"
        assert entry.detail["created"] == 5 and len(entry.detail["changes_sha256"]) == 64

    again = import_file(engine, path)
    assert again.landed and (again.created, again.updated, again.unchanged) == (0, 0, 5)
    later = counts(engine)
    assert {k: v for k, v in later.items() if k not in ("import_batch", "audit_log")} == {
        k: v for k, v in after.items() if k not in ("import_batch", "audit_log")}
    assert later["audit_log"] == 2


def test_corrected_file_updates_only_changed_rows(engine: Engine, tmp_path: Path) -> None:
    rows = five_rows()
    import_file(engine, write_csv(tmp_path / "v1.csv", rows), ADD)
    rows[1]["transport_mode"] = "land"
    rows[0]["age"] = "31"
    report = import_file(engine, write_csv(tmp_path / "v2.csv", rows))
    assert report.landed and (report.created, report.updated, report.unchanged) == (0, 2, 3)
    assert report.persons_updated == 1
    with engine.connect() as conn:
        mode = conn.scalar(select(m.Assistance.transport_mode).where(
            m.Assistance.record_id == "A2"))  # fmt: skip
        assert mode == "land"
        assert conn.scalar(select(m.Person.age_years).where(m.Person.beneficiary_id == "B1")) == 31
        changed = conn.execute(select(m.ImportChange.row_no, m.ImportChange.action)
                               .where(m.ImportChange.batch_id == report.batch_id)
                               .order_by(m.ImportChange.row_no)).all()
        assert [tuple(c) for c in changed] == [(2, "updated"), (3, "updated")]
    assert counts(engine)["case_file"] == 4  # the same cases, none opened twice


def test_rejected_file_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    rows = five_rows()
    rows[2]["admin1"] = "Atlantis"
    rows[3]["assistance_date"] = "31.02.2021"
    rows[4]["sex"] = "x"
    before = counts(engine)
    report = import_file(engine, write_csv(tmp_path / "bad.csv", rows), ADD)
    assert not report.landed and report.errors == 3
    assert flat(report) == [(4, "admin1", "unknown-region"), (5, "assistance_date", "invalid"),
                            (6, "sex", "not-allowed")]
    assert all(p.file == "bad.csv" for p in report.problems)
    assert counts(engine) == before


def test_unknown_region_lists_close_spellings(engine: Engine, tmp_path: Path) -> None:
    rows = [row("X", admin1="Чуйская обл."), row("Y", admin1="Issyk Kul")]
    report = import_file(engine, write_csv(tmp_path / "r.csv", rows), ADD)
    assert report.landed
    report = import_file(engine, write_csv(tmp_path / "s.csv", [row("Z", admin1="Narynsk")]), ADD)
    assert not report.landed
    assert "did you mean" in report.problems[0].message and "Naryn" in report.problems[0].message


def test_duplicates_are_loaded_once_and_conflicts_reject(engine: Engine, tmp_path: Path) -> None:
    rows = [row("A1"), row("A2"), row("A1")]
    report = import_file(engine, write_csv(tmp_path / "dup.csv", rows), ADD)
    assert report.landed and report.created == 2 and report.duplicates == 1
    assert flat(report) == [(4, "record_id", "duplicate-row")]
    before = counts(engine)
    rows = [row("B1"), row("B1", assistance_type="medical")]
    report = import_file(engine, write_csv(tmp_path / "conflict.csv", rows))
    assert not report.landed and flat(report) == [(3, "record_id", "conflicting-record")]
    assert counts(engine) == before


def test_dry_run_reports_and_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    before = counts(engine)
    report = import_file(engine, write_csv(tmp_path / "d.csv", five_rows()),
                         ImportOptions(add_partners=True, dry_run=True))
    assert not report.landed and report.dry_run and report.created == 5 and report.errors == 0
    assert report.to_dict()["created"] == 5
    assert counts(engine) == before


def test_unknown_partner_needs_add_partners(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [row("A1"), row("A2")])
    report = import_file(engine, path)
    assert not report.landed
    assert flat(report) == [(2, "partner", "unknown-partner"), (3, "partner", "unknown-partner")]
    assert "--add-partners" in report.problems[0].message
    assert counts(engine)["partner"] == 0
    assert import_file(engine, path, ADD).landed
    report = import_file(engine, write_csv(tmp_path / "q.csv", [row("A3", partner="helping hand")]))
    assert report.landed and counts(engine)["partner"] == 1


def test_partner_and_country_from_options(engine: Engine, tmp_path: Path) -> None:
    rows = [{k: v for k, v in row("A1").items() if k not in ("partner", "country")}]
    columns = [c for c in rows[0]]
    path = write_csv(tmp_path / "o.csv", rows, columns=columns)
    report = import_file(engine, path, ImportOptions(add_partners=True))
    assert {p.code for p in report.problems} == {"missing-column"}
    report = import_file(engine, path, ImportOptions(partner="Helping Hand", country="KGZ",
                                                     add_partners=True))
    assert report.landed and report.created == 1


def test_return_needs_destination_and_recipient_needed(engine: Engine, tmp_path: Path) -> None:
    rows = [row("A1", assistance_type="return"), row("A2", beneficiary_id="")]
    report = import_file(engine, write_csv(tmp_path / "r.csv", rows), ADD)
    assert flat(report) == [(2, "return_to", "return-without-destination"),
                            (3, "beneficiary_id", "missing-recipient")]


def test_corrected_file_that_drops_a_vulnerability_removes_it(engine: Engine,
                                                              tmp_path: Path) -> None:
    rows = [row("V1", vulnerabilities="vot disability"), row("V2", vulnerabilities="gbv"),
            row("V3", beneficiary_id="B9", vulnerabilities="pregnant"),
            row("V4", beneficiary_id="B9", vulnerabilities="pregnant")]
    import_file(engine, write_csv(tmp_path / "v1.csv", rows), ADD)
    assert findings(engine) == {"B1": ["disability", "gbv", "vot"], "B9": ["pregnant"]}
    rows[0]["vulnerabilities"] = "disability"  # vot dropped
    rows[1]["vulnerabilities"] = ""  # gbv dropped: the screening goes, nothing else on it
    rows[1]["assistance_date"] = "2021-01-20"
    rows[2]["vulnerabilities"] = ""  # V4 still declares pregnant on the same day: it stays
    report = import_file(engine, write_csv(tmp_path / "v2.csv", rows))
    assert report.landed and (report.updated, report.unchanged) == (3, 1)
    assert report.vulnerabilities_removed == 2
    assert findings(engine) == {"B1": ["disability"], "B9": ["pregnant"]}
    assert counts(engine)["screening"] == 2
    with engine.connect() as conn:
        entry = conn.execute(select(m.AuditEntry).order_by(m.AuditEntry.id.desc())).first()
        assert entry is not None and entry.detail["file"] == "v2.csv"
        assert entry.detail["vulnerabilities_removed"] == 2
        assert entry.detail["vulnerabilities_removed_rows"] == [2, 3]
    again = import_file(engine, write_csv(tmp_path / "v3.csv", rows))
    assert again.unchanged == 4 and again.vulnerabilities_removed == 0
    rows[3]["vulnerabilities"] = ""  # the last record declaring pregnant drops it
    assert import_file(engine, write_csv(tmp_path / "v4.csv", rows)).vulnerabilities_removed == 1
    assert findings(engine) == {"B1": ["disability"]}


def findings(engine: Engine) -> dict[str, list[str]]:
    with engine.connect() as conn:
        found = conn.execute(select(m.Person.beneficiary_id, m.ScreeningFinding.vulnerability)
                             .join(m.Screening, m.Screening.person_id == m.Person.id)
                             .join(m.ScreeningFinding)
                             .order_by(m.Person.beneficiary_id,
                                       m.ScreeningFinding.vulnerability)).all()
    out: dict[str, list[str]] = {}
    for beneficiary, code in found:
        out.setdefault(beneficiary, []).append(code)
    return out
