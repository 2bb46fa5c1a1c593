"""Vulnerability screening and referrals of a person, and the list of referrals; the pages
and their JSON twins call the same service functions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from opendtm.domain.taxonomy import ReferralDirection, ReferralKind, ReferralStatus
from opendtm.services import referrals, screening
from opendtm.services.access import Scope
from opendtm.services.casework_inputs import ReferralIn, ReferralStatusIn, ScreeningIn

from ..context import run
from ..render import page
from .api import Caller
from .casework_models import PersonReferrals, ReferralOut, ReferralPage, ScreeningOut, Screenings
from .common import Form, Id, Responses, User, as_enum, as_int, routers, submit

router, api = routers()
NOT_FOUND: Responses = {404: {"description": "No such person in your scope"}}
WRITE: Responses = {403: {"description": "Your role may not record this"},
         422: {"description": "A field is invalid"}}
CHOICES = {"direction": [d.value for d in ReferralDirection],
           "status": [s.value for s in ReferralStatus]}


@dataclass(frozen=True)
class _PersonForm:
    """A page of a person's records with the form that adds one (screening, referrals):
    shown with the service that lists them; a posted form is validated against ``model``
    and handed to ``record``, then the page is shown again (with the errors per field) or
    the browser sent back to it."""

    path: str  # after /persons/{person_id}/
    listing: Callable[..., dict[str, Any]]
    record: Callable[..., Any]
    model: type[BaseModel]
    template: str
    fragment: str | None = None  # the template an htmx request gets, if any
    extra: dict[str, Any] = field(default_factory=dict)  # more for the template

    def show(self, request: Request, scope: Scope, person_id: int, values: dict[str, Any],
             errors: dict[str, str], status: int = 200) -> Response:
        data = run(request, scope, self.listing, person_id)
        data.update({"values": values, "errors": errors})
        template = self.template
        if self.fragment and request.headers.get("hx-request") == "true":
            template = self.fragment
        return page(request, template, data, status, **self.extra)

    def submit(self, request: Request, scope: Scope, person_id: int, form: dict[str, Any],
               fields: dict[str, Any]) -> Response:
        """``fields``: what is validated, drawn from the posted ``form``."""
        scope.require_write()
        run(request, scope, self.listing, person_id)  # 404 before telling anything
        result = submit(request, scope, self.model, fields, self.record, person_id)
        if "__errors__" in result:
            return self.show(request, scope, person_id, form, result, 422)
        return RedirectResponse(f"/persons/{person_id}/{self.path}", status_code=303)


SCREENING = _PersonForm("screening", screening.screenings, screening.screen, ScreeningIn,
                        "screening.html")
REFERRALS = _PersonForm("referrals", referrals.person_referrals, referrals.refer, ReferralIn,
                        "person_referrals.html", "_person_referrals.html", {"choices": CHOICES})


@router.get("/persons/{person_id}/screening")
def screening_page(request: Request, scope: User, person_id: Id) -> Response:
    return SCREENING.show(request, scope, person_id, {}, {})


@router.post("/persons/{person_id}/screening")
def screen_page(request: Request, scope: User, person_id: Id, form: Form) -> Response:
    found = [k.removeprefix("finding_") for k, v in form.items() if k.startswith("finding_")]
    fields = {k: v for k, v in form.items() if not k.startswith("finding_")}
    return SCREENING.submit(request, scope, person_id, form, {**fields, "findings": found})


@router.get("/persons/{person_id}/referrals")
def person_referrals_page(request: Request, scope: User, person_id: Id) -> Response:
    return REFERRALS.show(request, scope, person_id, {}, {})


@router.post("/persons/{person_id}/referrals")
def refer_page(request: Request, scope: User, person_id: Id, form: Form) -> Response:
    return REFERRALS.submit(request, scope, person_id, form, form)


@router.get("/referrals")
def referrals_page(request: Request, scope: User, direction: str | None = None,
                   kind: str | None = None, status: str | None = None,
                   partner_id: str | None = None, page_no: str | None = None) -> Response:
    data = run(request, scope, referrals.list_referrals, as_enum(ReferralDirection, direction),
               as_enum(ReferralKind, kind), as_enum(ReferralStatus, status), as_int(partner_id),
               as_int(page_no) or 1)
    return page(request, "referrals.html", data, choices=CHOICES,
                kinds=run(request, scope, lambda s, sc: referrals.kinds(sc)))


@router.post("/referrals/{referral_id}/status")
def status_page(request: Request, scope: User, referral_id: Id, form: Form) -> Response:
    scope.require_write()
    new = as_enum(ReferralStatus, form.get("status"))
    if new is not None:
        run(request, scope, referrals.set_status, referral_id, new)
    back = as_int(form.get("person_id"))
    return RedirectResponse(f"/persons/{back}/referrals" if back else "/referrals",
                            status_code=303)


@api.get("/persons/{person_id}/screenings", response_model=Screenings, responses=NOT_FOUND)
def screenings_api(request: Request, scope: Caller, person_id: Id) -> dict[str, Any]:
    """The person's screenings, newest first; trafficking and violence findings only for
    the roles that see them."""
    return run(request, scope, screening.screenings, person_id)


@api.post("/persons/{person_id}/screenings", status_code=201, response_model=ScreeningOut,
          responses={**NOT_FOUND, **WRITE})
def screen_api(request: Request, scope: Caller, person_id: Id,
               body: ScreeningIn) -> dict[str, Any]:
    return run(request, scope, screening.screen, person_id, body)


@api.get("/persons/{person_id}/referrals", response_model=PersonReferrals,
         responses=NOT_FOUND)
def person_referrals_api(request: Request, scope: Caller, person_id: Id) -> dict[str, Any]:
    """Referrals of the person (or of the person's family), in and out."""
    return run(request, scope, referrals.person_referrals, person_id)


@api.post("/persons/{person_id}/referrals", status_code=201, response_model=ReferralOut,
          responses={**NOT_FOUND, **WRITE})
def refer_api(request: Request, scope: Caller, person_id: Id,
              body: ReferralIn) -> dict[str, Any]:
    return run(request, scope, referrals.refer, person_id, body)


@api.get("/referrals", response_model=ReferralPage)
def referrals_api(request: Request, scope: Caller, direction: ReferralDirection | None = None,
                  kind: ReferralKind | None = None, status: ReferralStatus | None = None,
                  partner_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
                  page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                  per_page: Annotated[int, Query(ge=1, le=100)] = 25) -> dict[str, Any]:
    """The referrals of the caller's scope, newest first."""
    return run(request, scope, referrals.list_referrals, direction, kind, status, partner_id,
               page, per_page)


@api.put("/referrals/{referral_id}/status", response_model=ReferralOut,
         responses={404: {"description": "No such referral in your scope"}, **WRITE})
def status_api(request: Request, scope: Caller, referral_id: Id,
               body: ReferralStatusIn) -> dict[str, Any]:
    return run(request, scope, referrals.set_status, referral_id, body.status)
