"""``opendtm bulletin``: build the Direct Assistance bulletin, thin over the service."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from opendtm.domain.gazetteer import gazetteer
from opendtm.publish import config as bulletin_config
from opendtm.publish.config import AUDIENCES, FORMATS
from opendtm.publish.i18n import LANGUAGES
from opendtm.services.bulletin_team import Team, early
from opendtm.store import schema

from .context import console, engine, fail, handled, parse_date, progress_steps


def outputs(lang: list[str] | None, formats: str, audience: str) -> tuple[list[str], list[str]]:
    """The languages (default: all) and formats a build asks for, its ``--lang``,
    ``--format`` and ``--audience`` checked (of either series)."""
    langs = lang or list(LANGUAGES)
    for code in langs:
        if code not in LANGUAGES:
            fail(f"--lang {code!r}: use {' or '.join(LANGUAGES)}")
    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    if not wanted or any(f not in FORMATS for f in wanted):
        fail(f"--format {formats!r}: choose from {','.join(FORMATS)}")
    if audience not in AUDIENCES:
        fail(f"--audience {audience!r}: use public or internal")
    return langs, wanted


def bulletin(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the bulletin into.")],
    country: Annotated[
        list[str] | None, typer.Option("--country", "-c", help="Country (ISO3 or name); "
                                       "repeat for several. Default: every country.")
    ] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    lang: Annotated[
        list[str] | None, typer.Option("--lang", help="en or ru; repeat for both (default).")
    ] = None,
    audience: Annotated[
        str, typer.Option("--audience", help="public (small counts suppressed) or internal "
                          "(exact counts, marked on every page).")
    ] = "public",
    formats: Annotated[
        str, typer.Option("--format", help="Comma-separated: html,pdf,json,hxl.")
    ] = ",".join(FORMATS),
    threshold: Annotated[
        int | None, typer.Option("--threshold", min=1, help="Suppress public counts under "
                                 "this (default: the configuration's, else 5).")
    ] = None,
    allow_problems: Annotated[
        bool, typer.Option("--allow-problems", help="Build even when consistency checks "
                           "fail, and list the problems in an annex.")
    ] = False,
    config: Annotated[
        Path | None, typer.Option("--config", help="Bulletin configuration (TOML); default: "
                                  "the one shipped for the demo.")
    ] = None,
    series: Annotated[
        str, typer.Option("--series", help="assistance (bulletin 6) or survey (bulletins "
                          "1-5, from the DTM survey).")
    ] = "assistance",
    theme: Annotated[
        str, typer.Option("--theme", help="Survey bulletin: profile, trajectory, remittances, "
                          "employment, covid or all.")
    ] = "all",
    min_base: Annotated[
        int | None, typer.Option("--min-base", min=1, help="Survey bulletin: hide "
                                 "percentages on fewer respondents (default 30).")
    ] = None,
) -> None:
    """Build a bulletin: HTML, PDF, figures.json and HXL, EN and RU (Direct Assistance, or
    with --series survey the DTM survey bulletins 1-5)."""
    if series != "assistance":
        from .survey_bulletin import survey_bulletins
        return survey_bulletins(series, theme, out, country, lang, audience, formats,
                                threshold, min_base, config)
    with handled():
        langs, wanted = outputs(lang, formats, audience)
        codes = [gazetteer().country(c).iso3 for c in country or []]
        cfg = bulletin_config.load(config)
        # the languages' processes start first, and import the pages' libraries while this
        # one imports the figures' and counts them
        pages = {"html", "pdf"} & set(wanted)
        team = early(langs if pages else [])
        if team is None and pages and Team.possible():
            team = Team(langs)
        with team or nullcontext():
            from opendtm.services.bulletin import Request, build  # the figures: heavy

            req = Request(
                out=out, config=cfg, countries=codes,
                start=parse_date(date_from, "--from"), end=parse_date(date_to, "--to"),
                languages=langs, audience=audience, formats=wanted, threshold=threshold,
                allow_problems=allow_problems,
            )
            eng = engine()
            schema.require_current(eng)
            with progress_steps("reading records") as step:
                result = build(eng, req, step, team=team, fork=False)
    if result.skipped:
        console.print(f"no records for {', '.join(result.skipped)}: left out")
    problems = result.model["problems"]
    errors = sum(1 for p in problems if p["severity"] == "error")
    if errors:
        console.print(f"[yellow]{errors} consistency problem(s) listed in the annex[/]")
    hidden = len(result.model["disclosure"]["suppressed"])
    note = (f"{hidden} small count(s) suppressed" if audience == "public"
            else "internal: exact counts, not for publication")
    console.print(f"bulletin for {', '.join(result.model['countries'])} ({note}):")
    for path in result.paths:
        if path.parent.name != "hxl":
            console.print(f"  {path}", highlight=False)
    n_hxl = sum(1 for p in result.paths if p.parent.name == "hxl")
    if n_hxl:
        console.print(f"  {out / 'hxl'}/ ({n_hxl} HXL files)", highlight=False)
