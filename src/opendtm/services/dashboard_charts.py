"""The dashboard's charts and coverage map: the bulletin's figures of a country (or of one
partner of it) for a period, drawn by the bulletin's own chart and map code as SVG.

Aggregates, like the dashboard's figures: any signed-in role, of its own country where it
has one; a partner outside the caller's scope is refused like a missing one."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

from sqlalchemy import Engine, select

from opendtm.publish import i18n
from opendtm.publish.html import figure_svg
from opendtm.publish.sections import country_figures
from opendtm.store.database import unit_of_work
from opendtm.store.models import Operation, Partner

from .access import NotFound, Scope
from .dashboard import countries, dashboard
from .stats import key_figures

CACHE_SECONDS = 60.0
_cache: dict[tuple[Any, ...], tuple[float, list[dict[str, Any]]]] = {}
_lock = threading.Lock()


def _drawn(engine: Engine, scope: Scope, lang: str, country: str, start: dt.date | None,
           end: dt.date | None, partner: str | None) -> list[dict[str, Any]]:
    key = (str(engine.url), lang, country, start, end, partner)
    with _lock:
        hit = _cache.get(key)
    if hit is not None and time.monotonic() - hit[0] <= CACHE_SECONDS:
        return hit[1]
    if start is None and end is None:  # the dashboard's own figures, cached there
        block = dashboard(engine, scope, country)["figures"]
    else:
        block = key_figures(engine, [country], start, end)["countries"].get(country, {})
    if partner is not None:
        block = block.get("by_partner", {}).get(partner, {})
    drawn = []
    for fig in country_figures(block):
        name = i18n.country_name(lang, country)
        drawn.append({"slug": fig.slug,
                      "caption": i18n.text(lang, fig.caption, country=name),
                      "svg": figure_svg(lang, country, fig),
                      "rows": [{"code": c, "count": n} for c, n in fig.rows]})
    with _lock:
        _cache[key] = (time.monotonic(), drawn)
    return drawn


def dashboard_charts(engine: Engine, scope: Scope, country: str | None = None,
                     start: dt.date | None = None, end: dt.date | None = None,
                     partner_id: int | None = None, lang: str = "en") -> dict[str, Any]:
    known = countries(engine, scope)
    codes = [c["code"] for c in known]
    country = country or (codes[0] if codes else None)
    if country is None:
        return {"country": None, "partners": [], "figures": [], "filters": {}}
    if country not in codes:
        raise NotFound("country", country, "charts")
    with unit_of_work(engine) as session:
        rows = session.execute(select(Partner.id, Partner.name).join(Operation)
                               .where(Operation.country == country)
                               .order_by(Partner.name)).all()
    partners = [{"id": i, "name": n} for i, n in rows]

    partner = None
    if partner_id is not None:
        names: dict[int, str] = dict(rows)
        if partner_id not in names:
            raise NotFound("partner", partner_id, "charts")
        partner = names[partner_id]
    return {"country": country, "partners": partners,
            "figures": _drawn(engine, scope, lang, country, start, end, partner),
            "filters": {"from": start and start.isoformat(), "to": end and end.isoformat(),
                        "partner_id": partner_id, "lang": lang}}
