"""`opendtm users add|token` and `opendtm audit verify`, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from opendtm.cli.main import app
from opendtm.services.users import user_for_token
from opendtm.store.database import make_engine, unit_of_work
from tampering import tamper
from webworld import build

runner = CliRunner()


@pytest.fixture
def world_url(db_url: str) -> str:
    engine = make_engine(db_url)
    build(engine, db_url, roles=("admin", "viewer"))
    engine.dispose()
    return db_url


@pytest.fixture(scope="module")
def shared_url(module_db_url: str) -> str:
    engine = make_engine(module_db_url)
    build(engine, module_db_url, roles=())
    engine.dispose()
    return module_db_url


def test_add_user_with_password_on_stdin_and_make_a_token(world_url: str) -> None:
    result = runner.invoke(app, ["--db", world_url, "users", "add", "nurlan", "--role",
                                 "partner_caseworker", "--partner", "Beta"],
                           input="a long enough secret\n")
    assert result.exit_code == 0, result.output
    assert "nurlan added: partner_caseworker, Beta" in result.output
    assert "secret" not in result.output
    token = runner.invoke(app, ["--db", world_url, "users", "token", "nurlan"])
    assert token.exit_code == 0, token.output
    value = token.output.strip()
    engine = make_engine(world_url)
    with unit_of_work(engine) as s:
        user = user_for_token(s, value)
        assert user is not None and user.username == "nurlan"
        stored = s.execute(text("SELECT token_hash FROM api_token")).scalars().all()
        assert value not in stored and len(stored) == 3
    engine.dispose()


@pytest.mark.parametrize(("args", "password", "message"), [
    (["--role", "partner_caseworker"], "a long enough secret", "needs --partner"),
    (["--role", "country_officer"], "a long enough secret", "needs --country"),
    (["--role", "viewer"], "short", "password too short"),
    (["--role", "viewer", "--partner", "Nowhere"], "a long enough secret", "no partner named"),
    (["--role", "pirate"], "a long enough secret", "pirate"),
])
def test_bad_users_are_refused_in_one_line(
        shared_url: str, args: list[str], password: str, message: str) -> None:
    result = runner.invoke(app, ["--db", shared_url, "users", "add", "x", *args],
                           input=password + "\n")
    assert result.exit_code != 0 and message in result.output, result.output
    assert "Traceback" not in result.output


def test_password_is_never_an_argument(shared_url: str) -> None:
    result = runner.invoke(app, ["--db", shared_url, "users", "add", "x", "--role", "viewer",
                                 "--password", "a long enough secret"])
    assert result.exit_code != 0


@pytest.mark.parametrize(("sql", "says"), [
    ("UPDATE audit_log SET actor = 'mallory' WHERE id = 3", "entry 3: its content was changed"),
    ("DELETE FROM audit_log WHERE id = 2", "entry 3: does not follow"),
])
def test_audit_verify_detects_tampering(world_url: str, sql: str, says: str) -> None:
    intact = runner.invoke(app, ["--db", world_url, "audit", "verify"])
    assert intact.exit_code == 0 and "audit log intact" in intact.output, intact.output
    engine = make_engine(world_url)
    tamper(engine, sql)
    engine.dispose()
    result = runner.invoke(app, ["--db", world_url, "audit", "verify"])
    assert result.exit_code == 1
    assert says in result.output, result.output


def test_web_tables_come_and_go_with_the_schema(db_url: str) -> None:
    from sqlalchemy import inspect

    from opendtm.store import schema

    engine = make_engine(db_url)
    schema.upgrade(engine)
    web = {"api_token", "web_session", "login_attempt", "person_name_token"}
    assert web <= set(inspect(engine).get_table_names())
    schema.downgrade(engine, "0001")
    assert not web & set(inspect(engine).get_table_names())
    schema.upgrade(engine)
    assert web <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_revoke_ends_every_token_of_a_user(world_url: str) -> None:
    result = runner.invoke(app, ["--db", world_url, "users", "revoke", "viewer"])
    assert result.exit_code == 0 and "1 token(s) of viewer revoked" in result.output
    engine = make_engine(world_url)
    with unit_of_work(engine) as s:
        assert s.execute(text("SELECT count(*) FROM api_token t JOIN app_user u "
                              "ON u.id = t.user_id WHERE u.username = 'viewer' "
                              "AND NOT t.revoked")).scalar() == 0
    engine.dispose()
    unknown = runner.invoke(app, ["--db", world_url, "users", "revoke", "nobody"])
    assert unknown.exit_code != 0 and "no user named 'nobody'" in unknown.output
