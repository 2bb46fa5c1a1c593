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
    arrays = {}
    for name in dict.fromkeys(names):
        kind = arrow_type(spec, name)
        values = [r.get(name) for r in rows]
        if kind == pa.date32():
            arrays[name] = pa.array(values, pa.string()).cast(kind)
        elif kind == pa.string():
            arrays[name] = pa.array(values, kind).dictionary_encode()
        else:
            arrays[name] = pa.array(values, kind)
    return pa.table(arrays)
