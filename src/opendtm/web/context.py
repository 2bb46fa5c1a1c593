"""Per-request plumbing: the database, who is calling, CSRF, and running a service."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from opendtm.services import audit, users
from opendtm.services.access import Forbidden, NotFound, Scope

SESSION_COOKIE = "opendtm_session"
CSRF_COOKIE = "opendtm_csrf"
LANG_COOKIE = "opendtm_lang"
R = TypeVar("R")


@dataclass
class Settings:
    secure_cookies: bool = True
    max_body: int = 10 * 1024 * 1024
    scope_ttl: float = 5.0  # seconds a resolved session or token is trusted without asking
    fast_routes: bool = True  # the busiest API routes answered by ``web.fastpath``


class SignInNeeded(Exception):
    """A page asked for by someone not signed in: answered with a redirect to sign in."""


class Unauthorized(Exception):
    """An API call without a valid token: 401."""


class CsrfFailed(Exception):
    """A form posted without the token of the page that showed it: 403."""


def engine(request: Request) -> Engine:
    eng: Engine = request.app.state.engine
    return eng


def remote_addr(request: Request) -> str | None:
    return request.client.host if request.client else None


def sessions(request: Request) -> sessionmaker[Session]:
    """The app's session maker (made once, with the app)."""
    made: sessionmaker[Session] = request.app.state.sessions
    return made


def run(request: Request, scope: Scope, work: Callable[..., R], *args: Any, **kw: Any) -> R:
    """Run a service in one transaction. A refusal (NotFound, Forbidden) rolls the work back;
    the application's error handler then audits it in a transaction of its own."""
    return run_in(sessions(request), scope, work, *args, **kw)


def run_in(made: sessionmaker[Session], scope: Scope, work: Callable[..., R], *args: Any,
           **kw: Any) -> R:
    """:func:`run` with the app's session maker. Entries of the audit log written with the
    commit go with it (:func:`audit.commit`)."""
    with made() as session:
        result = work(session, scope, *args, **kw)
        audit.commit(session)
        return result


async def run_async(request: Request, scope: Scope, work: Callable[..., R], *args: Any,
                    **kw: Any) -> R:
    """:func:`run` from an ``async`` route: the service's blocking database work goes to
    the thread pool in one hop (a plain ``def`` route with its dependencies and response
    validation takes three), while parsing and answering stay on the event loop."""
    return await run_in_threadpool(run, request, scope, work, *args, **kw)


def audit_refusal(request: Request, error: NotFound | Forbidden) -> None:
    scope: Scope | None = getattr(request.state, "user", None)
    if scope is None:
        return
    if isinstance(error, Forbidden):
        error = NotFound("action", f"{request.method} {request.url.path}", "forbidden")
    with sessions(request)() as session, session.begin():
        scope.audit_refusal(session, error)


class ScopeCache:
    """Scopes resolved from a session cookie or a token, kept ``ttl`` seconds, so that a
    request runs one transaction (its work) instead of two. A revoked token, a deactivated
    user or an expired session is refused at most ``ttl`` seconds later; signing out
    forgets the session at once in this process. Keys are digests, never the secrets."""

    def __init__(self, ttl: float, size: int = 10_000) -> None:
        self.ttl, self.size = ttl, size
        self._held: dict[str, tuple[float, Scope]] = {}

    def get(self, key: str) -> Scope | None:
        held = self._held.get(key)
        if held is None or held[0] < time.monotonic():
            return None
        return held[1]

    def put(self, key: str, scope: Scope) -> None:
        if self.ttl <= 0:
            return
        if len(self._held) >= self.size:
            now = time.monotonic()
            self._held = {k: v for k, v in self._held.items() if v[0] >= now}
            if len(self._held) >= self.size:
                self._held.clear()
        self._held[key] = (time.monotonic() + self.ttl, scope)

    def forget(self, key: str) -> None:
        self._held.pop(key, None)


def scope_cache(request: Request) -> ScopeCache:
    cache: ScopeCache = request.app.state.scopes
    return cache


def _cached(request: Request, find: Callable[[Session, str], Any], secret: str) -> Scope | None:
    return cached_scope(scope_cache(request), find, secret, remote_addr(request))


def cached_scope(cache: ScopeCache, find: Callable[[Session, str], Any], secret: str,
                 address: str | None) -> Scope | None:
    """The scope of a session or token resolved less than ``ttl`` seconds ago, if any, with
    the caller's address."""
    scope = cache.get(f"{find.__name__}:{users.digest(secret)}")
    return None if scope is None else replace(scope, remote_addr=address)


def _scope_of(request: Request, find: Callable[[Session, str], Any], secret: str) -> Scope | None:
    key = f"{find.__name__}:{users.digest(secret)}"
    cache = scope_cache(request)
    scope = cache.get(key)
    if scope is None:
        with sessions(request)() as session, session.begin():
            user = find(session, secret)
            if user is None:
                return None
            scope = Scope.of(session, user)
        cache.put(key, scope)
    return replace(scope, remote_addr=remote_addr(request))


def forget_session(request: Request, token: str) -> None:
    """Drop a signed-out session's scope from this process's cache."""
    scope_cache(request).forget(f"{users.user_for_session.__name__}:{users.digest(token)}")


def page_scope(request: Request) -> Scope:
    """The signed-in user of a page, or a redirect to the sign-in page."""
    token = request.cookies.get(SESSION_COOKIE)
    scope = _scope_of(request, users.user_for_session, token) if token else None
    if scope is None:
        raise SignInNeeded
    request.state.user = scope
    return scope


def _bearer(request: Request) -> str | None:
    return bearer_token(request.headers.get("authorization", ""))


def bearer_token(header: str) -> str | None:
    """The token of an ``Authorization: Bearer TOKEN`` header's value, if it is one."""
    kind, _, token = header.partition(" ")
    return token.strip() if kind.lower() == "bearer" and token.strip() else None


def api_scope(request: Request) -> Scope:
    """The caller of the API, from ``Authorization: Bearer TOKEN``."""
    token = _bearer(request)
    scope = _scope_of(request, users.user_for_token, token) if token else None
    if scope is None:
        raise Unauthorized
    request.state.user = scope
    return scope


async def api_caller(request: Request) -> Scope:
    """:func:`api_scope` for the event loop: a scope from the cache is answered at once;
    only a token not seen in the last ``ttl`` seconds goes to the database (thread pool)."""
    token = _bearer(request)
    scope = _cached(request, users.user_for_token, token) if token else None
    if scope is None:
        return await run_in_threadpool(api_scope, request)
    request.state.user = scope
    return scope


def csrf_token(request: Request) -> str:
    """The CSRF token of this browser (made on its first page), to put in every form."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if token is None:
        token = request.state.new_csrf = secrets.token_urlsafe(24)
    return token


async def check_csrf(request: Request) -> dict[str, Any]:
    """The posted form, once its CSRF token matches the browser's cookie."""
    form = dict(await request.form())
    sent = str(form.get("csrf_token") or request.headers.get("x-csrf-token") or "")
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    if not cookie or not secrets.compare_digest(sent, cookie):
        raise CsrfFailed
    return {k: v for k, v in form.items() if isinstance(v, str)}


def language(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "en")
    return lang if lang in ("en", "ru") else "en"
