"""The bulletin from the web: choose countries, period, language, audience and formats,
build, download. The page and its JSON twin call the same service."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, ValidationError

from opendtm.services import bulletin_builds
from opendtm.services.access import Scope
from opendtm.services.bulletin import BulletinError
from opendtm.services.inputs import field_errors

from ..context import engine
from ..render import page
from .api import Caller
from .common import Form, Token, User, routers

router, api = routers()
FileName = Annotated[str, Path(max_length=200, pattern=r"^[\w./-]+$")]


class BuiltFile(BaseModel):
    name: str
    url: str


class BulletinBuilt(BaseModel):
    token: str
    countries: list[str]
    period: dict[str, str]
    audience: str
    language: str
    skipped: list[str]
    suppressed: int
    problems: int
    files: list[BuiltFile]


def _built(result: dict[str, Any], prefix: str) -> dict[str, Any]:
    token = result["token"]
    return {**result, "files": [{"name": f, "url": f"{prefix}/bulletins/{token}/{f}"}
                                for f in result["files"]]}


def _form_page(request: Request, scope: Scope, values: dict[str, Any],
               errors: dict[str, str], result: dict[str, Any] | None = None,
               status: int = 200) -> Response:
    data = {**bulletin_builds.options(engine(request), scope), "values": values,
            "errors": errors, "result": result}
    return page(request, "bulletins.html", data, status)


@router.get("/bulletins")
def bulletin_page(request: Request, scope: User) -> Response:
    return _form_page(request, scope, {"language": "en", "audience": "public",
                                       "formats": ["html", "pdf", "json", "hxl"]}, {})


@router.post("/bulletins")
def build_page(request: Request, scope: User, form: Form) -> Response:
    values: dict[str, Any] = {
        "countries": [k.removeprefix("country_") for k in form if k.startswith("country_")],
        "formats": [k.removeprefix("format_") for k in form if k.startswith("format_")],
        **{k: form[k] for k in ("from", "to", "language", "audience") if form.get(k)}}
    try:
        data = bulletin_builds.BulletinIn.model_validate(values)
    except ValidationError as exc:
        return _form_page(request, scope, values, field_errors(exc), status=422)
    try:
        result = bulletin_builds.build_for(engine(request), scope, data)
    except BulletinError as exc:
        return _form_page(request, scope, values, {"_": str(exc)}, status=422)
    return _form_page(request, scope, values, {}, _built(result, ""))


def _download(scope: Scope, token: str, name: str) -> Response:
    path = bulletin_builds.file_of(scope, token, name)
    return FileResponse(path, filename=path.name,
                        content_disposition_type="attachment")


@router.get("/bulletins/{token}/{name:path}")
def download_page(scope: User, token: Token, name: FileName) -> Response:
    return _download(scope, token, name)


@api.post("/bulletins", response_model=BulletinBuilt,
          responses={403: {"description": "Your role may build public bulletins only"},
                     404: {"description": "A country outside your scope"},
                     422: {"description": "Nothing to publish, or a field is invalid"}})
def build_api(request: Request, scope: Caller, body: bulletin_builds.BulletinIn) -> Any:
    """Build the bulletin (one language) and answer the files to download."""
    try:
        result = bulletin_builds.build_for(engine(request), scope, body)
    except BulletinError as exc:
        return JSONResponse({"detail": [{"loc": ["body"], "msg": str(exc),
                                         "type": "value_error"}]}, status_code=422)
    return _built(result, "/api/v1")


@api.get("/bulletins/{token}/{name:path}", response_class=FileResponse,
         responses={404: {"description": "No such bulletin of yours"}})
def download_api(scope: Caller, token: Token, name: FileName) -> Response:
    return _download(scope, token, name)
