"""The JSON API, version 1: the same services and the same dicts as the pages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.security import HTTPBearer

from opendtm.domain.taxonomy import MigrantStatus, Sex
from opendtm.services import assistance, dashboard, person_views, persons
from opendtm.services.access import Scope
from opendtm.services.inputs import AssistanceIn, PersonIn

from ..context import api_caller, engine, run_async
from .models import AssistanceOut, Dashboard, PersonCreated, PersonDetail, PersonPage, PersonUpdated


class _Bearer(HTTPBearer):
    """The caller of the API from ``Authorization: Bearer TOKEN``: the schema's security
    scheme and the scope in one dependency (each dependency costs every request)."""

    async def __call__(self, request: Request) -> Scope:  # type: ignore[override]
        return await api_caller(request)


caller = _Bearer(auto_error=False, scheme_name="HTTPBearer",
                 description="`opendtm users token NAME` prints one.")
Caller = Annotated[Scope, Depends(caller)]
PersonId = Annotated[int, Path(ge=1, le=2**31 - 1)]
router = APIRouter(prefix="/api/v1", tags=["api"])


@router.get("/persons", response_model=PersonPage)
async def list_persons(
    request: Request, scope: Caller,
    q: Annotated[str | None, Query(max_length=200,
                                   description="Partner code, name (either script), document")
                 ] = None,
    partner_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    sex: Sex | None = None,
    migrant_status: MigrantStatus | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=person_views.MAX_PER_PAGE)] = 25,
) -> dict[str, Any]:
    """The persons in the caller's scope, newest first."""
    return await run_async(request, scope, person_views.list_persons, q, partner_id, sex,
                           migrant_status, page, per_page)


@router.get("/persons/{person_id}", response_model=PersonDetail,
            responses={404: {"description": "No such person in your scope"}})
async def get_person(request: Request, scope: Caller, person_id: PersonId) -> dict[str, Any]:
    return await run_async(request, scope, person_views.get_person, person_id)


@router.post("/persons", status_code=201, response_model=PersonCreated,
             responses={403: {"description": "Your role may not register"},
                        422: {"description": "A field is invalid"}})
async def register_person(request: Request, scope: Caller, body: PersonIn) -> dict[str, Any]:
    return await run_async(request, scope, persons.register_person, body)


@router.put("/persons/{person_id}", response_model=PersonUpdated,
            responses={403: {"description": "Your role may not change records"},
                       404: {"description": "No such person in your scope"},
                       422: {"description": "A field is invalid"}})
async def update_person(request: Request, scope: Caller, person_id: PersonId,
                        body: PersonIn) -> dict[str, Any]:
    return await run_async(request, scope, persons.update_person, person_id, body)


@router.post("/assistance", status_code=201, response_model=AssistanceOut,
             responses={403: {"description": "Your role may not record assistance"},
                        404: {"description": "No such person in your scope"},
                        422: {"description": "A field is invalid"}})
async def record_assistance(request: Request, scope: Caller, body: AssistanceIn) -> dict[str, Any]:
    return await run_async(request, scope, assistance.record_assistance, body)


@router.get("/dashboard", response_model=Dashboard,
            responses={404: {"description": "No such country in your scope"}})
def get_dashboard(request: Request, scope: Caller,
                  country: Annotated[str | None, Query(pattern="^[A-Z]{3}$")] = None
                  ) -> dict[str, Any]:
    """The key figures of one country (the first one when none is given)."""
    return dashboard_for(request, scope, country)


def dashboard_for(request: Request, scope: Scope, country: str | None) -> dict[str, Any]:
    return dashboard.dashboard(engine(request), scope, country)
