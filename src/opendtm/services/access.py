"""Who may see and change what: the one place where record-level access is decided.

Every query of persons, families, cases and assistance made for a user goes through a
:class:`Scope` built from that user. The matrix is documented in docs/web.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import Select, Table, bindparam, false, select
from sqlalchemy.orm import Session

from opendtm.domain.taxonomy import SENSITIVE_VULNERABILITIES, Role, Vulnerability
from opendtm.store.models import Operation, Partner, User

from .audit import append, append_at_commit

S = TypeVar("S", bound="Select[*tuple[Any, ...]]")
_TABLES = (cast(Table, Partner.__table__), cast(Table, Operation.__table__))
BOUND = ("scope_partner_id", "scope_country")  # parameters of restrict_bound

# Roles that see personal records at all (names only where IDENTITY allows).
RECORDS = frozenset(Role) - {Role.VIEWER}
# Roles that see names, documents and phone numbers, and trafficking and violence findings.
IDENTITY = frozenset({Role.ADMINISTRATOR, Role.PROTECTION_OFFICER, Role.PARTNER_CASEWORKER})
SENSITIVE = IDENTITY
# Roles that review de-duplication candidates: every role that sees records; a pair only
# when both of its records lie in the scope (a partner caseworker: both of the partner).
REVIEW = RECORDS
# Roles that register and change records.
WRITE = frozenset({Role.ADMINISTRATOR, Role.PROTECTION_OFFICER, Role.PARTNER_CASEWORKER})


class NotFound(LookupError):
    """The record does not exist or is outside the caller's scope: the caller cannot tell.
    Whoever ends the transaction rolls it back and then audits the refusal (``audit_refusal``)
    in a transaction of its own, so that nothing of the refused request is kept but the trace.
    """

    def __init__(self, entity: str, entity_id: object, action: str) -> None:
        super().__init__(f"no {entity} {entity_id}")
        self.entity, self.entity_id, self.action = entity, str(entity_id), action


class Forbidden(PermissionError):
    """The caller's role may not do this at all (not about a particular record)."""


@dataclass(frozen=True)
class Scope:
    username: str
    role: Role
    user_id: int | None = None
    partner_id: int | None = None
    country: str | None = None  # ISO3 of the user's operation
    remote_addr: str | None = None

    @classmethod
    def of(cls, session: Session, user: User, remote_addr: str | None = None) -> Scope:
        country = None
        if user.operation_id is not None:
            country = session.scalar(
                select(Operation.country).where(Operation.id == user.operation_id))
        return cls(user.username, user.role, user.id, user.partner_id, country, remote_addr)

    @property
    def records(self) -> bool:
        return self.role in RECORDS

    @property
    def identity(self) -> bool:
        return self.role in IDENTITY

    @property
    def sensitive(self) -> bool:
        return self.role in SENSITIVE

    @property
    def write(self) -> bool:
        return self.role in WRITE

    @property
    def review(self) -> bool:
        return self.role in REVIEW

    def require_review(self) -> None:
        if not self.review:
            raise Forbidden("your role may not review duplicates")

    @property
    def admin(self) -> bool:
        return self.role is Role.ADMINISTRATOR

    def visible(self, vulnerability: Vulnerability) -> bool:
        return self.sensitive or vulnerability not in SENSITIVE_VULNERABILITIES

    @property
    def reach(self) -> str:
        """Which records the scope reaches: none, its partner's, its country's, or all."""
        if not self.records:
            return "none"
        if self.role is Role.PARTNER_CASEWORKER:
            return "partner"
        if self.country is not None and self.role is not Role.ADMINISTRATOR:
            return "country"
        return "all"

    def restrict(self, stmt: S, partner_column: Any) -> S:
        """Keep only rows whose partner (``partner_column``) lies in the scope."""
        return self._restrict(stmt, partner_column, self.partner_id, self.country)

    def restrict_bound(self, stmt: S, partner_column: Any) -> S:
        """:meth:`restrict` with the scope's partner and country left as bound parameters
        (``BOUND``), so that one statement, built once per :attr:`reach`, serves every
        caller: execute it with :attr:`bound`."""
        return self._restrict(stmt, partner_column, bindparam(BOUND[0]), bindparam(BOUND[1]))

    @property
    def kind(self) -> Scope:
        """A stand-in for this scope with only what shapes its statements: the role (names,
        findings, review, writing) and the reach (:meth:`restrict_bound`). Statements built
        once per kind (``functools.lru_cache``) serve every user of that kind."""
        return Scope("", self.role, country="" if self.reach == "country" else None)

    @property
    def bound(self) -> dict[str, Any]:
        return {BOUND[0]: self.partner_id, BOUND[1]: self.country}

    def _restrict(self, stmt: S, partner_column: Any, partner_id: Any, country: Any) -> S:
        reach = self.reach
        if reach == "none":
            return stmt.where(false())
        if reach == "partner":
            return stmt.where(partner_column == partner_id)
        if reach == "country":
            # Core columns: a Core select of persons stays a Core select (no ORM compiling).
            partner, operation = _TABLES
            in_country = (select(partner.c.id)
                          .join(operation, operation.c.id == partner.c.operation_id)
                          .where(operation.c.country == country))
            return stmt.where(partner_column.in_(in_country.scalar_subquery()))
        return stmt

    def partners(self, session: Session) -> list[Partner]:
        """The partners whose records the caller may see (and, with ``write``, change)."""
        return list(session.scalars(self.restrict(select(Partner), Partner.id)
                                    .order_by(Partner.name)))

    def require_write(self) -> None:
        if not self.write:
            raise Forbidden("your role may not register or change records")

    def audit_refusal(self, session: Session, error: NotFound) -> None:
        append(session, self.username, "refused", error.entity, error.entity_id,
               {"attempted": error.action}, self.remote_addr)

    def audit(self, session: Session, action: str, entity: str, entity_id: object,
              detail: dict[str, Any] | None = None) -> None:
        append(session, self.username, action, entity,
               None if entity_id is None else str(entity_id), detail, self.remote_addr)

    def audit_read(self, session: Session, action: str, entity: str, entity_id: object,
                   detail: dict[str, Any] | None = None) -> None:
        """:meth:`audit` of a read, written when the transaction commits (with the COMMIT
        itself on PostgreSQL, see :func:`audit.commit`)."""
        append_at_commit(session, self.username, action, entity,
                         None if entity_id is None else str(entity_id), detail,
                         self.remote_addr)
