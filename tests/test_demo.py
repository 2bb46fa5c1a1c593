"""The demo database reproduces every figure the seed bulletin publishes, on both engines."""

from __future__ import annotations

from typing import Any

import pytest

from opendtm.demo.seed import CONTRADICTIONS, SEED_FIGURES
from opendtm.services.demo import load_demo
from opendtm.services.reference import sync_gazetteer
from opendtm.services.stats import key_figures, lookup
from opendtm.store import schema
from opendtm.store.database import make_engine, unit_of_work


@pytest.fixture(scope="module")
def figures(module_db_url: str) -> dict[str, Any]:
    engine = make_engine(module_db_url)
    schema.upgrade(engine)
    with unit_of_work(engine) as session:
        sync_gazetteer(session)
    assert load_demo(engine) is True
    assert load_demo(engine) is False  # a second load changes nothing
    data = key_figures(engine)
    engine.dispose()
    return data


@pytest.mark.parametrize("fig", SEED_FIGURES, ids=lambda f: f.key)
def test_seed_figure(figures: dict[str, Any], fig) -> None:
    assert lookup(figures["countries"], fig.key) == fig.value, fig.says


@pytest.mark.parametrize("c", CONTRADICTIONS, ids=lambda c: c.key)
def test_contradiction_reading(figures: dict[str, Any], c) -> None:
    got = lookup(figures["countries"], c.key)
    if isinstance(c.expected, dict):
        got = {k: got.get(k) for k in c.expected}
    assert got == c.expected


def test_seed_block_reports_all_matched(figures: dict[str, Any]) -> None:
    seed = figures["seed"]
    assert seed["mismatches"] == []
    assert seed["matched"] == seed["figures"] == len(SEED_FIGURES)
    assert all(c["consistent"] for c in seed["contradictions"])
    assert "65, not 76" in " ".join(c["reading"] for c in seed["contradictions"])


def test_no_consistency_errors(figures: dict[str, Any]) -> None:
    errors = [p for p in figures["problems"] if p["severity"] == "error"]
    assert errors == []


def test_narrative_of_the_issue(figures: dict[str, Any]) -> None:
    kgz = figures["countries"]["KGZ"]["individuals"]
    assert (kgz["total"], kgz["male"], kgz["female"]) == (295, 163, 132)
    assert (kgz["minors"], kgz["boys"], kgz["girls"]) == (11, 3, 8)
    assert figures["countries"]["UZB"].get("individuals") is None


def test_period_filter_narrows(module_db_url: str, figures: dict[str, Any]) -> None:
    import datetime as dt

    engine = make_engine(module_db_url)
    part = key_figures(engine, ["KGZ"], dt.date(2020, 10, 1), dt.date(2020, 12, 31))
    engine.dispose()
    n = part["countries"]["KGZ"]["individuals"]["total"]
    assert 0 < n < 295
