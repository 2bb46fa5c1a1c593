"""Security basics of the pages: cookies, CSRF, lock-out, headers, size limit, validation
messages per field, language switch. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib.resources import files

import pytest
from fastapi.testclient import TestClient

from webclient import audit_count, sign_in, world_app
from webworld import World


@pytest.fixture(scope="module")
def app(module_db_url: str) -> Iterator[tuple[World, TestClient]]:
    with world_app(module_db_url) as pair:
        yield pair


def test_session_cookie_is_secure_httponly_samesite(app: tuple[World, TestClient]) -> None:
    _, client = app
    client.cookies.clear()
    client.get("/sign-in")
    r = client.post("/sign-in", data={"username": "admin", "password": "correct horse",
                                      "csrf_token": client.cookies["opendtm_csrf"]},
                    follow_redirects=False)
    assert r.status_code == 303
    cookies = {c.split("=")[0]: c.lower() for c in r.headers.get_list("set-cookie")}
    session = cookies["opendtm_session"]
    assert "httponly" in session and "secure" in session and "samesite=lax" in session


def test_forms_need_the_csrf_token(app: tuple[World, TestClient]) -> None:
    _world, client = app
    assert sign_in(client, "alpha_worker") == 303
    r = client.post("/persons/new", data={"given_name": "X"})
    assert r.status_code == 403
    r = client.post("/persons/new", data={"given_name": "X", "csrf_token": "forged"})
    assert r.status_code == 403
    client.cookies.clear()
    r = client.post("/sign-in", data={"username": "admin", "password": "correct horse"})
    assert r.status_code == 403


def test_lock_out_after_repeated_failures(app: tuple[World, TestClient]) -> None:
    _, client = app
    for _ in range(5):
        assert sign_in(client, "info", "wrong password") == 401
    assert sign_in(client, "info") == 429  # the right password no longer helps
    assert audit_count(client, "info", "refused") >= 6
    page = client.get("/sign-in")
    assert page.status_code == 200


def test_wrong_name_and_wrong_password_read_the_same(app: tuple[World, TestClient]) -> None:
    _, client = app
    client.cookies.clear()
    client.get("/sign-in")
    texts = []
    for name in ("nobody", "viewer"):
        r = client.post("/sign-in", data={"username": name, "password": "nope nope nope",
                                          "csrf_token": client.cookies["opendtm_csrf"]})
        texts.append(re.sub(r'value="[^"]*"', "", r.text))
    assert texts[0] == texts[1] and "wrong user name or password" in texts[0]


@pytest.mark.parametrize("path", ["/sign-in", "/api/v1/persons", "/static/site.css"])
def test_security_headers(app: tuple[World, TestClient], path: str) -> None:
    _, client = app
    r = client.get(path)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_templates_hold_no_inline_script_or_style() -> None:
    for template in (files("opendtm.web") / "templates").iterdir():
        source = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", source), template.name
        assert not re.search(r"\s(style|on[a-z]+)=", source), template.name
        assert "<style" not in source, template.name


def test_an_oversized_body_answers_413(app: tuple[World, TestClient]) -> None:
    world, client = app
    big = b"x" * (10 * 1024 * 1024 + 1)
    r = client.post("/api/v1/persons", content=big,
                    headers={"Authorization": f"Bearer {world.tokens['admin']}",
                             "content-type": "application/json"})
    assert r.status_code == 413

    def chunks() -> Iterator[bytes]:
        for _ in range(11):
            yield b"x" * (1024 * 1024)

    r = client.post("/api/v1/persons", content=chunks(),
                    headers={"Authorization": f"Bearer {world.tokens['admin']}"})
    assert r.status_code == 413


def test_a_form_names_each_wrong_field(app: tuple[World, TestClient]) -> None:
    _, client = app
    assert sign_in(client, "alpha_worker") == 303
    r = client.post("/persons/new", data={
        "given_name": "Тест", "date_of_birth": "2999-01-01", "nationality": "Atlantis",
        "csrf_token": client.cookies["opendtm_csrf"]})
    assert r.status_code == 422
    assert "lies in the future" in r.text and "Atlantis" in r.text
    assert r.text.count('class="field-error"') == 2


def test_language_switch(app: tuple[World, TestClient]) -> None:
    _, client = app
    assert sign_in(client, "alpha_worker") == 303
    r = client.get("/lang/ru", params={"next": "/persons"})
    assert "Люди" in r.text and "Зарегистрировать человека" in r.text
    r = client.get("/lang/en", params={"next": "https://elsewhere.example/"},
                   follow_redirects=False)
    assert r.headers["location"] == "/persons"


def test_sign_out_ends_the_session(app: tuple[World, TestClient]) -> None:
    _, client = app
    client.cookies.clear()
    client.get("/sign-in")
    client.post("/sign-in", data={"username": "kgz_protection", "password": "correct horse",
                                  "csrf_token": client.cookies["opendtm_csrf"]})
    stolen = client.cookies["opendtm_session"]
    r = client.post("/sign-out", data={"csrf_token": client.cookies["opendtm_csrf"]},
                    follow_redirects=False)
    assert r.status_code == 303
    client.cookies.set("opendtm_session", stolen)
    r = client.get("/persons", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/sign-in")
