"""The JSON API on real SQLite and PostgreSQL: lists, search, reads, registration,
assistance, validation, pagination."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from webclient import api, audit_count, world_app
from webworld import World


@pytest.fixture(scope="module")
def app(module_db_url: str) -> Iterator[tuple[World, TestClient]]:
    with world_app(module_db_url) as pair:
        yield pair


def codes(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return [p["beneficiary_id"] for p in response.json()["items"]]


def test_a_caseworker_lists_its_partner_only(app: tuple[World, TestClient]) -> None:
    world, client = app
    r = client.get("/api/v1/persons", headers=api(world, "alpha_worker"))
    assert set(codes(r)) >= {"A-1", "A-2"} and not {"B-1", "G-1"} & set(codes(r))
    item = r.json()["items"][-1]
    assert item["partner"]["name"] == "Alpha" and item["identity"]["family_name"]


def test_officers_see_their_country_and_names_only_where_allowed(
        app: tuple[World, TestClient]) -> None:
    world, client = app
    officer = client.get("/api/v1/persons", headers=api(world, "kgz_officer"))
    assert {"A-1", "A-2", "B-1"} <= set(codes(officer)) and "G-1" not in codes(officer)
    assert all(p["identity"] is None for p in officer.json()["items"])
    protection = client.get("/api/v1/persons", headers=api(world, "kgz_protection"))
    assert all(p["identity"] for p in protection.json()["items"])
    assert codes(client.get("/api/v1/persons", headers=api(world, "viewer"))) == []
    assert "G-1" in codes(client.get("/api/v1/persons", headers=api(world, "admin")))


@pytest.mark.parametrize("query", ["Айгуль", "aigul", "AIGUL", "Osmonalieva", "осмон", "AC100"])
def test_name_search_in_either_script(app: tuple[World, TestClient], query: str) -> None:
    world, client = app
    found = codes(client.get("/api/v1/persons", params={"q": query},
                             headers=api(world, "alpha_worker")))
    assert "A-1" in found and "B-1" not in found


def test_search_by_latin_finds_cyrillic_and_back(app: tuple[World, TestClient]) -> None:
    world, client = app
    found = codes(client.get("/api/v1/persons", params={"q": "Джамшед Рахимов"},
                             headers=api(world, "admin")))
    assert found == ["B-1"]


def test_search_reveals_nothing_outside_scope(app: tuple[World, TestClient]) -> None:
    world, client = app
    for q in ("B-1", "Jamshed", "Rahimov"):
        r = client.get("/api/v1/persons", params={"q": q}, headers=api(world, "alpha_worker"))
        assert codes(r) == [] and r.json()["has_next"] is False


def test_a_role_without_names_cannot_search_by_name(app: tuple[World, TestClient]) -> None:
    world, client = app
    assert codes(client.get("/api/v1/persons", params={"q": "Aigul"},
                            headers=api(world, "kgz_officer"))) == []
    assert codes(client.get("/api/v1/persons", params={"q": "A-1"},
                            headers=api(world, "kgz_officer"))) == ["A-1"]


def test_person_page_hides_sensitive_findings_from_officers(
        app: tuple[World, TestClient]) -> None:
    world, client = app
    pid = world.persons["A-1"]
    full = client.get(f"/api/v1/persons/{pid}", headers=api(world, "kgz_protection")).json()
    assert [v["vulnerability"] for v in full["vulnerabilities"]] == ["vot"]
    assert full["identity"]["given_name"] == "Айгуль"
    plain = client.get(f"/api/v1/persons/{pid}", headers=api(world, "kgz_officer")).json()
    assert plain["vulnerabilities"] == [] and plain["identity"] is None
    other = client.get(f"/api/v1/persons/{world.persons['A-2']}",
                       headers=api(world, "kgz_officer")).json()
    assert [v["vulnerability"] for v in other["vulnerabilities"]] == ["disability"]


def test_reading_a_person_is_audited(app: tuple[World, TestClient]) -> None:
    world, client = app
    before = audit_count(client, "kgz_protection", "read")
    client.get(f"/api/v1/persons/{world.persons['B-1']}", headers=api(world, "kgz_protection"))
    assert audit_count(client, "kgz_protection", "read") == before + 1


def test_register_edit_and_history(app: tuple[World, TestClient]) -> None:
    world, client = app
    h = api(world, "alpha_worker")
    r = client.post("/api/v1/persons", headers=h, json={
        "given_name": "Гульнара", "family_name": "Токтогулова", "sex": "f",
        "nationality": "Kyrgyzstan", "family_code": "FAM-9", "date_of_birth": "1990-04-02"})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    assert r.json()["partner"]["name"] == "Alpha"
    r = client.put(f"/api/v1/persons/{pid}", headers=h, json={
        "given_name": "Гульнара", "family_name": "Токтогулова-Асанова", "sex": "f",
        "nationality": "KGZ", "family_code": "FAM-9", "date_of_birth": "1990-04-02",
        "beneficiary_id": r.json()["beneficiary_id"]})
    assert r.status_code == 200 and r.json()["changes"] == ["family_name"]
    person = client.get(f"/api/v1/persons/{pid}", headers=h).json()
    assert person["nationality"] == "KGZ"
    assert [e["action"] for e in person["history"]] == ["create", "update"]
    assert person["history"][1]["changes"]["family_name"] == [
        "Токтогулова", "Токтогулова-Асанова"]
    assert codes(client.get("/api/v1/persons", params={"q": "Toktogulova"}, headers=h))


def test_assistance_for_a_family_with_a_return_route(app: tuple[World, TestClient]) -> None:
    world, client = app
    h = api(world, "alpha_worker")
    r = client.post("/api/v1/assistance", headers=h, json={
        "person_id": world.persons["A-2"], "for_family": True, "type": "return",
        "delivered_on": "2021-03-01", "return_from": "Russia", "return_to": "KGZ",
        "transport_mode": "air"})
    assert r.status_code == 201, r.text
    assert r.json()["family_id"] and r.json()["person_id"] is None
    sister = client.get(f"/api/v1/persons/{world.persons['A-1']}", headers=h).json()
    returns = [a for a in sister["assistance"] if a["type"] == "return"]
    assert returns[0]["for_family"] and returns[0]["return_from"] == "RUS"


@pytest.mark.parametrize(("body", "field"), [
    ({"type": "return", "delivered_on": "2021-03-01"}, None),
    ({"type": "food", "delivered_on": "2999-01-01"}, "delivered_on"),
    ({"type": "teleport", "delivered_on": "2021-03-01"}, "type"),
    ({"type": "food", "delivered_on": "2021-03-01", "return_to": "Atlantis"}, "return_to"),
    ({"type": "food", "delivered_on": "2021-03-01", "quantity": -2}, "quantity"),
])
def test_bad_assistance_answers_422_naming_the_field(
        app: tuple[World, TestClient], body: dict[str, object], field: str | None) -> None:
    world, client = app
    r = client.post("/api/v1/assistance", headers=api(world, "alpha_worker"),
                    json={"person_id": world.persons["A-1"], **body})
    assert r.status_code == 422
    detail = r.json()["detail"]
    if field:
        assert detail[0]["loc"][-1] == field
    else:
        assert "return_to" in detail[0]["msg"]


def test_a_taken_partner_code_is_refused(app: tuple[World, TestClient]) -> None:
    world, client = app
    r = client.post("/api/v1/persons", headers=api(world, "alpha_worker"),
                    json={"beneficiary_id": "A-1", "sex": "m"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "beneficiary_id"]


def test_pagination(app: tuple[World, TestClient]) -> None:
    world, client = app
    h = api(world, "admin")
    first = client.get("/api/v1/persons", params={"per_page": 2}, headers=h).json()
    second = client.get("/api/v1/persons", params={"per_page": 2, "page": 2}, headers=h).json()
    assert first["has_next"] and len(first["items"]) == 2
    assert not {p["id"] for p in first["items"]} & {p["id"] for p in second["items"]}
    assert client.get("/api/v1/persons", params={"per_page": 1000},
                      headers=h).status_code == 422


def test_no_token_no_data(app: tuple[World, TestClient]) -> None:
    _, client = app
    assert client.get("/api/v1/persons").status_code == 401
    r = client.get("/api/v1/persons", headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"


def test_dashboard_api(app: tuple[World, TestClient]) -> None:
    world, client = app
    r = client.get("/api/v1/dashboard", params={"country": "KGZ"}, headers=api(world, "viewer"))
    assert r.status_code == 200 and r.json()["figures"]["individuals"]["total"] >= 3
    r = client.get("/api/v1/dashboard", params={"country": "TJK"},
                   headers=api(world, "kgz_officer"))
    assert r.status_code == 404
