"""HXL exports of a survey bulletin: one CSV per indicator, every group of every breakdown.

A header row and an HXL hashtag row, then one row per option and group (or one row per
group for a numeric indicator). A withheld count or percentage is left empty and flagged
in the ``#meta+suppressed`` column.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DIMENSIONS = [("country", "Country", "#country+code"),
              ("class", "Respondent class", "#respondee+type"),
              ("sex", "Sex", "#respondee+sex"),
              ("age_group", "Age group", "#respondee+age"),
              ]
CATEGORICAL = [("Option", "#indicator+option"), ("Count", "#indicator+num"),
               ("Percent", "#indicator+pct")]
NUMERIC = [("Answer", "#indicator+by"), ("Mean", "#indicator+mean"),
           ("Median", "#indicator+median"), ("Minimum", "#indicator+min"),
           ("Maximum", "#indicator+max")]
TAIL = [("Respondents who answered", "#respondee+num"), ("Suppressed", "#meta+suppressed")]


def write(figures: dict[str, Any], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number, (ind_id, block) in enumerate(figures["indicators"].items(), start=1):
        path = folder / f"{figures['theme']}_{number:02d}_{ind_id}.csv"
        numeric = block["kind"] == "summary"
        middle = NUMERIC if numeric else CATEGORICAL
        with path.open("w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow([h for _, h, _ in DIMENSIONS] + [h for h, _ in middle + TAIL])
            out.writerow([t for _, _, t in DIMENSIONS] + [t for _, t in middle + TAIL])
            for g in block["groups"]:
                dims = [g["by"].get(d, "") for d, _, _ in DIMENSIONS]
                if numeric:
                    stats = [g.get(k) for k in ("mean", "median", "min", "max")]
                    flag = "yes" if g["suppressed"] else ""
                    out.writerow(dims + [g["by"].get(block.get("by_answer") or "", "")]
                                 + ["" if s is None else s for s in stats]
                                 + ["" if g["n"] is None else g["n"], flag])
                    continue
                for v in g["values"]:
                    flag = "yes" if v["count"] is None or v["percent"] is None else ""
                    out.writerow([*dims, v["option"], _blank(v["count"]),
                                  _blank(v["percent"]), _blank(g["n"]), flag])
        written.append(path)
    return written


def _blank(value: Any) -> Any:
    return "" if value is None else value
