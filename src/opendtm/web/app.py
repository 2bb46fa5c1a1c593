"""The web application: pages and the JSON API over the services."""

from __future__ import annotations

import gc
import os
import sys
from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from opendtm import __version__
from opendtm.services.access import Forbidden, NotFound
from opendtm.services.persons import Invalid
from opendtm.services.review import Refused
from opendtm.store.database import make_engine, session_factory

from .context import (
    CsrfFailed,
    ScopeCache,
    Settings,
    SignInNeeded,
    Unauthorized,
    audit_refusal,
)
from .fastpath import FastRoutes
from .render import page
from .routes import (
    api,
    audit,
    auth,
    bulletins,
    casework,
    charts,
    consultations,
    dashboard,
    families,
    imports,
    persons,
    review,
)
from .security import SecurityMiddleware


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, title: str, message: str) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=status)
    return page(request, "error.html", {"title": title, "message": message}, status)


def create_app(engine: Engine, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="opendtm",
        version=__version__,
        description="Persons, families and assistance of the caller's scope.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # the stock docs pages load scripts from elsewhere; our CSP forbids it
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.settings = settings
    app.state.scopes = ScopeCache(settings.scope_ttl)
    app.mount("/static", StaticFiles(directory=str(files("opendtm.web") / "static")),
              name="static")
    app.include_router(api.router)  # first: routes are matched in order, these are busiest
    for module in (auth, persons, dashboard, audit):
        app.include_router(module.router)
    app.include_router(review.router)
    app.include_router(review.api)
    for pages in (families, casework, consultations, imports, bulletins, charts):
        app.include_router(pages.router)
        app.include_router(pages.api)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        await run_in_threadpool(audit_refusal, request, exc)
        return _error(request, 404, "Not found", "Nothing here, or nothing you may see.")

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        await run_in_threadpool(audit_refusal, request, exc)
        return _error(request, 403, "Forbidden", str(exc))

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        return _error(request, 409, "Conflict", str(exc))

    @app.exception_handler(Invalid)
    async def invalid(request: Request, exc: Invalid) -> Response:
        detail: list[dict[str, Any]] = [
            {"loc": ["body", exc.field], "msg": exc.message, "type": "value_error"}]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(Unauthorized)
    async def unauthorized(request: Request, exc: Unauthorized) -> Response:
        return JSONResponse({"detail": "send a valid token: Authorization: Bearer TOKEN"},
                            status_code=401, headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(SignInNeeded)
    async def sign_in_needed(request: Request, exc: SignInNeeded) -> Response:
        return RedirectResponse(f"/sign-in?next={request.url.path}", status_code=303)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        return _error(request, 403, "Forbidden",
                      "The form has expired or came from elsewhere; reload the page.")

    if settings.fast_routes:
        app.add_middleware(FastRoutes, owner=app)  # inside the security middleware
    app.add_middleware(SecurityMiddleware, max_body=settings.max_body,
                       hsts=settings.secure_cookies)
    return app


def from_environment() -> FastAPI:
    """The app of each worker process when ``opendtm serve --workers N`` runs several: the
    database URL and the cookie setting come from the environment ``serve`` sets."""
    secure = os.environ.get("OPENDTM_SECURE_COOKIES", "1") == "1"
    app = create_app(make_engine(), Settings(secure_cookies=secure))
    freeze_startup_objects()
    return app


# How long a thread may hold the interpreter before another waiting for it takes it (the
# default is 5 ms). A request's Python work comes in bursts of well under a millisecond
# between database round trips; with 5 ms, threads answering requests side by side were
# made to hand over mid-burst more often. 20 ms: about 10% less CPU a request and 10%
# more requests a second under 20 clients (docs/benchmarks.md).
SWITCH_INTERVAL = 0.02


def freeze_startup_objects() -> None:
    """Prepare a serving process: move the objects of the imported libraries out of the
    garbage collector's sight (they live as long as the process, and every full collection
    would walk them again), and set the interpreter's switch interval."""
    gc.collect()
    gc.freeze()
    sys.setswitchinterval(SWITCH_INTERVAL)
