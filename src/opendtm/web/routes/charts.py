"""The dashboard's charts and coverage map, filtered by period and partner: an htmx fragment
of the dashboard page (a full page without htmx) and its JSON twin."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from opendtm.services.dashboard_charts import dashboard_charts

from ..context import engine, language
from ..render import page
from .api import Caller
from .common import User, as_date, as_int, routers

router, api = routers()


class ChartRow(BaseModel):
    code: str
    count: int | None


class Chart(BaseModel):
    slug: str
    caption: str
    svg: str
    rows: list[ChartRow]


class PartnerOption(BaseModel):
    id: int
    name: str


class Charts(BaseModel):
    country: str | None
    partners: list[PartnerOption]
    figures: list[Chart]
    filters: dict[str, Any]


@router.get("/dashboard/charts")
def charts_page(request: Request, scope: User,
                country: str | None = None, partner_id: str | None = None,
                date_from: Annotated[str | None, Query(alias="from")] = None,
                date_to: Annotated[str | None, Query(alias="to")] = None) -> Response:
    code = country.upper()[:3] if country else None
    data = dashboard_charts(engine(request), scope, code, as_date(date_from), as_date(date_to),
                            as_int(partner_id), language(request))
    fragment = request.headers.get("hx-request") == "true"
    return page(request, "_charts.html" if fragment else "charts.html", data)


@api.get("/dashboard/charts", response_model=Charts,
         responses={404: {"description": "No such country or partner in your scope"}})
def charts_api(request: Request, scope: Caller,
               country: Annotated[str | None, Query(pattern="^[A-Z]{3}$")] = None,
               partner_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
               date_from: Annotated[dt.date | None, Query(alias="from")] = None,
               date_to: Annotated[dt.date | None, Query(alias="to")] = None,
               lang: Annotated[str, Query(pattern="^(en|ru)$")] = "en") -> dict[str, Any]:
    """The bulletin's charts and coverage map of a country (SVG), with the counts drawn."""
    return dashboard_charts(engine(request), scope, country, date_from, date_to, partner_id,
                            lang)
