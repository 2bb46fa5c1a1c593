"""The narrative of a survey bulletin's section, in English or Russian, from its figures.

Every number in a sentence comes from the protected figures; a withheld percentage is not
spoken of at all, so nothing can be read from the text that the charts do not show.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import i18n
from .survey_sections import LAYOUT, Panel, panel, summaries
from .survey_text import count, decimal, label, pct, text


def lead(lang: str, figures: dict[str, Any], country: str, klass: str, n: int) -> list[str]:
    where = figures["methodology"]["countries"].get(country, {})
    places = [label(lang, p["label"], p["city"]) for p in where.get("places", [])]
    shown = text(lang, "lead_places", places=i18n.listing(lang, places)) if places else ""
    start, end = where.get("from"), where.get("to")
    out = []
    if start and end:
        out.append(text(lang, "lead", who=count(lang, n, klass),
                        country=i18n.country_name(lang, country),
                        start=i18n.date(lang, dt.date.fromisoformat(start)),
                        end=i18n.date(lang, dt.date.fromisoformat(end)), places=shown))
    sex = panel(lang, figures, "sex", {"country": country, "class": klass})
    if sex is None:
        sex = _sex_from_sample(figures, country, klass)
    if sex is not None and not sex.withheld:
        shares = {r[0]: r[2] for r in sex.rows}
        men, women = _by_code(figures, "m", shares), _by_code(figures, "f", shares)
        if men is not None and women is not None:
            out.append(text(lang, "sexes", men=pct(lang, men), women=pct(lang, women)))
    return out


def _by_code(figures: dict[str, Any], code: str, shares: dict[str, Any]) -> float | None:
    labels = figures["labels"]["sex"].get(code, {})
    for value in labels.values():
        if value in shares:
            found: float | None = shares[value]
            return found
    return shares.get(code)


def _sex_from_sample(figures: dict[str, Any], country: str, klass: str) -> Panel | None:
    rows = {r["by"]["sex"]: r["n"] for r in figures["sample"]
            if set(r["by"]) == {"country", "class", "sex"}
            and r["by"]["country"] == country and r["by"]["class"] == klass}
    total = sum(n for n in rows.values() if n is not None)
    if not total or total < figures["min_base"] or None in rows.values():
        return None
    p = Panel("sex", "distribution", {}, total, False)
    p.rows = [(code, n, 100 * n / total) for code, n in rows.items()]
    return p


def paragraphs(lang: str, figures: dict[str, Any], country: str, klass: str, n: int
               ) -> list[str]:
    by = {"country": country, "class": klass}
    layout = LAYOUT[figures["theme"]]
    out = lead(lang, figures, country, klass, n)
    for ind_id in layout.get("narrative", []):
        p = panel(lang, figures, ind_id, by)
        if p is None or p.withheld or not p.rows:
            continue
        shown = [r for r in p.rows if r[2] is not None]
        if not shown:
            continue
        option, _, share = max(shown, key=lambda r: r[2] or 0)
        out.append(text(lang, "most", question=_question(lang, p), option=option,
                        share=pct(lang, share), n=i18n.num(lang, p.n)))
    for ind_id in layout.get("top", []):
        p = panel(lang, figures, ind_id, by)
        if p is None or p.withheld:
            continue
        items = [f"{o} ({pct(lang, s)})" for o, _, s in p.rows if s is not None]
        if items:
            out.append(text(lang, "top3", items=i18n.listing(lang, items)))
    rows = summaries(lang, figures, layout.get("numbers", [])[:1], by)
    for row in sorted(rows, key=lambda r: -(r["n"] or 0))[:1]:  # the most answered
        if not row["withheld"]:
            out.append(text(lang, "median", question=row["title"],
                            median=decimal(lang, row["median"]),
                            mean=decimal(lang, row["mean"]), n=i18n.num(lang, row["n"])))
    return out


def _question(lang: str, p: Panel) -> str:
    return label(lang, p.title, p.id).rstrip("?:. ")
