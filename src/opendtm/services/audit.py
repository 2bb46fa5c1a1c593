"""Write to the append-only audit log; each entry carries the hash of the one before it in
its lane.

The log is a handful of hash chains ("lanes") woven into one table. A transaction that
writes an entry takes the first lane no other open transaction holds (a PostgreSQL advisory
lock per lane, held to the end of the transaction) and extends that lane's chain, so
concurrent writers each extend a chain of their own instead of queueing for one. One writer
at a time always takes lane 0, which is then the single chain of a quiet log. SQLite has
one writer at a time and uses lane 0 only. ``verify`` walks every lane: an entry changed,
removed or inserted breaks the chain of its lane just as it broke the single chain.

A read of personal data may be audited *with the commit* (:func:`append_at_commit`): the
entry is kept on the session and written when its transaction commits, in the same
transaction; on PostgreSQL :func:`commit` sends it together with the COMMIT, in one round
trip. A transaction rolled back writes no entry, as before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    Connection,
    Integer,
    String,
    Table,
    bindparam,
    event,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Session

from opendtm.store import driver
from opendtm.store.models import AuditEntry

LANES = 32
_LOCK = 74201  # first key of the lanes' advisory locks; the lane is the second
_HELD = "opendtm_audit_lane"
_PENDING = "opendtm_audit_pending"  # entries to write when the transaction commits
_TABLE = cast(Table, AuditEntry.__table__)
# Volatile in WHERE with LIMIT 1: lanes are tried in order and only one is taken.
_TRY_LANES = text("SELECT l FROM generate_series(0, :n - 1) AS l "
                  "WHERE pg_try_advisory_xact_lock(:k, l) LIMIT 1")
_WAIT_LANE = text("SELECT pg_advisory_xact_lock(:k, :l)")


def _payload(entry: dict[str, Any]) -> str:
    return json.dumps(entry, sort_keys=True, default=str, ensure_ascii=False)


def _digest(prev: str | None, entry: dict[str, Any]) -> str:
    return hashlib.sha256(f"{prev or ''}|{_payload(entry)}".encode()).hexdigest()


def _held(session: Session, transaction: Any) -> int | None:
    """The lane this transaction holds already (it wrote an entry before), if any."""
    held = session.info.get(_HELD)
    return int(held[1]) if held is not None and held[0] is transaction else None


def _lane(session: Session, conn: Connection, transaction: Any) -> int:
    """The lane this transaction writes in: the one it holds already, else the first free
    one (waiting for a random one when all are taken). SQLite writes in lane 0."""
    held = _held(session, transaction)
    if held is not None:
        return held
    if conn.dialect.name != "postgresql":
        return 0
    free = conn.scalar(_TRY_LANES, {"n": LANES, "k": _LOCK})
    if free is None:  # every lane busy: wait for one
        free = random.randrange(LANES)
        conn.execute(_WAIT_LANE, {"k": _LOCK, "l": free})
    return int(free)


_COLUMNS = ("at", "actor", "action", "entity", "entity_id", "remote_addr", "detail", "lane")
_LANE = bindparam("lane", type_=Integer)
# The hash of the lane's last entry (index ``lane, id``).
_LAST = (select(_TABLE.c.hash).where(_TABLE.c.lane == _LANE)
         .order_by(_TABLE.c.id.desc()).limit(1).scalar_subquery())
_RETURNING = (_TABLE.c.id, _TABLE.c.prev_hash, _TABLE.c.hash)
_INSERT = insert(_TABLE).returning(*_RETURNING)


def _insert_chained() -> Any:
    """PostgreSQL: INSERT ... SELECT of the values, the lane's last hash and the new hash,
    ``sha256(last hash | payload)`` as :func:`_digest` computes it."""
    last = select(_LAST.label("h")).subquery()
    digest = func.encode(func.sha256(func.convert_to(
        func.coalesce(last.c.h, "") + bindparam("payload", type_=String), "UTF8")), "hex")
    values = [_LANE if k == "lane" else bindparam(k, type_=_TABLE.c[k].type) for k in _COLUMNS]
    return insert(_TABLE).from_select([*_COLUMNS, "prev_hash", "hash"], select(
        *values, last.c.h, digest)).returning(*_RETURNING)


_INSERT_CHAINED = _insert_chained()
# PostgreSQL from revision 0009 on: the lane taken (unless held), its last hash read and the
# entry inserted by one function (``audit_log_append``), as ``_lane`` and ``_INSERT_CHAINED``
# do in two statements.
_APPEND = text(
    "SELECT entry_id AS id, entry_prev_hash AS prev_hash, entry_hash AS hash, "
    "entry_lane AS lane FROM audit_log_append(:held, :lanes, :key, :at, :actor, :action, "
    ":entity, :entity_id, :remote_addr, :detail, :payload)"
).bindparams(bindparam("held", type_=Integer), bindparam("at", type_=_TABLE.c.at.type),
             bindparam("detail", type_=_TABLE.c.detail.type))


class _Appended(NamedTuple):
    id: int
    prev_hash: str | None
    hash: str
    lane: int


def record(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | None = None,
    detail: dict[str, Any] | None = None,
    remote_addr: str | None = None,
) -> AuditEntry:
    """Append one entry (:func:`append`); returns it (not attached to the session)."""
    values, row = append(session, actor, action, entity, entity_id, detail, remote_addr)
    return AuditEntry(id=row.id, prev_hash=row.prev_hash, hash=row.hash, **values)


def append(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | None = None,
    detail: dict[str, Any] | None = None,
    remote_addr: str | None = None,
) -> tuple[dict[str, Any], Any]:
    """Append one entry to the lane this transaction holds; returns its values and the
    row of its id and hashes (the busiest callers need no ORM object). On PostgreSQL the
    entry is one statement, the function ``audit_log_append`` (migration 0009): it takes
    the lane, reads the lane's last hash and inserts the entry with its hash computed in the
    database (``sha256`` of the same text as :func:`_digest`). SQLite reads the last hash,
    then inserts (:func:`append_in_statements`)."""
    return _write(session, _body_now(actor, action, entity, entity_id, detail, remote_addr))


def _body_now(actor: str, action: str, entity: str, entity_id: str | None,
              detail: dict[str, Any] | None, remote_addr: str | None) -> dict[str, Any]:
    at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return {"at": at.isoformat(), "actor": actor, "action": action, "entity": entity,
            "entity_id": entity_id, "remote_addr": remote_addr, "detail": detail}


def _append_params(session: Session, body: dict[str, Any]) -> dict[str, Any]:
    """The parameters of ``_APPEND`` for the entry ``body``."""
    return {**body, "at": dt.datetime.fromisoformat(body["at"]),
            "held": _held(session, session.get_transaction()), "lanes": LANES,
            "key": _LOCK, "payload": "|" + _payload(body)}


def _write(session: Session, body: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    conn, transaction = session.connection(), session.get_transaction()
    at = dt.datetime.fromisoformat(body["at"])
    if conn.dialect.name != "postgresql":
        return append_in_statements(session, body, at)
    row = _Appended(*driver.rows(conn, _APPEND, _append_params(session, body),
                                 json=("detail",))[0])
    # The next entry of this transaction follows this one, in the same lane.
    session.info[_HELD] = (transaction, row.lane)
    return {**body, "at": at, "lane": row.lane}, row


def append_at_commit(session: Session, actor: str, action: str, entity: str,
                     entity_id: str | None = None, detail: dict[str, Any] | None = None,
                     remote_addr: str | None = None) -> None:
    """An entry like :func:`append`'s (its time is now), written when this transaction
    commits, after the entries written before then."""
    session.connection()  # the transaction begun, if it was not
    transaction = session.get_transaction()
    held: tuple[Any, list[dict[str, Any]]] | None = session.info.get(_PENDING)
    if held is None or held[0] is not transaction:
        held = session.info[_PENDING] = (transaction, [])
    held[1].append(_body_now(actor, action, entity, entity_id, detail, remote_addr))


def _pending(session: Session) -> list[dict[str, Any]]:
    """The entries waiting for the commit of this session's transaction, taken from it
    (those of a transaction that ended otherwise are dropped)."""
    held = session.info.pop(_PENDING, None)
    return [] if held is None or held[0] is not session.get_transaction() else held[1]


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    """Every commit writes the entries waiting for it first."""
    for body in _pending(session):
        _write(session, body)


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def commit(session: Session) -> None:
    """Commit the session's transaction. On PostgreSQL the last entry waiting for the commit
    goes to the database with the COMMIT, in one round trip (:func:`driver.commit_after`)."""
    pending = _pending(session)
    if pending and session.get_bind().dialect.name == "postgresql":
        for body in pending[:-1]:
            _write(session, body)
        session.flush()
        driver.commit_after(session.connection(), _APPEND,
                            _append_params(session, pending[-1]), json=("detail",))
    else:
        for body in pending:
            _write(session, body)
    session.commit()


def append_in_statements(session: Session, body: dict[str, Any],
                         at: dt.datetime) -> tuple[dict[str, Any], Any]:
    """:func:`append` in separate statements: the lane, then on PostgreSQL one ``INSERT ...
    SELECT`` that reads the lane's last hash and computes the new one (its snapshot, taken
    after the lane's lock, sees the last holder's commit); on SQLite the last hash read,
    then the insert. PostgreSQL's function does the same in one statement; the tests
    compare the two."""
    conn, transaction = session.connection(), session.get_transaction()
    lane = _lane(session, conn, transaction)
    values: dict[str, Any] = {**body, "at": at, "lane": lane}
    if conn.dialect.name == "postgresql":
        row = conn.execute(_INSERT_CHAINED, {**values, "payload": "|" + _payload(body)}).one()
    else:
        prev = conn.scalar(select(_LAST), {"lane": lane})
        row = conn.execute(_INSERT, {**values, "prev_hash": prev,
                                     "hash": _digest(prev, body)}).one()
    session.info[_HELD] = (transaction, lane)
    return values, row


def _body(entry: AuditEntry) -> dict[str, Any]:
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=dt.UTC)
    return {"at": at.astimezone(dt.UTC).isoformat(), "actor": entry.actor,
            "action": entry.action, "entity": entry.entity, "entity_id": entry.entity_id,
            "remote_addr": entry.remote_addr, "detail": entry.detail}


def verify(session: Session, batch: int = 10_000) -> tuple[int, list[str]]:
    """Walk every lane's chain from its first entry; returns how many entries were checked
    and one message per entry that was changed, removed or inserted out of order."""
    problems: list[str] = []
    prev: dict[int, str | None] = {}
    checked, last_id = 0, 0
    while True:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.id > last_id)
                               .order_by(AuditEntry.id).limit(batch)).all()
        if not rows:
            break
        for entry in rows:
            checked += 1
            if entry.prev_hash != prev.get(entry.lane):
                problems.append(f"entry {entry.id}: does not follow the entry before it "
                                "(an entry was removed or inserted)")
            if entry.hash != _digest(entry.prev_hash, _body(entry)):
                problems.append(f"entry {entry.id}: its content was changed after it was "
                                f"written ({entry.at:%Y-%m-%d %H:%M} {entry.actor} "
                                f"{entry.action} {entry.entity} {entry.entity_id or ''})".rstrip())
            prev[entry.lane] = entry.hash
        last_id = rows[-1].id
        session.expunge_all()
    return checked, problems
