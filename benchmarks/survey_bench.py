"""Survey benchmark: import speed of Kobo-shaped exports, and all bulletin indicators.

1. Writes N synthetic submissions of the shipped form (default 100,000) as a Kobo XLSX
   export (repeat groups as an extra sheet, select_multiple as one column and as 0/1
   columns) and as a Kobo CSV export, then imports each into a fresh database and prints
   submissions per second next to merely reading the same file with calamine (XLSX) or
   DuckDB (CSV) in the same run.
2. Computes every indicator of the five bulletin themes over M submissions (default
   1,000,000; classification included) with Ibis on DuckDB, and prints the time (target:
   under 5 s).

    .venv/bin/python benchmarks/survey_bench.py [--submissions N] [--tabulate M] [--db URL]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import duckdb
import ibis
import pyarrow as pa
from python_calamine import CalamineWorkbook

from opendtm.demo.kobo import write_export
from opendtm.demo.survey import COHORTS, submissions
from opendtm.domain.glossary import load_rules
from opendtm.domain.indicators import load_catalogue
from opendtm.domain.questionnaire import sheets
from opendtm.ingest.survey.formfile import read_xlsform, write_xlsform
from opendtm.process.survey_frame import frame
from opendtm.process.survey_tables import prepare, questions_needed, tabulate
from opendtm.services import survey as service
from opendtm.store import schema
from opendtm.store.database import make_engine


def timed(label: str, fn, *args):  # type: ignore[no-untyped-def]
    """Run fn; print wall-clock and CPU seconds (the machine may be shared: CPU says how
    much work it was, wall how long it took here and now)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"  {label:<52} {seconds:8.2f} s  (CPU {cpu:.2f} s)")
    return result, seconds


def calamine_read(path: Path) -> int:
    book = CalamineWorkbook.from_path(str(path))
    return sum(len(book.get_sheet_by_name(n).to_python()) for n in book.sheet_names)


def duckdb_read(path: Path) -> int:
    con = duckdb.connect()
    table = con.sql(f"SELECT * FROM read_csv('{path}', delim=';', header=true, "
                    "all_varchar=true)").to_arrow_table()
    return int(table.num_rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--tabulate", type=int, default=1_000_000)
    parser.add_argument("--db", help="database URL prefix for the imports (default: SQLite "
                        "files in a temporary folder)")
    parser.add_argument("--tabulate-only", action="store_true", help="skip the imports")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="survey-bench-"))
    form = work / "form.xlsx"
    write_xlsform(sheets(), form)
    spec, _ = read_xlsform(form)
    assert spec is not None
    scale = args.submissions / sum(c.n for c in COHORTS)
    print(f"survey benchmark: {args.submissions:,} submissions to import, "
          f"{args.tabulate:,} to tabulate")
    data, _ = timed("generate submissions", lambda: list(submissions(seed=1, scale=scale)))
    n = len(data)
    xlsx, csv = work / "kobo_export.xlsx", work / "kobo_export.csv"
    if not args.tabulate_only:
        timed("write Kobo XLSX export (main + repeat sheet)", write_export, spec, data, xlsx)
        timed("write Kobo CSV export", write_export, spec, data, csv)
        print(f"  files: XLSX {xlsx.stat().st_size / 1e6:.0f} MB, CSV "
              f"{csv.stat().st_size / 1e6:.0f} MB")
        print("import (read, check, convert, store in one transaction):")
    for path, baseline_name, baseline in ((xlsx, "calamine", calamine_read),
                                          (csv, "DuckDB", duckdb_read)):
        if args.tabulate_only:
            break
        url = args.db or f"sqlite:///{work / (path.suffix[1:] + '.db')}"
        engine = make_engine(url)
        schema.upgrade(engine)
        service.register_form(engine, form)
        _, read_s = timed(f"{baseline_name} alone reads {path.name}", baseline, path)
        result, import_s = timed(f"opendtm survey import {path.name}", service.import_export,
                                 engine, path, spec.form_id)
        assert result.added == n, result.problems[:3]
        print(f"  -> {n / import_s:,.0f} submissions/s imported; {n / read_s:,.0f} rows/s "
              f"read by {baseline_name} alone (import takes {import_s / read_s:.1f}x the read)")
        again, _ = timed(f"re-import {path.name} (changes nothing)",
                               service.import_export, engine, path, spec.form_id)
        assert again.added == 0
        engine.dispose()

    print("tabulation (all indicators of the five themes):")
    catalogue, rules = load_catalogue(), load_rules()
    answers = [a for _, a in data]
    repeat = -(-args.tabulate // n)
    # the submissions' answers over and over: one Arrow table of them, repeated
    table, _ = timed(f"Arrow table of {args.tabulate:,} submissions",
                     lambda: frame(spec, answers, questions_needed(catalogue, rules)))
    table = pa.concat_tables([table] * repeat).slice(0, args.tabulate).combine_chunks()
    con = ibis.duckdb.connect()
    start, cpu = time.perf_counter(), time.process_time()
    prepared = prepare(table, catalogue, rules, con)
    print(f"  classify and band {table.num_rows:,} respondents{'':<17}"
          f"{time.perf_counter() - start:8.2f} s")
    count = 0
    for theme in catalogue.themes:
        figures, _ = timed(f"theme {theme}", tabulate, table, spec, catalogue, rules, theme,
                           None, con, prepared)
        count += len(figures["indicators"])
    total, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"  -> classify + {count} indicators x {len(catalogue.breakdowns)} breakdowns over "
          f"{table.num_rows:,} submissions: {total:.2f} s wall, {cpu:.2f} s CPU "
          "(target < 5 s)")
    print(f"  load average while running: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
