"""The dashboard page of a country."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..render import page
from .api import dashboard_for
from .common import User

router = APIRouter(include_in_schema=False)


@router.get("/dashboard")
def dashboard(request: Request, scope: User,
              country: str | None = None) -> Response:
    code = country.upper()[:3] if country else None
    return page(request, "dashboard.html", dashboard_for(request, scope, code))
