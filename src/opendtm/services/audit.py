"""Write to the append-only audit log; each entry carries the hash of the one before it in
its lane.

The log is a handful of hash chains ("lanes") woven into one table. A transaction that
writes an entry takes the first lane no other open transaction holds (a PostgreSQL advisory
lock per lane, held to the end of the transaction) and extends that lane's chain, so
concurrent writers each extend a chain of their own instead of queueing for one. One writer
at a time always takes lane 0, which is then the single chain of a quiet log. SQLite has
one writer at a time and uses lane 0 only. ``verify`` walks every lane: an entry changed,
removed or inserted breaks the chain of its lane just as it broke the single chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from opendtm.store.models import AuditEntry

LANES = 32
_LOCK = 74201  # first key of the lanes' advisory locks; the lane is the second
_HELD = "opendtm_audit_lane"


def _digest(prev: str | None, entry: dict[str, Any]) -> str:
    payload = json.dumps(entry, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{prev or ''}|{payload}".encode()).hexdigest()


def _head(session: Session) -> tuple[int, str | None]:
    """The lane this transaction writes in and the hash of that lane's last entry: the lane
    it holds already (and the hash it wrote last), else the first free one."""
    transaction = session.get_transaction()
    held = session.info.get(_HELD)
    if held is not None and held[0] is transaction:
        return held[1], held[2]
    lane = 0
    if session.get_bind().dialect.name == "postgresql":
        # Volatile in WHERE with LIMIT 1: lanes are tried in order and only one is taken.
        free = session.scalar(text(
            "SELECT l FROM generate_series(0, :n - 1) AS l "
            "WHERE pg_try_advisory_xact_lock(:k, l) LIMIT 1"), {"n": LANES, "k": _LOCK})
        if free is None:  # every lane busy: wait for one
            free = random.randrange(LANES)
            session.execute(text("SELECT pg_advisory_xact_lock(:k, :l)"), {"k": _LOCK, "l": free})
        lane = int(free)
    # A statement of its own, after the lock: its snapshot sees the last holder's commit.
    return lane, _last(session, lane)


def _last(session: Session, lane: int) -> str | None:
    return session.scalar(select(AuditEntry.hash).where(AuditEntry.lane == lane)
                          .order_by(AuditEntry.id.desc()).limit(1))


def record(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | None = None,
    detail: dict[str, Any] | None = None,
    remote_addr: str | None = None,
) -> AuditEntry:
    lane, last = _head(session)
    at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    body = {"at": at.isoformat(), "actor": actor, "action": action, "entity": entity,
            "entity_id": entity_id, "remote_addr": remote_addr, "detail": detail}
    entry = AuditEntry(at=at, actor=actor, action=action, entity=entity, entity_id=entity_id,
                       remote_addr=remote_addr, detail=detail, prev_hash=last,
                       hash=_digest(last, body), lane=lane)
    session.add(entry)
    session.flush()
    # The next entry of this transaction follows this one, in the same lane.
    session.info[_HELD] = (session.get_transaction(), lane, entry.hash)
    return entry


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
