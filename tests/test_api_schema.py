"""schemathesis generates requests from the OpenAPI schema: no input may cause a server
error. Runs on SQLite, as an administrator (who may call every route)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from opendtm.store.database import make_engine
from opendtm.web.app import create_app
from webworld import World, build

WORLD: dict[str, World] = {}
# Routes that build a bulletin or draw charts take seconds per call: fewer examples.
SLOW = {"/api/v1/bulletins": 3, "/api/v1/dashboard/charts": 4}


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    url = f"sqlite:///{tmp_path_factory.mktemp('schema') / 'api.db'}"
    engine = make_engine(url)
    WORLD["w"] = build(engine, url, roles=("admin",))
    yield schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(engine))
    engine.dispose()


def test_no_input_causes_a_server_error(api_schema: Any) -> None:
    headers = {"Authorization": f"Bearer {WORLD['w'].tokens['admin']}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 6
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=SLOW.get(operation.path, 12), deadline=None,
                  suppress_health_check=list(HealthCheck), database=None)
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error], timeout=120)

        check()


def test_schema_is_served_and_names_the_routes(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    paths = TestClient(create_app(engine)).get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/persons", "/api/v1/persons/{person_id}", "/api/v1/assistance"} <= set(paths)
