"""The audit log as administrators browse it: newest first, filtered by actor or record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opendtm.store.models import AuditEntry

from .access import Forbidden, Scope

PER_PAGE = 50


def browse(session: Session, scope: Scope, actor: str | None = None,
           entity: str | None = None, entity_id: str | None = None,
           page: int = 1) -> dict[str, Any]:
    if not scope.admin:
        raise Forbidden("only administrators read the audit log")
    stmt = select(AuditEntry)
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if entity_id:
        stmt = stmt.where(AuditEntry.entity_id == entity_id)
    page = max(1, page)
    rows = session.scalars(stmt.order_by(AuditEntry.id.desc())
                           .offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)).all()
    items = [{"id": e.id, "at": e.at.isoformat(), "actor": e.actor, "action": e.action,
              "entity": e.entity, "entity_id": e.entity_id, "remote_addr": e.remote_addr,
              "detail": e.detail} for e in rows[:PER_PAGE]]
    scope.audit(session, "read", "audit_log", None,
                {"actor": actor, "entity": entity, "entity_id": entity_id, "page": page})
    return {"items": items, "page": page, "has_next": len(rows) > PER_PAGE,
            "filters": {"actor": actor, "entity": entity, "entity_id": entity_id}}
