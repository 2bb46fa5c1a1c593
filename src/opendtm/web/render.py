"""Pages: Jinja2 templates rendering the same dicts that the API returns."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from .context import CSRF_COOKIE, csrf_token, language
from .i18n import translate

templates = Jinja2Templates(directory=str(files("opendtm.web") / "templates"))


@pass_context
def _labels(context: Any, values: list[str]) -> list[tuple[str, str]]:
    """Choices of a select: each code with its label in the page's language."""
    return [(v, context["_"](v)) for v in values]


def _options(rows: list[dict[str, Any]]) -> list[tuple[Any, Any]]:
    return [(r["id"], r["name"]) for r in rows]


templates.env.filters["labels"] = _labels
templates.env.filters["options"] = _options


def page(request: Request, template: str, data: dict[str, Any], status: int = 200,
         **extra: Any) -> HTMLResponse:
    lang = language(request)
    token = csrf_token(request)
    context = {"data": data, "lang": lang, "csrf": token,
               "user": getattr(request.state, "user", None),
               "_": lambda text: translate(lang, text), **extra}
    response = templates.TemplateResponse(request, template, context, status_code=status)
    if request.cookies.get(CSRF_COOKIE) != token:
        secure = request.app.state.settings.secure_cookies
        response.set_cookie(CSRF_COOKIE, token, httponly=True, secure=secure, samesite="strict")
    return response
