"""A survey bulletin (1-5) as one self-contained HTML page, from its ``figures.json``.

The same Jinja2 environment, chart renderer and WeasyPrint path as the assistance
bulletin; only the layout differs: a methodology box first, then one section per country
and respondent class with its narrative, key numbers and charts.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from . import i18n, survey_charts
from .survey_narrative import paragraphs
from .survey_sections import LAYOUT, STAGES, panel, pyramid_rows, summaries
from .survey_text import class_title, decimal, label, text

# the same templates folder and settings as the assistance bulletin's page
_env = Environment(loader=PackageLoader("opendtm.publish", "templates"),
                   autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                   lstrip_blocks=True)


def load_config(path: Path | None = None) -> dict[str, Any]:
    if path is None:
        raw = resources.files("opendtm.publish").joinpath("survey_bulletin.toml").read_text(
            "utf-8")
        where = "the default survey bulletin configuration"
    else:
        try:
            raw = path.read_text("utf-8")
        except OSError as exc:
            raise ValueError(f"{path}: cannot read the configuration ({exc.strerror})") from None
        where = str(path)
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{where}: not valid TOML: {exc}") from None
    for lang in i18n.LANGUAGES:
        for key in ("series", "publisher", "about", "sampling", "limits", "disclaimer"):
            if key not in data.get(lang, {}):
                raise ValueError(f"{where}: [{lang}] has no {key!r}")
    return data


def render(figures: dict[str, Any], lang: str, config: dict[str, Any]) -> str:
    words = config[lang]
    number = 0
    sections = []
    for section in figures["sections"]:
        country, klass, n = section["country"], section["class"], section["n"]
        where = i18n.country_name(lang, country)
        klass_name = class_title(lang, klass, figures["labels"]["class"].get(klass, {}))
        by = {"country": country, "class": klass}
        charts = []
        for kind, ids in LAYOUT[figures["theme"]]["charts"]:
            made = _chart(lang, figures, kind, ids, by, f"{klass_name.lower()}, {where}")
            if made is None:
                continue
            number += 1
            made["caption"] = text(lang, "figure", n=number, caption=made["caption"])
            charts.append(made)
        sections.append({
            "id": f"{country}-{klass}",
            "title": text(lang, "section", klass=klass_name, country=where),
            "paragraphs": paragraphs(lang, figures, country, klass, n),
            "numbers": summaries(lang, figures, LAYOUT[figures["theme"]]["numbers"], by),
            "numbers_title": text(lang, "key_numbers", where=where),
            "charts": charts,
        })
    prov = figures["provenance"]
    return _env.get_template("survey.html.j2").render(
        lang=lang, t=lambda key, **kw: text(lang, key, **kw), i18n=i18n,
        title=figures["title"][lang], words=words,
        series=words["series"].format(n=figures["bulletin"]),
        internal=figures["audience"] == "internal",
        sample=_sample_rows(lang, figures),
        not_classified=_not_classified(lang, figures),
        sections=sections,
        definitions=[(d["term"][lang], d["text"][lang]) for d in config.get("definitions", [])],
        rules=[figures["counting"][lang]],
        fmt=lambda v: decimal(lang, v),
        withheld_short=text(lang, "withheld_short", min_base=figures["min_base"]),
        note=text(lang, "withheld_note", min_base=figures["min_base"],
                  threshold=figures["disclosure"]["threshold"]),
        built=text(lang, "built", when=prov["built_at"], database=prov["database"],
                   hash=prov["input_sha256"][:16]),
    )


def _chart(lang: str, figures: dict[str, Any], kind: str, ids: list[str],
           by: dict[str, Any], where: str) -> dict[str, Any] | None:
    if kind == "pyramid":
        found = pyramid_rows(lang, figures, by)
        if found is None:
            return None
        rows, bases = found
        base = ", ".join(f"{text(lang, k)}: n = {i18n.num(lang, bases[s])}"
                         for k, s in (("men", "m"), ("women", "f")))
        if not rows:
            small = min((n for n in bases.values() if n is not None), default=None)
            return {"caption": text(lang, "pyramid", where=where), "base": base,
                    "withheld": text(lang, "withheld", n=i18n.num(lang, small),
                                     min_base=figures["min_base"])}
        return {"caption": text(lang, "pyramid", where=where), "base": base,
                "svg": survey_charts.image(survey_charts.svg(survey_charts.pyramid(lang, rows)),
                                           text(lang, "pyramid", where=where))}
    if kind == "stacked":
        panels = [panel(lang, figures, i, by) for i in ids]
        stages = [(text(lang, s), p.n, p.rows) for s, p in zip(STAGES, panels, strict=True)
                  if p is not None and not p.withheld]
        first = next((p for p in panels if p is not None), None)
        if first is None or not stages:
            return None
        options = list(dict.fromkeys(r[0] for _, _, rows in stages for r in rows))
        title = label(lang, first.title, first.id).rstrip("?:. ")
        return {"caption": text(lang, "stages", title=title, where=where), "base": "",
                "svg": survey_charts.image(survey_charts.svg(
                    survey_charts.stacked(lang, stages, options)), title)}
    p = panel(lang, figures, ids[0], by)
    if p is None:
        return None
    caption = f"{label(lang, p.title, p.id).rstrip('?:. ')}, {where}"
    base = text(lang, "base", n=i18n.num(lang, p.n))
    if p.kind in ("multiple", "top"):
        base += f"; {text(lang, 'several')}"
    if p.withheld:
        return {"caption": caption, "base": "", "withheld": text(
            lang, "withheld", n=i18n.num(lang, p.n), min_base=figures["min_base"])}
    return {"caption": caption, "base": base, "svg": survey_charts.image(survey_charts.svg(
        survey_charts.bars(lang, p.rows, ranked=kind == "ranked")), caption)}


def _sample_rows(lang: str, figures: dict[str, Any]) -> list[list[str]]:
    sex: dict[tuple[str, str], dict[str, int | None]] = {}
    for r in figures["sample"]:
        if set(r["by"]) == {"country", "class", "sex"}:
            sex.setdefault((r["by"]["country"], r["by"]["class"]), {})[r["by"]["sex"]] = r["n"]
    rows = []
    for s in figures["sections"]:
        where = figures["methodology"]["countries"].get(s["country"], {})
        period = ""
        if where.get("from"):
            period = f"{where['from']} – {where['to']}"
        places = ", ".join(label(lang, p["label"], p["city"]) for p in where.get("places", []))
        by_sex = sex.get((s["country"], s["class"]), {})
        rows.append([i18n.country_name(lang, s["country"]),
                     class_title(lang, s["class"], figures["labels"]["class"].get(s["class"], {})),
                     i18n.num(lang, s["n"]), i18n.num(lang, by_sex.get("m", 0)),
                     i18n.num(lang, by_sex.get("f", 0)), period, places])
    return rows


def _not_classified(lang: str, figures: dict[str, Any]) -> str:
    rows = figures["not_classified"]
    if not rows:
        return ""
    total = figures["methodology"]["not_classified"]
    names = figures["labels"].get("criterion", {})
    reasons = i18n.listing(lang, [
        f"{label(lang, names.get(r['criterion'], {}), r['criterion']).lower()} "
        f"({i18n.country_name(lang, r['country'])}: {i18n.num(lang, r['n'])})" for r in rows])
    return text(lang, "not_classified", n=i18n.num(lang, total), reasons=reasons)
