"""Duplicate review through the pages and the API, on real SQLite and PostgreSQL: pairs in
scope only, side by side per role, verdicts audited and not asked twice, un-merge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from opendtm.store import facts
from opendtm.store.database import unit_of_work
from opendtm.store.models import DedupRun, MatchCandidate, MatchDecision, Person
from webclient import api, audit_count, sign_in, world_app
from webworld import World

PAIRS = (("A-1", "A-2"), ("A-1", "B-1"), ("B-1", "G-1"))


@pytest.fixture
def app(db_url: str) -> Iterator[tuple[World, TestClient]]:
    with world_app(db_url) as (world, client):
        with unit_of_work(client.engine) as s:  # type: ignore[attr-defined]
            run = DedupRun(started_at=dt.datetime.now(dt.UTC), threshold=0.9,
                           candidate_threshold=0.5, backend="duckdb", actor="test")
            s.add(run)
            s.flush()
            for n, (x, y) in enumerate(PAIRS):
                a, b = sorted((world.persons[x], world.persons[y]))
                s.add(MatchCandidate(run_id=run.id, person_a_id=a, person_b_id=b,
                                     match_weight=5.0 - n, match_probability=0.9 - n / 10))
        yield world, client


def pairs(client: TestClient, world: World, user: str) -> set[tuple[str, str]]:
    r = client.get("/api/v1/duplicates", headers=api(world, user))
    assert r.status_code == 200, r.text
    return {(i["person_a"]["beneficiary_id"], i["person_b"]["beneficiary_id"])
            for i in r.json()["items"]}


def path(world: World, x: str, y: str) -> str:
    return f"/duplicates/{world.persons[x]}/{world.persons[y]}"


def individuals(client: TestClient) -> int:
    with unit_of_work(client.engine) as s:  # type: ignore[attr-defined]
        keys = facts.assistance_facts(s, ["KGZ"]).column("person_key").to_pylist()
    return len(set(keys))


def test_each_role_sees_the_pairs_of_its_scope(app: tuple[World, TestClient]) -> None:
    world, client = app
    assert pairs(client, world, "admin") == set(PAIRS)
    assert pairs(client, world, "kgz_officer") == {("A-1", "A-2"), ("A-1", "B-1")}
    assert pairs(client, world, "alpha_worker") == {("A-1", "A-2")}
    assert pairs(client, world, "gamma_worker") == set()
    r = client.get("/api/v1/duplicates", headers=api(world, "viewer"))
    assert r.status_code == 403
    officer = client.get("/api/v1/duplicates", headers=api(world, "kgz_officer")).json()
    assert all(i["person_a"]["identity"] is None for i in officer["items"])
    assert sign_in(client, "alpha_worker") == 303
    listing = client.get("/duplicates")
    assert listing.status_code == 200 and "Осмоналиева" in listing.text
    assert "Rahimov" not in listing.text


def test_an_out_of_scope_pair_is_not_found_and_audited(app: tuple[World, TestClient]) -> None:
    world, client = app
    before = audit_count(client, "beta_worker", "refused")
    a, b = world.persons["A-1"], world.persons["B-1"]
    r = client.get(f"/api/v1/duplicates/{a}/{b}", headers=api(world, "beta_worker"))
    missing = client.get(f"/api/v1/duplicates/{a}/999999", headers=api(world, "beta_worker"))
    assert r.status_code == 404 and (r.json() == missing.json())
    r = client.post(f"/api/v1/duplicates/{a}/{b}/decision", headers=api(world, "beta_worker"),
                    json={"verdict": "same_person"})
    assert r.status_code == 404 and "Осмоналиева" not in r.text
    assert sign_in(client, "beta_worker") == 303
    assert client.get(path(world, "A-1", "B-1")).status_code == 404
    assert audit_count(client, "beta_worker", "refused") == before + 4
    with unit_of_work(client.engine) as s:  # type: ignore[attr-defined]
        assert s.scalars(select(MatchDecision)).all() == []


def test_side_by_side_shows_identities_and_sensitive_findings_per_role(
        app: tuple[World, TestClient]) -> None:
    world, client = app
    assert sign_in(client, "kgz_protection") == 303
    page = client.get(path(world, "A-1", "A-2"))
    assert page.status_code == 200 and "Осмоналиева" in page.text and "vot" in page.text
    assert 'value="same_person"' in page.text
    assert sign_in(client, "kgz_officer") == 303
    page = client.get(path(world, "A-1", "A-2"))
    assert page.status_code == 200 and "A-2" in page.text
    assert "Осмоналиева" not in page.text and "vot" not in page.text
    detail = client.get(f"/api/v1{path(world, 'A-1', 'A-2')}", headers=api(world, "kgz_officer"))
    assert detail.json()["person_a"]["identity"] is None
    assert detail.json()["match_probability"] == pytest.approx(0.9)


def test_same_person_through_the_page_then_unmerge(app: tuple[World, TestClient]) -> None:
    world, client = app
    counted = individuals(client)
    assert sign_in(client, "kgz_protection") == 303
    client.get(path(world, "A-1", "A-2"))
    token = client.cookies["opendtm_csrf"]
    forged = client.post(path(world, "A-1", "A-2"), data={"verdict": "same_person"},
                         follow_redirects=False)
    assert forged.status_code == 403
    for _ in range(2):  # the second post is the same verdict: not recorded again
        r = client.post(path(world, "A-1", "A-2"), follow_redirects=False,
                        data={"verdict": "same_person", "csrf_token": token})
        assert r.status_code == 303 and r.headers["location"] == "/duplicates"
    assert audit_count(client, "kgz_protection", "dedup.decide") == 1
    assert ("A-1", "A-2") not in pairs(client, world, "kgz_protection")
    assert individuals(client) == counted - 1
    later = world.persons["A-2"]
    person = client.get(f"/persons/{later}")
    assert "Un-merge" in person.text and f"/persons/{world.persons['A-1']}" in person.text
    r = client.post(f"/persons/{later}/unmerge", data={"csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303
    assert individuals(client) == counted
    assert audit_count(client, "kgz_protection", "dedup.unmerge") == 1
    with unit_of_work(client.engine) as s:  # type: ignore[attr-defined]
        assert s.get(Person, later).merged_into_id is None  # type: ignore[union-attr]
    assert "Un-merge" not in client.get(f"/persons/{later}").text


def test_verdicts_through_the_api(app: tuple[World, TestClient]) -> None:
    world, client = app
    a, b = world.persons["A-1"], world.persons["B-1"]
    url = f"/api/v1/duplicates/{b}/{a}/decision"  # either order names the same pair
    first = client.post(url, headers=api(world, "admin"), json={"verdict": "different_people"})
    assert first.status_code == 200, first.text
    again = client.post(url, headers=api(world, "admin"), json={"verdict": "different_people"})
    assert again.json()["id"] == first.json()["id"]
    other = client.post(url, headers=api(world, "admin"), json={"verdict": "same_person"})
    assert other.status_code == 409 and "revoke" in other.json()["detail"]
    assert ("A-1", "B-1") not in pairs(client, world, "admin")
    assert audit_count(client, "admin", "dedup.decide") == 1
    r = client.post(f"/api/v1/persons/{a}/unmerge", headers=api(world, "admin"))
    assert r.status_code == 409
    r = client.post(url, headers=api(world, "viewer"), json={"verdict": "same_person"})
    assert r.status_code == 403
    merged = client.post(f"/api/v1/duplicates/{world.persons['B-1']}/{world.persons['G-1']}"
                         "/decision", headers=api(world, "admin"),
                         json={"verdict": "same_person"})
    assert merged.status_code == 200
    r = client.post(f"/api/v1/persons/{world.persons['G-1']}/unmerge",
                    headers=api(world, "gamma_worker"), json={"note": "not mine to undo"})
    assert r.status_code == 404  # the group's other record lies outside the scope
    r = client.post(f"/api/v1/persons/{world.persons['G-1']}/unmerge",
                    headers=api(world, "admin"), json={"note": "wrong"})
    assert r.status_code == 200 and len(r.json()["revoked"]) == 1
