"""Write to the append-only audit log; each entry carries the hash of the one before."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from opendtm.store.models import AuditEntry


def _digest(prev: str | None, entry: dict[str, Any]) -> str:
    payload = json.dumps(entry, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{prev or ''}|{payload}".encode()).hexdigest()


def record(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | None = None,
    detail: dict[str, Any] | None = None,
    remote_addr: str | None = None,
) -> AuditEntry:
    if session.get_bind().dialect.name == "postgresql":
        # One writer at a time extends the chain, so two transactions never fork it.
        session.execute(text("SELECT pg_advisory_xact_lock(74201)"))
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    body = {"at": at.isoformat(), "actor": actor, "action": action, "entity": entity,
            "entity_id": entity_id, "remote_addr": remote_addr, "detail": detail}
    entry = AuditEntry(at=at, actor=actor, action=action, entity=entity, entity_id=entity_id,
                       remote_addr=remote_addr, detail=detail, prev_hash=last,
                       hash=_digest(last, body))
    session.add(entry)
    session.flush()
    return entry


def _body(entry: AuditEntry) -> dict[str, Any]:
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=dt.UTC)
    return {"at": at.astimezone(dt.UTC).isoformat(), "actor": entry.actor,
            "action": entry.action, "entity": entry.entity, "entity_id": entry.entity_id,
            "remote_addr": entry.remote_addr, "detail": entry.detail}


def verify(session: Session, batch: int = 10_000) -> tuple[int, list[str]]:
    """Walk the chain from the first entry; returns how many entries were checked and one
    message per entry that was changed, removed or inserted out of order."""
    problems: list[str] = []
    prev: str | None = None
    checked, last_id = 0, 0
    while True:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.id > last_id)
                               .order_by(AuditEntry.id).limit(batch)).all()
        if not rows:
            break
        for entry in rows:
            checked += 1
            if entry.prev_hash != prev:
                problems.append(f"entry {entry.id}: does not follow the entry before it "
                                "(an entry was removed or inserted)")
            if entry.hash != _digest(entry.prev_hash, _body(entry)):
                problems.append(f"entry {entry.id}: its content was changed after it was "
                                f"written ({entry.at:%Y-%m-%d %H:%M} {entry.actor} "
                                f"{entry.action} {entry.entity} {entry.entity_id or ''})".rstrip())
            prev = entry.hash
        last_id = rows[-1].id
        session.expunge_all()
    return checked, problems
