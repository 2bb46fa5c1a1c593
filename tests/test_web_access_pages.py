"""The pages and API routes of families, screening, referrals, consultations, imports,
bulletins and charts, tried by every role and by each foreign partner against Alpha's
records (Kyrgyzstan): who may not see or change them is refused with nothing revealed, and
every refusal is audited. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from webclient import api, audit_count, sign_in, world_app
from webworld import ROLES, World

SEES = {"admin", "kgz_officer", "kgz_protection", "alpha_worker", "info"}
CHANGES = {"admin", "kgz_protection", "alpha_worker"}
SECRETS = ("Айгуль", "Осмоналиева", "AC100", "A-1", "FAM-1", "vot", "Crisis centre")
IDS: dict[str, int] = {}

Call = Callable[[TestClient, World, str], Any]


def _csrf(client: TestClient) -> str:
    return client.cookies.get("opendtm_csrf") or ""


def _p(w: World) -> int:
    return w.persons["A-1"]


ASSIST = {"type": "food", "delivered_on": "2021-03-01"}
SCREEN = {"screened_on": "2021-03-01", "findings": ["disability"]}
REFER = {"direction": "out", "kind": "ngo", "referred_on": "2021-03-01"}
ROUTES: dict[str, tuple[bool, Call]] = {
    "api GET family": (False, lambda c, w, u: c.get(
        f"/api/v1/families/{IDS['family']}", headers=api(w, u))),
    "api POST family assistance": (True, lambda c, w, u: c.post(
        f"/api/v1/families/{IDS['family']}/assistance", headers=api(w, u), json=ASSIST)),
    "api GET screenings": (False, lambda c, w, u: c.get(
        f"/api/v1/persons/{_p(w)}/screenings", headers=api(w, u))),
    "api POST screening": (True, lambda c, w, u: c.post(
        f"/api/v1/persons/{_p(w)}/screenings", headers=api(w, u), json=SCREEN)),
    "api GET referrals": (False, lambda c, w, u: c.get(
        f"/api/v1/persons/{_p(w)}/referrals", headers=api(w, u))),
    "api POST referral": (True, lambda c, w, u: c.post(
        f"/api/v1/persons/{_p(w)}/referrals", headers=api(w, u), json=REFER)),
    "api PUT referral status": (True, lambda c, w, u: c.put(
        f"/api/v1/referrals/{IDS['referral']}/status", headers=api(w, u),
        json={"status": "completed"})),
    "page family": (False, lambda c, w, u: c.get(f"/families/{IDS['family']}")),
    "page family assistance": (True, lambda c, w, u: c.post(
        f"/families/{IDS['family']}/assistance", data={**ASSIST, "csrf_token": _csrf(c)})),
    "page screening": (False, lambda c, w, u: c.get(f"/persons/{_p(w)}/screening")),
    "page screening post": (True, lambda c, w, u: c.post(
        f"/persons/{_p(w)}/screening", data={"screened_on": "2021-03-01",
                                             "finding_disability": "true",
                                             "csrf_token": _csrf(c)})),
    "page referrals": (False, lambda c, w, u: c.get(f"/persons/{_p(w)}/referrals")),
    "page referral post": (True, lambda c, w, u: c.post(
        f"/persons/{_p(w)}/referrals", data={**REFER, "csrf_token": _csrf(c)})),
    "page referral status": (True, lambda c, w, u: c.post(
        f"/referrals/{IDS['referral']}/status", data={"status": "accepted",
                                                      "csrf_token": _csrf(c)})),
}


@pytest.fixture(scope="module")
def app(module_db_url: str) -> Iterator[tuple[World, TestClient]]:
    with world_app(module_db_url) as (world, client):
        person = client.get(f"/api/v1/persons/{world.persons['A-1']}",
                            headers=api(world, "admin")).json()
        IDS["family"] = person["family"]["id"]
        referral = client.post(f"/api/v1/persons/{world.persons['A-1']}/referrals",
                               headers=api(world, "admin"),
                               json={**REFER, "kind": "anti_trafficking_centre",
                                     "organisation": "Crisis centre"}).json()
        IDS["referral"] = referral["id"]
        yield world, client


def _refusals(client: TestClient, user: str) -> int:
    return audit_count(client, user, "refused")


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("user", sorted(ROLES))
def test_every_new_route_every_role(app: tuple[World, TestClient], route: str,
                                    user: str) -> None:
    world, client = app
    change, call = ROUTES[route]
    if route.startswith("page"):
        assert sign_in(client, user) == 303
    allowed = user in (CHANGES if change else SEES)
    before = _refusals(client, user)
    response = call(client, world, user)
    if allowed:
        assert response.status_code in (200, 201, 303, 422), (user, route, response.text)
        return
    assert response.status_code in (403, 404), (user, route, response.status_code)
    assert not any(secret in response.text for secret in SECRETS), response.text
    assert _refusals(client, user) == before + 1


@pytest.mark.parametrize("user", ["beta_worker", "gamma_worker", "viewer"])
def test_foreign_lists_reveal_nothing(app: tuple[World, TestClient], user: str) -> None:
    world, client = app
    for path in ("/api/v1/families", "/api/v1/referrals", "/api/v1/families?q=FAM"):
        r = client.get(path, headers=api(world, user))
        assert r.status_code == 200 and r.json()["items"] == [], (user, path)
    assert sign_in(client, user) == 303
    for path in ("/families", "/referrals", "/families?q=FAM"):
        page = client.get(path)
        assert page.status_code == 200 and not any(s in page.text for s in SECRETS), path


def test_sensitive_referrals_only_for_roles_that_see_findings(
        app: tuple[World, TestClient]) -> None:
    world, client = app
    for user in sorted(SEES):
        kinds = [r["kind"] for r in client.get(
            f"/api/v1/persons/{world.persons['A-1']}/referrals",
            headers=api(world, user)).json()["items"]]
        assert ("anti_trafficking_centre" in kinds) == (user in CHANGES), user


@pytest.mark.parametrize("user", sorted(set(ROLES) - {"admin"}))
def test_only_administrators_import(app: tuple[World, TestClient], user: str) -> None:
    world, client = app
    before = _refusals(client, user)
    r = client.post("/api/v1/imports", headers=api(world, user),
                    files={"file": ("a.csv", b"record_id\n1\n", "text/csv")})
    assert sign_in(client, user) == 303
    page = client.get("/imports")
    assert (r.status_code, page.status_code) == (403, 403)
    fake = "A" * 32
    confirm = client.post(f"/api/v1/imports/{fake}/confirm", headers=api(world, user))
    assert confirm.status_code == 403
    assert _refusals(client, user) == before + 3


def test_foreign_uploads_bulletins_and_partners_answer_404(
        app: tuple[World, TestClient]) -> None:
    world, client = app
    before = _refusals(client, "admin")
    assert client.post(f"/api/v1/imports/{'B' * 32}/confirm",
                       headers=api(world, "admin")).status_code == 404
    assert client.get(f"/api/v1/bulletins/{'C' * 32}/figures.json",
                      headers=api(world, "admin")).status_code == 404
    assert _refusals(client, "admin") == before + 2
    before = _refusals(client, "kgz_officer")
    r = client.get("/api/v1/dashboard/charts", headers=api(world, "kgz_officer"),
                   params={"country": "KGZ", "partner_id": world.partner_ids["Gamma"]})
    assert r.status_code == 404 and "Gamma" not in r.text
    assert _refusals(client, "kgz_officer") == before + 1
