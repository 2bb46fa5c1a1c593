"""A digest of fact rows that names what a bulletin was counted from.

Two bulletins with the same digest were built from the same rows, whichever engine held
them: each value is written as text (integers in decimal, dates as ISO days, lists as
JSON, a missing value as ``\\N``; a backslash, separator or line break in a text escaped
with a backslash), the values of a row joined by the unit separator and ended by a line break,
and the lines fed to SHA-256 straight from Arrow's buffer, after a line of column names for
each table. Arrow makes the lines (no Python object per row).
"""

from __future__ import annotations

import hashlib
import json

import pyarrow as pa
import pyarrow.compute as pc

BATCH = 100_000
MISSING = "\\N"
SEPARATOR = "\x1f"


def input_hash(*tables: pa.Table) -> str:
    """SHA-256 of the rows of ``tables``, in a form that does not depend on the engine or
    on how the rows are chunked."""
    digest = hashlib.sha256()
    for table in tables:
        digest.update((SEPARATOR.join(table.schema.names) + "\n").encode())
        for batch in table.to_batches(BATCH):
            if batch.num_rows:
                _lines(digest, batch)
        digest.update(b"\x00")
    return digest.hexdigest()


def _lines(digest: hashlib._Hash, batch: pa.RecordBatch) -> None:
    texts = [pc.fill_null(_text(column), MISSING) for column in batch.columns]
    end = pa.array(["\n"] * batch.num_rows, pa.string())
    lines = pc.binary_join_element_wise(*texts, end, SEPARATOR) if texts else end
    _, offsets, values = lines.buffers()
    assert offsets is not None
    ends = memoryview(offsets).cast("i")
    data = memoryview(values) if values is not None else memoryview(b"")
    digest.update(data[ends[lines.offset]:ends[lines.offset + len(lines)]])


def _text(column: pa.Array) -> pa.Array:
    """The column as text; text values escaped as in PostgreSQL's COPY (a backslash, the
    separator and a line break), so that no value reads as the missing marker or splits."""
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    if pa.types.is_nested(column.type):  # lists (a survey's several choices), structs: JSON
        return pa.array([None if v is None else json.dumps(v, default=str, sort_keys=True,
                                                            ensure_ascii=False)
                         for v in column.to_pylist()], pa.string())
    if not pa.types.is_string(column.type):
        return pc.cast(column, pa.string())
    for plain, escaped in (("\\", "\\\\"), (SEPARATOR, "\\x1f"), ("\n", "\\n")):
        column = pc.replace_substring(column, plain, escaped)
    return column
