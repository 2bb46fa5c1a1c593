"""Users, their roles and scope, and the append-only audit log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from opendtm.domain.taxonomy import Role

from .base import Base, Timestamps, enum_column
from .reference import Operation, Partner


class User(Base, Timestamps):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    operation_id: Mapped[int | None] = mapped_column(ForeignKey("operation.id"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    partner: Mapped[Partner | None] = relationship()
    operation: Mapped[Operation | None] = relationship()
    __table_args__ = (
        CheckConstraint(
            "role <> 'partner_caseworker' OR partner_id IS NOT NULL", name="caseworker_partner"
        ),
    )


class AuditEntry(Base):
    """One access or change. Rows are never updated or deleted (database triggers refuse it);
    each row carries the hash of the previous one of its lane (one of a few chains that
    concurrent writers extend side by side) so that tampering is detectable."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))  # read, create, update, delete, import...
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, object] | None] = mapped_column(JSON)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    lane: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    __table_args__ = (Index("ix_audit_log_lane_id", "lane", "id"),)
