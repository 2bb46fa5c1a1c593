"""Migrations both ways and the model's constraints, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from opendtm.domain.taxonomy import AssistanceType, Role, Sex
from opendtm.services.audit import record
from opendtm.store import models as m
from opendtm.store import schema
from opendtm.store.database import DatabaseError, make_engine, unit_of_work

TABLES = {
    "operation", "project", "period", "partner", "partner_region", "admin1", "city", "family",
    "person", "person_identity", "consent", "case_file", "screening", "screening_finding",
    "referral", "assistance", "consultation_contact", "app_user", "audit_log",
}


@pytest.fixture
def engine(db_url: str) -> Engine:
    eng = make_engine(db_url)
    schema.upgrade(eng)
    yield eng
    eng.dispose()


def test_upgrade_downgrade_upgrade(db_url: str) -> None:
    eng = make_engine(db_url)
    schema.upgrade(eng)
    assert set(inspect(eng).get_table_names()) >= TABLES
    assert schema.current_revision(eng) == schema.head_revision()
    schema.downgrade(eng, "base")
    assert set(inspect(eng).get_table_names()) <= {"alembic_version"}
    assert schema.current_revision(eng) is None
    schema.upgrade(eng)
    assert set(inspect(eng).get_table_names()) >= TABLES
    eng.dispose()


def test_revisions_read_from_file_names_are_alembics_chain() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(schema.alembic_config())
    assert schema.known_revisions() == {rev.revision for rev in script.walk_revisions()}
    assert schema.head_revision() == script.get_current_head()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path) -> None:
    eng = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with eng.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_foreign_database_is_refused(db_url: str) -> None:
    eng = make_engine(db_url)
    with eng.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    with pytest.raises(DatabaseError, match="another application's tables \\(invoices\\)"):
        schema.upgrade(eng)
    eng.dispose()


def _partner(session) -> m.Partner:
    op = m.Operation(country="KGZ", name_en="Kyrgyzstan", name_ru="Кыргызстан")
    partner = m.Partner(operation=op, name="Test partner")
    session.add(partner)
    session.flush()
    return partner


def _person(session, partner: m.Partner, code: str = "P1", **kw) -> m.Person:
    person = m.Person(partner=partner, beneficiary_id=code, registered_on=dt.date(2021, 1, 5),
                      **kw)
    session.add(person)
    session.flush()
    return person


def test_beneficiary_id_is_unique_per_partner(engine: Engine) -> None:
    with pytest.raises(IntegrityError), unit_of_work(engine) as s:
        partner = _partner(s)
        _person(s, partner, "A-1")
        _person(s, partner, "A-1")


def test_assistance_needs_person_or_family(engine: Engine) -> None:
    with pytest.raises(IntegrityError), unit_of_work(engine) as s:
        partner = _partner(s)
        person = _person(s, partner)
        case = m.Case(partner=partner, person=person, opened_on=dt.date(2021, 1, 5))
        s.add(m.Assistance(partner=partner, record_id="r1", case=case, type=AssistanceType.FOOD,
                           delivered_on=dt.date(2021, 1, 6)))
        s.flush()


def test_return_needs_destination_and_cost_needs_currency(engine: Engine) -> None:
    for extra in ({"type": AssistanceType.RETURN}, {"type": AssistanceType.FOOD, "cost": 10}):
        with pytest.raises(IntegrityError), unit_of_work(engine) as s:
            partner = _partner(s)
            person = _person(s, partner)
            case = m.Case(partner=partner, person=person, opened_on=dt.date(2021, 1, 5))
            s.add(m.Assistance(partner=partner, record_id="r1", case=case, person=person,
                               delivered_on=dt.date(2021, 1, 6), **extra))
            s.flush()


def test_enum_codes_are_checked_by_the_database(engine: Engine) -> None:
    with pytest.raises((IntegrityError, DBAPIError)), engine.begin() as conn:
        conn.execute(text("INSERT INTO operation (country, name_en, name_ru) "
                          "VALUES ('KGZ', 'Kyrgyzstan', 'Кыргызстан')"))
        conn.execute(text("INSERT INTO partner (operation_id, name, kind, created_at, updated_at)"
                          " VALUES (1, 'x', 'pirates', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))


def test_unknown_enum_value_refused_before_sql(engine: Engine) -> None:
    with pytest.raises(StatementError), unit_of_work(engine) as s:
        partner = _partner(s)
        s.add(m.Person(partner=partner, beneficiary_id="x", registered_on=dt.date(2021, 1, 1),
                       sex="x"))
        s.flush()


def test_age_and_case_checks(engine: Engine) -> None:
    with pytest.raises(IntegrityError), unit_of_work(engine) as s:
        _person(s, _partner(s), age_years=-1)
    with pytest.raises(IntegrityError), unit_of_work(engine) as s:
        s.add(m.Case(partner=_partner(s), opened_on=dt.date(2021, 1, 5)))
        s.flush()


def test_caseworker_must_belong_to_a_partner(engine: Engine) -> None:
    with pytest.raises(IntegrityError), unit_of_work(engine) as s:
        s.add(m.User(username="cw", role=Role.PARTNER_CASEWORKER))
        s.flush()


def test_identity_lives_apart_and_goes_with_the_person(engine: Engine) -> None:
    with unit_of_work(engine) as s:
        person = _person(s, _partner(s), sex=Sex.FEMALE)
        person.identity = m.PersonIdentity(given_name="Айгуль", family_name="Осмоналиева",
                                           document_number="AC1234567")
    with unit_of_work(engine) as s:
        (got,) = s.query(m.PersonIdentity).all()
        assert got.family_name == "Осмоналиева"
        s.delete(s.get(m.Person, got.person_id))
    with unit_of_work(engine) as s:
        assert s.query(m.PersonIdentity).count() == 0


def test_audit_log_is_append_only_and_chained(engine: Engine) -> None:
    with unit_of_work(engine) as s:
        first = record(s, "alice", "read", "person", "1")
        second = record(s, "alice", "update", "person", "1", {"sex": ["m", "f"]})
        assert second.prev_hash == first.hash and first.hash != second.hash
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() == 2


def test_import_tables_without_rowid_both_ways(db_url: str, tmp_path) -> None:
    """Migration 0010 rebuilds ``import_record`` and ``import_change`` on SQLite
    ``WITHOUT ROWID`` and back, keeping their rows, keys and index; PostgreSQL is left as
    it was. (``import_record`` lives until migration 0012.)"""
    from importing import ADD, five_rows, write_csv
    from opendtm.services.importer import import_file

    eng = make_engine(db_url)
    schema.upgrade(eng)
    assert import_file(eng, write_csv(tmp_path / "a.csv", five_rows()), ADD).landed
    schema.downgrade(eng, "0011")
    sqlite = eng.dialect.name == "sqlite"

    def state() -> tuple[object, ...]:
        with eng.connect() as conn:
            rows = tuple(conn.execute(text(f"SELECT * FROM {t} ORDER BY 1, 2")).all()
                         for t in ("import_record", "import_change"))
            ddl = conn.execute(text(
                "SELECT group_concat(sql, ' ') FROM sqlite_master WHERE tbl_name IN "
                "('import_record', 'import_change')")).scalar() if sqlite else ""
        insp = inspect(eng)
        keys = [sorted(str(k["referred_table"]) for k in insp.get_foreign_keys(t))
                for t in ("import_record", "import_change")]
        indexes = [i["name"] for i in insp.get_indexes("import_change")]
        return rows, keys, indexes, "WITHOUT ROWID" in str(ddl)

    rows, keys, indexes, without = state()
    assert len(rows[0]) == len(rows[1]) == 5 and without == sqlite
    assert keys == [["import_batch", "partner"], ["assistance", "import_batch", "partner"]]
    assert indexes == ["ix_import_change_assistance_id"]
    schema.downgrade(eng, "0008")
    assert state() == (rows, keys, indexes, False)
    schema.upgrade(eng, "0011")
    assert state() == (rows, keys, indexes, sqlite)


def test_import_record_kept_on_assistance_both_ways(db_url: str, tmp_path) -> None:
    """Migration 0012 moves each record's last import (fingerprint, batch, row, codes) from
    ``import_record`` onto ``assistance``, and back on a downgrade; after the round trip a
    re-import of the same file finds every row unchanged."""
    from importing import ADD, five_rows, write_csv
    from opendtm.services.importer import import_file

    eng = make_engine(db_url)
    schema.upgrade(eng)
    path = write_csv(tmp_path / "a.csv", five_rows())
    assert import_file(eng, path, ADD).created == 5

    def read(sql: str) -> list[tuple[object, ...]]:
        with eng.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql)).all()]

    kept = ("SELECT partner_id, record_id, import_hash, import_batch_id, import_row, "
            "import_vulnerabilities FROM assistance ORDER BY 1, 2")
    before = read(kept)
    assert len(before) == 5 and all(r[2] is not None and r[3] is not None for r in before)
    assert [r[4] for r in before] == [2, 3, 4, 5, 6] and before[0][5] == "disability vot"
    schema.downgrade(eng, "0011")
    assert read("SELECT partner_id, record_id, row_hash, batch_id, row_no, vulnerabilities "
                "FROM import_record ORDER BY 1, 2") == before
    assert "import_hash" not in {c["name"] for c in inspect(eng).get_columns("assistance")}
    schema.upgrade(eng)
    assert read(kept) == before
    again = import_file(eng, path, ADD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    eng.dispose()
    eng.dispose()
