"""Several small integer codes packed into one BIGINT, for the pass over the rows.

The per-person table is one hash aggregation over every assistance row, and its cost grows
with the width of its group key and of its aggregates. When the scope keys and the
person's attributes are coded (``opendtm.process.coding``) and the person keys lie in
``0 .. 2**32 - 1``, the pass groups by one BIGINT (the scope's codes in the high bits, the
person key in the low 32) and carries the person's attributes as one BIGINT (a person's
attributes are the same on all their rows, so one ``arbitrary`` of the packed value gives
each of them). A field holds its code plus one, zero for null; the packed columns are
unpacked only where the figures read them. The table of a coarser scope is grouped by the
high bits of the finer key that it keeps.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from opendtm.process.coding import Codes

PERSON_BITS = 32
LIMIT = 63  # bits 0..62 of a signed BIGINT
PERSON_MASK = (1 << PERSON_BITS) - 1


@dataclass(frozen=True)
class Field:
    name: str
    offset: int
    width: int


@dataclass(frozen=True)
class Packing:
    """Where the scope keys (above the person key) and the attributes lie."""

    keys: tuple[Field, ...]
    attributes: tuple[Field, ...]

    def key(self, rows: ir.Table) -> ir.IntegerValue:
        """The scope and person of each row as one BIGINT."""
        return _pack(rows, self.keys, rows.person_key.cast("int64"))

    def attributes_of(self, rows: ir.Table) -> ir.IntegerValue:
        """The attributes of each row as one integer (INT when they fit: a narrower
        aggregate state)."""
        packed = _pack(rows, self.attributes, ibis.literal(0, "int64"))
        end = max((f.offset + f.width for f in self.attributes), default=0)
        return packed.cast("int32") if end <= 31 else packed

    def coarser(self, key: ir.IntegerValue, keys: list[str]) -> tuple[ir.IntegerValue, Packing]:
        """The key of the scope of the first ``len(keys)`` keys, from a finer key, and the
        packing of that coarser key."""
        kept = self.keys[:len(keys)]
        drop = sum(f.width for f in self.keys[len(keys):])
        shifted = tuple(Field(f.name, f.offset - drop, f.width) for f in kept)
        high = (key >> (PERSON_BITS + drop)) << PERSON_BITS
        return high | (key & PERSON_MASK), Packing(shifted, self.attributes)

    def unpack(self, key: ir.IntegerValue, attributes: ir.IntegerValue) -> dict[str, ir.Value]:
        """The scope keys, the person key and the attributes as columns of codes."""
        out: dict[str, ir.Value] = {f.name: _field(key, f) for f in self.keys}
        out["person_key"] = key & PERSON_MASK
        out.update({f.name: _field(attributes, f) for f in self.attributes})
        return out


def plan(codes: Codes, keys: list[str], attributes: tuple[str, ...],
         person_range: tuple[int, int] | None) -> Packing | None:
    """The packing of ``keys`` and ``attributes``, or None when a column is not coded, the
    person keys do not fit in 32 bits (``person_range``: their least and greatest, None
    when there are none) or the codes do not fit in one BIGINT."""
    if not all(codes.coded(c) for c in (*keys, *attributes)):
        return None
    if person_range is not None and not (0 <= person_range[0] <= person_range[1] <= PERSON_MASK):
        return None
    key_fields = _fields(codes, keys, PERSON_BITS)
    attribute_fields = _fields(codes, list(attributes), 0)
    if any(f.offset + f.width > LIMIT for f in (*key_fields[-1:], *attribute_fields[-1:])):
        return None
    # the first key in the highest bits: a coarser scope keeps the high bits
    top = key_fields[-1].offset + key_fields[-1].width if key_fields else PERSON_BITS
    ordered, offset = [], top
    for f in key_fields:
        offset -= f.width
        ordered.append(Field(f.name, offset, f.width))
    return Packing(tuple(ordered), tuple(attribute_fields))


def narrow(table: pa.Table, col: str) -> pa.Table:
    """``table`` with its integer column ``col`` as int16 when its values fit (such as
    ages in months): the aggregates over it keep narrower states."""
    column = table[col]
    if not pa.types.is_integer(column.type) or column.type.bit_width <= 16:
        return table
    ends = pc.min_max(column).as_py()
    if ends["min"] is None or not -(1 << 15) <= ends["min"] <= ends["max"] < (1 << 15):
        return table
    return table.set_column(table.schema.get_field_index(col), col, column.cast(pa.int16()))


def _fields(codes: Codes, cols: list[str], start: int) -> list[Field]:
    out, offset = [], start
    for col in cols:
        width = max(1, len(codes.values[col]).bit_length())  # codes + 1, zero for null
        out.append(Field(col, offset, width))
        offset += width
    return out


def _pack(rows: ir.Table, fields: tuple[Field, ...], base: ir.IntegerValue) -> ir.IntegerValue:
    total = base
    for f in fields:
        value = (rows[f.name].cast("int64") + 1).fill_null(0)
        total = total | (value << f.offset) if f.offset else total | value
    return total


def _field(packed: ir.IntegerValue, f: Field) -> ir.IntegerValue:
    value = (packed >> f.offset) & ((1 << f.width) - 1) if f.offset else packed & (
        (1 << f.width) - 1)
    return (value.nullif(0) - 1).cast("int32")
