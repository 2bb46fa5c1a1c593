"""Every page and API route that touches a record, tried by every role and by each foreign
partner against a record it must not see or change: all refused with nothing revealed, and
every refusal audited. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from webclient import api, audit_count, sign_in, world_app
from webworld import ROLES, World

# Who may see Alpha's person A-1 (Kyrgyzstan) and who may change it.
SEES = {"admin", "kgz_officer", "kgz_protection", "alpha_worker", "info"}
CHANGES = {"admin", "kgz_protection", "alpha_worker"}
SECRETS = ("Айгуль", "Осмоналиева", "AC100", "A-1", "vot")

Call = Callable[[TestClient, World, str, int], Any]


def _csrf(client: TestClient) -> str:
    return client.cookies.get("opendtm_csrf") or ""


PERSON = {"given_name": "X", "sex": "f"}
ASSIST = {"type": "food", "delivered_on": "2021-03-01"}
ROUTES: dict[str, tuple[bool, Call]] = {
    # name: (is a change, call)
    "api GET person": (False, lambda c, w, u, pid: c.get(
        f"/api/v1/persons/{pid}", headers=api(w, u))),
    "api PUT person": (True, lambda c, w, u, pid: c.put(
        f"/api/v1/persons/{pid}", headers=api(w, u), json=PERSON)),
    "api POST assistance": (True, lambda c, w, u, pid: c.post(
        "/api/v1/assistance", headers=api(w, u), json={"person_id": pid, **ASSIST})),
    "page person": (False, lambda c, w, u, pid: c.get(f"/persons/{pid}")),
    "page edit form": (True, lambda c, w, u, pid: c.get(f"/persons/{pid}/edit")),
    "page edit post": (True, lambda c, w, u, pid: c.post(
        f"/persons/{pid}/edit", data={**PERSON, "csrf_token": _csrf(c)})),
    "page assistance form": (True, lambda c, w, u, pid: c.get(f"/persons/{pid}/assistance")),
    "page assistance post": (True, lambda c, w, u, pid: c.post(
        f"/persons/{pid}/assistance", data={**ASSIST, "csrf_token": _csrf(c)})),
}


@pytest.fixture(scope="module")
def app(module_db_url: str) -> Iterator[tuple[World, TestClient]]:
    with world_app(module_db_url) as pair:
        yield pair


def _refusals(client: TestClient, user: str) -> int:
    return audit_count(client, user, "refused")


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("user", sorted(ROLES))
def test_every_route_every_role(app: tuple[World, TestClient], route: str, user: str) -> None:
    world, client = app
    change, call = ROUTES[route]
    if route.startswith("page"):
        assert sign_in(client, user) == 303
    allowed = user in (CHANGES if change else SEES)
    before = _refusals(client, user)
    response = call(client, world, user, world.persons["A-1"])
    if allowed:
        assert response.status_code in (200, 201, 303, 422), response.text
        return
    assert response.status_code in (403, 404), (user, route, response.status_code)
    assert not any(secret in response.text for secret in SECRETS), response.text
    assert _refusals(client, user) == before + 1


@pytest.mark.parametrize("user", ["beta_worker", "gamma_worker", "viewer"])
def test_unknown_and_foreign_records_answer_the_same(
        app: tuple[World, TestClient], user: str) -> None:
    world, client = app
    foreign = client.get(f"/api/v1/persons/{world.persons['A-1']}", headers=api(world, user))
    missing = client.get("/api/v1/persons/999999", headers=api(world, user))
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())


@pytest.mark.parametrize("user", ["beta_worker", "gamma_worker", "kgz_officer", "viewer"])
def test_foreign_searches_and_lists_reveal_nothing(
        app: tuple[World, TestClient], user: str) -> None:
    world, client = app
    for q in ("Айгуль", "Osmonalieva", "AC100", "A-1"):
        r = client.get("/api/v1/persons", params={"q": q}, headers=api(world, user))
        if user == "kgz_officer" and q == "A-1":
            continue  # sees the record, by code only
        assert r.json()["items"] == [], (user, q)
        assert sign_in(client, user) == 303
        page = client.get("/persons", params={"q": q})
        assert page.status_code == 200 and "Осмоналиева" not in page.text


def test_a_caseworker_cannot_register_for_another_partner(
        app: tuple[World, TestClient]) -> None:
    world, client = app
    r = client.post("/api/v1/persons", headers=api(world, "beta_worker"),
                    json={**PERSON, "partner_id": world.partner_ids["Alpha"]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "partner_id"]


@pytest.mark.parametrize("user", ["kgz_officer", "info", "viewer"])
def test_read_only_roles_cannot_register(app: tuple[World, TestClient], user: str) -> None:
    world, client = app
    before = _refusals(client, user)
    r = client.post("/api/v1/persons", headers=api(world, user), json=PERSON)
    assert r.status_code == 403 and _refusals(client, user) == before + 1


@pytest.mark.parametrize("user", sorted(ROLES))
def test_only_administrators_browse_the_audit_log(
        app: tuple[World, TestClient], user: str) -> None:
    world, client = app
    before = _refusals(client, user)
    r = client.get("/api/v1/audit", params={"entity": "user"}, headers=api(world, user))
    assert sign_in(client, user) == 303
    page = client.get("/audit")
    if user == "admin":
        assert r.status_code == 200 and r.json()["items"]
        assert page.status_code == 200 and "Audit log" in page.text
        return
    assert (r.status_code, page.status_code) == (403, 403)
    assert _refusals(client, user) == before + 2
