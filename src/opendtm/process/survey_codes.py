"""Survey answers as integer codes: the columnar copy that tabulation scans.

Every text answer (a select_one, a dimension) becomes a small integer, the position of its
value in the column's dictionary; every several-answer list becomes a list of such
integers. Grouping and counting on integers costs a fraction of the same work on text; the
few rows of each result are decoded back to the answers' names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

KEEP_AS_TEXT = ("failed_criteria",)


@dataclass
class Prepared:
    """The coded answers (an Ibis table) and, per coded column, its values by code."""
    table: ir.Table
    values: dict[str, list[Any]]

    def decode(self, column: str, code: Any) -> Any:
        if code is None or column not in self.values:
            return code
        return self.values[column][code]

    def codes(self, column: str, wanted: list[Any]) -> list[int]:
        """The codes of the wanted values that occur in the column (others match nothing)."""
        known = self.values.get(column, [])
        return [known.index(v) for v in wanted if v in known]

    def code(self, column: str, value: Any) -> int | None:
        found = self.codes(column, [value])
        return found[0] if found else None

    def decode_rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for row in rows:
            for name, value in row.items():
                if name in self.values and value is not None:
                    row[name] = self.values[name][value]
        return rows


def encode(table: pa.Table) -> Prepared:
    arrays: dict[str, pa.Array] = {}
    values: dict[str, list[Any]] = {}
    table = table.unify_dictionaries()
    for name in table.column_names:
        column = table[name]
        kind = column.type
        if pa.types.is_dictionary(kind) and name not in KEEP_AS_TEXT and column.num_chunks:
            # already coded (one dictionary for every chunk after unify_dictionaries)
            values[name] = column.chunk(0).dictionary.to_pylist()
            arrays[name] = pa.concat_arrays([c.indices for c in column.chunks])
            continue
        if pa.types.is_dictionary(kind):
            column = column.cast(kind.value_type)
            kind = kind.value_type
        array = column.combine_chunks()
        if name in KEEP_AS_TEXT:
            arrays[name] = array
        elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
            coded = pc.dictionary_encode(array)
            values[name] = coded.dictionary.to_pylist()
            arrays[name] = coded.indices
        elif pa.types.is_list(kind) and pa.types.is_string(kind.value_type):
            offsets = array.offsets
            if len(offsets) and offsets[0].as_py():
                offsets = pc.subtract(offsets, offsets[0])
            coded = pc.dictionary_encode(pc.list_flatten(array))
            values[name] = coded.dictionary.to_pylist()
            arrays[name] = pa.ListArray.from_arrays(offsets, coded.indices,
                                                    mask=array.is_null())
        else:
            arrays[name] = array
    return Prepared(ibis.memtable(pa.table(arrays)), values)
