"""What the web application keeps: API tokens, sign-in sessions, sign-in attempts and the
folded name keys that let a search find a name typed in either script."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .access import AuditEntry, User
from .base import Base
from .people import Person


class ApiToken(Base):
    """A machine client's bearer token; only its SHA-256 is kept."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    user: Mapped[User] = relationship()


class WebSession(Base):
    """A signed-in browser; the cookie holds a random value, the table its SHA-256."""

    __tablename__ = "web_session"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    user: Mapped[User] = relationship()


class LoginAttempt(Base):
    """One try to sign in, kept for rate limiting and lock-out."""

    __tablename__ = "login_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    success: Mapped[bool] = mapped_column(Boolean)
    __table_args__ = (
        Index("ix_login_attempt_username_at", "username", "at"),
        Index("ix_login_attempt_remote_addr_at", "remote_addr", "at"),
    )


class PersonNameToken(Base):
    """One folded word of a person's names or document number (Cyrillic and Latin fold to the
    same key), so that a search is an index range scan."""

    __tablename__ = "person_name_token"
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    # Byte order on PostgreSQL too, so that a prefix is a range whatever the database locale.
    token: Mapped[str] = mapped_column(
        String(120).with_variant(String(120, collation="C"), "postgresql"), primary_key=True)
    # The person's partner, copied (a person never changes partner): a caseworker's search
    # is a range scan of the partner's own tokens.
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    __table_args__ = (
        Index("ix_person_name_token_token", "token", "person_id"),
        Index("ix_person_name_token_partner", "partner_id", "token", "person_id"),
    )


# The person list pages newest first within a partner; a partner code is searched alone.
Index("ix_person_partner_id_id", Person.partner_id, Person.id)
# A person's merge group (those merged into it): the few merged persons only.
Index("ix_person_merged_into_id", Person.merged_into_id,
      postgresql_where=Person.merged_into_id.isnot(None),
      sqlite_where=Person.merged_into_id.isnot(None))
Index("ix_person_beneficiary_id", Person.beneficiary_id)
# A person's history is read from the audit log by record.
Index("ix_audit_log_entity_entity_id", AuditEntry.entity, AuditEntry.entity_id, AuditEntry.id)
