"""Import through the web: upload a file, read the preview of its problems (the importer's
dry run), confirm to land it. The page and its JSON twin call the same service."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload

from opendtm.services import uploads
from opendtm.services.access import Scope

from ..context import engine
from ..render import page
from .api import Caller
from .common import Form as Checked
from .common import Token, User, routers

router, api = routers()
OPTIONS = ("partner", "country", "sheet")


class ImportProblem(BaseModel):
    code: str
    message: str
    severity: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    key: str | None = None


class ImportReportOut(BaseModel):
    token: str
    file: str
    shape: str | None
    rows_read: int
    created: int
    updated: int
    unchanged: int
    duplicates: int
    persons_created: int
    persons_updated: int
    families_created: int
    partners_added: list[str]
    landed: bool
    dry_run: bool
    batch_id: int | None
    errors: int
    warnings: int
    problems: list[ImportProblem]
    problems_shown: int
    options: dict[str, Any]


def _options(form: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: str(form.get(k) or "").strip()[:120] for k in OPTIONS}
    out["add_partners"] = str(form.get("add_partners") or "") in ("true", "on", "1")
    return out


def _refused(request: Request, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": [{"loc": ["body", "file"], "msg": message,
                                         "type": "value_error"}]}, status_code=422)
    return page(request, "imports.html", {"report": None, "errors": {"file": message},
                                          "values": {}}, 422)


async def _stage_and_preview(request: Request, scope: Scope, upload: Any,
                             options: dict[str, Any]) -> dict[str, Any] | str:
    if not isinstance(upload, StarletteUpload):
        return "choose a file to upload"
    try:
        token = await run_in_threadpool(uploads.stage, scope, upload.filename or "",
                                        upload.file, options)
    except uploads.UploadRefused as exc:
        return str(exc)
    return await run_in_threadpool(uploads.preview, engine(request), scope, token)


@router.get("/imports")
def import_page(request: Request, scope: User) -> Response:
    uploads.require(scope)
    return page(request, "imports.html", {"report": None, "errors": {}, "values": {}})


@router.post("/imports")
async def upload_page(request: Request, scope: User, form: Checked) -> Response:
    result = await _stage_and_preview(request, scope, (await request.form()).get("file"),
                                      _options(form))
    if isinstance(result, str):
        return _refused(request, result)
    return page(request, "imports.html", {"report": result, "errors": {}, "values": form})


@router.post("/imports/{token}/confirm")
async def confirm_page(request: Request, scope: User, token: Token, form: Checked) -> Response:
    if form.get("drop"):
        await run_in_threadpool(uploads.drop, scope, token)
        return RedirectResponse("/imports", status_code=303)
    report = await run_in_threadpool(uploads.confirm, engine(request), scope, token)
    return page(request, "imports.html", {"report": report, "errors": {}, "values": {}})


@api.post("/imports", response_model=ImportReportOut,
          responses={403: {"description": "Only administrators import"},
                     413: {"description": "The file is larger than the upload limit"},
                     422: {"description": "Not a CSV or XLSX file"}})
async def upload_api(request: Request, scope: Caller, file: Annotated[UploadFile, File()],
                     partner: Annotated[str | None, Form(max_length=120)] = None,
                     country: Annotated[str | None, Form(max_length=120)] = None,
                     sheet: Annotated[str | None, Form(max_length=120)] = None,
                     add_partners: Annotated[bool, Form()] = False) -> Any:
    """Upload a file and preview it: the importer's dry run (nothing is written). Land it
    with ``POST /api/v1/imports/{token}/confirm``."""
    options = _options({"partner": partner, "country": country, "sheet": sheet,
                        "add_partners": "true" if add_partners else ""})
    result = await _stage_and_preview(request, scope, file, options)
    return _refused(request, result) if isinstance(result, str) else result


@api.post("/imports/{token}/confirm", response_model=ImportReportOut,
          responses={403: {"description": "Only administrators import"},
                     404: {"description": "No such upload of yours"}})
def confirm_api(request: Request, scope: Caller, token: Token) -> dict[str, Any]:
    """Land a previewed upload: all rows or, when any row is wrong, none."""
    return uploads.confirm(engine(request), scope, token)
