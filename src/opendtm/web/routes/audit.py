"""The audit log, for administrators: a page and an API route over one service."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from opendtm.services import audit_log

from ..context import run
from ..render import page
from .api import Caller
from .common import User

router = APIRouter()
Text = Annotated[str | None, Query(max_length=80)]
Page = Annotated[int, Query(ge=1, le=100_000)]


@router.get("/api/v1/audit", tags=["api"], responses={403: {"description": "Not an administrator"}})
def audit_api(request: Request, scope: Caller, actor: Text = None, entity: Text = None,
              entity_id: Text = None, page: Page = 1) -> dict[str, Any]:
    """The audit log, newest first (administrators only)."""
    return run(request, scope, audit_log.browse, actor, entity, entity_id, page)


@router.get("/audit", include_in_schema=False)
def audit_page(request: Request, scope: User,
               actor: Text = None, entity: Text = None, entity_id: Text = None,
               page_no: Page = 1) -> Response:
    data = run(request, scope, audit_log.browse, actor or None, entity or None,
               entity_id or None, page_no)
    return page(request, "audit.html", data)
