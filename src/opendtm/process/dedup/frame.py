"""The matching table: one row per person record, names as keys, dates as comparable parts.

The input is a plain Arrow table (from the store, a file or the benchmark generator) with the
columns of ``INPUT_COLUMNS``; the output adds the keys the model compares and blocks on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from opendtm.domain.namekeys import name_key, skeleton

INPUT_COLUMNS = (
    "unique_id", "partner", "beneficiary_id", "given_name", "family_name", "patronymic",
    "sex", "date_of_birth", "age_years", "registered_on", "nationality", "document_number",
)

MATCHING_SCHEMA = pa.schema([
    ("unique_id", pa.int64()),
    ("partner", pa.string()),
    ("beneficiary_id", pa.string()),
    ("name1", pa.string()),
    ("name2", pa.string()),
    ("name1_sk", pa.string()),
    ("name2_sk", pa.string()),
    ("patronymic", pa.string()),
    ("dob", pa.string()),
    ("dob_swap", pa.string()),
    ("birth_year", pa.int32()),
    ("sex", pa.string()),
    ("nationality", pa.string()),
    ("document", pa.string()),
])

_DOC = re.compile(r"[^0-9A-Z]")


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _swapped(day: dt.date) -> str | None:
    """The date with day and month exchanged, when that is a date and a different one."""
    if day.day > 12 or day.day == day.month:
        return None
    return dt.date(day.year, day.day, day.month).isoformat()


def document_key(value: Any) -> str | None:
    """Document numbers compared on letters and digits only ('AB 123-456' = 'ab123456')."""
    if value is None:
        return None
    key = _DOC.sub("", str(value).upper())
    return key or None


def _birth(dob: dt.date | None, age: Any, registered: dt.date | None) -> int | None:
    if dob is not None:
        return dob.year
    if age is None or age == "" or registered is None:
        return None
    try:
        # Born in one of two years; the earlier is as likely as the later, pick the middle.
        return registered.year - int(age)
    except (TypeError, ValueError):
        return None


def matching_table(records: pa.Table | Iterable[dict[str, Any]]) -> pa.Table:
    """Build the matching table from person records (see INPUT_COLUMNS; missing ones are null)."""
    table = records if isinstance(records, pa.Table) else pa.Table.from_pylist(list(records))
    n = table.num_rows
    col = {
        name: table.column(name).to_pylist() if name in table.column_names else [None] * n
        for name in INPUT_COLUMNS
    }
    out: dict[str, list[Any]] = {field.name: [] for field in MATCHING_SCHEMA}
    for i in range(n):
        key = name_key(col["given_name"][i], col["family_name"][i], col["patronymic"][i])
        dob = _date(col["date_of_birth"][i])
        out["name1"].append(key.first)
        out["name2"].append(key.second)
        out["name1_sk"].append(skeleton(key.first))
        out["name2_sk"].append(skeleton(key.second))
        out["patronymic"].append(key.patronymic)
        out["dob"].append(dob.isoformat() if dob else None)
        out["dob_swap"].append(_swapped(dob) if dob else None)
        out["birth_year"].append(
            _birth(dob, col["age_years"][i], _date(col["registered_on"][i]))
        )
        out["document"].append(document_key(col["document_number"][i]))
    out["unique_id"] = [int(str(v)) for v in col["unique_id"]]
    out["partner"] = [None if v is None else str(v) for v in col["partner"]]
    out["beneficiary_id"] = [None if v is None else str(v) for v in col["beneficiary_id"]]
    out["sex"] = [str(v) if v else None for v in col["sex"]]
    out["nationality"] = [str(v).upper() if v else None for v in col["nationality"]]
    return pa.Table.from_pydict(out, schema=MATCHING_SCHEMA)
