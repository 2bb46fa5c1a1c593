"""Distinct persons by a column of the assistance rows, counted from bit sets.

Counting the distinct persons of each type, category, region or return destination over
the assistance rows takes one hash aggregation keyed by person per breakdown. Instead, the
per-person table carries, for each such column, the set of values the person's rows hold
as bits (``bit_or`` of one bit per value, packed 63 to a BIGINT column), so that every
breakdown becomes a scan of the persons: the persons with value *k* are those whose bit
*k* is set. A column's values are those of its codes (``opendtm.process.coding``: a row's
bit is ``1 << code``), or, for a column of text, its distinct values in the rows (a row's
bit is a ``CASE`` over them). Each column's bits lie in one BIGINT; a column of more values
than that (such as cities), or past ``WORDS`` BIGINTs, is left to the distinct count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.common.exceptions as exc
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from opendtm.process.coding import Codes

BITS = 63  # bits 0..62 of a signed BIGINT
WORDS = 4  # BIGINTs per person at most


@dataclass
class Slots:
    """Where a column's values lie: bits ``offset`` onwards of BIGINT ``word``."""

    col: str
    values: list[str]
    word: int
    offset: int
    coded: bool


@dataclass
class BitSets:
    """The bits of each breakdown's column: breakdown name -> its slots."""

    columns: dict[str, Slots] = field(default_factory=dict)
    only: ir.BooleanValue | None = None  # the rows of the breakdowns marked "only"
    marked: set[str] = field(default_factory=set)

    def bit_columns(self) -> list[str]:
        words = {s.word for s in self.columns.values() if s.values}
        return [f"bits_{w}" for w in sorted(words)]

    def aggregates(self, rows: ir.Table) -> dict[str, ir.Value]:
        """The per-person aggregates: each BIGINT is a sum of disjoint bits per row, folded
        by ``bit_or``."""
        parts: dict[int, list[ir.IntegerValue]] = {}
        zero = ibis.literal(0, "int64")
        for name, s in self.columns.items():
            if not s.values:  # no row holds a value: no bits to set
                continue
            if s.coded:
                shift = rows[s.col].cast("int64") + s.offset
                part = (ibis.literal(1).cast("int64") << shift).fill_null(zero)
            else:
                part = rows[s.col].cases(
                    *((v, ibis.literal(1 << (s.offset + i), "int64"))
                      for i, v in enumerate(s.values)),
                    else_=zero,
                )
            if name in self.marked and self.only is not None:
                part = ibis.ifelse(self.only, part, zero)
            parts.setdefault(s.word, []).append(part)
        out: dict[str, ir.Value] = {}
        for word, terms in sorted(parts.items()):
            total = terms[0]
            for term in terms[1:]:
                total = total + term
            out[f"bits_{word}"] = total.bit_or()
        return out

    def count(
        self, profiles: pa.Table, keys: list[str],
    ) -> tuple[list[tuple[Any, ...]], dict[str, list[dict[str, int]]]]:
        """The persons with each value of every breakdown in each scope, from ``profiles``:
        the scope keys, the bit sets and ``w``, the persons with those bits, sorted by the
        keys. Returns the scopes in order and, per breakdown, ``{value: persons}`` of each
        (values of no one left out)."""
        if not profiles.num_rows:
            return [], {name: [] for name in self.columns}
        change = np.zeros(profiles.num_rows, dtype=bool)
        change[0] = True
        for k in keys:
            col = profiles[k].to_numpy(zero_copy_only=False)
            change[1:] |= col[1:] != col[:-1]
        starts = np.flatnonzero(change)
        scopes = list(zip(*(profiles[k].take(starts).to_pylist() for k in keys), strict=True))
        weight = profiles["w"].to_numpy(zero_copy_only=False).astype(np.int64)
        out: dict[str, list[dict[str, int]]] = {}
        for name, s in self.columns.items():
            if not s.values:
                out[name] = [{} for _ in starts]
                continue
            bits = profiles[f"bits_{s.word}"].to_numpy(zero_copy_only=False).astype(np.int64)
            counts = [np.add.reduceat(((bits >> (s.offset + i)) & 1) * weight, starts)
                      for i in range(len(s.values))]
            out[name] = [{v: int(n[j]) for v, n in zip(s.values, counts, strict=True) if n[j]}
                         for j in range(len(starts))]
        return scopes, out

    def has(self, persons: ir.Table, name: str, values: list[str]) -> ir.BooleanValue | None:
        """Whether a person's rows hold any of ``values`` of breakdown ``name``, read from
        the bits (None when the bits do not hold that breakdown)."""
        s = self.columns.get(name)
        if s is None or name in self.marked:
            return None
        mask = sum(1 << (s.offset + i) for i, v in enumerate(s.values) if v in values)
        if not mask:
            return ibis.literal(False)
        return (persons[f"bits_{s.word}"] & ibis.literal(mask, "int64")) != 0


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
    only: ir.BooleanValue, codes: Codes | None = None,
) -> BitSets:
    """Place the values of each column (``name -> (column, only those rows)``): a coded
    column's values are its codes; the distinct values of the others are read in one
    query. Columns that do not fit are left out of the plan."""
    codes = codes or Codes()
    text = {name: (col, marked) for name, (col, marked) in columns.items()
            if not codes.coded(col)}
    found: dict[str, Any] = {}
    if text:
        lists = rows.aggregate(**{
            name: rows[col].collect(distinct=True, where=only if marked else None)
            for name, (col, marked) in text.items()
        })
        found = con.to_pyarrow(lists).to_pylist()[0]
    sets = BitSets(only=only, marked={name for name, (_, m) in columns.items() if m})
    word, used = 0, 0
    for name, (col, _) in columns.items():
        coded = codes.coded(col)
        values = codes.values[col] if coded else sorted(str(v) for v in found[name] or [])
        if len(values) > BITS:
            continue
        if used + len(values) > BITS:
            word, used = word + 1, 0
        if word >= WORDS:
            break
        sets.columns[name] = Slots(col, values, word, used, coded)
        used += len(values)
    return sets
