"""The pages of persons: list and search, register, read, edit, record assistance."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from opendtm.domain.taxonomy import (
    AssistanceType,
    ConsultationChannel,
    ConsultationTopic,
    MigrantStatus,
    Sex,
    TransportMode,
)
from opendtm.services import assistance, person_views, persons
from opendtm.services.access import Scope
from opendtm.services.inputs import AssistanceIn, PersonIn

from ..context import run
from ..render import page
from .common import Form, User, as_enum, as_int, partners, submit
from .common import Id as PersonId

router = APIRouter(include_in_schema=False)
CHOICES = {
    "sex": [s.value for s in Sex], "migrant_status": [s.value for s in MigrantStatus],
    "type": [t.value for t in AssistanceType], "transport_mode": [m.value for m in TransportMode],
    "consultation_topic": [t.value for t in ConsultationTopic],
    "consultation_channel": [c.value for c in ConsultationChannel],
}


@router.get("/")
def home() -> Response:
    return RedirectResponse("/persons", status_code=303)


@router.get("/persons")
def list_persons(request: Request, scope: User, q: str | None = None,
                 partner_id: str | None = None, sex: str | None = None,
                 migrant_status: str | None = None, page_no: str | None = None) -> Response:
    data = run(request, scope, person_views.list_persons, (q or "")[:200] or None,
               as_int(partner_id), as_enum(Sex, sex), as_enum(MigrantStatus, migrant_status),
               as_int(page_no) or 1)
    fragment = request.headers.get("hx-request") == "true"
    return page(request, "_results.html" if fragment else "persons.html", data,
                partners=partners(request, scope), choices=CHOICES)


def _form_page(request: Request, scope: Scope, template: str, values: dict[str, Any],
               errors: dict[str, str], status: int = 200, **extra: Any) -> Response:
    return page(request, template, {"values": values, "errors": errors}, status,
                partners=partners(request, scope), choices=CHOICES, **extra)


@router.get("/persons/new")
def new_person(request: Request, scope: User) -> Response:
    scope.require_write()
    return _form_page(request, scope, "person_form.html", {}, {}, action="/persons/new")


@router.post("/persons/new")
def register_person(request: Request, scope: User, form: Form) -> Response:
    scope.require_write()
    result = submit(request, scope, PersonIn, form, persons.register_person)
    if "__errors__" in result:
        return _form_page(request, scope, "person_form.html", form, result, 422,
                          action="/persons/new")
    return RedirectResponse(f"/persons/{result['id']}", status_code=303)


@router.get("/persons/{person_id}")
def person(request: Request, scope: User, person_id: PersonId) -> Response:
    return page(request, "person.html", run(request, scope, person_views.get_person, person_id))


@router.get("/persons/{person_id}/edit")
def edit_person(request: Request, scope: User, person_id: PersonId) -> Response:
    values = run(request, scope, persons.form_values, person_id)
    return _form_page(request, scope, "person_form.html", values, {},
                      action=f"/persons/{person_id}/edit")


@router.post("/persons/{person_id}/edit")
def update_person(request: Request, scope: User, person_id: PersonId, form: Form) -> Response:
    scope.require_write()
    run(request, scope, persons.load, person_id, "update")  # 404 before telling anything
    result = submit(request, scope, PersonIn, form, persons.update_person, person_id)
    if "__errors__" in result:
        return _form_page(request, scope, "person_form.html", form, result, 422,
                          action=f"/persons/{person_id}/edit")
    return RedirectResponse(f"/persons/{person_id}", status_code=303)


@router.get("/persons/{person_id}/assistance")
def new_assistance(request: Request, scope: User, person_id: PersonId) -> Response:
    scope.require_write()
    subject = run(request, scope, person_views.get_person, person_id)
    return _form_page(request, scope, "assistance_form.html", {"person_id": person_id}, {},
                      subject=subject)


@router.post("/persons/{person_id}/assistance")
def record_assistance(request: Request, scope: User, person_id: PersonId, form: Form) -> Response:
    scope.require_write()
    form = {**form, "person_id": str(person_id)}
    result = submit(request, scope, AssistanceIn, form, assistance.record_assistance)
    if "__errors__" in result:
        subject = run(request, scope, person_views.get_person, person_id)
        return _form_page(request, scope, "assistance_form.html", form, result, 422,
                          subject=subject)
    return RedirectResponse(f"/persons/{person_id}", status_code=303)
