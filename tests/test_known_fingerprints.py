"""The fingerprints of the records an import last wrote, read back for a re-import: the
same sets whether SQLite reads them through the key's index (a partner holding few of the
store's records) or in one pass over ``assistance`` (partners holding most of them)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from importing import ADD, engine_fixture, row, write_csv
from opendtm.services.importer import import_file
from opendtm.store.staging import Staging

engine = engine_fixture()


def _rows() -> list[dict[str, str]]:
    many = [row(f"A{i}", beneficiary_id=f"B{i}") for i in range(8)]
    few = [row(f"C{i}", beneficiary_id=f"D{i}", partner="Other Hand") for i in range(2)]
    return many + few


def test_known_of_reads_the_same_fingerprints_either_way(engine: Engine, tmp_path: Path) -> None:
    assert import_file(engine, write_csv(tmp_path / "a.csv", _rows()), ADD).created == 10
    with engine.begin() as conn:
        ids = dict(conn.execute(text("SELECT name, id FROM partner")).all())
        many, few = ids["Helping Hand"], ids["Other Hand"]
        expected = {p: {h for (h,) in conn.execute(text(
            "SELECT import_hash FROM assistance WHERE partner_id = :p"), {"p": p})}
            for p in (many, few)}
        assert len(expected[many]) == 8 and len(expected[few]) == 2
        staging = Staging(conn)
        sqlite = not staging.pg
        assert staging._most(str(few)) is False  # 2 of 10: through the index
        assert staging._most(f"{many}, {few}") is sqlite  # all of them: one pass
        assert staging.known(few) == expected[few]
        both = Staging(conn).known_of([many, few])
        assert both == expected
    again = import_file(engine, write_csv(tmp_path / "a.csv", _rows()), ADD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)


def test_records_made_outside_an_import_have_no_fingerprint(engine: Engine, tmp_path: Path
                                                            ) -> None:
    assert import_file(engine, write_csv(tmp_path / "a.csv", _rows()[:3]), ADD).created == 3
    with engine.begin() as conn:
        partner = conn.execute(text("SELECT id FROM partner WHERE name = 'Helping Hand'")
                               ).scalar_one()
        conn.execute(text("UPDATE assistance SET import_hash = NULL WHERE record_id = 'A0'"))
        known = Staging(conn).known(partner)
    assert len(known) == 2
    # the record without a fingerprint is written again (updated), the others unchanged
    again = import_file(engine, write_csv(tmp_path / "a.csv", _rows()[:3]), ADD)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 2)
