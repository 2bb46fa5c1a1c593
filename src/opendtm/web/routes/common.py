"""What the modules of routes share: their two routers, the annotated parameters of a
page or an API route, the partners a form offers, a page's query values read leniently,
and a posted form validated and handed to its service."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ValidationError

from opendtm.services.access import Scope
from opendtm.services.inputs import field_errors, from_form
from opendtm.services.persons import Invalid

from ..context import check_csrf, page_scope, run

Responses = dict[int | str, dict[str, Any]]
User = Annotated[Scope, Depends(page_scope)]  # the signed-in user of a page
Form = Annotated[dict[str, Any], Depends(check_csrf)]  # a posted form, CSRF checked
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]  # a record id in a path
# an upload's or a build's token in a path
Token = Annotated[str, Path(min_length=20, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


def routers() -> tuple[APIRouter, APIRouter]:
    """A module's pages (left out of the API schema) and their JSON twins under /api/v1."""
    return APIRouter(include_in_schema=False), APIRouter(prefix="/api/v1", tags=["api"])


def partners(request: Request, scope: Scope) -> list[dict[str, Any]]:
    """The partners the user may choose in a form or a filter."""
    return run(request, scope, lambda s, sc: [{"id": p.id, "name": p.name}
                                              for p in sc.partners(s)])


def as_enum(enum: Any, value: str | None) -> Any:
    """A page's query value as a member of ``enum``; None when empty or not one."""
    try:
        return enum(value) if value else None
    except ValueError:
        return None


def as_date(value: str | None) -> dt.date | None:
    """A page's query value as a date (YYYY-MM-DD); None when empty or not one."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def as_int(value: str | None) -> int | None:
    """A page's query value as a number; None when empty or not a (small) number."""
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def submit(request: Request, scope: Scope, model: type[BaseModel], form: dict[str, Any],
           work: Any, *args: Any) -> dict[str, Any] | dict[str, str]:
    """Validate a form and run the service; returns its answer, or the errors per field."""
    try:
        data = from_form(model, form)
    except ValidationError as exc:
        return {"__errors__": "", **field_errors(exc)}
    try:
        result: dict[str, Any] = run(request, scope, work, *args, data)
    except Invalid as exc:
        return {"__errors__": "", exc.field: exc.message}
    return result
