"""Survey answers as a typed Arrow table (one row per submission), ready for Ibis."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa

from opendtm.domain.xlsform import FormSpec


def arrow_type(spec: FormSpec, name: str) -> pa.DataType:
    if not spec.has(name):
        return pa.string()
    kind = spec.question(name).type
    if kind == "integer":
        return pa.int64()
    if kind in ("decimal", "range"):
        return pa.float64()
    if kind == "date":
        return pa.date32()
    if kind in ("select_multiple", "rank"):
        return pa.list_(pa.string())
    return pa.string()


def frame(spec: FormSpec, records: Iterable[Mapping[str, Any]], names: Iterable[str]) -> pa.Table:
    """The named answers of every record as typed columns (missing answers are null).

    Text columns are dictionary-encoded: answers repeat a few options many times, and
    grouping on dictionaries is faster.
    """
    rows = records if isinstance(records, list) else list(records)
    names = list(dict.fromkeys(names))
    kinds = {n: arrow_type(spec, n) for n in names}
    # Arrow converts the dicts in C++; dates come as ISO text and are cast after.
    schema = pa.schema([(n, pa.string() if k == pa.date32() else k) for n, k in kinds.items()])
    table = pa.Table.from_pylist(rows, schema=schema)
    arrays = {}
    for name, kind in kinds.items():
        column = table[name]
        if kind == pa.date32():
            arrays[name] = column.cast(kind)
        elif kind == pa.string():
            arrays[name] = column.dictionary_encode()
        else:
            arrays[name] = column
    return pa.table(arrays)
