"""The breakdowns of the figures that are not read from the per-person aggregate, in one
query per level, and the coverage of every scope.

Persons by nationality, status and previous country (in each group of help), families,
vulnerabilities, consultations, and the distinct persons by a column of the rows when the
bit sets do not hold it: each is an aggregate of the same long shape (the scope keys, the
figure's name, a value and its counts), and all of them are one ``UNION ALL``, so that a
level costs one round trip to the engine rather than one per breakdown. The coverage
(partners, regions, places, first and last day) of every scope of every level comes from
one small table of the distinct places of assistance.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from opendtm.domain.taxonomy import MIGRATION_LAW_TOPICS, AssistanceType
from opendtm.process import packing
from opendtm.process.coding import Codes, encode

# groups of persons with their own individuals block: name -> (flag column, age column);
# a person's age in a group is the age at the first assistance of that group
GROUPS: dict[str, tuple[str | None, str]] = {
    "individuals": (None, "age_months"),
    "returnees": ("returnee", "age_months"),
    "return": ("got_return", "age_return"),
    "food_nfi": ("got_food_nfi", "age_food_nfi"),
    "pre_departure": ("got_pre_departure", "age_pre_departure"),
}
# per-person breakdowns: column -> the groups it is given for, and the figure's name
PERSON_BREAKDOWNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "nationality": ("by_nationality", ("individuals", "returnees", "food_nfi",
                                       "pre_departure")),
    "migrant_status": ("by_status", ("individuals", "pre_departure")),
    "previous_country": ("by_previous_country", ("individuals",)),
}
# distinct persons by a column of the assistance rows: figure -> (column, only return rows)
ROW_BREAKDOWNS: dict[str, tuple[str, bool]] = {
    "by_type": ("type", False),
    "by_category": ("category", False),
    "by_region": ("admin1_code", False),
    "by_city": ("city", False),
    "return.by_destination": ("return_to", True),
    "return.by_origin": ("return_from", True),
    "return.by_mode": ("transport_mode", True),
}
COUNTS = ("individuals", "returnees", "food_nfi", "pre_departure")  # the counts of a row
CONSULTATIONS = ("total", "male", "female", "not_recorded", "migration_law")


@dataclass
class Facts:
    """The assistance, contact and vulnerability facts as tables of the engine, and the
    codes of their text columns (empty for tables of the engine itself)."""

    a: ir.Table
    c: ir.Table
    v: ir.Table
    codes: tuple[Codes, Codes, Codes]
    person_range: tuple[int, int] | None = None  # the least and greatest person key

    @classmethod
    def of(cls, *tables: pa.Table | ir.Table) -> Facts:
        if all(isinstance(t, pa.Table) for t in tables):
            coded = [encode(t) for t in tables if isinstance(t, pa.Table)]
            coded[0] = (packing.narrow(coded[0][0], "age_months"), coded[0][1])
            a, c, v = (ibis.memtable(t) for t, _ in coded)
            ends = pc.min_max(coded[0][0]["person_key"]).as_py()
            span = (None if ends["min"] is None else (int(ends["min"]), int(ends["max"])))
            return cls(a, c, v, (coded[0][1], coded[1][1], coded[2][1]), span)
        a, c, v = (t if isinstance(t, ir.Table) else ibis.memtable(t) for t in tables)
        return cls(a, c, v, (Codes(), Codes(), Codes()))

    def types(self) -> tuple[str, str]:
        """The types of the scope keys and values in the long table."""
        return ("int64", "int64") if self.codes[0].values else ("string", "string")


def long(
    con: ibis.BaseBackend, facts: Facts, persons: ir.Table, keys: list[str],
    unique: list[str],
) -> dict[str, dict[tuple[str, ...], Any]]:
    """Figure name -> {scope: figure} for every breakdown of the module's docstring;
    ``unique`` names the row breakdowns to count as distinct persons over the rows."""
    a, c, v = facts.a, facts.c, facts.v
    ca, cc, cv = facts.codes
    key_type, value_type = facts.types()
    arms: list[ir.Table] = []
    decode: dict[str, tuple[Codes, Codes, str | None]] = {}

    def arm(name: str, t: ir.Table, col: str | None, counts: dict[str, ir.Value],
            key_codes: Codes, value_codes: Codes) -> None:
        agg = t.group_by([*keys, *([col] if col else [])]).aggregate(**counts)
        arms.append(agg.select(
            **{k: agg[k].cast(key_type) for k in keys},
            figure=ibis.literal(name),
            value=agg[col].cast(value_type) if col else ibis.null().cast(value_type),
            **{n: agg[n].cast("int64") if n in counts else ibis.null().cast("int64")
               for n in COUNTS},
        ))
        decode[name] = (key_codes, value_codes, col)

    for col, (_, groups) in PERSON_BREAKDOWNS.items():
        p = persons.filter(persons[col].notnull())
        arm(col, p, col, {g: ibis._.count() if GROUPS[g][0] is None
                          else p[str(GROUPS[g][0])].fill_null(False).sum() for g in groups},
            ca, ca)
    people = a.filter(a.person_key.notnull())
    ret = people.filter(people.type == ca.code("type", AssistanceType.RETURN.value))
    for name in unique:
        col, only_return = ROW_BREAKDOWNS[name]
        rows = ret if only_return else people
        rows = rows.filter(rows[col].notnull())
        arm(name, rows, col, {"individuals": rows.person_key.nunique()}, ca, ca)
    fam = a.filter(a.family_id.notnull() & a.person_key.isnull())
    families = fam.group_by([*keys, "family_id"]).aggregate(
        nationality=fam.family_nationality.arbitrary())
    arm("families.total", families, None, {"individuals": ibis._.count()}, ca, ca)
    named = families.filter(families.nationality.notnull())
    arm("families.by_nationality", named, "nationality", {"individuals": ibis._.count()},
        ca, Codes({"nationality": ca.values.get("family_nationality", [])})
        if ca.coded("family_nationality") else ca)
    pv = persons.join(v, persons.person_key == v.person_key)
    pv = pv.filter(pv.vulnerability.notnull())
    arm("vulnerabilities", pv, "vulnerability", {"individuals": ibis._.count()}, ca, cv)
    law = c.topic.isin(cc.codes("topic", [t.value for t in MIGRATION_LAW_TOPICS]))
    for name, where in (("total", None), ("male", c.sex == cc.code("sex", "m")),
                        ("female", c.sex == cc.code("sex", "f")),
                        ("not_recorded", c.sex.isnull()), ("migration_law", law)):
        n = c.contacts if where is None else where.ifelse(c.contacts, 0)
        arm(f"consultations:{name}", c, None, {"individuals": n.sum()}, cc, cc)
    for col in ("topic", "channel"):
        arm(f"consultations.by_{col}", c, col, {"individuals": c.contacts.sum()}, cc, cc)
    return _read(con.to_pyarrow(ibis.union(*arms)).to_pylist(), keys, decode)


def _read(
    rows: list[dict[str, Any]], keys: list[str],
    decode: dict[str, tuple[Codes, Codes, str | None]],
) -> dict[str, dict[tuple[str, ...], Any]]:
    cells: dict[str, dict[tuple[str, ...], dict[str, int]]] = defaultdict(
        lambda: defaultdict(dict))
    out: dict[str, dict[tuple[str, ...], Any]] = defaultdict(dict)
    for row in rows:
        name = row["figure"]
        key_codes, value_codes, col = decode[name]
        scope = tuple(key_codes.decode(k, row[k]) for k in keys)
        if name == "families.total":
            out[name][scope] = int(row["individuals"])
        elif name.startswith("consultations:"):
            block = out["consultations"].setdefault(scope, {})
            block[name.split(":")[1]] = int(row["individuals"] or 0)
        elif name in PERSON_BREAKDOWNS:
            value = str(value_codes.decode(name, row["value"]))
            for group in PERSON_BREAKDOWNS[name][1]:
                if row[group]:
                    cells[f"{name}:{group}"][scope][value] = int(row[group])
        elif row["individuals"]:
            value = str(value_codes.decode(str(col), row["value"]))
            cells[name][scope][value] = int(row["individuals"])
    for name, scopes in cells.items():
        out[name] = {scope: ordered(counted) for scope, counted in scopes.items()}
    for scope, block in out.get("consultations", {}).items():
        out["consultations"][scope] = {k: block.get(k, 0) for k in CONSULTATIONS}
    return out


def ordered(counted: dict[str, int]) -> dict[str, int]:
    """``{value: n}``, largest first; cells of no one are left out."""
    return {v: n for v, n in sorted(counted.items(), key=lambda c: (-c[1], c[0])) if n}


def spots(con: ibis.BaseBackend, facts: Facts) -> list[dict[str, Any]]:
    """The distinct (country, partner, region, place) of the assistance rows, with their
    first and last day, decoded."""
    a, codes = facts.a, facts.codes[0]
    cols = ["country", "partner", "admin1_code", "city"]
    agg = a.group_by(cols).aggregate(first_day=a.delivered_on.min(),
                                     last_day=a.delivered_on.max())
    rows = con.to_pyarrow(agg).to_pylist()
    return [{**r, **{k: codes.decode(k, r[k]) for k in cols}} for r in rows]


def coverage(rows: list[dict[str, Any]], keys: list[str]) -> dict[tuple[str, ...], Any]:
    """Partners, regions, places, the first and last day, and the region codes of each
    scope, from :func:`spots`."""
    by_scope: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_scope[tuple(r[k] for k in keys)].append(r)
    out: dict[tuple[str, ...], Any] = {}
    for scope, spots_ in by_scope.items():
        regions = {r["admin1_code"] for r in spots_ if r["admin1_code"] is not None}
        first = [r["first_day"] for r in spots_ if r["first_day"] is not None]
        last = [r["last_day"] for r in spots_ if r["last_day"] is not None]
        block: dict[str, Any] = {
            "partners": len({r["partner"] for r in spots_ if r["partner"] is not None}),
            "regions": len(regions),
            "places": len({r["city"] if r["city"] is not None else r["admin1_code"]
                           for r in spots_} - {None}),
            "first_day": min(first).isoformat() if first else None,
            "last_day": max(last).isoformat() if last else None,
        }
        if regions:
            block["region_codes"] = sorted(regions)
        out[scope] = block
    return out
