"""The matching table: one row per person record, names as keys, dates as comparable parts.

The input is a plain Arrow table (from the store, a file or the benchmark generator) with the
columns of ``INPUT_COLUMNS``; the output adds the keys the model compares and blocks on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from opendtm.domain.namekeys import NameKey, name_key, skeleton

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
    ("name1_initial", pa.string()),
    ("name2_initial", pa.string()),
    ("patronymic", pa.string()),
    ("dob", pa.string()),
    ("dob_swap", pa.string()),
    ("birth_year", pa.int32()),
    ("birth_year_lo", pa.int32()),  # the year before, when the year comes from an age
    ("sex", pa.string()),
    ("nationality", pa.string()),
    ("document", pa.string()),
])

_DOC = re.compile(r"[^0-9A-Z]")


def document_key(value: Any) -> str | None:
    """Document numbers compared on letters and digits only ('AB 123-456' = 'ab123456')."""
    if value is None:
        return None
    key = _DOC.sub("", str(value).upper())
    return key or None


def _column(table: pa.Table, name: str, kind: pa.DataType) -> pa.ChunkedArray:
    if name not in table.column_names:
        return pa.chunked_array([pa.nulls(table.num_rows, kind)])
    column = table.column(name)
    if pa.types.is_date(kind) and pa.types.is_timestamp(column.type):
        return pc.cast(column, pa.date32())
    if column.type != kind:
        column = pc.cast(column, kind)  # e.g. ISO text to dates; a bad value raises
    return column


def _iso(dates: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.strftime(dates, format="%Y-%m-%d")


def _swapped(dob: pa.ChunkedArray) -> pa.ChunkedArray:
    """The date with day and month exchanged, when that is a date and a different one."""
    day, month = pc.day(dob), pc.month(dob)
    text = pc.binary_join_element_wise(
        pc.cast(pc.year(dob), pa.string()),
        pc.utf8_lpad(pc.cast(day, pa.string()), 2, "0"),
        pc.utf8_lpad(pc.cast(month, pa.string()), 2, "0"),
        "-",
    )
    possible = pc.and_(pc.less_equal(day, 12), pc.not_equal(day, month))
    return pc.if_else(possible, text, pa.scalar(None, pa.string()))


def _birth_year(dob: pa.ChunkedArray, age: pa.ChunkedArray,
                registered: pa.ChunkedArray) -> pa.ChunkedArray:
    # From an age, the later of the two possible birth years; blocking and comparison allow
    # one year either way.
    from_age = pc.subtract(pc.year(registered), pc.cast(age, pa.int64()))
    return pc.cast(pc.coalesce(pc.year(dob), from_age), pa.int32())


def matching_table(records: pa.Table | Iterable[dict[str, Any]]) -> pa.Table:
    """Build the matching table from person records (see INPUT_COLUMNS; missing ones are null)."""
    table = records if isinstance(records, pa.Table) else pa.Table.from_pylist(list(records))
    text = {name: _column(table, name, pa.string()).to_pylist()
            for name in ("given_name", "family_name", "patronymic")}
    keys: dict[tuple[str | None, str | None, str | None], NameKey] = {}
    names = []
    for triple in zip(text["given_name"], text["family_name"], text["patronymic"], strict=True):
        key = keys.get(triple)
        if key is None:
            key = keys[triple] = name_key(*triple)
        names.append(key)
    first = [k.first for k in names]
    second = [k.second for k in names]
    dob = _column(table, "date_of_birth", pa.date32())
    documents = _column(table, "document_number", pa.string()).to_pylist()
    birth_year = _birth_year(dob, _column(table, "age_years", pa.int64()),
                             _column(table, "registered_on", pa.date32()))
    columns = {
        "unique_id": _column(table, "unique_id", pa.int64()),
        "partner": _column(table, "partner", pa.string()),
        "beneficiary_id": _column(table, "beneficiary_id", pa.string()),
        "name1": pa.array(first, pa.string()),
        "name2": pa.array(second, pa.string()),
        "name1_sk": pa.array([skeleton(v) for v in first], pa.string()),
        "name2_sk": pa.array([skeleton(v) for v in second], pa.string()),
        "name1_initial": pa.array([v[0] if v else None for v in first], pa.string()),
        "name2_initial": pa.array([v[0] if v else None for v in second], pa.string()),
        "patronymic": pa.array([k.patronymic for k in names], pa.string()),
        "dob": _iso(dob),
        "dob_swap": _swapped(dob),
        "birth_year": birth_year,
        "birth_year_lo": pc.if_else(pc.is_null(dob), pc.subtract(birth_year, 1), birth_year),
        "sex": _column(table, "sex", pa.string()),
        "nationality": pc.utf8_upper(_column(table, "nationality", pa.string())),
        "document": pa.array([document_key(v) for v in documents], pa.string()),
    }
    return pa.table(columns, schema=MATCHING_SCHEMA)
