"""The bulletin as one self-contained HTML page: Jinja2 template, inline SVG, no links out.

The page is rendered from the same dictionary that is written as ``figures.json``, so the
HTML, the PDF made from it and the JSON cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from . import charts, i18n, maps, narrative
from .config import BulletinConfig
from .sections import Figure, country_figures

_env = Environment(
    loader=PackageLoader("opendtm.publish", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

ROW_KEYS = ("total", "male", "female", "not_recorded", "minors", "boys", "girls")


@dataclass
class Pages:
    """One language of the bulletin: the HTML page (charts as inline SVG) and, when asked
    for, the page WeasyPrint lays out as the PDF (the same page with the charts as PNG
    images, ``images`` by the address the page gives them)."""

    html: str
    pdf: str | None = None
    images: dict[str, bytes] = field(default_factory=dict)


def render(
    model: dict[str, Any], lang: str, config: BulletinConfig,
    step: Callable[[str], None] | None = None,
) -> str:
    """The HTML page of one language."""
    return pages(model, lang, config, step=step).html


def pages(
    model: dict[str, Any], lang: str, config: BulletinConfig, *, pdf: bool = False,
    step: Callable[[str], None] | None = None,
) -> Pages:
    """The HTML page of one language and, with ``pdf``, the page for the PDF; each chart
    is laid out by Vega once, as SVG, and rasterised from that SVG for the PDF."""
    images: dict[str, bytes] = {}
    start = dt.date.fromisoformat(model["period"]["from"])
    end = dt.date.fromisoformat(model["period"]["to"])
    sections = []
    number = 0
    for code, block in model["countries"].items():
        if step:
            step(f"{lang}: {code}")
        name = i18n.country_name(lang, code)
        figures = []
        for fig in country_figures(block):
            number += 1
            svg = figure_svg(lang, code, fig)
            image = None
            if pdf:
                src = f"opendtm-figure:{number}.png"
                images[src] = charts.png(svg)
                image = {"src": src, "width": charts.size(svg)[0]}
            figures.append({
                "number": number,
                "caption": i18n.text(lang, "figure", n=number,
                                     caption=i18n.text(lang, fig.caption, country=name)),
                "svg": Markup(svg),
                "image": image,
                "suppressed": any(n is None for _, n in fig.rows),
            })
        sections.append({
            "code": code,
            "name": name,
            "title": i18n.text(lang, "section", country=name),
            "paragraphs": narrative.paragraphs(lang, code, block, start, end),
            "table_title": i18n.text(lang, "table", country=name),
            "rows": _table_rows(lang, block, model.get("partner_names", {}).get(code, {})),
            "figures": figures,
            "caption": config.caption(lang, code),
        })
    prov = model["provenance"]
    page = _env.get_template("bulletin.html.j2")
    context = dict(
        lang=lang,
        t=lambda key, **kw: i18n.text(lang, key, **kw),
        text=config.text(lang),
        internal=model["audience"] == "internal",
        period=i18n.text(lang, "period", start=i18n.date(lang, start), end=i18n.date(lang, end)),
        sections=sections,
        definitions=config.definitions(lang),
        rules=[rule[lang] for rule in COUNTING_RULES.values()],
        problems=model["problems"],
        threshold=model["disclosure"]["threshold"],
        any_suppressed=bool(model["disclosure"]["suppressed"]),
        built=i18n.text(lang, "built", when=prov["built_at"], database=prov["database"],
                        hash=prov["input_sha256"][:16]),
        columns=[i18n.text(lang, k) for k in ("col_scope", "col_total", "col_male",
                                              "col_female", "col_nr", "col_minors",
                                              "col_boys", "col_girls", "col_ages",
                                              "col_return", "col_food", "col_families",
                                              "col_cons")],
    )
    return Pages(page.render(images=False, **context),
                 page.render(images=True, **context) if pdf else None, images)


def chart_spec(lang: str, country: str, fig: Figure) -> dict[str, Any]:
    """The Vega-Lite spec of a figure: the coverage map, or a bar chart."""
    if fig.slug == "coverage":
        return maps.coverage(lang, country, dict(fig.rows), fig.extra["by_city"],
                             i18n.text(lang, fig.unit))
    return charts.figure_spec(lang, fig)


def figure_svg(lang: str, country: str, fig: Figure) -> str:
    """A figure drawn as SVG to put inside a page (without its XML declaration)."""
    svg = charts.svg(chart_spec(lang, country, fig))
    return svg.split("?>", 1)[1] if svg.startswith("<?xml") else svg


def _table_rows(
    lang: str, block: dict[str, Any], names: dict[str, dict[str, str]]
) -> list[list[str]]:
    """The key figures of the country, then of each partner, named in ``lang``."""
    rows = [_row(lang, i18n.text(lang, "all_partners"), block)]
    for name, sub in block.get("by_partner", {}).items():
        rows.append(_row(lang, names.get(name, {}).get(lang, name), sub))
    return rows


def _row(lang: str, label: str, block: dict[str, Any]) -> list[str]:
    ind = block.get("individuals") or {}
    cells = [label] + [i18n.num(lang, ind[k]) if k in ind else "" for k in ROW_KEYS]
    low, high = ind.get("age_min_years"), ind.get("age_max_years")
    cells.append("" if low is None or high is None else f"{low}–{high}")
    for key in ("return", "food_nfi", "families", "consultations"):
        part = block.get(key) or {}
        cells.append(i18n.num(lang, part["total"]) if "total" in part else "")
    return cells


COUNTING_RULES: dict[str, dict[str, str]] = {
    "individuals": {
        "en": "Individuals are unique persons assisted in the period; a person recorded twice "
              "and merged by de-duplication counts once.",
        "ru": "Человек — уникальное лицо, получившее помощь за период; лицо, записанное "
              "дважды и объединённое при устранении дублей, считается один раз.",
    },
    "per_type": {
        "en": "A person counts once per type of assistance, so the types add up to more than "
              "the individuals.",
        "ru": "Человек учитывается один раз по каждому виду помощи, поэтому сумма по видам "
              "больше числа людей.",
    },
    "minors": {
        "en": "Minors are under 18 on the date of their first assistance in the period; ages "
              "are those on that date.",
        "ru": "Несовершеннолетние — лица младше 18 лет на дату первой помощи за период; "
              "возраст считается на эту дату.",
    },
    "families": {
        "en": "Families assisted as a household are counted separately from individuals.",
        "ru": "Семьи, получившие помощь как домохозяйство, учитываются отдельно от людей.",
    },
    "consultations": {
        "en": "Consultations are contacts, anonymous or not, counted by the sex of the person "
              "consulted.",
        "ru": "Консультации — это обращения, в том числе анонимные, с учётом пола "
              "обратившегося.",
    },
    "partners": {
        "en": "A person helped by two partners counts once for the country and once for each "
              "partner.",
        "ru": "Человек, получивший помощь от двух партнёров, учитывается один раз по стране и "
              "по одному разу у каждого партнёра.",
    },
}
