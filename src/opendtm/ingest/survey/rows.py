"""A small reader of tables: CSV and Excel sheets as header + rows of text.

Narrow on purpose: every cell comes back as text ('' when empty), whole numbers without
'.0', dates as ISO 8601. Callers convert by question type. Kobo writes CSV with ';' by
default; the delimiter is sniffed.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[list[str]]  # row i is line i + 2 of the file (line 1 is the header)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def read_workbook(path: Path) -> list[Sheet]:
    """Every sheet of an .xlsx/.xls/.ods file, in order; empty sheets are left out."""
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several error types for a bad file
        raise ValueError(f"{path.name}: not a readable spreadsheet ({exc})") from None
    sheets = []
    for name in book.sheet_names:
        data = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if not data:
            continue
        header = [cell_text(v) for v in data[0]]
        rows = [[cell_text(v) for v in row] for row in data[1:]]
        sheets.append(Sheet(name, header, [r for r in rows if any(r)]))
    return sheets


def read_csv(path: Path) -> Sheet:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        sample = fh.read(64 * 1024)
        fh.seek(0)
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ";,\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(fh, dialect)
        header = [h.strip() for h in next(reader, [])]
        rows = [[v.strip() for v in row] for row in reader if any(row)]
    return Sheet(path.stem, header, rows)


def read_tables(path: Path) -> list[Sheet]:
    """The sheets of a file, by its extension."""
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return [read_csv(path)]
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return read_workbook(path)
    raise ValueError(f"{path.name}: expected .csv, .xlsx, .xls or .ods, not {suffix or 'none'}")
