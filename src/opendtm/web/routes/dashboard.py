"""The dashboard page of a country."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from opendtm.services.access import Scope

from ..context import page_scope
from ..render import page
from .api import dashboard_for

router = APIRouter(include_in_schema=False)


@router.get("/dashboard")
def dashboard(request: Request, scope: Annotated[Scope, Depends(page_scope)],
              country: str | None = None) -> Response:
    code = country.upper()[:3] if country else None
    return page(request, "dashboard.html", dashboard_for(request, scope, code))
