"""Key figures of the registry, written once as Ibis expressions.

The same expressions run on any Ibis backend; DuckDB is the default. Figures are computed
for every *scope*: a country, and a partner within a country. Counting rules
(``opendtm.domain.counting``) are applied here and nowhere else.

The work is a few passes: one table of the persons counted in each scope
(``opendtm.process.person_table``: their sex, nationality, status, their age at their first
assistance overall and within each group of help), from which every per-person figure of
every group is one conditional aggregate; and the persons by type, category, region and
return destination, origin and mode from bit sets the same table carries
(``opendtm.process.bitsets``), so that each of those breakdowns is a scan of the persons
rather than another distinct count over the rows. Computed for several levels at once
(``compute_levels``), the persons of a country come from those of its partners.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from opendtm.domain.taxonomy import ADULT_AGE, MIGRATION_LAW_TOPICS, AssistanceType
from opendtm.process import bitsets, person_table

Scope = tuple[str, ...]
Figures = dict[Scope, dict[str, Any]]
MINOR_MONTHS = ADULT_AGE * 12
COUNTRY: list[str] = ["country"]
PARTNER: list[str] = ["country", "partner"]

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
) -> list[Figures]:
    """All figures for each scope of each level of ``levels`` (such as COUNTRY and PARTNER).

    The facts are Arrow tables (run in memory on ``con``) or tables of ``con`` itself, such
    as Spark tables on a cluster. The persons of the finest level are counted from the rows
    and those of the coarser levels from them; on engines without ``bit_or`` the row
    breakdowns are distinct counts over the rows. ``use_bits=False`` counts the persons of
    every level and every row breakdown from the rows with distinct counts: the same
    figures, more passes over the rows."""
    con = con or connect()
    a, c, v = (t if isinstance(t, ir.Table) else ibis.memtable(t)
               for t in (assist, contacts, vulns))
    people = a.filter(a.person_key.notnull())
    is_return = people.type == AssistanceType.RETURN.value
    sets = (bitsets.plan(con, people, ROW_BREAKDOWNS, is_return)
            if use_bits and bitsets.supported(con) else bitsets.BitSets())
    finest = max(levels, key=len)
    fine = _once(con, person_table.from_rows(people, finest, sets.aggregates(people)))
    results = []
    for keys in levels:
        if keys == finest:
            persons = fine
        elif use_bits and keys == finest[:len(keys)]:
            persons = _once(con, person_table.coarser(fine, keys, sets.bit_columns()))
        else:
            persons = _once(con, person_table.from_rows(people, keys, sets.aggregates(people)))
        results.append(_level(con, (a, c, v), persons, sets, keys))
    return results


def _level(
    con: ibis.BaseBackend, facts: tuple[ir.Table, ir.Table, ir.Table], persons: ir.Table,
    sets: bitsets.BitSets, keys: list[str],
) -> Figures:
    a, c, v = facts
    out: Figures = defaultdict(dict)

    def put(path: str, rows: dict[Scope, Any]) -> None:
        for scope, value in rows.items():
            node = out[scope]
            *parents, leaf = path.split(".")
            for p in parents:
                node = node.setdefault(p, {})
            node[leaf] = value

    for group, rows in _groups(con, persons, keys).items():
        put(group, rows)
    for col, (name, groups) in PERSON_BREAKDOWNS.items():
        for group, rows in _person_breakdown(con, persons, keys, col, groups).items():
            put(name if group == "individuals" else f"{group}.{name}", rows)
    for name, counted in sets.counts(con, persons, keys).items():
        put(name, _nest(counted, keys, "value"))
    people = a.filter(a.person_key.notnull())
    ret = people.filter(people.type == AssistanceType.RETURN.value)
    for name, (col, only_return) in ROW_BREAKDOWNS.items():
        if name not in sets.columns:
            put(name, _unique_by(con, ret if only_return else people, keys, col))

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
    _coverage(con, a, keys, out)
    return dict(out)


def _once(con: ibis.BaseBackend, t: ir.Table) -> ir.Table:
    """A per-person table feeds several figures: on DuckDB it is computed once, into a
    temporary table; other engines plan it into each query."""
    if con.name != "duckdb":
        return t
    table: ir.Table = con.create_table(f"opendtm_{uuid.uuid4().hex}", t, temp=True)
    return table


def _groups(con: ibis.BaseBackend, p: ir.Table, keys: list[str]) -> dict[str, dict[Scope, Any]]:
    """The individuals block of every group, from one aggregate over the persons."""
    metrics: dict[str, ir.Value] = {}
    for group, (flag, age_col) in GROUPS.items():
        age = p[age_col]
        inside = p.person_key.notnull() if flag is None else p[flag].fill_null(False)
        male, female = inside & (p.sex == "m"), inside & (p.sex == "f")
        minor = inside & (age < MINOR_MONTHS)
        metrics.update({
            f"{group}:total": inside.sum(),
            f"{group}:male": male.sum(),
            f"{group}:female": female.sum(),
            f"{group}:not_recorded": (inside & p.sex.isnull()).sum(),
            f"{group}:age_min_months": age.min(where=inside),
            f"{group}:age_max_months": age.max(where=inside),
            f"{group}:minors": minor.sum(),
            f"{group}:boys": (minor & (p.sex == "m")).sum(),
            f"{group}:girls": (minor & (p.sex == "f")).sum(),
        })
    agg = p.group_by(keys).aggregate(**metrics)
    result: dict[str, dict[Scope, Any]] = {group: {} for group in GROUPS}
    for row in con.to_pyarrow(agg).to_pylist():
        scope = tuple(row[k] for k in keys)
        for group in GROUPS:
            block = {k: row[f"{group}:{k}"] for k in (
                "total", "male", "female", "not_recorded", "age_min_months",
                "age_max_months", "minors", "boys", "girls")}
            if not block["total"]:
                continue
            for k in ("total", "male", "female", "not_recorded", "minors", "boys", "girls"):
                block[k] = int(block[k] or 0)
            for end in ("min", "max"):
                months = block[f"age_{end}_months"]
                block[f"age_{end}_years"] = None if months is None else months // 12
            result[group][scope] = block
    return result


def _person_breakdown(
    con: ibis.BaseBackend, p: ir.Table, keys: list[str], col: str, groups: tuple[str, ...],
) -> dict[str, dict[Scope, Any]]:
    """Persons by ``col`` in each of ``groups``, from one aggregate."""
    metrics: dict[str, ir.Value] = {}
    for group in groups:
        flag = GROUPS[group][0]
        metrics[group] = (ibis._.count() if flag is None
                          else p[flag].fill_null(False).sum())
    agg = p.filter(p[col].notnull()).group_by([*keys, col]).aggregate(**metrics)
    rows = con.to_pyarrow(agg).to_pylist()
    return {group: _nest([{**r, "n": int(r[group] or 0)} for r in rows], keys, col)
            for group in groups}


def _count_by(con: ibis.BaseBackend, t: ir.Table, keys: list[str], col: str) -> dict[Scope, Any]:
    agg = t.filter(t[col].notnull()).group_by([*keys, col]).aggregate(n=ibis._.count())
    return _nest(con.to_pyarrow(agg).to_pylist(), keys, col)


def _unique_by(con: ibis.BaseBackend, t: ir.Table, keys: list[str], col: str) -> dict[Scope, Any]:
    agg = t.filter(t[col].notnull()).group_by([*keys, col]).aggregate(n=t.person_key.nunique())
    return _nest(con.to_pyarrow(agg).to_pylist(), keys, col)


def _sum_by(con: ibis.BaseBackend, t: ir.Table, keys: list[str], col: str) -> dict[Scope, Any]:
    agg = t.group_by([*keys, col]).aggregate(n=t.contacts.sum())
    return _nest(con.to_pyarrow(agg).to_pylist(), keys, col)


def _nest(rows: list[dict[str, Any]], keys: list[str], col: str) -> dict[Scope, Any]:
    """``{scope: {value: n}}``, largest first; cells of no one are left out."""
    result: dict[Scope, dict[str, int]] = defaultdict(dict)
    for row in sorted(rows, key=lambda r: (-r["n"], str(r[col]))):
        if row["n"]:
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


def _coverage(con: ibis.BaseBackend, a: ir.Table, keys: list[str], out: Figures) -> None:
    """Partners, regions, places and the first and last day of assistance in each scope."""
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
