"""Key figures of the registry, written once as Ibis expressions.

The same expressions run on any Ibis backend; DuckDB is the default. Figures are computed
for every *scope*: a country, and a partner within a country. Counting rules
(``opendtm.domain.counting``) are applied here and nowhere else.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from opendtm.domain.taxonomy import (
    ADULT_AGE,
    MIGRATION_LAW_TOPICS,
    PRE_DEPARTURE,
    AssistanceCategory,
    AssistanceType,
)

Scope = tuple[str, ...]
Figures = dict[Scope, dict[str, Any]]
MINOR_MONTHS = ADULT_AGE * 12
COUNTRY: list[str] = ["country"]
PARTNER: list[str] = ["country", "partner"]


def connect() -> ibis.BaseBackend:
    return ibis.duckdb.connect()


def compute(
    assist: pa.Table | ir.Table, contacts: pa.Table | ir.Table, vulns: pa.Table | ir.Table,
    keys: list[str], con: ibis.BaseBackend | None = None,
) -> Figures:
    """All figures for each scope given by ``keys`` (COUNTRY or PARTNER).

    The facts are Arrow tables (run in memory on ``con``) or tables of ``con`` itself, such
    as Spark tables on a cluster."""
    con = con or connect()
    a, c, v = (t if isinstance(t, ir.Table) else ibis.memtable(t)
               for t in (assist, contacts, vulns))
    out: Figures = defaultdict(dict)

    def put(path: str, rows: dict[Scope, Any]) -> None:
        for scope, value in rows.items():
            node = out[scope]
            *parents, leaf = path.split(".")
            for p in parents:
                node = node.setdefault(p, {})
            node[leaf] = value

    people = a.filter(a.person_key.notnull())
    persons = _once(con, _persons(people, keys))
    put("individuals", _individuals(con, persons, keys))
    for col, name in (
        ("nationality", "by_nationality"),
        ("migrant_status", "by_status"),
        ("previous_country", "by_previous_country"),
    ):
        put(name, _count_by(con, persons, keys, col))
    returnees = persons.filter(persons.migrant_status == "returnee")
    put("returnees", _individuals(con, returnees, keys))
    put("returnees.by_nationality", _count_by(con, returnees, keys, "nationality"))
    put("by_type", _unique_by(con, people, keys, "type"))
    put("by_category", _unique_by(con, people, keys, "category"))
    put("by_region", _unique_by(con, people, keys, "admin1_code"))
    put("by_city", _unique_by(con, people, keys, "city"))

    ret = people.filter(people.type == AssistanceType.RETURN.value)
    put("return", _individuals(con, _persons(ret, keys), keys))
    put("return.by_destination", _unique_by(con, ret, keys, "return_to"))
    put("return.by_origin", _unique_by(con, ret, keys, "return_from"))
    put("return.by_mode", _unique_by(con, ret, keys, "transport_mode"))

    food = people.filter(people.category == AssistanceCategory.FOOD_NFI.value)
    food_persons = _once(con, _persons(food, keys))
    put("food_nfi", _individuals(con, food_persons, keys))
    put("food_nfi.by_nationality", _count_by(con, food_persons, keys, "nationality"))

    pre = people.filter(people.type.isin([t.value for t in PRE_DEPARTURE]))
    pre_persons = _once(con, _persons(pre, keys))
    put("pre_departure", _individuals(con, pre_persons, keys))
    put("pre_departure.by_nationality", _count_by(con, pre_persons, keys, "nationality"))
    put("pre_departure.by_status", _count_by(con, pre_persons, keys, "migrant_status"))

    fam = a.filter(a.family_id.notnull() & a.person_key.isnull())
    families = fam.group_by([*keys, "family_id"]).aggregate(
        nationality=fam.family_nationality.arbitrary()
    )
    put("families.total", _scalar(con, families.group_by(keys).aggregate(n=ibis._.count()), keys))
    put("families.by_nationality", _count_by(con, families, keys, "nationality"))

    pv = persons.join(v, persons.person_key == v.person_key)
    put("vulnerabilities", _count_by(con, pv, keys, "vulnerability"))

    put("consultations", _contacts(con, c, keys))
    put("consultations.by_topic", _sum_by(con, c, keys, "topic"))
    put("consultations.by_channel", _sum_by(con, c, keys, "channel"))

    coverage = a.group_by(keys).aggregate(
        partners=a.partner.nunique(),
        regions=a.admin1_code.nunique(),
        places=a.city.fill_null(a.admin1_code).nunique(),
        first_day=a.delivered_on.min(),
        last_day=a.delivered_on.max(),
    )
    for row in con.to_pyarrow(coverage).to_pylist():
        scope = tuple(row.pop(k) for k in keys)
        for day in ("first_day", "last_day"):
            row[day] = None if row[day] is None else row[day].isoformat()
        out[scope]["coverage"] = row
    for row in con.to_pyarrow(a.select(*keys, "admin1_code").distinct()).to_pylist():
        scope = tuple(row[k] for k in keys)
        cov = out[scope].setdefault("coverage", {})
        if row["admin1_code"]:
            cov.setdefault("region_codes", []).append(row["admin1_code"])
    for block in out.values():
        block.get("coverage", {}).get("region_codes", []).sort()
    return dict(out)


def _once(con: ibis.BaseBackend, t: ir.Table) -> ir.Table:
    """A per-person table feeds several figures: on DuckDB it is computed once, into a
    temporary table; other engines plan it into each query."""
    if con.name != "duckdb":
        return t
    table: ir.Table = con.create_table(f"opendtm_{uuid.uuid4().hex}", t, temp=True)
    return table


def _persons(people: ir.Table, keys: list[str]) -> ir.Table:
    """One row per counted person in each scope: age at the first assistance in scope."""
    return people.group_by([*keys, "person_key"]).aggregate(
        sex=people.sex.arbitrary(),
        age_months=people.age_months.min(),
        nationality=people.nationality.arbitrary(),
        migrant_status=people.migrant_status.arbitrary(),
        previous_country=people.previous_country.arbitrary(),
    )


def _individuals(con: ibis.BaseBackend, p: ir.Table, keys: list[str]) -> dict[Scope, Any]:
    minor = p.age_months < MINOR_MONTHS
    agg = p.group_by(keys).aggregate(
        total=p.count(),
        male=(p.sex == "m").sum(),
        female=(p.sex == "f").sum(),
        not_recorded=p.sex.isnull().sum(),
        age_min_months=p.age_months.min(),
        age_max_months=p.age_months.max(),
        minors=minor.sum(),
        boys=(minor & (p.sex == "m")).sum(),
        girls=(minor & (p.sex == "f")).sum(),
    )
    result: dict[Scope, Any] = {}
    for row in con.to_pyarrow(agg).to_pylist():
        scope = tuple(row.pop(k) for k in keys)
        for k in ("male", "female", "not_recorded", "minors", "boys", "girls"):
            row[k] = int(row[k] or 0)
        for end in ("min", "max"):
            months = row[f"age_{end}_months"]
            row[f"age_{end}_years"] = None if months is None else months // 12
        result[scope] = row
    return result


def _count_by(con: ibis.BaseBackend, t: ir.Table, keys: list[str], col: str) -> dict[Scope, Any]:
    agg = t.filter(t[col].notnull()).group_by([*keys, col]).aggregate(n=ibis._.count())
    return _nest(con, agg, keys, col)


def _unique_by(con: ibis.BaseBackend, t: ir.Table, keys: list[str], col: str) -> dict[Scope, Any]:
    agg = t.filter(t[col].notnull()).group_by([*keys, col]).aggregate(n=t.person_key.nunique())
    return _nest(con, agg, keys, col)


def _sum_by(con: ibis.BaseBackend, t: ir.Table, keys: list[str], col: str) -> dict[Scope, Any]:
    agg = t.group_by([*keys, col]).aggregate(n=t.contacts.sum())
    return _nest(con, agg, keys, col)


def _nest(con: ibis.BaseBackend, agg: ir.Table, keys: list[str], col: str) -> dict[Scope, Any]:
    result: dict[Scope, dict[str, int]] = defaultdict(dict)
    rows = sorted(con.to_pyarrow(agg).to_pylist(), key=lambda r: (-r["n"], str(r[col])))
    for row in rows:
        result[tuple(row[k] for k in keys)][str(row[col])] = int(row["n"])
    return result


def _scalar(con: ibis.BaseBackend, agg: ir.Table, keys: list[str]) -> dict[Scope, Any]:
    return {tuple(r[k] for k in keys): int(r["n"]) for r in con.to_pyarrow(agg).to_pylist()}


def _contacts(con: ibis.BaseBackend, c: ir.Table, keys: list[str]) -> dict[Scope, Any]:
    law = c.topic.isin([t.value for t in MIGRATION_LAW_TOPICS])
    agg = c.group_by(keys).aggregate(
        total=c.contacts.sum(),
        male=(c.sex == "m").ifelse(c.contacts, 0).sum(),
        female=(c.sex == "f").ifelse(c.contacts, 0).sum(),
        not_recorded=c.sex.isnull().ifelse(c.contacts, 0).sum(),
        migration_law=law.ifelse(c.contacts, 0).sum(),
    )
    result: dict[Scope, Any] = {}
    for row in con.to_pyarrow(agg).to_pylist():
        scope = tuple(row.pop(k) for k in keys)
        result[scope] = {k: int(v or 0) for k, v in row.items()}
    return result
