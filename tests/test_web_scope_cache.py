"""A token's or session's scope is kept a few seconds, so a request runs one transaction;
revocation still takes effect within that time. A caseworker's name search reads its own
partner's tokens. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from opendtm.services import users
from opendtm.services.audit import verify
from opendtm.store import schema
from opendtm.store.database import make_engine, unit_of_work
from opendtm.web.app import create_app
from opendtm.web.context import Settings
from webclient import api
from webworld import World, build


@pytest.fixture
def built(db_url: str) -> Iterator[tuple[World, Engine]]:
    engine = make_engine(db_url)
    world = build(engine, db_url, roles=("alpha_worker", "beta_worker", "kgz_protection"))
    yield world, engine
    engine.dispose()


def _client(engine: Engine, ttl: float) -> TestClient:
    return TestClient(create_app(engine, Settings(scope_ttl=ttl)),
                      base_url="https://testserver")


def test_a_revoked_token_is_refused_once_the_cached_scope_expires(
        built: tuple[World, Engine]) -> None:
    world, engine = built
    with _client(engine, ttl=1.0) as client:
        assert client.get("/api/v1/persons", headers=api(world, "alpha_worker")).status_code == 200
        with unit_of_work(engine) as s:
            assert users.revoke_tokens(s, "alpha_worker") == 1
        started = time.monotonic()
        while client.get("/api/v1/persons",
                         headers=api(world, "alpha_worker")).status_code == 200:
            assert time.monotonic() - started < 1.5, "still accepted after the cache time"
            time.sleep(0.05)
        assert client.get("/api/v1/persons",
                          headers=api(world, "alpha_worker")).status_code == 401
        # Another caller is untouched.
        assert client.get("/api/v1/persons", headers=api(world, "beta_worker")).status_code == 200


def test_without_a_cache_revocation_is_immediate(built: tuple[World, Engine]) -> None:
    world, engine = built
    with _client(engine, ttl=0) as client:
        assert client.get("/api/v1/persons", headers=api(world, "beta_worker")).status_code == 200
        with unit_of_work(engine) as s:
            users.revoke_tokens(s, "beta_worker")
        assert client.get("/api/v1/persons", headers=api(world, "beta_worker")).status_code == 401


def test_a_cached_scope_still_audits_each_read_with_the_callers_address(
        built: tuple[World, Engine]) -> None:
    world, engine = built
    with _client(engine, ttl=60) as client:
        for _ in range(3):
            r = client.get(f"/api/v1/persons/{world.persons['A-1']}",
                           headers=api(world, "alpha_worker"))
            assert r.status_code == 200
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT remote_addr FROM audit_log WHERE actor = "
                                 "'alpha_worker' AND action = 'read'")).all()
    assert len(rows) == 3 and all(r.remote_addr for r in rows)


def test_a_caseworkers_name_search_reads_its_partners_tokens(
        built: tuple[World, Engine]) -> None:
    world, engine = built
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM person_name_token t JOIN person p "
                                 "ON p.id = t.person_id WHERE t.partner_id IS NULL "
                                 "OR t.partner_id <> p.partner_id")).scalar() == 0
    with _client(engine, ttl=5) as client:
        def found(user: str, q: str) -> list[str]:
            r = client.get("/api/v1/persons", params={"q": q}, headers=api(world, user))
            assert r.status_code == 200, r.text
            return [p["beneficiary_id"] for p in r.json()["items"]]

        assert found("alpha_worker", "aygu") == ["A-1"]
        assert found("alpha_worker", "Айгуль") == ["A-1"]
        assert found("beta_worker", "aygu") == []
        assert found("beta_worker", "jams rahi") == ["B-1"]
        assert found("kgz_protection", "osmo") == ["A-2", "A-1"]
        r = client.post("/api/v1/persons", headers=api(world, "beta_worker"), json={
            "sex": "f", "age_years": 30, "nationality": "KGZ", "migrant_status": "returnee",
            "given_name": "Перизат", "family_name": "Орозбекова"})
        assert r.status_code == 201, r.text
        assert found("beta_worker", "peri") == [r.json()["beneficiary_id"]]
        assert found("alpha_worker", "peri") == []


def test_the_migration_fills_token_partners_and_keeps_the_log_verifiable(
        built: tuple[World, Engine]) -> None:
    _, engine = built
    schema.downgrade(engine, "0002")
    schema.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM person_name_token "
                                 "WHERE partner_id IS NULL")).scalar() == 0
        assert conn.execute(text("SELECT DISTINCT lane FROM audit_log")).scalars().all() == [0]
    with unit_of_work(engine) as s:
        checked, problems = verify(s)
    assert checked > 0 and problems == []
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))


def test_search_pages_through_more_matches_than_one_chunk(
        built: tuple[World, Engine]) -> None:
    world, engine = built
    with _client(engine, ttl=5) as client:
        made = []
        for k in range(130):
            r = client.post("/api/v1/persons", headers=api(world, "beta_worker"), json={
                "beneficiary_id": f"S-{k}", "given_name": "Салтанат", "family_name": "Асанова"})
            assert r.status_code == 201, r.text
            made.append(r.json()["beneficiary_id"])
        seen: list[str] = []
        for page in (1, 2, 3):
            r = client.get("/api/v1/persons", headers=api(world, "beta_worker"),
                           params={"q": "salt asan", "page": page, "per_page": 50})
            body = r.json()
            seen += [p["beneficiary_id"] for p in body["items"]]
            assert body["has_next"] is (page < 3)
        assert seen == made[::-1]
        r = client.get("/api/v1/persons", headers=api(world, "alpha_worker"),
                       params={"q": "salt"})
        assert r.json()["items"] == []
