"""Users, passwords (argon2), API tokens, sign-in with rate limiting and lock-out."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opendtm.domain.gazetteer import gazetteer
from opendtm.domain.taxonomy import Role
from opendtm.store.models import ApiToken, LoginAttempt, Operation, Partner, User, WebSession

from .audit import record

HASHER = PasswordHasher()
MIN_PASSWORD = 10
WINDOW = dt.timedelta(minutes=15)
MAX_USER_FAILURES = 5  # then the account is locked for WINDOW
MAX_ADDR_FAILURES = 20  # then the address is refused for WINDOW
SESSION_LIFETIME = dt.timedelta(hours=8)


@functools.cache
def _dummy() -> str:
    """A hash to verify against when there is no such user, so that a wrong name takes as
    long as a wrong password; made on first use, not on every start of the command line."""
    return HASHER.hash("opendtm-no-such-user")


class SignInRefused(Exception):
    """Wrong name or password, a locked account or too many tries; the message says which
    without telling whether the user exists."""

    def __init__(self, message: str, locked: bool = False) -> None:
        super().__init__(message)
        self.locked = locked


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def add_user(session: Session, username: str, role: Role, password: str,
             partner: str | None = None, country: str | None = None, actor: str = "cli") -> User:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"password too short: at least {MIN_PASSWORD} characters")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ValueError(f"user {username!r} exists already")
    partner_row = None
    if partner is not None:
        partner_row = session.scalar(select(Partner).where(Partner.name == partner))
        if partner_row is None:
            names = ", ".join(session.scalars(select(Partner.name).order_by(Partner.name)))
            raise ValueError(f"no partner named {partner!r} (known: {names or 'none'})")
    operation = partner_row.operation if partner_row else None
    if country is not None:
        iso3 = gazetteer().country(country).iso3
        operation = session.scalar(select(Operation).where(Operation.country == iso3))
        if operation is None:
            raise ValueError(f"no country operation for {iso3}")
        if partner_row and partner_row.operation_id != operation.id:
            raise ValueError(f"partner {partner!r} does not work in {iso3}")
    if role is Role.PARTNER_CASEWORKER and partner_row is None:
        raise ValueError("a partner caseworker needs --partner")
    if role in (Role.COUNTRY_OFFICER, Role.PROTECTION_OFFICER) and operation is None:
        raise ValueError(f"a {role.value.replace('_', ' ')} needs --country")
    user = User(username=username, role=role, partner=partner_row, operation=operation,
                password_hash=HASHER.hash(password), active=True)
    session.add(user)
    session.flush()
    record(session, actor, "create", "user", str(user.id),
           {"username": username, "role": role.value, "partner": partner,
            "country": operation.country if operation else None})
    return user


def new_token(session: Session, username: str, actor: str = "cli") -> str:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ValueError(f"no user named {username!r}")
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user=user, token_hash=digest(token), revoked=False))
    session.flush()
    record(session, actor, "create", "api_token", str(user.id), {"username": username})
    return token


def revoke_tokens(session: Session, username: str, actor: str = "cli") -> int:
    """Revoke every live API token of the user; returns how many."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ValueError(f"no user named {username!r}")
    live = list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                       ApiToken.revoked.is_(False))))
    for row in live:
        row.revoked = True
    record(session, actor, "revoke", "api_token", str(user.id),
           {"username": username, "tokens": len(live)})
    return len(live)


def user_for_token(session: Session, token: str) -> User | None:
    return session.scalar(
        select(User).join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == digest(token), ApiToken.revoked.is_(False),
               User.active.is_(True))
    )


def _failures(session: Session, since: dt.datetime, **where: str | None) -> int:
    stmt = select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.at >= since, LoginAttempt.success.is_(False))
    for column, value in where.items():
        stmt = stmt.where(getattr(LoginAttempt, column) == value)
    return session.scalar(stmt) or 0


def sign_in(session: Session, username: str, password: str, remote_addr: str | None) -> User:
    """Check a password; raises SignInRefused. Every try is recorded."""
    since = now() - WINDOW
    if remote_addr and _failures(session, since, remote_addr=remote_addr) >= MAX_ADDR_FAILURES:
        raise SignInRefused("too many sign-in attempts from this address; try again later",
                            locked=True)
    if _failures(session, since, username=username) >= MAX_USER_FAILURES:
        record(session, username, "refused", "sign_in", None, {"reason": "locked"}, remote_addr)
        raise SignInRefused("this account is locked after too many failed attempts; "
                            "try again in 15 minutes", locked=True)
    user = session.scalar(select(User).where(User.username == username))
    ok = False
    try:
        known = user.password_hash if user and user.password_hash else None
        ok = HASHER.verify(known or _dummy(), password)
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and user is not None and user.active
    session.add(LoginAttempt(username=username, remote_addr=remote_addr, at=now(), success=ok))
    record(session, username, "sign_in" if ok else "refused", "sign_in", None,
           None if ok else {"reason": "bad credentials"}, remote_addr)
    if not ok or user is None:
        raise SignInRefused("wrong user name or password")
    return user


def open_session(session: Session, user: User) -> str:
    token = secrets.token_urlsafe(32)
    session.add(WebSession(id_hash=digest(token), user_id=user.id,
                           expires_at=now() + SESSION_LIFETIME))
    return token


def user_for_session(session: Session, token: str) -> User | None:
    row = session.get(WebSession, digest(token))
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=dt.UTC)
    if expires < now() or not row.user.active:
        return None
    return row.user


def close_session(session: Session, token: str) -> None:
    row = session.get(WebSession, digest(token))
    if row is not None:
        session.delete(row)

