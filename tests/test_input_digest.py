"""The digest of a bulletin's input rows: the same rows give the same digest however they
are chunked and whichever engine held them; any change of a value, of a missing value or
of a column gives another."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pyarrow as pa
import pytest
from sqlalchemy import Engine

from conftest import _fresh_postgres
from opendtm.process.digest import input_hash
from opendtm.services.demo import prepare_demo
from opendtm.store import facts
from opendtm.store.database import make_engine, unit_of_work


def table() -> pa.Table:
    return pa.table({
        "id": pa.array([1, 2, 3], pa.int64()),
        "name": pa.array(["Айгуль", None, "B"], pa.string()),
        "on": pa.array([dt.date(2021, 1, 15), dt.date(2020, 2, 29), None], pa.date32()),
    })


def test_the_same_rows_give_the_same_digest_however_chunked() -> None:
    whole = table()
    pieces = pa.Table.from_batches([whole.slice(0, 1).to_batches()[0],
                                    whole.slice(1).to_batches()[0]])
    coded = whole.set_column(1, "name", whole.column("name").dictionary_encode())
    assert input_hash(whole) == input_hash(pieces) == input_hash(coded)
    assert input_hash(whole, whole.slice(0, 0)) == input_hash(pieces, whole.slice(0, 0))


@pytest.mark.parametrize("change", [
    lambda t: t.set_column(1, "name", pa.array(["Айгуль", "\\N", "B"])),  # missing vs text
    lambda t: t.set_column(1, "name", pa.array(["Айгуль", "", "B"])),  # missing vs empty
    lambda t: t.set_column(0, "id", pa.array([1, 2, 4], pa.int64())),
    lambda t: t.rename_columns(["id", "given_name", "on"]),
    lambda t: t.slice(0, 2),
])
def test_any_change_gives_another_digest(change) -> None:
    assert input_hash(change(table())) != input_hash(table())


def test_lists_are_told_apart() -> None:
    def of(*values: list[str] | None) -> str:
        return input_hash(pa.table({"choices": pa.array(values, pa.list_(pa.string()))}))

    assert of([], None) != of([""], None) != of(None, None) != of(["a", "b"], None)
    assert of(["a", "b"], None) != of(["a\x1fb"], None) != of(["a"], ["b"])
    assert of(["x"], []) == of(["x"], [])


def test_rows_are_not_confused_across_tables() -> None:
    first, second = table().slice(0, 1), table().slice(1)
    assert input_hash(first, second) != input_hash(table(), table().slice(0, 0))


@pytest.fixture
def demos(tmp_path) -> Iterator[tuple[Engine, Engine]]:
    postgres = _fresh_postgres()
    pg_url = next(postgres)
    engines = (make_engine(prepare_demo(f"sqlite:///{tmp_path / 'demo.db'}")),
               make_engine(prepare_demo(pg_url)))
    yield engines
    for engine in engines:
        engine.dispose()
    postgres.close()


def test_the_demo_gives_the_same_digest_on_both_engines(demos: tuple[Engine, Engine]) -> None:
    digests = []
    for engine in demos:
        with unit_of_work(engine) as session:
            tables = (facts.assistance_facts(session), facts.contact_facts(session),
                      facts.vulnerability_facts(session))
        assert tables[0].num_rows > 1000
        digests.append(input_hash(*tables))
    assert digests[0] == digests[1]
