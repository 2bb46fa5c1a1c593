"""Write the blank assistance template as CSV or XLSX, from :mod:`.template`.

The CSV holds the header and the HXL row. The workbook adds a sheet describing every
column and a sheet of allowed values, both in English and Russian.
"""

from __future__ import annotations

import csv
from pathlib import Path

from . import template as t

FORMATS = ("csv", "xlsx")


def write_template(path: Path, fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown template format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(t.NAMES)
            out.writerow([c.hxl or "" for c in t.COLUMNS])
        return
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "assistance"
    sheet.append(list(t.NAMES))
    sheet.append([c.hxl or "" for c in t.COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A3"
    columns = book.create_sheet("columns")
    columns.append(["column", "HXL", "required", "description", "описание"])
    for c in t.COLUMNS:
        required = "yes" if c.name in t.REQUIRED or c.name in ("country", "partner") else ""
        columns.append([c.name, c.hxl or "", required, c.description, c.description_ru])
    allowed = book.create_sheet("allowed values")
    allowed.append(["column", "code", "English", "русский"])
    for row in t.allowed_values():
        allowed.append(list(row))
    for ws in (columns, allowed):
        for cell in ws[1]:
            cell.font = Font(bold=True)
    book.save(path)
