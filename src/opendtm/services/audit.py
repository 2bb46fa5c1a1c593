"""Write to the append-only audit log; each entry carries the hash of the one before."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import select
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
