"""The audit log's lanes: concurrent writers extend chains side by side instead of queueing
for one lock, and ``verify`` still finds an entry changed, removed or inserted in any lane.
Runs on SQLite and PostgreSQL; the concurrency tests on PostgreSQL only."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from sqlalchemy import Engine, select, text

from opendtm.services.audit import record, verify
from opendtm.store import schema
from opendtm.store.database import make_engine, unit_of_work
from opendtm.store.models import AuditEntry
from tampering import tamper


@pytest.fixture
def engine(db_url: str) -> Engine:
    eng = make_engine(db_url)
    schema.upgrade(eng)
    yield eng  # type: ignore[misc]
    eng.dispose()


def _check(engine: Engine) -> tuple[int, list[str]]:
    with unit_of_work(engine) as s:
        return verify(s)


def _rows(engine: Engine) -> list[tuple[int, int]]:
    with engine.connect() as conn:
        return [(r.id, r.lane) for r in conn.execute(
            select(AuditEntry.id, AuditEntry.lane).order_by(AuditEntry.id))]


def test_one_writer_at_a_time_keeps_one_chain(engine: Engine) -> None:
    for k in range(3):
        with unit_of_work(engine) as s:
            record(s, "alice", "read", "person", str(k))
            record(s, "alice", "read", "person", str(k + 10))
    assert {lane for _, lane in _rows(engine)} == {0}
    assert _check(engine) == (6, [])
    tamper(engine, "DELETE FROM audit_log WHERE id = 4")
    checked, problems = _check(engine)
    assert checked == 5 and problems == [
        "entry 5: does not follow the entry before it (an entry was removed or inserted)"]


def _writers(engine: Engine, threads: int, transactions: int) -> None:
    barrier = threading.Barrier(threads)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for k in range(transactions):
                with unit_of_work(engine) as s:
                    record(s, f"user{n}", "read", "person", str(k))
                    time.sleep(0.002)  # hold the lane a moment, as a request does
                    record(s, f"user{n}", "list", "person", None, {"ids": [k, k + 1]})
        except BaseException as error:
            failures.append(error)

    pool = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert not failures, failures


def _postgres(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("advisory locks and concurrent writers: PostgreSQL")


def test_concurrent_writers_produce_a_verifiable_log(engine: Engine) -> None:
    _postgres(engine)
    _writers(engine, threads=8, transactions=15)
    rows = _rows(engine)
    assert len(rows) == 8 * 15 * 2
    lanes = Counter(lane for _, lane in rows)
    assert len(lanes) > 1, lanes  # writers went side by side
    assert _check(engine) == (240, [])
    # Both entries of a transaction are in one lane, the second chained to the first.
    with engine.connect() as conn:
        pairs = conn.execute(text(
            "SELECT a.lane, b.lane, b.prev_hash = a.hash FROM audit_log a JOIN audit_log b "
            "ON b.actor = a.actor AND b.entity_id IS NULL AND a.entity_id IS NOT NULL "
            "AND b.id = (SELECT min(c.id) FROM audit_log c WHERE c.actor = a.actor "
            "AND c.id > a.id)")).all()
    assert len(pairs) == 120 and all(la == lb and chained for la, lb, chained in pairs)


def test_a_writer_does_not_wait_for_another_open_transaction(engine: Engine) -> None:
    _postgres(engine)
    done: list[float] = []
    with unit_of_work(engine) as slow:
        record(slow, "slow", "import", "import_batch", "1")  # holds lane 0 until commit

        def quick() -> None:
            t = time.perf_counter()
            with unit_of_work(engine) as s:
                record(s, "quick", "read", "person", "1")
            done.append(time.perf_counter() - t)

        other = threading.Thread(target=quick)
        other.start()
        other.join(10)
        assert done and done[0] < 5, "the second writer waited for the first"
    assert sorted(lane for _, lane in _rows(engine)) == [0, 1]
    assert _check(engine) == (2, [])


@pytest.mark.parametrize(("sql", "says"), [
    ("DELETE FROM audit_log WHERE id = {victim}", "entry {after}: does not follow"),
    ("UPDATE audit_log SET actor = 'mallory' WHERE id = {victim}",
     "entry {victim}: its content was changed"),
    ("UPDATE audit_log SET lane = 0 WHERE id = {victim}", "entry {after}: does not follow"),
])
def test_tampering_in_a_side_lane_is_detected(engine: Engine, sql: str, says: str) -> None:
    _postgres(engine)
    _writers(engine, threads=6, transactions=10)
    assert _check(engine)[1] == []
    rows = _rows(engine)
    side = [(i, lane) for i, lane in rows if lane > 0]
    by_lane: dict[int, list[int]] = {}
    for i, lane in side:
        by_lane.setdefault(lane, []).append(i)
    lane_ids = next(ids for ids in by_lane.values() if len(ids) >= 2)
    victim, after = lane_ids[0], lane_ids[1]
    tamper(engine, sql.format(victim=victim))
    problems = _check(engine)[1]
    assert any(p.startswith(says.format(victim=victim, after=after)) for p in problems), problems


def test_the_database_hashes_exactly_as_python_does(engine: Engine) -> None:
    """On PostgreSQL the entry's hash is computed in the INSERT; it must be the hash that
    Python computes from the same entry (``verify`` recomputes it), Cyrillic and all."""
    from opendtm.services.audit import _body, _digest

    detail = {"changes": {"family_name": [None, "Осмоналиева"], "age": [None, 31]},
              "q": "Айгуль «Ж» \\ \"x\"", "ids": [3, 2, 1]}
    with unit_of_work(engine) as s:
        first = record(s, "алия", "create", "person", "7", detail, "127.0.0.1")
        second = record(s, "alice", "read", "person", "7")
    assert second.prev_hash == first.hash
    with unit_of_work(engine) as s:
        stored = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [e.hash for e in stored] == [first.hash, second.hash]
        assert [e.hash for e in stored] == [_digest(e.prev_hash, _body(e)) for e in stored]
    assert _check(engine) == (2, [])


def test_the_function_appends_as_the_statements_did(engine: Engine) -> None:
    """PostgreSQL appends an entry with one function (migration 0009); the statements it
    replaced (the lane's lock, then ``INSERT ... SELECT``) give the same entries: they
    chain into one another in either order, in the lane the transaction holds, with the
    hash Python computes."""
    import datetime as dt

    from opendtm.services.audit import _body, _digest, append, append_in_statements

    _postgres(engine)
    for k in range(3):
        with unit_of_work(engine) as s:
            append(s, "alice", "read", "person", str(k), {"ids": [k]}, "10.0.0.1")
            at = dt.datetime.now(dt.UTC).replace(microsecond=0)
            append_in_statements(s, {"at": at.isoformat(), "actor": "алия", "action": "list",
                                     "entity": "person", "entity_id": None,
                                     "remote_addr": None, "detail": {"q": "Айгуль"}}, at)
            append(s, "bob", "read", "person", str(k))
    with unit_of_work(engine) as s:
        stored = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [e.actor for e in stored] == ["alice", "алия", "bob"] * 3
        assert {e.lane for e in stored} == {0}
        assert [e.prev_hash for e in stored] == [None] + [e.hash for e in stored[:-1]]
        assert [e.hash for e in stored] == [_digest(e.prev_hash, _body(e)) for e in stored]
    with engine.connect() as conn:  # None is stored as the statements stored it (JSON null)
        kinds = conn.execute(text("SELECT json_typeof(detail) FROM audit_log ORDER BY id"))
        assert [k for (k,) in kinds] == ["object", "object", "null"] * 3
    assert _check(engine) == (9, [])


def test_a_second_transaction_takes_another_lane_through_the_function(engine: Engine) -> None:
    from opendtm.services.audit import append

    _postgres(engine)
    with unit_of_work(engine) as first:
        append(first, "first", "read", "person", "1")
        with unit_of_work(engine) as second:
            append(second, "second", "read", "person", "2")
            append(second, "second", "read", "person", "3")
        append(first, "first", "read", "person", "4")
    assert [lane for _, lane in _rows(engine)] == [0, 1, 1, 0]
    assert _check(engine) == (4, [])
