"""Import benchmark: a generated template CSV into SQLite and PostgreSQL.

    python benchmarks/import_bench.py [--rows 1000000] [--postgres URL] [--keep DIR]

Prints, for each database: rows per second of the first import and of a re-import of the
same file (nothing changes), the ratio of each to DuckDB's ``read_csv`` of the same file in
the same run (the floor), and each import's peak memory (every import runs in a child
process of its own, and its own peak is read from ``VmHWM`` on Linux). PostgreSQL runs
when ``--postgres`` or ``OPENDTM_TEST_POSTGRES_URL`` names a role that may create
databases.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from opendtm.ingest import template

PARTNERS = {"KGZ": "Bench Crescent KG", "TJK": "Bench Crescent TJ", "KAZ": "Bench Aid KZ",
            "RUS": "Bench Aid RU", "UZB": "Bench Aid UZ"}  # fmt: skip
TYPES = ["food", "nfi", "hygiene", "medical", "return", "consultation", "shelter", "transport"]
VULNS = ["vot", "gbv", "disability", "pregnant", "undocumented", "income_loss"]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """A template CSV: about three rows per person, one person in four in a family."""
    from opendtm.domain.gazetteer import gazetteer

    rng = random.Random(seed)
    regions = {c: [u.name_ru if i % 2 else u.code for i, u in
                   enumerate(gazetteer().admin1_units(c))] for c in PARTNERS}
    start = dt.date(2020, 10, 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(template.NAMES)
        for n in range(rows):
            person = rng.randrange(rows // 3 + 1)
            country = list(PARTNERS)[person % 5]
            kind = rng.choice(TYPES)
            day = start + dt.timedelta(days=rng.randrange(210))
            out.writerow([
                f"R{n:07d}", f"B{person:07d}", f"F{person // 4:06d}" if person % 4 == 0 else "",
                country, PARTNERS[country], regions[country][person % len(regions[country])], "",
                "f" if person % 2 else "m", str(18 + person % 50), "",
                "KGZ" if country == "RUS" else country, rng.choice(["returnee", "stranded"]),
                kind, day.isoformat() if n % 3 else day.strftime("%d.%m.%Y"),
                "RUS" if kind == "return" else "", country if kind == "return" else "",
                "air" if kind == "return" else "",
                "registration" if kind == "consultation" else "",
                " ".join(rng.sample(VULNS, 2)) if n % 10 == 0 else "",
                "hotline" if n % 5 == 0 else "", f"Name{person}", f"Family{person}", "",
                f"N{person:08d}" if person % 3 == 0 else "", "",
            ])  # fmt: skip


def duckdb_floor(path: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of all DuckDB's threads) of reading the file."""
    import duckdb

    con = duckdb.connect()
    t0, c0 = time.perf_counter(), time.process_time()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}', all_varchar = true)")
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    con.close()
    return elapsed, cpu


def child(url: str, path: Path) -> None:
    """One import in this process; prints its figures as JSON."""
    from opendtm.services.importer import ImportOptions, import_file
    from opendtm.store.database import make_engine

    engine = make_engine(url)
    t0, c0 = time.perf_counter(), time.process_time()
    report = import_file(engine, path, ImportOptions(add_partners=True, actor="bench"))
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_kib = _own_peak_kib()
    print(json.dumps({"seconds": elapsed, "cpu": cpu, "peak_mib": peak_kib / 1024,
                      "landed": report.landed, "set_based": report.set_based,
                      "created": report.created, "unchanged": report.unchanged,
                      "rows": report.rows_read, "errors": report.errors}))


def _own_peak_kib() -> int:
    """This process's own peak resident memory: ``VmHWM`` on Linux (``ru_maxrss`` also
    counts the parent's memory at the time of the fork), ``ru_maxrss`` elsewhere."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_import(url: str, path: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", url, str(path)], check=True,
                         capture_output=True, text=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def bench(label: str, url: str, path: Path, rows: int, floor: float) -> None:
    from opendtm.store import schema
    from opendtm.store.database import make_engine

    engine = make_engine(url)
    schema.upgrade(engine)
    engine.dispose()
    for phase in ("first import", "re-import"):
        r = run_import(url, path)
        assert r["landed"] and r["errors"] == 0, r
        print(f"{label:10} {phase:12} {r['seconds']:7.1f} s (CPU {r['cpu']:6.1f} s)  "
              f"{rows / r['seconds']:>9,.0f} rows/s  {r['seconds'] / floor:5.1f}x DuckDB  "
              f"peak {r['peak_mib']:6.0f} MiB  load {os.getloadavg()[0]:4.1f}  "
              f"created {r['created']:,.0f}  unchanged {r['unchanged']:,.0f}"
              f"{'' if r['set_based'] else '  (row by row)'}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("OPENDTM_TEST_POSTGRES_URL"))
    parser.add_argument("--keep", type=Path, help="folder for the CSV and SQLite file")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="opendtm-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "assistance.csv"
    t0 = time.perf_counter()
    generate(path, args.rows)
    print(f"generated {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in "
          f"{time.perf_counter() - t0:.1f} s")
    floor, floor_cpu = duckdb_floor(path)
    print(f"DuckDB read_csv (floor) {floor:7.2f} s (CPU {floor_cpu:5.2f} s)  "
          f"{args.rows / floor:>9,.0f} rows/s; load average {os.getloadavg()[0]:.1f}", flush=True)
    db = folder / "bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    bench("SQLite", f"sqlite:///{db}", path, args.rows, floor)
    if args.postgres:
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        name = f"opendtm_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(args.postgres).set(database=name).render_as_string(False)
            bench("PostgreSQL", url, path, args.rows, floor)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
