"""``opendtm bulletin --series survey``: the DTM survey bulletins 1-5, thin over the service."""

from __future__ import annotations

from pathlib import Path

from opendtm.domain.gazetteer import gazetteer
from opendtm.services.survey_bulletin import THEMES, SurveyRequest, build, folder_name
from opendtm.store import schema

from .bulletin import outputs
from .context import console, engine, fail, handled, progress_steps


def survey_bulletins(series: str, theme: str, out: Path, country: list[str] | None,
                     lang: list[str] | None, audience: str, formats: str,
                     threshold: int | None, min_base: int | None, config: Path | None) -> None:
    with handled():
        if series != "survey":
            fail(f"--series {series!r}: use assistance or survey")
        themes = list(THEMES) if theme == "all" else [theme]
        if themes[0] not in THEMES:
            fail(f"--theme {theme!r}: use {', '.join(THEMES)} or all")
        langs, wanted = outputs(lang, formats, audience)
        req = SurveyRequest(
            out=out, themes=themes, countries=[gazetteer().country(c).iso3 for c in country or []],
            languages=langs, audience=audience, formats=wanted, threshold=threshold,
            min_base=min_base, config=config)
        eng = engine()
        schema.require_current(eng)
        with progress_steps("survey figures") as step:
            result = build(eng, req, step)
    note = ("small counts suppressed" if audience == "public"
            else "internal: exact counts, not for publication")
    for name, figures in result.models.items():
        hidden = len(figures["disclosure"]["suppressed"])
        console.print(f"bulletin {figures['bulletin']} ({name}; {note}"
                      f"{f', {hidden} suppressed' if audience == 'public' else ''}):")
        paths = result.paths[name]
        for path in paths:
            if path.parent.name != "hxl":
                console.print(f"  {path}", highlight=False)
        n_hxl = sum(1 for p in paths if p.parent.name == "hxl")
        if n_hxl:
            console.print(f"  {out / folder_name(figures) / 'hxl'}/ ({n_hxl} HXL files)",
                          highlight=False)
