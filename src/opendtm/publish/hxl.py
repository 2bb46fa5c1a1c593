"""HXL exports: one CSV per figure, a header row and an HXL hashtag row, then the counts.

A suppressed count is left empty and flagged in the ``#meta+suppressed`` column.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from .sections import HXL_COUNTRY, Figure, country_figures

HEADERS = {
    "#adm1+code": "Region code",
    "#sex": "Sex",
    "#sector+code": "Type of assistance",
    "#country+code+dest": "Country of destination",
    "#country+code+origin": "Country of origin",
    "#reached+ind": "Individuals",
    "#reached+hh": "Families",
    "#reached+contacts": "Consultations",
}
SUPPRESSED_TAG = "#meta+suppressed"


def write(countries: dict[str, Any], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for code, block in countries.items():
        for number, fig in enumerate(country_figures(block), start=1):
            path = folder / f"{code}_{number:02d}_{fig.slug}.csv"
            _write_one(path, code, fig)
            written.append(path)
    return written


def _write_one(path: Path, country: str, fig: Figure) -> None:
    column, count = fig.hxl_tags
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["Country", HEADERS[column], HEADERS[count], "Suppressed"])
        out.writerow([HXL_COUNTRY, column, count, SUPPRESSED_TAG])
        for code, n in fig.rows:
            out.writerow([country, code, "" if n is None else n, "yes" if n is None else ""])
