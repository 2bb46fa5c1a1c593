"""Bulletin benchmark: all figures of a five-country bulletin over N synthetic assistance
facts on DuckDB (the Ibis expressions of opendtm.process.figures), next to the same figures
in pandas and in hand-written DuckDB SQL, in the same run; then the demo's bulletin, HTML
and PDF in both languages, end to end. The facts' text columns are dictionary-encoded, as
Arrow builds them from codes; Ibis and the SQL read those tables, pandas the same tables
with their text decoded (before its clock starts: pandas would read dictionaries as
categoricals, another computation). ``--text`` also times Ibis from plain text columns (it
then codes them itself).

    .venv/bin/python benchmarks/bulletin_bench.py [--rows 10000000] [--skip-demo]

Prints rates and ratios; targets: Ibis/DuckDB under 3 s, at least 5x faster than pandas,
within 1.5x of hand-written SQL; the demo bulletin under 10 s.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from opendtm.process import figures, synthetic
from opendtm.services.bulletin import Request, build


def cpu() -> float:
    """CPU time of this process (all threads) and of its finished child processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(label: str, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Run ``fn``, print its wall-clock and CPU time and the load average when it ends;
    return the wall-clock time (and keep the CPU time in ``SPENT``)."""
    start, start_cpu = time.perf_counter(), cpu()
    result = fn()
    took, took_cpu = time.perf_counter() - start, cpu() - start_cpu
    SPENT[label] = took_cpu
    load = os.getloadavg()[0]
    print(f"  {label:<34} {took:8.2f} s wall {took_cpu:8.2f} s CPU  (load {load:.1f})",
          flush=True)
    return took, result


SPENT: dict[str, float] = {}


def text(table: pa.Table) -> pa.Table:
    """The table with its dictionary-encoded columns decoded to plain text."""
    return table.cast(pa.schema([
        pa.field(f.name, f.type.value_type) if pa.types.is_dictionary(f.type) else f
        for f in table.schema
    ]))


IBIS, SQL, PANDAS = "Ibis on DuckDB (opendtm)", "hand-written DuckDB SQL", "pandas"


def ibis_figures(a: pa.Table, c: pa.Table, v: pa.Table) -> int:
    con = figures.connect()
    country, partner = figures.compute_levels(a, c, v, [figures.COUNTRY, figures.PARTNER], con)
    return len(country) + len(partner)


PEOPLE_SQL = """
CREATE OR REPLACE TEMP TABLE persons_{lvl} AS
SELECT {keys}, person_key, any_value(sex) AS sex, min(age_months) AS age_months,
       any_value(nationality) AS nationality, any_value(migrant_status) AS migrant_status,
       any_value(previous_country) AS previous_country
FROM {src} WHERE person_key IS NOT NULL GROUP BY {keys}, person_key
"""
INDIVIDUALS_SQL = """
SELECT {keys}, count(*), sum((sex = 'm')::int), sum((sex = 'f')::int),
       sum((sex IS NULL)::int), min(age_months), max(age_months),
       sum((age_months < 216)::int), sum((age_months < 216 AND sex = 'm')::int),
       sum((age_months < 216 AND sex = 'f')::int)
FROM {src} GROUP BY {keys}
"""


def sql_figures(a: pa.Table, c: pa.Table, v: pa.Table) -> int:
    """The same figures, written by hand as DuckDB SQL."""
    con = duckdb.connect()
    con.register("a", a)
    con.register("c", c)
    con.register("v", v)
    n = [0]

    def level(lvl: str, keys: str) -> None:
        def q(sql: str, **kw: str) -> None:
            n[0] += len(con.execute(sql.format(keys=keys, lvl=lvl, **kw)).fetchall())

        def subset(name: str, where: str) -> None:
            con.execute(f"CREATE OR REPLACE TEMP VIEW {name}_{lvl} AS SELECT * FROM a "
                        f"WHERE person_key IS NOT NULL AND {where}")
            con.execute(PEOPLE_SQL.format(keys=keys, lvl=f"{name}_{lvl}",
                                          src=f"{name}_{lvl}"))
            q(INDIVIDUALS_SQL, src=f"persons_{name}_{lvl}")

        con.execute(PEOPLE_SQL.format(keys=keys, lvl=lvl, src="a"))
        q(INDIVIDUALS_SQL, src=f"persons_{lvl}")
        for col in ("nationality", "migrant_status", "previous_country"):
            q(f"SELECT {{keys}}, {col}, count(*) FROM persons_{{lvl}} WHERE {col} IS NOT NULL "
              f"GROUP BY ALL")
        q("SELECT {keys}, count(*) FROM persons_{lvl} WHERE migrant_status = 'returnee' "
          "GROUP BY ALL")
        q("SELECT {keys}, nationality, count(*) FROM persons_{lvl} "
          "WHERE migrant_status = 'returnee' AND nationality IS NOT NULL GROUP BY ALL")
        for col in ("type", "category", "admin1_code", "city"):
            q(f"SELECT {{keys}}, {col}, count(DISTINCT person_key) FROM a WHERE person_key IS "
              f"NOT NULL AND {col} IS NOT NULL GROUP BY ALL")
        subset("ret", "type = 'return'")
        for col in ("return_to", "return_from", "transport_mode"):
            q(f"SELECT {{keys}}, {col}, count(DISTINCT person_key) FROM a WHERE person_key IS "
              f"NOT NULL AND type = 'return' AND {col} IS NOT NULL GROUP BY ALL")
        subset("food", "category = 'food_nfi'")
        q("SELECT {keys}, nationality, count(*) FROM persons_food_{lvl} "
          "WHERE nationality IS NOT NULL GROUP BY ALL")
        subset("pre", "type IN ('documents', 'pcr_test', 'medical_exam', 'transport')")
        for col in ("nationality", "migrant_status"):
            q(f"SELECT {{keys}}, {col}, count(*) FROM persons_pre_{{lvl}} WHERE {col} IS NOT "
              f"NULL GROUP BY ALL")
        q("WITH f AS (SELECT {keys}, family_id, any_value(family_nationality) AS nat FROM a "
          "WHERE family_id IS NOT NULL AND person_key IS NULL GROUP BY ALL) "
          "SELECT {keys}, nat, count(*) FROM f GROUP BY GROUPING SETS (({keys}), ({keys}, nat))")
        q("SELECT {keys}, vulnerability, count(*) FROM persons_{lvl} p JOIN v "
          "USING (person_key) GROUP BY ALL")
        q("SELECT {keys}, sum(contacts), sum(CASE WHEN sex = 'm' THEN contacts ELSE 0 END), "
          "sum(CASE WHEN sex = 'f' THEN contacts ELSE 0 END) FROM c GROUP BY ALL")
        for col in ("topic", "channel"):
            q(f"SELECT {{keys}}, {col}, sum(contacts) FROM c GROUP BY ALL")
        q("SELECT {keys}, count(DISTINCT partner), count(DISTINCT admin1_code), "
          "count(DISTINCT coalesce(city, admin1_code)), min(delivered_on), max(delivered_on) "
          "FROM a GROUP BY ALL")

    for lvl, keys in (("c", "country"), ("p", "country, partner")):
        level(lvl, keys)
    return n[0]


def pandas_figures(a: pa.Table, c: pa.Table, v: pa.Table) -> int:
    """The same figures in pandas."""
    df = a.to_pandas()
    cdf = c.to_pandas()
    vdf = v.to_pandas()
    n = 0
    pre_types = ["documents", "pcr_test", "medical_exam", "transport"]

    def persons(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        return frame.groupby([*keys, "person_key"], sort=False).agg(
            sex=("sex", "first"), age_months=("age_months", "min"),
            nationality=("nationality", "first"), migrant_status=("migrant_status", "first"),
            previous_country=("previous_country", "first"),
        ).reset_index()

    def individuals(p: pd.DataFrame, keys: list[str]) -> int:
        minor = p.age_months < 216
        frame = p.assign(m=p.sex == "m", f=p.sex == "f", nr=p.sex.isna(), minor=minor,
                         boy=minor & (p.sex == "m"), girl=minor & (p.sex == "f"))
        return len(frame.groupby(keys).agg(
            total=("person_key", "size"), m=("m", "sum"), f=("f", "sum"), nr=("nr", "sum"),
            amin=("age_months", "min"), amax=("age_months", "max"), minors=("minor", "sum"),
            boys=("boy", "sum"), girls=("girl", "sum")))

    def count_by(p: pd.DataFrame, keys: list[str], col: str) -> int:
        return len(p.dropna(subset=[col]).groupby([*keys, col]).size())

    def unique_by(frame: pd.DataFrame, keys: list[str], col: str) -> int:
        return len(frame.dropna(subset=[col]).groupby([*keys, col])["person_key"].nunique())

    people = df[df.person_key.notna()]
    for keys in (["country"], ["country", "partner"]):
        p = persons(people, keys)
        n += individuals(p, keys)
        for col in ("nationality", "migrant_status", "previous_country"):
            n += count_by(p, keys, col)
        ret_p = p[p.migrant_status == "returnee"]
        n += individuals(ret_p, keys) + count_by(ret_p, keys, "nationality")
        for col in ("type", "category", "admin1_code", "city"):
            n += unique_by(people, keys, col)
        ret = people[people.type == "return"]
        n += individuals(persons(ret, keys), keys)
        for col in ("return_to", "return_from", "transport_mode"):
            n += unique_by(ret, keys, col)
        food = persons(people[people.category == "food_nfi"], keys)
        n += individuals(food, keys) + count_by(food, keys, "nationality")
        pre = persons(people[people.type.isin(pre_types)], keys)
        n += individuals(pre, keys) + count_by(pre, keys, "nationality")
        n += count_by(pre, keys, "migrant_status")
        fam = df[df.family_id.notna() & df.person_key.isna()].groupby(
            [*keys, "family_id"]).family_nationality.first().reset_index()
        n += len(fam.groupby(keys).size()) + count_by(fam, keys, "family_nationality")
        n += count_by(p.merge(vdf, on="person_key"), keys, "vulnerability")
        cc = cdf.assign(m=cdf.contacts.where(cdf.sex == "m", 0),
                        f=cdf.contacts.where(cdf.sex == "f", 0))
        n += len(cc.groupby(keys)[["contacts", "m", "f"]].sum())
        for col in ("topic", "channel"):
            n += len(cdf.groupby([*keys, col]).contacts.sum())
        n += len(df.assign(place=df.city.fillna(df.admin1_code)).groupby(keys).agg(
            partners=("partner", "nunique"), regions=("admin1_code", "nunique"),
            places=("place", "nunique"), first=("delivered_on", "min"),
            last=("delivered_on", "max")))
    return n


@contextlib.contextmanager
def phases() -> Iterator[dict[str, float]]:
    """The CPU of the build's steps: the figures in this process, the languages in the
    processes that lay them out (forked, or a new interpreter), and all of this process."""
    from opendtm.services import bulletin

    def own() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def kids() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    marks: dict[str, float] = {}
    figures_model = bulletin.figures_model

    def counted(*args: Any, **kwargs: Any) -> Any:
        start = own()
        result = figures_model(*args, **kwargs)
        marks["figures"] = own() - start
        return result

    before, others = own(), kids()
    bulletin.figures_model = counted
    try:
        yield marks
    finally:
        bulletin.figures_model = figures_model
        marks["own"], marks["languages"] = own() - before, kids() - others


def codes(table: pa.Table) -> pa.Table:
    """The table with each dictionary-encoded column replaced by its integer codes."""
    return pa.table({
        f.name: pa.chunked_array([ch.indices for ch in col.chunks], f.type.index_type)
        if pa.types.is_dictionary(f.type) else col
        for f, col in zip(table.schema, table.columns, strict=True)})


FLOOR_STATES = """any_value(sex) AS sex, any_value(nationality) AS nationality,
any_value(migrant_status) AS migrant_status, any_value(previous_country) AS previous_country,
min(age_months) AS age_months, min(age_months) FILTER (WHERE type = {ret}) AS age_return,
min(age_months) FILTER (WHERE category = {food}) AS age_food,
min(age_months) FILTER (WHERE type IN ({pre})) AS age_pre,
bit_or(1::BIGINT << type) AS types, bit_or(1::BIGINT << admin1_code) AS regions,
bit_or(CASE WHEN type = {ret} THEN 1::BIGINT << return_to ELSE 0 END) AS destinations"""
COARSER_STATES = """any_value(sex), any_value(nationality), any_value(migrant_status),
any_value(previous_country), min(age_months), min(age_return), min(age_food), min(age_pre),
bit_or(types), bit_or(regions), bit_or(destinations)"""


def floor(a: pa.Table) -> None:
    """The two passes any exact count of persons per partner and per country makes, alone,
    in DuckDB SQL over the rows' integer codes: the rows grouped by (partner, person), and
    those groups by (country, person). First with a count only, then with the states the
    figures need (a person's attributes, four first ages, bits of types, regions and
    destinations)."""
    con = duckdb.connect()
    con.register("f", codes(a))
    values = {f: a[f].chunk(0).dictionary.to_pylist() for f in ("type", "category")}

    def code(field: str, value: str) -> int:
        return values[field].index(value)

    states = FLOOR_STATES.format(
        ret=code("type", "return"), food=code("category", "food_nfi"),
        pre=", ".join(str(code("type", t)) for t in ("documents", "pcr_test", "medical_exam",
                                                      "transport")))
    for label, fine, coarse in (("count only", "count(*) AS n", "sum(n)"),
                                ("with the states", states, COARSER_STATES)):
        def passes(fine: str = fine, coarse: str = coarse) -> None:
            con.execute(f"CREATE OR REPLACE TEMP TABLE fp AS SELECT country, partner, "
                        f"person_key, {fine} FROM f WHERE person_key IS NOT NULL GROUP BY ALL")
            con.execute(f"CREATE OR REPLACE TEMP TABLE cp AS SELECT country, person_key, "
                        f"{coarse} FROM fp GROUP BY country, person_key")
        timed(f"floor: {label}", passes)


def demo_bulletin(url: str) -> float:
    """The demo's bulletin built in this process, then end to end by the command line
    (``opendtm bulletin --out DIR``: a new interpreter, its imports included)."""
    from opendtm.publish import config
    from opendtm.store.database import make_engine

    engine = make_engine(url)
    with tempfile.TemporaryDirectory() as out, phases() as marks:
        took, _ = timed("demo bulletin, HTML+PDF, en+ru", lambda: build(
            engine, Request(out=Path(out), config=config.load(), audience="internal")))
    engine.dispose()
    print(f"    this process {marks['own']:.2f} s CPU (the figures {marks['figures']:.2f} s); "
          f"the languages' processes {marks['languages']:.2f} s CPU", flush=True)
    with tempfile.TemporaryDirectory() as out:
        timed("the same, `opendtm bulletin`", lambda: subprocess.run(
            [sys.executable, "-m", "opendtm.cli.main", "--db", url, "bulletin",
             "--audience", "internal", "--out", out], check=True, stdout=subprocess.DEVNULL))
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--demo-db", default=None, help="URL of a database with the demo "
                        "loaded (default: a fresh SQLite database)")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--demo-only", action="store_true")
    parser.add_argument("--text", action="store_true", help="also time Ibis from plain text")
    parser.add_argument("--floor", action="store_true", help="also time the two per-person "
                        "passes alone in DuckDB SQL (the floor of any exact computation)")
    args = parser.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average {load}; {os.cpu_count()} cores", flush=True)
    if not args.demo_only:
        print(f"synthetic facts: {args.rows:,} assistance rows, five countries")
        _, (a, c, v) = timed("generate", lambda: synthetic.facts(args.rows, coded=True))
        _, (ta, tc, tv) = timed("decode the text (for pandas)",
                                lambda: tuple(text(t) for t in (a, c, v)))
        t_ibis, _ = timed(IBIS, lambda: ibis_figures(a, c, v))
        if args.floor:
            floor(a)
        if args.text:
            timed("Ibis on DuckDB, from plain text", lambda: ibis_figures(ta, tc, tv))
        t_sql, _ = timed(SQL, lambda: sql_figures(a, c, v))
        t_pd, _ = timed(PANDAS, lambda: pandas_figures(ta, tc, tv))
        print(f"  rate (Ibis):   {args.rows / t_ibis:,.0f} rows/s")
        print(f"  load average now {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print(f"  pandas / Ibis: {t_pd / t_ibis:.1f}x wall, "
              f"{SPENT[PANDAS] / SPENT[IBIS]:.1f}x CPU   (target >= 5x)")
        print(f"  Ibis / SQL:    {t_ibis / t_sql:.2f}x wall, "
              f"{SPENT[IBIS] / SPENT[SQL]:.2f}x CPU  (target <= 1.5x)")
    if not args.skip_demo:
        url = args.demo_db
        if url is None:
            from opendtm.services.demo import prepare_demo

            url = prepare_demo(f"sqlite:///{tempfile.mkdtemp()}/demo.db")
        demo_bulletin(url)


if __name__ == "__main__":
    main()
