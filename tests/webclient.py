"""Helpers shared by the web tests: an app over a built world, signed-in clients."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from opendtm.store.database import make_engine, unit_of_work
from opendtm.store.models import AuditEntry
from opendtm.web.app import create_app
from webworld import PASSWORD, World, build


@contextmanager
def world_app(url: str) -> Iterator[tuple[World, TestClient]]:
    engine = make_engine(url)
    world = build(engine, url)
    with TestClient(create_app(engine), base_url="https://testserver") as client:
        client.engine = engine  # type: ignore[attr-defined]
        yield world, client
    engine.dispose()


def api(world: World, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[user]}"}


def sign_in(client: TestClient, user: str, password: str = PASSWORD) -> int:
    """Sign in through the form (once per client and user; later calls reuse the cookies)."""
    cache: dict[str, dict[str, str]] = client.__dict__.setdefault("signed_in", {})
    client.cookies.clear()
    if password == PASSWORD and user in cache:
        for name, value in cache[user].items():
            client.cookies.set(name, value)
        return 303
    client.get("/sign-in")
    response = client.post("/sign-in", data={"username": user, "password": password,
                                             "csrf_token": client.cookies["opendtm_csrf"]},
                           follow_redirects=False)
    if response.status_code == 303:
        cache[user] = dict(client.cookies.items())
    return response.status_code


def audit_count(client: TestClient, actor: str, action: str) -> int:
    with unit_of_work(client.engine) as s:  # type: ignore[attr-defined]
        return s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.actor == actor, AuditEntry.action == action)) or 0
