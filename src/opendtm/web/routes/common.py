"""What the modules of routes share: their two routers, the annotated parameters of a
page or an API route, and the partners a form offers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request

from opendtm.services.access import Scope

from ..context import check_csrf, page_scope, run

Responses = dict[int | str, dict[str, Any]]
User = Annotated[Scope, Depends(page_scope)]  # the signed-in user of a page
Form = Annotated[dict[str, Any], Depends(check_csrf)]  # a posted form, CSRF checked
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]  # a record id in a path


def routers() -> tuple[APIRouter, APIRouter]:
    """A module's pages (left out of the API schema) and their JSON twins under /api/v1."""
    return APIRouter(include_in_schema=False), APIRouter(prefix="/api/v1", tags=["api"])


def partners(request: Request, scope: Scope) -> list[dict[str, Any]]:
    """The partners the user may choose in a form or a filter."""
    return run(request, scope, lambda s, sc: [{"id": p.id, "name": p.name}
                                              for p in sc.partners(s)])
