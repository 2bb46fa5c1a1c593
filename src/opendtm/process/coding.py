"""Small integer codes for the text columns of the fact tables.

Grouping and comparing text costs an engine far more than grouping and comparing small
integers, and the figures group tens of millions of rows by person. So before the figures
are counted, every text column of an Arrow fact table is replaced by the codes of its
values (the indices of an Arrow dictionary: free when the column is already
dictionary-encoded, one hash pass when it is plain text), and the values are kept here,
in Python, to turn the counted codes back into text. Comparisons with a value use its
code; a value absent from the column gets a code no row holds.

Tables of an engine (such as Spark tables on a cluster) are used as they are: their
``Codes`` are empty and every value stands for itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

ABSENT = -1  # the code of a value no row holds


@dataclass
class Codes:
    """The values of each coded column, by code."""

    values: dict[str, list[str]] = field(default_factory=dict)
    _index: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)

    def coded(self, col: str) -> bool:
        return col in self.values

    def code(self, col: str, value: str) -> Any:
        """What a row of ``col`` holds for ``value``: its code, or the value itself."""
        if col not in self.values:
            return value
        index = self._index.get(col)
        if index is None:
            index = self._index[col] = {v: i for i, v in enumerate(self.values[col])}
        return index.get(value, ABSENT)

    def codes(self, col: str, values: list[str]) -> list[Any]:
        return [self.code(col, v) for v in values]

    def decode(self, col: str, value: Any) -> Any:
        """The text of a code read back from the engine (nulls stay null)."""
        if value is None or col not in self.values:
            return value
        return self.values[col][value]


def encode(table: pa.Table) -> tuple[pa.Table, Codes]:
    """The table with each text column replaced by its codes (int32), and the values."""
    codes = Codes()
    columns: list[pa.ChunkedArray] = []
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = pc.dictionary_encode(column)
        if pa.types.is_dictionary(column.type):
            column, values = _indices(column)
            codes.values[name] = values
        columns.append(column)
    return pa.table(columns, names=table.column_names), codes


def _indices(column: pa.ChunkedArray) -> tuple[pa.ChunkedArray, list[str]]:
    """The codes of a dictionary column over one dictionary of distinct values."""
    column = column.unify_dictionaries()
    if not column.num_chunks:
        return pa.chunked_array([], pa.int32()), []
    dictionary = column.chunks[0].dictionary.cast(pa.string())
    indices = pa.chunked_array([c.indices.cast(pa.int32()) for c in column.chunks], pa.int32())
    distinct = pc.unique(dictionary.drop_null())
    if len(distinct) != len(dictionary):  # repeated or null values: renumber
        renumber = pc.index_in(dictionary, value_set=distinct).cast(pa.int32())
        indices = pc.take(renumber, indices)
    return indices, [str(v) for v in distinct.to_pylist()]
