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

from opendtm.domain.namekeys import name_parts, patronymic_key, skeleton

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


def _mapped(column: pa.ChunkedArray | pa.Array, function: Any) -> pa.Array:
    """Apply a text function once per distinct value (names repeat a lot)."""
    encoded = pc.dictionary_encode(column).combine_chunks() if isinstance(
        column, pa.ChunkedArray) else pc.dictionary_encode(column)
    values = pa.array([function(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return pc.take(values, encoded.indices)


def _name_columns(table: pa.Table) -> tuple[pa.Array, pa.Array, pa.Array]:
    """name1, name2 and patronymic keys, computed once per distinct (given, family) pair."""
    given = _column(table, "given_name", pa.string())
    family = _column(table, "family_name", pa.string())
    rows = pa.table({"g": given, "f": family, "row": pa.array(range(table.num_rows), pa.int64())})
    distinct = rows.group_by(["g", "f"], use_threads=False).aggregate([])
    parts = [name_parts(g, f) for g, f in zip(distinct.column("g").to_pylist(),
                                               distinct.column("f").to_pylist(), strict=True)]
    keyed = distinct.append_column("n1", pa.array([p[0] for p in parts], pa.string())) \
        .append_column("n2", pa.array([p[1] for p in parts], pa.string())) \
        .append_column("fp", pa.array([" ".join(p[2]) or None for p in parts], pa.string()))
    joined = rows.join(keyed, ["g", "f"], use_threads=False).sort_by("row")
    own = _mapped(_column(table, "patronymic", pa.string()), patronymic_key)
    found = _mapped(joined.column("fp"), patronymic_key)
    return (joined.column("n1").combine_chunks(), joined.column("n2").combine_chunks(),
            pc.coalesce(own, found))


def matching_table(records: pa.Table | Iterable[dict[str, Any]]) -> pa.Table:
    """Build the matching table from person records (see INPUT_COLUMNS; missing ones are null)."""
    if not isinstance(records, pa.Table):
        rows = list(records)
        records = pa.table({name: [row.get(name) for row in rows] for name in INPUT_COLUMNS})
    table = records
    name1, name2, patronymic = _name_columns(table)
    dob = _column(table, "date_of_birth", pa.date32())
    documents = pc.replace_substring_regex(
        pc.utf8_upper(_column(table, "document_number", pa.string())), r"[^0-9A-Z]", ""
    )
    birth_year = _birth_year(dob, _column(table, "age_years", pa.int64()),
                             _column(table, "registered_on", pa.date32()))
    columns = {
        "unique_id": _column(table, "unique_id", pa.int64()),
        "partner": _column(table, "partner", pa.string()),
        "beneficiary_id": _column(table, "beneficiary_id", pa.string()),
        "name1": name1,
        "name2": name2,
        "name1_sk": _mapped(name1, skeleton),
        "name2_sk": _mapped(name2, skeleton),
        "name1_initial": pc.utf8_slice_codeunits(name1, 0, 1),
        "name2_initial": pc.utf8_slice_codeunits(name2, 0, 1),
        "patronymic": patronymic,
        "dob": _iso(dob),
        "dob_swap": _swapped(dob),
        "birth_year": birth_year,
        "birth_year_lo": pc.if_else(pc.is_null(dob), pc.subtract(birth_year, 1), birth_year),
        "sex": _column(table, "sex", pa.string()),
        "nationality": pc.utf8_upper(_column(table, "nationality", pa.string())),
        "document": pc.if_else(pc.equal(documents, ""), pa.scalar(None, pa.string()),
                               documents),
    }
    return pa.table(columns, schema=MATCHING_SCHEMA)
