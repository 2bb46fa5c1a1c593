"""The dashboard of a country: the bulletin's key figures, for any signed-in role (they are
aggregates), limited to the user's own country where the user has one."""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import Engine, select

from opendtm.store.database import unit_of_work
from opendtm.store.models import Operation

from .access import NotFound, Scope
from .stats import key_figures

CACHE_SECONDS = 60.0
_cache: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
_lock = threading.Lock()


def countries(engine: Engine, scope: Scope) -> list[dict[str, str]]:
    with unit_of_work(engine) as session:
        stmt = select(Operation).order_by(Operation.name_en)
        if scope.country is not None:
            stmt = stmt.where(Operation.country == scope.country)
        return [{"code": o.country, "name_en": o.name_en, "name_ru": o.name_ru}
                for o in session.scalars(stmt)]


def dashboard(engine: Engine, scope: Scope, country: str | None = None) -> dict[str, Any]:
    known = countries(engine, scope)
    codes = [c["code"] for c in known]
    country = country or (codes[0] if codes else None)
    if country is None:
        return {"country": None, "countries": known, "figures": {}}
    if country not in codes:
        raise NotFound("country", country, "dashboard")
    key = (str(engine.url), country)
    with _lock:
        hit = _cache.get(key)
    if hit is None or time.monotonic() - hit[0] > CACHE_SECONDS:
        block = key_figures(engine, [country])["countries"].get(country, {})
        hit = (time.monotonic(), block)
        with _lock:
            _cache[key] = hit
    return {"country": country, "countries": known, "figures": hit[1]}
