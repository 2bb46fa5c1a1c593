"""What each survey bulletin shows, and the figures of one country and respondent class.

The layout per theme is data: which indicators become which kind of chart, which numeric
indicators go to the key-numbers table and which ones the narrative speaks of. Everything
is read from the protected figures (``figures.json``), never from the records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .survey_text import label

# chart kinds: pyramid (a bands indicator by sex), bars (questionnaire order), ranked
# (largest first), stacked (several indicators with the same options, one bar each)
LAYOUT: dict[str, dict[str, Any]] = {
    "profile": {
        "charts": [("pyramid", ["age_group"]), ("ranked", ["reasons_migration"]),
                   ("bars", ["marital_status"]), ("bars", ["education"]),
                   ("bars", ["breadwinner"])],
        "numbers": ["age", "household_size", "dependants"],
        "narrative": ["reasons_migration", "education"],
    },
    "trajectory": {
        "charts": [("ranked", ["work_countries"]), ("bars", ["time_abroad"]),
                   ("ranked", ["reasons_return"]), ("bars", ["intention"]),
                   ("ranked", ["why_cannot_return"]), ("ranked", ["nationality"])],
        "numbers": ["months_abroad", "months_in_country"],
        "narrative": ["work_countries", "time_abroad", "intention"],
        "top": ["reasons_return_top3"],
    },
    "remittances": {
        "charts": [("bars", ["remit_sent"]), ("bars", ["remit_frequency"]),
                   ("ranked", ["remit_channel"]), ("bars", ["remit_change"]),
                   ("bars", ["remit_currency"])],
        "numbers": ["remit_amount"],
        "narrative": ["remit_sent", "remit_channel", "remit_change"],
    },
    "employment": {
        "charts": [("stacked", ["emp_before", "emp_during", "emp_now"]),
                   ("stacked", ["sector_before", "sector_during", "sector_now"]),
                   ("bars", ["contract_during"]), ("bars", ["job_lost_covid"])],
        "numbers": [],
        "narrative": ["emp_now", "job_lost_covid", "contract_during"],
    },
    "covid": {
        "charts": [("ranked", ["needs"]), ("bars", ["income_loss"]), ("bars", ["debts"]),
                   ("bars", ["health_access"]), ("bars", ["discrimination"])],
        "numbers": [],
        "narrative": ["income_loss", "debts", "health_access", "discrimination"],
        "top": ["needs_top3"],
    },
}
STAGES = ("before", "during", "after")


@dataclass
class Panel:
    """One indicator for one section: its base, and per option (label, count, percent)."""
    id: str
    kind: str
    title: dict[str, str]
    n: int | None
    withheld: bool
    rows: list[tuple[str, int | None, float | None]] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)


def group(block: dict[str, Any], by: dict[str, Any]) -> dict[str, Any] | None:
    for g in block["groups"]:
        if g["by"] == by:
            found: dict[str, Any] = g
            return found
    return None


def panel(lang: str, figures: dict[str, Any], ind_id: str, by: dict[str, Any]
          ) -> Panel | None:
    block = figures["indicators"].get(ind_id)
    if block is None:
        return None
    g = group(block, by)
    if g is None or (not g["n"] and g["n"] is not None):
        return None
    p = Panel(ind_id, block["kind"], block["title"], g["n"], bool(g["suppressed"]))
    if "values" in g:
        labels = {o["name"]: o["label"] for o in block.get("options", [])}
        for v in g["values"]:
            p.rows.append((label(lang, labels.get(v["option"], {}), str(v["option"])),
                           v["count"], v["percent"]))
    else:
        p.stats = {k: g.get(k) for k in ("mean", "median", "min", "max")}
    return p


def pyramid_rows(lang: str, figures: dict[str, Any], by: dict[str, Any]
                 ) -> tuple[list[tuple[str, Any, Any]], dict[str, int | None]] | None:
    """Per age band (oldest first) the men's and the women's (label, count, percent); no
    rows when either side's base is under the minimum."""
    block = figures["indicators"].get("age_group")
    if block is None:
        return None
    sides = {}
    for sex in ("m", "f"):
        g = group(block, {**by, "sex": sex})
        sides[sex] = g
    if any(g is None for g in sides.values()):
        return None
    if any(g is not None and g["suppressed"] for g in sides.values()):
        return [], {sex: g["n"] if g else None for sex, g in sides.items()}  # withheld
    bands = [o["name"] for o in block["options"]]
    rows = []
    for band in reversed(bands):
        cells = []
        for sex in ("m", "f"):
            g = sides[sex]
            assert g is not None
            v = next(v for v in g["values"] if v["option"] == band)
            cells.append((band, v["count"], v["percent"]))
        rows.append((band, cells[0], cells[1]))
    return rows, {sex: g["n"] if g else None for sex, g in sides.items()}


def summaries(lang: str, figures: dict[str, Any], ids: list[str], by: dict[str, Any]
              ) -> list[dict[str, Any]]:
    """The key-numbers table: one row per numeric indicator (per answer of ``by_answer``)."""
    out = []
    for ind_id in ids:
        block = figures["indicators"].get(ind_id)
        if block is None:
            continue
        for g in block["groups"]:
            extra = block.get("by_answer")
            own = {k: v for k, v in g["by"].items() if k != extra}
            if own != by:
                continue
            title = label(lang, block["title"], ind_id)
            if extra:
                title = f"{title} ({g['by'][extra]})"
            out.append({"title": title, "n": g["n"], "withheld": g["suppressed"],
                        **{k: g.get(k) for k in ("mean", "median", "min", "max")}})
    return out
