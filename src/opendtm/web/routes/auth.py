"""Signing in and out, and the choice of language."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from opendtm.services import users
from opendtm.store.database import unit_of_work

from ..context import (
    LANG_COOKIE,
    SESSION_COOKIE,
    engine,
    forget_session,
    remote_addr,
)
from ..i18n import LANGUAGES
from ..render import page
from .common import Form

router = APIRouter(include_in_schema=False)


def local(path: str | None) -> str:
    """Only a path of this site may be the place to go back to."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/persons"
    return path


@router.get("/sign-in")
def sign_in_page(request: Request, next: str | None = None) -> Response:
    return page(request, "sign_in.html", {"next": local(next), "error": None})


@router.post("/sign-in")
def sign_in(request: Request, form: Form) -> Response:
    name, password = form.get("username", "").strip(), form.get("password", "")
    target = local(form.get("next"))
    refused: users.SignInRefused | None = None
    with unit_of_work(engine(request)) as session:  # a refusal is kept too: it counts
        try:
            user = users.sign_in(session, name, password, remote_addr(request))
        except users.SignInRefused as exc:
            refused = exc
        else:
            token = users.open_session(session, user)
    if refused is not None:
        return page(request, "sign_in.html", {"next": target, "error": str(refused),
                                              "username": name},
                    status=429 if refused.locked else 401)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax",
                        secure=request.app.state.settings.secure_cookies,
                        max_age=int(users.SESSION_LIFETIME.total_seconds()))
    return response


@router.post("/sign-out")
def sign_out(request: Request, form: Form) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with unit_of_work(engine(request)) as session:
            users.close_session(session, token)
        forget_session(request, token)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{code}")
def choose_language(code: str, next: str | None = None) -> Response:
    response = RedirectResponse(local(next), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax",
                            httponly=True)
    return response
