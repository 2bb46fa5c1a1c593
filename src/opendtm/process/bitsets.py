"""Distinct persons by a column of the assistance rows, counted from bit sets.

Counting the distinct persons of each type, category, region or return destination over
the assistance rows takes one hash aggregation keyed by person per breakdown. Instead, the
per-person table carries, for each such column, the set of values the person's rows hold
as bits (``bit_or`` of one bit per value; the values of all the columns are numbered in
turn and packed 63 to a BIGINT column), so that every breakdown becomes a scan of the
persons: the persons with value *k* are those whose bit *k* is set. The values are numbered
from the distinct values in the rows; the columns that would take the bits past
``MAX_BITS`` (a column of many values, such as cities) are left to the distinct count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.common.exceptions as exc
import ibis.expr.types as ir

BITS = 63  # bits 0..62 of a signed BIGINT
MAX_BITS = BITS * 4  # all the columns' values together


@dataclass
class BitSets:
    """The numbered values of each column: breakdown name -> (column, its values)."""

    columns: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    only: ir.BooleanValue | None = None  # the rows of the breakdowns marked "only"
    marked: set[str] = field(default_factory=set)

    def slots(self) -> list[tuple[str, str, str]]:
        """(breakdown, column, value) of every bit, numbered across all the columns."""
        return [(name, col, v) for name, (col, values) in self.columns.items() for v in values]

    def bit_columns(self) -> list[str]:
        return [f"bits_{j}" for j in range(0, (len(self.slots()) + BITS - 1) // BITS)]

    def aggregates(self, rows: ir.Table) -> dict[str, ir.Value]:
        """The per-person aggregates: the bits of all the columns' values packed 63 to a
        BIGINT (a sum of disjoint bits per row), one ``bit_or`` per BIGINT."""
        slots = self.slots()
        out: dict[str, ir.Value] = {}
        for j in range(0, len(slots), BITS):
            by_name: dict[str, list[tuple[int, str, str]]] = {}
            for k, (name, col, value) in enumerate(slots[j:j + BITS]):
                by_name.setdefault(name, []).append((k, col, value))
            parts: list[ir.IntegerValue] = []
            for name, bits in by_name.items():
                col = bits[0][1]
                part = rows[col].cases(
                    *((v, ibis.literal(1 << k, "int64")) for k, _, v in bits),
                    else_=ibis.literal(0, "int64"),
                )
                if name in self.marked and self.only is not None:
                    part = ibis.ifelse(self.only, part, ibis.literal(0, "int64"))
                parts.append(part)
            total = parts[0]
            for part in parts[1:]:
                total = total + part
            out[f"bits_{j // BITS}"] = total.bit_or()
        return out

    def counts(
        self, con: ibis.BaseBackend, persons: ir.Table, keys: list[str],
    ) -> dict[str, list[dict[str, Any]]]:
        """Per breakdown, rows of the scope keys, ``value`` and ``n`` (persons with it)."""
        metrics: dict[str, ir.Value] = {}
        slots = self.slots()
        for k in range(len(slots)):
            mask = ibis.literal(1 << (k % BITS), "int64")
            metrics[f"m_{k}"] = ((persons[f"bits_{k // BITS}"] & mask) != 0).sum()
        result: dict[str, list[dict[str, Any]]] = {name: [] for name in self.columns}
        if not metrics:
            return result
        for row in con.to_pyarrow(persons.group_by(keys).aggregate(**metrics)).to_pylist():
            scope = {k: row[k] for k in keys}
            for k, (name, _, value) in enumerate(slots):
                result[name].append({**scope, "value": value, "n": int(row[f"m_{k}"] or 0)})
        return result


def supported(con: ibis.BaseBackend) -> bool:
    """Whether the engine has ``bit_or`` (DuckDB, PostgreSQL and SQLite do; Ibis has no
    PySpark rule for it)."""
    t = ibis.table({"x": "int64"}, name="t")
    try:
        con.compile(t.aggregate(b=(t.x & 1).bit_or()))
    except exc.OperationNotDefinedError:
        return False
    return True


def plan(
    con: ibis.BaseBackend, rows: ir.Table, columns: dict[str, tuple[str, bool]],
    only: ir.BooleanValue,
) -> BitSets:
    """Number the distinct values of each column (``name -> (column, only those rows)``)
    in one query; columns with too many values are left out of the plan."""
    lists = rows.aggregate(**{
        name: rows[col].collect(distinct=True, where=only if marked else None)
        for name, (col, marked) in columns.items()
    })
    found = con.to_pyarrow(lists).to_pylist()[0]
    sets = BitSets(only=only, marked={name for name, (_, m) in columns.items() if m})
    used = 0
    for name, (col, _) in columns.items():
        values = sorted(str(v) for v in found[name] or [])
        if used + len(values) <= MAX_BITS:
            sets.columns[name] = (col, values)
            used += len(values)
    return sets
