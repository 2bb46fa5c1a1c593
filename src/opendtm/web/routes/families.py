"""Families: the list (filters, search by family code), a family with its members, and help
recorded for the whole family through one form; the pages and their JSON twins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import RedirectResponse, Response

from opendtm.services import families
from opendtm.services.access import Scope
from opendtm.services.casework_inputs import FamilyAssistanceIn

from ..context import run
from ..render import page
from .api import Caller
from .casework_models import FamilyAssisted, FamilyDetail, FamilyPage
from .common import Form, Responses, User, as_int, partners, routers, submit
from .common import Id as FamilyId
from .persons import CHOICES

router, api = routers()
NOT_FOUND: Responses = {404: {"description": "No such family in your scope"}}


@router.get("/families")
def list_page(request: Request, scope: User, q: str | None = None,
              partner_id: str | None = None, page_no: str | None = None) -> Response:
    data = run(request, scope, families.list_families, (q or "")[:64] or None,
               as_int(partner_id), as_int(page_no) or 1)
    fragment = request.headers.get("hx-request") == "true"
    return page(request, "_families.html" if fragment else "families.html", data,
                partners=partners(request, scope))


def _family_page(request: Request, scope: Scope, family_id: int, values: dict[str, Any],
                 errors: dict[str, str], status: int = 200) -> Response:
    data = run(request, scope, families.get_family, family_id)
    data.update({"values": values, "errors": errors})
    return page(request, "family.html", data, status, choices=CHOICES)


@router.get("/families/{family_id}")
def family_page(request: Request, scope: User, family_id: FamilyId) -> Response:
    return _family_page(request, scope, family_id, {"each_member": "true"}, {})


@router.post("/families/{family_id}/assistance")
def assist_page(request: Request, scope: User, family_id: FamilyId, form: Form) -> Response:
    scope.require_write()
    run(request, scope, families.load_family, family_id, "record assistance for")
    form = {**form, "each_member": form.get("each_member") or "false"}
    result = submit(request, scope, FamilyAssistanceIn, form, families.record_for_family,
                    family_id)
    if "__errors__" in result:
        return _family_page(request, scope, family_id, form, result, 422)
    return RedirectResponse(f"/families/{family_id}", status_code=303)


@api.get("/families", response_model=FamilyPage)
def list_api(request: Request, scope: Caller,
             q: Annotated[str | None, Query(max_length=64, description="Start of a family code")
                          ] = None,
             partner_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
             page: Annotated[int, Query(ge=1, le=100_000)] = 1,
             per_page: Annotated[int, Query(ge=1, le=100)] = 25) -> dict[str, Any]:
    """The families in the caller's scope, newest first, with how many members each has."""
    return run(request, scope, families.list_families, q, partner_id, page, per_page)


@api.get("/families/{family_id}", response_model=FamilyDetail, responses=NOT_FOUND)
def family_api(request: Request, scope: Caller, family_id: FamilyId) -> dict[str, Any]:
    """The family, its members (as in the person list) and the help given to any of them."""
    return run(request, scope, families.get_family, family_id)


@api.post("/families/{family_id}/assistance", status_code=201, response_model=FamilyAssisted,
          responses={**NOT_FOUND, 403: {"description": "Your role may not record assistance"},
                     422: {"description": "A field is invalid"}})
def assist_api(request: Request, scope: Caller, family_id: FamilyId,
               body: FamilyAssistanceIn) -> dict[str, Any]:
    """Record help for the whole family: one record per member, or one for the household."""
    return run(request, scope, families.record_for_family, family_id, body)
