"""De-duplication end to end on SQLite and PostgreSQL: run, review, merge, un-merge, count."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from importing import engine_fixture
from opendtm.cli.main import app
from opendtm.demo.duplicates import synthetic_persons
from opendtm.domain.dedup import MatchVerdict
from opendtm.process.dedup import LinkOptions
from opendtm.services import dedup
from opendtm.services.matching import run_dedup
from opendtm.store import models as m
from opendtm.store.database import unit_of_work

# The four spellings of one man, registered by three partners, and a namesake.
JURAEV = """
partner | beneficiary_id | given     | family   | sex | date_of_birth | age | document
P00     | KG-1           | Шохрух    | Джураев  | m   | 1990-03-04    |     | AC 1234567
P01     | TJ-7           | Shoxrux   | Djurayev | m   | 1990-03-04    |     |
P02     | UZ-3           | Dzhuraev  | Shokhrukh| m   |               | 30  | ac1234567
P03     | TJ-9           | Juraev    | Shohruh  | m   | 1990-04-03    |     |
P02     | UZ-4           | Shohruh   | Juraev   | m   | 1971-07-02    |     |
"""


def _rows(block: str) -> list[dict[str, str]]:
    lines = [[c.strip() for c in line.split("|")] for line in block.strip().splitlines()]
    return [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]


engine = engine_fixture()


def _load(eng: Engine, extra: int = 150) -> dict[str, int]:
    """Persons of the synthetic generator plus the Juraev records; beneficiary id -> person id."""
    with unit_of_work(eng) as session:
        op = m.Operation(country="KGZ", name_en="Kyrgyzstan", name_ru="Кыргызстан")
        session.add(op)
        partners = {f"P{i:02d}": m.Partner(operation=op, name=f"P{i:02d}") for i in range(12)}
        session.add_all(partners.values())
        records = synthetic_persons(extra, seed=5).to_pylist()
        for row in _rows(JURAEV):
            dob = row["date_of_birth"]
            records.append({
                "partner": row["partner"], "beneficiary_id": row["beneficiary_id"],
                "given_name": row["given"], "family_name": row["family"], "patronymic": None,
                "sex": row["sex"], "nationality": "TJK", "registered_on": dt.date(2020, 11, 2),
                "date_of_birth": dt.date.fromisoformat(dob) if dob else None,
                "age_years": int(row["age"]) if row["age"] else None,
                "document_number": row["document"] or None,
            })
        ids: dict[str, int] = {}
        for rec in records:
            person = m.Person(
                partner=partners[rec["partner"]], beneficiary_id=rec["beneficiary_id"],
                sex=rec["sex"], date_of_birth=rec["date_of_birth"], age_years=rec["age_years"],
                nationality=rec["nationality"], registered_on=rec["registered_on"],
            )
            person.identity = m.PersonIdentity(
                given_name=rec["given_name"], family_name=rec["family_name"],
                patronymic=rec["patronymic"], document_number=rec["document_number"],
            )
            session.add(person)
            session.flush()
            ids[rec["beneficiary_id"]] = person.id
    return ids


def test_dedup_finds_the_same_man_in_four_spellings_and_stores_the_run(
    engine: Engine, tmp_path: Path
) -> None:
    ids = _load(engine)
    summary = run_dedup(engine, ["KGZ"], LinkOptions(threshold=0.9), "officer")
    cluster = {r["beneficiary_id"]: r["cluster_id"] for r in summary.rows}
    # Script, romanisation, name order, age for birth date, day and month swapped: one man.
    assert cluster["KG-1"] == cluster["TJ-7"] == cluster["UZ-3"] == cluster["TJ-9"] == ids["KG-1"]
    assert cluster["UZ-4"] != cluster["KG-1"]  # same name, born 19 years apart
    assert len(summary.rows) == summary.records == len(ids)
    with unit_of_work(engine) as session:
        run = session.get(m.DedupRun, summary.run_id)
        assert run is not None and run.records == summary.records
        assert run.pairs_compared >= run.candidates > 0
        stored = session.scalar(select(func.count()).select_from(m.MatchCandidate))
        assert stored == summary.candidates
        members = session.scalars(select(m.MatchClusterMember.person_id).where(
            m.MatchClusterMember.cluster_id == ids["KG-1"])).all()
        assert {ids["KG-1"], ids["TJ-7"], ids["UZ-3"]} <= set(members)
        pair = session.scalar(select(m.MatchCandidate).where(
            m.MatchCandidate.person_a_id == ids["KG-1"],
            m.MatchCandidate.person_b_id == ids["TJ-7"]))
        assert pair is not None and pair.match_probability >= 0.9
        assert pair.weights is not None and {"name1", "name2", "birth"} <= set(pair.weights)
        actions = session.scalars(select(m.AuditEntry.action)).all()
        assert "dedup.run" in actions


def test_cli_writes_one_row_per_person(engine: Engine, tmp_path: Path) -> None:
    _load(engine, extra=60)
    out = tmp_path / "clusters.csv"
    result = CliRunner().invoke(app, ["--db", engine.url.render_as_string(hide_password=False),
                                      "dedup", "--country", "Kyrgyzstan", "--threshold", "0.95",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "candidate pairs" in result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    with unit_of_work(engine) as session:
        persons = session.scalar(select(func.count()).select_from(m.Person))
    assert len(rows) == persons
    assert {"partner", "beneficiary_id", "cluster_id", "match_probability"} <= set(rows[0])
    by_id = {r["beneficiary_id"]: r for r in rows}
    assert by_id["KG-1"]["cluster_id"] == by_id["TJ-7"]["cluster_id"]
    assert float(by_id["TJ-7"]["match_probability"]) >= 0.95
    assert "Шохрух" not in out.read_text(encoding="utf-8")  # no names in the file


def test_cli_refuses_a_bad_threshold(engine: Engine) -> None:
    result = CliRunner().invoke(app, ["--db", engine.url.render_as_string(hide_password=False),
                                      "dedup", "--threshold", "1.5"])
    assert result.exit_code != 0
    assert "threshold 1.5 must lie in (0, 1]" in result.output
    assert "Traceback" not in result.output


def _people(eng: Engine) -> dict[str, int]:
    return _load(eng, extra=0)


def test_merge_and_unmerge_keep_both_records_and_their_history(engine: Engine) -> None:
    ids = _people(engine)
    a, b, c = ids["KG-1"], ids["TJ-7"], ids["UZ-3"]
    with unit_of_work(engine) as session:
        dedup.decide(session, b, a, MatchVerdict.SAME_PERSON, "officer", note="same passport")
        dedup.decide(session, c, b, "same_person", "officer")
    with unit_of_work(engine) as session:
        keys = {p.id: p.merged_into_id for p in session.scalars(select(m.Person))}
        assert (keys[a], keys[b], keys[c]) == (None, a, a)  # all counted as the first record
        assert dedup.merged_count(session, ["KGZ"], dt.date.today(), dt.date.today()) == 2
        assert dedup.merged_count(session, ["TJK"]) == 0
        assert dedup.merged_count(session, None, dt.date(2020, 1, 1), dt.date(2020, 12, 31)) == 0
        dedup.unmerge(session, b, "supervisor", note="different fathers")
    with unit_of_work(engine) as session:
        persons = {p.id: p for p in session.scalars(select(m.Person))}
        assert (persons[a].merged_into_id, persons[b].merged_into_id,
                persons[c].merged_into_id) == (None, None, None)
        assert persons[b].identity is not None and persons[b].identity.given_name == "Shoxrux"
        history = dedup.history(session, c)
        assert [(h.merged_into_id, h.merged_by, h.unmerged_by) for h in history] == [
            (a, "officer", "supervisor")]
        decisions = session.scalars(select(m.MatchDecision).order_by(m.MatchDecision.id)).all()
        assert [(d.verdict, d.revoked_by) for d in decisions] == [
            (MatchVerdict.SAME_PERSON, "supervisor"), (MatchVerdict.SAME_PERSON, "supervisor")]
        assert dedup.merged_count(session, ["KGZ"]) == 0
        actions = session.scalars(select(m.AuditEntry.action).order_by(m.AuditEntry.id)).all()
        assert actions == ["dedup.decide", "dedup.decide", "dedup.unmerge"]


def test_unmerge_one_record_leaves_the_others_merged(engine: Engine) -> None:
    ids = _people(engine)
    a, b, c = ids["KG-1"], ids["TJ-7"], ids["UZ-3"]
    with unit_of_work(engine) as session:
        dedup.decide(session, a, b, "same_person", "officer")
        dedup.decide(session, a, c, "same_person", "officer")
        dedup.unmerge(session, c, "officer")
        keys = {p.id: p.merged_into_id for p in session.scalars(select(m.Person))}
        assert (keys[a], keys[b], keys[c]) == (None, a, None)
        with pytest.raises(ValueError, match="is not merged"):
            dedup.unmerge(session, c, "officer")


def test_a_decided_pair_is_not_asked_again(engine: Engine) -> None:
    _load(engine, extra=60)
    run_dedup(engine, None, LinkOptions(threshold=0.9, candidate_threshold=0.3), "officer")
    with unit_of_work(engine) as session:
        first = dedup.pending(session, limit=500)
        assert first
        top = first[0]
        dedup.decide(session, top.person_a_id, top.person_b_id, "different_people", "officer")
        again = dedup.decide(session, top.person_b_id, top.person_a_id, "different_people", "x")
        assert again.decided_by == "officer"  # remembered, not recorded twice
        with pytest.raises(ValueError, match="revoke that decision first"):
            dedup.decide(session, top.person_a_id, top.person_b_id, "same_person", "officer")
        after = dedup.pending(session, limit=500)
        assert (top.person_a_id, top.person_b_id) not in {
            (c.person_a_id, c.person_b_id) for c in after}
        assert len(after) == len(first) - 1
    # A new run finds the pair again, and still does not ask.
    run_dedup(engine, None, LinkOptions(threshold=0.9, candidate_threshold=0.3), "officer")
    with unit_of_work(engine) as session:
        pairs = {(c.person_a_id, c.person_b_id) for c in dedup.pending(session, limit=500)}
        assert (top.person_a_id, top.person_b_id) not in pairs


def test_merged_pairs_leave_the_queue_and_cannot_be_split_by_a_verdict(engine: Engine) -> None:
    ids = _people(engine)
    a, b, c = ids["KG-1"], ids["TJ-7"], ids["UZ-3"]
    with unit_of_work(engine) as session:
        dedup.decide(session, a, b, "same_person", "officer")
        dedup.decide(session, b, c, "same_person", "officer")
        with pytest.raises(ValueError, match="un-merge them first"):
            dedup.decide(session, a, c, "different_people", "officer")
        with pytest.raises(ValueError, match="compared with itself"):
            dedup.decide(session, a, a, "same_person", "officer")
        with pytest.raises(LookupError):
            dedup.decide(session, a, 999_999, "same_person", "officer")
        decision = dedup.decide(session, a, c, "same_person", "officer")  # already one: recorded
        dedup.revoke(session, decision.id, "officer")
        keys = {p.id: p.merged_into_id for p in session.scalars(select(m.Person))}
        assert (keys[b], keys[c]) == (a, a)  # still joined through b
