"""``web.fastpath`` answers the busiest API routes exactly as the FastAPI routes do: the
same requests, sent to one app with it and one without, get the same status, headers and
body, and leave the same audit entries; what it does not understand goes to FastAPI."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from opendtm.store.database import make_engine, unit_of_work
from opendtm.store.models import AuditEntry
from opendtm.web.app import create_app
from opendtm.web.context import Settings
from opendtm.web.fastpath import list_arguments, person_argument
from webworld import World, build


@pytest.fixture(scope="module")
def pair(module_db_url: str) -> Iterator[tuple[World, TestClient, TestClient]]:
    engine = make_engine(module_db_url)
    world = build(engine, module_db_url)
    fast = TestClient(create_app(engine), base_url="https://testserver")
    slow = TestClient(create_app(engine, Settings(fast_routes=False)),
                      base_url="https://testserver")
    with fast, slow:
        fast.engine = engine  # type: ignore[attr-defined]
        yield world, fast, slow
    engine.dispose()


def _entries(client: TestClient, after: int) -> list[tuple[Any, ...]]:
    with unit_of_work(client.engine) as s:  # type: ignore[attr-defined]
        return [(e.actor, e.action, e.entity, e.entity_id, e.remote_addr, e.detail)
                for e in s.scalars(select(AuditEntry).where(AuditEntry.id > after)
                                   .order_by(AuditEntry.id))]


def _last_id(client: TestClient) -> int:
    with unit_of_work(client.engine) as s:  # type: ignore[attr-defined]
        return s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0


def _same(world: World, fast: TestClient, slow: TestClient, user: str | None, method: str,
          url: str, **kw: Any) -> int:
    """Send the request to both apps (slow first, then fast), twice; both answers and both
    audit trails must be the same. Returns the status."""
    headers = {"Authorization": f"Bearer {world.tokens[user]}"} if user else {}
    headers.update(kw.pop("headers", {}))
    answers, trails = [], []
    for client in (slow, fast, slow, fast):  # twice: the first call resolves the token
        before = _last_id(fast)
        answers.append(client.request(method, url, headers=headers, **kw))
        trails.append(_entries(fast, before))
    for first, second in ((answers[0], answers[1]), (answers[2], answers[3])):
        assert first.status_code == second.status_code, (url, first.text, second.text)
        assert first.content == second.content, url
        drop = {"date"}
        assert ({k: v for k, v in first.headers.items() if k not in drop}
                == {k: v for k, v in second.headers.items() if k not in drop})
    assert trails[0] == trails[1] and trails[2] == trails[3], url
    return answers[3].status_code


def _served(client: TestClient) -> int:
    return int(client.app.state.fast_served)  # type: ignore[attr-defined]


@pytest.mark.parametrize("user", ["alpha_worker", "kgz_protection", "kgz_officer", "admin",
                                  "viewer"])
def test_reads_are_answered_the_same(pair: tuple[World, TestClient, TestClient],
                                     user: str) -> None:
    world, fast, slow = pair
    served = _served(fast)
    urls = ["/api/v1/persons", "/api/v1/persons?per_page=1", "/api/v1/persons?page=2&per_page=1",
            "/api/v1/persons?q=aigul", "/api/v1/persons?q=Джамшед+Рахимов",
            "/api/v1/persons?q=AC100", "/api/v1/persons?q=A-1", "/api/v1/persons?q=",
            "/api/v1/persons?sex=f&migrant_status=other",
            f"/api/v1/persons?partner_id={world.partner_ids['Beta']}"]
    urls += [f"/api/v1/persons/{i}" for i in world.persons.values()]
    urls += ["/api/v1/persons/999999"]
    for url in urls:
        _same(world, fast, slow, user, "GET", url)
    assert _served(fast) - served >= len(urls)  # all of them, once each token is known


@pytest.mark.parametrize("url", [
    "/api/v1/persons?per_page=1000", "/api/v1/persons?page=0", "/api/v1/persons?sex=x",
    "/api/v1/persons?page=01", "/api/v1/persons?q=" + "x" * 201, "/api/v1/persons?other=1",
    "/api/v1/persons?page=1&page=2", "/api/v1/persons/0", "/api/v1/persons/2147483648",
    "/api/v1/persons/abc", "/api/v1/persons/1/"])
def test_what_it_does_not_understand_goes_to_fastapi(
        pair: tuple[World, TestClient, TestClient], url: str) -> None:
    world, fast, slow = pair
    served = _served(fast)
    _same(world, fast, slow, "admin", "GET", url, follow_redirects=False)
    assert _served(fast) == served


def test_no_token_or_a_wrong_one(pair: tuple[World, TestClient, TestClient]) -> None:
    world, fast, slow = pair
    assert _same(world, fast, slow, None, "GET", "/api/v1/persons") == 401
    world.tokens["nobody"] = "nonsense"
    assert _same(world, fast, slow, "nobody", "GET", "/api/v1/persons/1") == 401
    assert _same(world, fast, slow, "nobody", "POST", "/api/v1/assistance",
                 json={"person_id": 1, "type": "food", "delivered_on": "2021-03-01"}) == 401


def test_assistance_is_recorded_the_same(pair: tuple[World, TestClient, TestClient]) -> None:
    world, fast, slow = pair
    h = {"Authorization": f"Bearer {world.tokens['alpha_worker']}"}
    body = {"person_id": world.persons["A-1"], "type": "food", "delivered_on": "2021-03-01"}
    slow.post("/api/v1/assistance", headers=h, json=body)  # resolves the token in both
    fast.post("/api/v1/assistance", headers=h, json=body)
    served = _served(fast)
    answers, trails = [], []
    for client, code in ((slow, "S-1"), (fast, "F-1")):
        before = _last_id(fast)
        answers.append(client.post("/api/v1/assistance", headers=h,
                                   json={**body, "record_id": code}))
        trails.append(_entries(fast, before))
    assert _served(fast) == served + 1
    (a, b), (ta, tb) = answers, trails
    assert a.status_code == b.status_code == 201
    assert a.headers["content-type"] == b.headers["content-type"]
    assert {**a.json(), "id": 0, "record_id": ""} == {**b.json(), "id": 0, "record_id": ""}
    assert b.json()["id"] == a.json()["id"] + 1
    assert [e[:3] + e[4:5] for e in ta] == [e[:3] + e[4:5] for e in tb] == [
        ("alpha_worker", "create", "assistance", "testclient")]
    assert ta[0][5]["changes"]["record_id"] == [None, "S-1"]
    assert tb[0][5]["changes"]["record_id"] == [None, "F-1"]


@pytest.mark.parametrize(("user", "body"), [
    ("alpha_worker", {"type": "food", "delivered_on": "2021-03-01", "record_id": "r-A-1"}),
    ("alpha_worker", {"type": "food", "delivered_on": "2021-03-01", "for_family": True,
                      "person": "B-1"}),
    ("beta_worker", {"type": "food", "delivered_on": "2021-03-01", "for_family": True}),
    ("alpha_worker", {"type": "food", "delivered_on": "2999-01-01"}),
    ("alpha_worker", {"type": "teleport", "delivered_on": "2021-03-01"}),
    ("kgz_officer", {"type": "food", "delivered_on": "2021-03-01"}),
    ("alpha_worker", {"type": "food", "delivered_on": "2021-03-01", "admin1_code": "XX-99"}),
])
def test_refused_assistance_is_answered_the_same(
        pair: tuple[World, TestClient, TestClient], user: str, body: dict[str, Any]) -> None:
    world, fast, slow = pair
    person = world.persons[body.get("person", "A-1")]
    status = _same(world, fast, slow, user, "POST", "/api/v1/assistance",
                   json={"person_id": person, **{k: v for k, v in body.items()
                                                 if k != "person"}})
    assert status in (403, 404, 422)


def test_a_body_sent_otherwise_goes_to_fastapi(
        pair: tuple[World, TestClient, TestClient]) -> None:
    world, fast, slow = pair
    served = _served(fast)
    for content, kind in ((b'{"person_id": 1,', "application/json"),
                          (b"person_id=1", "application/x-www-form-urlencoded"),
                          (b'{"person_id": 1}', "application/json; charset=utf-8")):
        _same(world, fast, slow, "alpha_worker", "POST", "/api/v1/assistance",
              content=content, headers={"content-type": kind})
    assert _served(fast) == served


@pytest.mark.parametrize(("query", "expected"), [
    (b"", (None, None, None, None, 1, 25)),
    (b"q=a+b&page=3&per_page=100&partner_id=7", ("a b", 7, None, None, 3, 100)),
    (b"per_page=101", None), (b"page=100001", None), (b"partner_id=-1", None),
    (b"page=%201", None), (b"sex=", None), (b"q=1&q=2", None), (b"x=1", None),
])
def test_query_strings(query: bytes, expected: tuple[Any, ...] | None) -> None:
    assert list_arguments(query) == expected


def test_person_paths() -> None:
    assert person_argument("/api/v1/persons/12") == 12
    assert [person_argument(p) for p in ("/api/v1/persons/012", "/api/v1/persons/1x",
                                         "/api/v1/personsx/1", "/api/v1/persons/",
                                         "/api/v1/persons/2147483648")] == [None] * 5
