"""Consultation contacts: register and list (with totals by sex and topic); the page and
its JSON twin call the same service functions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import RedirectResponse, Response

from opendtm.domain.taxonomy import ConsultationTopic, Sex
from opendtm.services import consultations
from opendtm.services.access import Scope
from opendtm.services.casework_inputs import ConsultationIn

from ..context import run
from ..render import page
from .api import Caller
from .casework_models import ContactCreated, ContactPage
from .common import Form, User, as_date, as_enum, as_int, partners, routers, submit
from .persons import CHOICES

router, api = routers()


def _page(request: Request, scope: Scope, query: dict[str, Any], values: dict[str, Any],
          errors: dict[str, str], status: int = 200) -> Response:
    data = run(request, scope, consultations.list_contacts, as_int(query.get("partner_id")),
               as_enum(ConsultationTopic, query.get("topic")), as_enum(Sex, query.get("sex")),
               as_date(query.get("from")), as_date(query.get("to")),
               as_int(query.get("page_no")) or 1)
    data.update({"values": values, "errors": errors})
    return page(request, "consultations.html", data, status, choices=CHOICES,
                partners=partners(request, scope))


@router.get("/consultations")
def list_page(request: Request, scope: User) -> Response:
    return _page(request, scope, dict(request.query_params), {}, {})


@router.post("/consultations")
def register_page(request: Request, scope: User, form: Form) -> Response:
    scope.require_write()
    result = submit(request, scope, ConsultationIn, form, consultations.register)
    if "__errors__" in result:
        return _page(request, scope, {}, form, result, 422)
    return RedirectResponse("/consultations", status_code=303)


@api.get("/consultations", response_model=ContactPage)
def list_api(request: Request, scope: Caller,
             partner_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
             topic: ConsultationTopic | None = None, sex: Sex | None = None,
             date_from: Annotated[dt.date | None, Query(alias="from")] = None,
             date_to: Annotated[dt.date | None, Query(alias="to")] = None,
             page: Annotated[int, Query(ge=1, le=100_000)] = 1,
             per_page: Annotated[int, Query(ge=1, le=100)] = 25) -> dict[str, Any]:
    """Consultation contacts of the caller's scope, newest first, with totals by sex and
    topic over every page."""
    return run(request, scope, consultations.list_contacts, partner_id, topic, sex, date_from,
               date_to, page, per_page)


@api.post("/consultations", status_code=201, response_model=ContactCreated,
          responses={403: {"description": "Your role may not record consultations"},
                     422: {"description": "A field is invalid"}})
def register_api(request: Request, scope: Caller, body: ConsultationIn) -> dict[str, Any]:
    return run(request, scope, consultations.register, body)
