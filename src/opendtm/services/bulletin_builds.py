"""The bulletin built from the web: the caller chooses countries (of its scope), period,
language, audience (internal, with exact small counts, only for the roles that publish) and
formats; the files are built by ``services.bulletin`` into a folder of the caller's own,
from which they are downloaded."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine

from opendtm.domain.taxonomy import Role
from opendtm.publish import config as bulletin_config
from opendtm.store.database import unit_of_work

from .access import Forbidden, NotFound, Scope
from .bulletin import BulletinError, Request, build
from .dashboard import countries as known_countries
from .uploads import sweep

# Exact counts (no disclosure control): the roles that prepare publications.
INTERNAL = frozenset({Role.ADMINISTRATOR, Role.COUNTRY_OFFICER, Role.INFORMATION_OFFICER,
                      Role.PROTECTION_OFFICER})
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
Format = Literal["html", "pdf", "json", "hxl"]
FORMATS: tuple[Format, ...] = ("html", "pdf", "json", "hxl")


class BulletinIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    countries: list[Annotated[str, Field(pattern="^[A-Z]{3}$")]] = Field(
        default_factory=list, max_length=20, description="ISO3 codes; none: every country "
        "of your scope.")
    start: dt.date | None = Field(None, alias="from", description="First day.")
    end: dt.date | None = Field(None, alias="to", description="Last day.")
    language: Literal["en", "ru"] = "en"
    audience: Literal["public", "internal"] = "public"
    formats: list[Format] = Field(default_factory=lambda: list(FORMATS),
                                  min_length=1, max_length=4)


def audiences(scope: Scope) -> list[str]:
    return ["public", "internal"] if scope.role in INTERNAL else ["public"]


def options(engine: Engine, scope: Scope) -> dict[str, Any]:
    """What the form offers the caller."""
    return {"countries": known_countries(engine, scope), "audiences": audiences(scope),
            "languages": ["en", "ru"], "formats": ["html", "pdf", "json", "hxl"]}


def _root() -> Path:
    root = Path(tempfile.gettempdir()) / "opendtm-bulletins"
    root.mkdir(mode=0o700, exist_ok=True)
    return root


def build_for(engine: Engine, scope: Scope, data: BulletinIn) -> dict[str, Any]:
    """Build the bulletin; answers the token and the files to download. Raises
    ``BulletinError`` when there is nothing to publish."""
    if data.audience not in audiences(scope):
        raise Forbidden("your role may build public bulletins only")
    allowed = [c["code"] for c in known_countries(engine, scope)]
    wanted = data.countries or allowed
    outside = [c for c in wanted if c not in allowed]
    if outside or not wanted:
        raise NotFound("country", ",".join(outside) or "-", "bulletin")
    sweep(_root())
    token = secrets.token_urlsafe(24)
    folder = _root() / token
    folder.mkdir(mode=0o700)
    req = Request(out=folder / "files", config=bulletin_config.load(), countries=wanted,
                  start=data.start, end=data.end, languages=[data.language],
                  audience=data.audience, formats=list(dict.fromkeys(data.formats)),
                  allow_problems=True)
    try:
        result = build(engine, req)
    except BulletinError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    files = [p.relative_to(req.out).as_posix() for p in result.paths]
    (folder / "build.json").write_text(json.dumps({"owner": scope.username, "files": files}),
                                       "utf-8")
    with unit_of_work(engine) as session:
        scope.audit(session, "build", "bulletin", token,
                    {"countries": wanted, "audience": data.audience, "language": data.language,
                     "from": str(data.start), "to": str(data.end)})
    model = result.model
    return {"token": token, "countries": list(model["countries"]),
            "period": model["period"], "audience": model["audience"],
            "language": data.language, "skipped": result.skipped,
            "suppressed": len(model["disclosure"]["suppressed"]),
            "problems": len(model["problems"]),
            "files": files}


def file_of(scope: Scope, token: str, name: str) -> Path:
    """A built file of the caller's, or NotFound."""
    folder = _root() / token
    meta = folder / "build.json"
    if not TOKEN.match(token) or not meta.is_file():
        raise NotFound("bulletin", token[:64], "download")
    built = json.loads(meta.read_text("utf-8"))
    if built.get("owner") != scope.username or name not in built.get("files", []):
        raise NotFound("bulletin", token, "download")
    return folder / "files" / name
