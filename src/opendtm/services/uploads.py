"""Imports through the web: a file is uploaded, previewed (the importer's dry run: every
problem with file, row, column, code and message) and, once confirmed, landed by the same
importer the command line uses. Only administrators import: a file may name any partner.

An uploaded file waits in a folder of its own under the system's temporary folder, under a
random token known only to the user who uploaded it, until it is landed or dropped."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine

from opendtm.store.database import unit_of_work

from .access import Forbidden, NotFound, Scope
from .importer import ImportOptions, import_file
from .search import index_missing

SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class UploadRefused(ValueError):
    """The upload cannot be taken (its name or kind); the message says why."""


def staging_root() -> Path:
    root = Path(tempfile.gettempdir()) / "opendtm-uploads"
    root.mkdir(mode=0o700, exist_ok=True)
    return root


def sweep(root: Path, max_age: float = 86_400.0) -> None:
    """Remove what was left there more than ``max_age`` seconds ago (a day by default)."""
    limit = time.time() - max_age
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)


def require(scope: Scope) -> None:
    if not scope.admin:
        raise Forbidden("only administrators import files")


def _folder(scope: Scope, token: str) -> tuple[Path, dict[str, Any]]:
    folder = staging_root() / token
    meta_file = folder / "upload.json"
    if not TOKEN.match(token) or not meta_file.is_file():
        raise NotFound("import_upload", token[:64], "read")
    meta: dict[str, Any] = json.loads(meta_file.read_text("utf-8"))
    if meta.get("owner") != scope.username:
        raise NotFound("import_upload", token, "read")
    return folder, meta


def stage(scope: Scope, name: str, data: IO[bytes], options: dict[str, Any]) -> str:
    """Keep an uploaded file for preview and confirmation; returns its token."""
    require(scope)
    plain = Path(name or "").name.strip()
    if not plain.lower().endswith(SUFFIXES):
        raise UploadRefused(f"{plain or 'the file'}: upload a CSV or XLSX file "
                            f"({', '.join(SUFFIXES)})")
    sweep(staging_root())
    token = secrets.token_urlsafe(24)
    folder = staging_root() / token
    folder.mkdir(mode=0o700)
    with (folder / f"upload{Path(plain).suffix.lower()}").open("wb") as out:
        shutil.copyfileobj(data, out)
    meta = {"owner": scope.username, "name": plain, "options": options}
    (folder / "upload.json").write_text(json.dumps(meta), "utf-8")
    return token


def _run(engine: Engine, scope: Scope, token: str, dry_run: bool) -> dict[str, Any]:
    require(scope)
    folder, meta = _folder(scope, token)
    path = next(p for p in folder.iterdir() if p.stem == "upload" and p.suffix != ".json")
    opts = meta["options"]
    options = ImportOptions(partner=opts.get("partner") or None,
                            country=opts.get("country") or None,
                            sheet=opts.get("sheet") or None,
                            add_partners=bool(opts.get("add_partners")), dry_run=dry_run,
                            actor=scope.username, remote_addr=scope.remote_addr,
                            name=meta["name"])
    report = import_file(engine, path, options).to_dict()
    report["token"] = token
    report["options"] = opts
    if report["landed"]:
        with unit_of_work(engine) as session:
            index_missing(session)
        shutil.rmtree(folder, ignore_errors=True)
    else:
        with unit_of_work(engine) as session:
            scope.audit(session, "preview" if dry_run else "refused-import", "import_upload",
                        token, {"file": meta["name"], "errors": report["errors"],
                                "rows_read": report["rows_read"]})
    return report


def preview(engine: Engine, scope: Scope, token: str) -> dict[str, Any]:
    """The importer's dry run of the staged file: what a real import would do."""
    return _run(engine, scope, token, dry_run=True)


def confirm(engine: Engine, scope: Scope, token: str) -> dict[str, Any]:
    """Land the staged file (all or nothing); the staged copy is then removed."""
    return _run(engine, scope, token, dry_run=False)


def drop(scope: Scope, token: str) -> None:
    require(scope)
    folder, _ = _folder(scope, token)
    shutil.rmtree(folder, ignore_errors=True)
