"""Key figures of the registry, written once as Ibis expressions.

The same expressions run on any Ibis backend; DuckDB is the default. Figures are computed
for every *scope*: a country, and a partner within a country. Counting rules
(``opendtm.domain.counting``) are applied here and nowhere else.

Arrow fact tables are first coded (``opendtm.process.coding``): every text column becomes
small integer codes, so that the engine groups and compares integers, and the values come
back as text only in the counted figures. The work is then a few queries per level: one
table of the persons counted in each scope (``opendtm.process.person_table``: their sex,
nationality, status, their age at their first assistance overall and within each group of
help, and bit sets of their rows' types, categories, regions and return destinations,
origins and modes, ``opendtm.process.bitsets``); one aggregate over it for every
individuals block and every breakdown read from the bit sets; and one union of the other
breakdowns (``opendtm.process.breakdowns``). The per-person pass groups by one integer
(the scope's codes above the person key) and carries the person's attributes as one
integer (``opendtm.process.packing``). Computed for several levels at once
(``compute_levels``), the persons of a country come from those of its partners, and the
coverage of every scope from one small table of the places and days of assistance.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from opendtm.domain.taxonomy import ADULT_AGE, AssistanceType
from opendtm.process import bitsets, breakdowns, packing, person_table
from opendtm.process.breakdowns import GROUPS, PERSON_BREAKDOWNS, ROW_BREAKDOWNS, Facts
from opendtm.process.coding import Codes

Scope = tuple[str, ...]
Figures = dict[Scope, dict[str, Any]]
MINOR_MONTHS = ADULT_AGE * 12
COUNTRY: list[str] = ["country"]
PARTNER: list[str] = ["country", "partner"]
BLOCK = ("total", "male", "female", "not_recorded", "age_min_months", "age_max_months",
         "minors", "boys", "girls")
__all__ = ["COUNTRY", "GROUPS", "PARTNER", "PERSON_BREAKDOWNS", "ROW_BREAKDOWNS",
           "compute", "compute_levels", "connect"]


def connect() -> ibis.BaseBackend:
    return ibis.duckdb.connect()


def compute(
    assist: pa.Table | ir.Table, contacts: pa.Table | ir.Table, vulns: pa.Table | ir.Table,
    keys: list[str], con: ibis.BaseBackend | None = None, use_bits: bool = True,
) -> Figures:
    """All figures for each scope given by ``keys`` (COUNTRY or PARTNER)."""
    return compute_levels(assist, contacts, vulns, [keys], con, use_bits)[0]


def compute_levels(
    assist: pa.Table | ir.Table, contacts: pa.Table | ir.Table, vulns: pa.Table | ir.Table,
    levels: list[list[str]], con: ibis.BaseBackend | None = None, use_bits: bool = True,
    pack: bool = True,
) -> list[Figures]:
    """All figures for each scope of each level of ``levels`` (such as COUNTRY and PARTNER).

    The facts are Arrow tables (coded, then run in memory on ``con``) or tables of ``con``
    itself, such as Spark tables on a cluster (used as they are). The persons of the finest
    level are counted from the rows and those of the coarser levels from them; on engines
    without ``bit_or`` the row breakdowns are distinct counts over the rows.
    ``use_bits=False`` counts the persons of every level and every row breakdown from the
    rows with distinct counts: the same figures, more passes over the rows. ``pack=False``
    groups the persons by their scope's columns and carries each attribute apart, rather
    than packed into integers (``opendtm.process.packing``): the same figures."""
    con = con or connect()
    facts = Facts.of(assist, contacts, vulns)
    a, codes = facts.a, facts.codes[0]
    people = a.filter(a.person_key.notnull())
    is_return = people.type == codes.code("type", AssistanceType.RETURN.value)
    bits = use_bits and bitsets.supported(con)
    sets = (bitsets.plan(con, people, ROW_BREAKDOWNS, is_return, codes)
            if bits else bitsets.BitSets())

    def packed(keys: list[str]) -> packing.Packing | None:
        return (packing.plan(codes, keys, person_table.ATTRIBUTES, facts.person_range)
                if pack and bits else None)

    finest = max(levels, key=len)
    fine_packing = packed(finest)
    fine = _once(con, person_table.view(person_table.from_rows(
        people, finest, sets, codes, fine_packing), sets, codes, fine_packing))
    spots = breakdowns.spots(con, facts)
    results = []
    for keys in levels:
        if keys == finest:
            persons = fine
        else:
            if use_bits and keys == finest[:len(keys)]:
                table, how = person_table.coarser(fine, keys, sets, fine_packing)
            else:
                how = packed(keys)
                table = person_table.from_rows(people, keys, sets, codes, how)
            persons = _once(con, person_table.view(table, sets, codes, how))
        results.append(_level(con, facts, persons, sets, keys, spots))
    return results


def _level(
    con: ibis.BaseBackend, facts: Facts, persons: ir.Table, sets: bitsets.BitSets,
    keys: list[str], spots: list[dict[str, Any]],
) -> Figures:
    out: Figures = defaultdict(dict)

    def put(path: str, rows: dict[Scope, Any]) -> None:
        for scope, value in rows.items():
            node = out[scope]
            *parents, leaf = path.split(".")
            for p in parents:
                node = node.setdefault(p, {})
            node[leaf] = value

    codes = facts.codes[0]
    blocks, bits = _per_scope(con, persons, sets, keys, codes)
    long = breakdowns.long(con, facts, persons, keys, [n for n in ROW_BREAKDOWNS
                                                        if n not in sets.columns])
    for group in GROUPS:
        put(group, blocks[group])
    for col, (name, groups) in PERSON_BREAKDOWNS.items():
        for group in groups:
            put(name if group == "individuals" else f"{group}.{name}",
                long.get(f"{col}:{group}", {}))
    for name in sets.columns:
        put(name, bits[name])
    for name in ROW_BREAKDOWNS:
        if name not in sets.columns:
            put(name, long.get(name, {}))
    for name in ("families.total", "families.by_nationality", "vulnerabilities",
                 "consultations", "consultations.by_topic", "consultations.by_channel"):
        put(name, long.get(name, {}))
    put("coverage", breakdowns.coverage(spots, keys))
    return dict(out)


def _once(con: ibis.BaseBackend, t: ir.Table) -> ir.Table:
    """A per-person table feeds several figures: on DuckDB it is computed once, into a
    temporary table; other engines plan it into each query."""
    if con.name != "duckdb":
        return t
    table: ir.Table = con.create_table(f"opendtm_{uuid.uuid4().hex}", t, temp=True)
    return table


def _per_scope(
    con: ibis.BaseBackend, p: ir.Table, sets: bitsets.BitSets, keys: list[str], codes: Codes,
) -> tuple[dict[str, dict[Scope, Any]], dict[str, dict[Scope, Any]]]:
    """The individuals block of every group and the breakdowns read from the bit sets.
    The persons are folded into profiles, each with its number of persons ``w``: the
    persons of a scope alike in sex, groups and minority (with their youngest and oldest
    ages), and those alike in bit sets; the few thousand profiles are then summed here,
    rather than a hundred-odd conditional counts over every person in the engine."""
    flags = {group: (ibis.literal(True) if flag is None else p[flag].fill_null(False))
             for group, (flag, _) in GROUPS.items()}
    ages = sorted({age for _, age in GROUPS.values()})
    profiles = p.group_by([
        *keys, "sex", *(f.name(f"in_{g}") for g, f in flags.items()),
        *((p[age] < MINOR_MONTHS).name(f"minor_{age}") for age in ages),
    ]).aggregate(w=ibis._.count(), **{f"min_{age}": p[age].min() for age in ages},
                 **{f"max_{age}": p[age].max() for age in ages})
    blocks = _blocks(con.to_pyarrow(profiles).to_pylist(), keys, codes)
    bits: dict[str, dict[Scope, Any]] = {name: {} for name in sets.columns}
    if sets.columns:
        bp = p.group_by([*keys, *sets.bit_columns()]).aggregate(w=ibis._.count())
        scopes, counted = sets.count(con.to_pyarrow(bp.order_by(keys)), keys)
        for name, per_scope in counted.items():
            for raw, cells in zip(scopes, per_scope, strict=True):
                if cells:
                    scope = tuple(codes.decode(k, v) for k, v in zip(keys, raw, strict=True))
                    bits[name][scope] = breakdowns.ordered(cells)
    return blocks, bits


def _blocks(
    profiles: list[dict[str, Any]], keys: list[str], codes: Codes,
) -> dict[str, dict[Scope, Any]]:
    """The individuals block of every group in every scope, from the profiles."""
    male, female = codes.code("sex", "m"), codes.code("sex", "f")
    sums: dict[str, dict[Scope, dict[str, Any]]] = {group: {} for group in GROUPS}
    for row in profiles:
        scope = tuple(codes.decode(k, row[k]) for k in keys)
        sex, w = row["sex"], int(row["w"])
        for group, (_, age) in GROUPS.items():
            if not row[f"in_{group}"]:
                continue
            block = sums[group].setdefault(scope, dict.fromkeys(BLOCK))
            minor = bool(row[f"minor_{age}"])
            for name, yes in (("total", True), ("male", sex == male), ("female", sex == female),
                              ("not_recorded", sex is None), ("minors", minor),
                              ("boys", minor and sex == male),
                              ("girls", minor and sex == female)):
                block[name] = (block[name] or 0) + (w if yes else 0)
            for end, pick in (("min", min), ("max", max)):
                months, have = row[f"{end}_{age}"], block[f"age_{end}_months"]
                if months is not None:
                    block[f"age_{end}_months"] = months if have is None else pick(have, months)
    for per_scope in sums.values():
        for block in per_scope.values():
            for end in ("min", "max"):
                months = block[f"age_{end}_months"]
                block[f"age_{end}_years"] = None if months is None else months // 12
    return {group: {s: b for s, b in per_scope.items() if b["total"]}
            for group, per_scope in sums.items()}
