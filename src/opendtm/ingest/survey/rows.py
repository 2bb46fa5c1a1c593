"""A small reader of tables: CSV and Excel sheets as header + rows of text.

Narrow on purpose: every cell comes back as text ('' when empty), whole numbers without
'.0', dates as ISO 8601. Callers convert by question type. Kobo writes CSV with ';' by
default; the delimiter is sniffed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TextIO

from python_calamine import CalamineWorkbook


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[list[Any]]  # text, or as the spreadsheet typed it: pass through cell_text
    first_row: int = 2  # the number users see for rows[0]: line 2 under a header; record 1


def cell_text(value: Any) -> str:
    if type(value) is float:
        return str(int(value)) if value.is_integer() else repr(value)
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
        # Cells stay as calamine gives them (text, float, date): callers convert the cells
        # they use with cell_text, most of a wide export is never looked at.
        sheets.append(Sheet(name, header, [r for r in data[1:] if any(r)]))
    return sheets


def read_csv(path: Path) -> Sheet:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return _csv_sheet(fh, path.stem)


def _csv_sheet(fh: TextIO, name: str) -> Sheet:
    sample = fh.read(64 * 1024)
    fh.seek(0)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(fh, dialect)
    header = [h.strip() for h in next(reader, [])]
    rows = [[v.strip() for v in row] for row in reader if any(row)]
    return Sheet(name, header, rows)


def read_zip(path: Path) -> list[Sheet]:
    """An ODK Central export (``FORM.csv``, ``FORM-repeat.csv``, ``FORM-repeat-nested.csv``
    ...): one sheet per CSV, outer repeats before the repeats nested in them, so that every
    row's parent is read before it. Attachments (``media/``) are not read."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ValueError(f"{path.name}: not a readable zip file") from None
    with archive:
        members = [m for m in archive.namelist()
                   if m.lower().endswith(".csv") and not m.startswith(("media/", "__MACOSX"))]
        if not members:
            raise ValueError(f"{path.name}: the zip file holds no .csv file")
        members.sort(key=lambda m: (PurePosixPath(m).stem.count("-"), m))
        sheets = []
        for member in members:
            with archive.open(member) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                sheets.append(_csv_sheet(io.StringIO(text.read()), PurePosixPath(member).stem))
    return sheets


def read_tables(path: Path) -> list[Sheet]:
    """The sheets of a file, by its extension."""
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return [read_csv(path)]
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return read_workbook(path)
    if suffix == ".json":
        return read_json(path)
    if suffix == ".zip":
        return read_zip(path)
    raise ValueError(f"{path.name}: expected .csv, .xlsx, .xls, .ods, .json or .zip, "
                     f"not {suffix or 'no extension'}")


def read_json(path: Path) -> list[Sheet]:
    """A Kobo API v2 (``results``) or ODK OData (``value``) JSON export as sheets.

    Nested groups become ``group/question`` columns; repeats become sheets of their own,
    linked to their submission by ``_parent_index``.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path.name}: not JSON ({exc.msg} at line {exc.lineno})") from None
    records = data.get("results", data.get("value")) if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise ValueError(f"{path.name}: expected a Kobo 'results' or an OData 'value' list")
    main: list[dict[str, str]] = []
    repeats: dict[str, list[dict[str, str]]] = {}
    for i, record in enumerate(records, start=1):
        flat: dict[str, str] = {"_index": str(i)}
        _flatten(record, "", flat, repeats, i)
        main.append(flat)
    sheets = [_sheet(path.stem, main)]
    sheets += [_sheet(name, rows) for name, rows in repeats.items()]
    return sheets


def _flatten(obj: Any, prefix: str, flat: dict[str, str],
             repeats: dict[str, list[dict[str, str]]], parent: int) -> None:
    if not isinstance(obj, dict):
        return
    for key, value in obj.items():
        if key.endswith("@odata.navigationLink"):
            continue
        if key == "__id":
            flat["_uuid"] = str(value)
            continue
        if key == "__system" and isinstance(value, dict):
            flat["_submission_time"] = cell_text(value.get("submissionDate"))
            continue
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, f"{name}/", flat, repeats, parent)
        elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
            rows = repeats.setdefault(name.rsplit("/", 1)[-1], [])
            for item in value:
                child: dict[str, str] = {"_parent_index": str(parent)}
                _flatten(item, "", child, repeats, parent)
                rows.append(child)
        elif isinstance(value, list):
            flat[name] = " ".join(cell_text(v) for v in value)
        else:
            flat[name] = cell_text(value)


def _sheet(name: str, records: list[dict[str, str]]) -> Sheet:
    header = list(dict.fromkeys(k for r in records for k in r))
    return Sheet(name, header, [[r.get(h, "") for h in header] for r in records], first_row=1)
