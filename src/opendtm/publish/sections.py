"""The figures of a country section, as data: one list feeds the charts, the map and HXL.

Each figure holds its rows as ``(code, count)`` pairs (a count is ``None`` where disclosure
control suppressed it), what it counts, and the HXL hashtags of its export.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# the hashtag of a figure's category column and of its count column
HXL_COUNTRY = "#country+code"


@dataclass(frozen=True)
class Figure:
    slug: str
    caption: str  # key into i18n.TEXT
    dimension: str  # region, sex, category, country
    unit: str  # axis_people, axis_families or axis_contacts
    rows: list[tuple[str, int | None]]
    whole: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def hxl_tags(self) -> tuple[str, str]:
        column = {
            "region": "#adm1+code",
            "sex": "#sex",
            "category": "#sector+code",
            "destination": "#country+code+dest",
            "origin": "#country+code+origin",
        }[self.dimension]
        count = {"axis_people": "#reached+ind", "axis_families": "#reached+hh",
                 "axis_contacts": "#reached+contacts"}[self.unit]
        return column, count


def country_figures(block: dict[str, Any]) -> list[Figure]:
    """The seed's figures, for those the country has data for: coverage map, share by sex,
    by type of assistance, return by destination, families by nationality, consultations by
    sex."""
    out: list[Figure] = []
    ind = block.get("individuals") or {}
    regions = block.get("by_region") or {}
    if regions:
        out.append(Figure("coverage", "cap_map", "region", "axis_people",
                          list(regions.items()), extra={"by_city": block.get("by_city") or {}}))
    if ind.get("total"):
        rows = [("m", ind.get("male")), ("f", ind.get("female"))]
        if ind.get("not_recorded"):
            rows.append(("not_recorded", ind["not_recorded"]))
        out.append(Figure("sex", "cap_sex", "sex", "axis_people", rows, ind.get("total")))
        cats = block.get("by_category") or {}
        out.append(Figure("assistance_type", "cap_type", "category", "axis_people",
                          list(cats.items()), ind.get("total")))
    ret = block.get("return") or {}
    if ret.get("total"):
        out.append(Figure("return_destination", "cap_dest", "destination", "axis_people",
                          list((ret.get("by_destination") or {}).items()), ret["total"]))
    fam = block.get("families") or {}
    if fam.get("total"):
        out.append(Figure("families_origin", "cap_fam", "origin", "axis_families",
                          list((fam.get("by_nationality") or {}).items()), fam["total"]))
    cons = block.get("consultations") or {}
    if cons.get("total"):
        rows = [("m", cons.get("male")), ("f", cons.get("female"))]
        if cons.get("not_recorded"):
            rows.append(("not_recorded", cons["not_recorded"]))
        out.append(Figure("consultations_sex", "cap_cons", "sex", "axis_contacts", rows,
                          cons["total"]))
    return out
