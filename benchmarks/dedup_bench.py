"""De-duplication benchmark: synthetic persons with a known truth, matched end to end.

    python benchmarks/dedup_bench.py --n 100000 --baseline   # quality, next to raw Splink
    python benchmarks/dedup_bench.py --n 1000000             # time, pairs, peak memory

N persons are generated (10% registered twice by another partner, with script, romanisation,
typo, name-order, patronymic, age and day/month variation; see opendtm.demo.duplicates). The
timed part is what ``opendtm dedup`` does after reading the store: name keys, training,
blocking, scoring, clustering. Pairwise precision and recall of the clusters are printed for
our model and, with --baseline, for Splink's stock comparisons on the names as written.
"""

from __future__ import annotations

import argparse
import resource
import time

import pyarrow as pa
import pyarrow.compute as pc

from opendtm.demo.duplicates import synthetic_persons
from opendtm.process.dedup import LinkOptions, cluster_quality, find_duplicates, matching_table
from opendtm.process.dedup.frame import document_key
from opendtm.process.dedup.model import raw_name_settings, raw_training_rules


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def _raw_table(data: pa.Table) -> pa.Table:
    """The records as written, for Splink's stock comparisons: no name keys."""
    dob = pc.strftime(data.column("date_of_birth"), format="%Y-%m-%d")
    docs = [document_key(v) for v in data.column("document_number").to_pylist()]
    return pa.table({
        "unique_id": data.column("unique_id"),
        "given_name": pc.utf8_lower(data.column("given_name")),
        "family_name": pc.utf8_lower(data.column("family_name")),
        "patronymic": pc.utf8_lower(data.column("patronymic")),
        "dob": dob, "sex": data.column("sex"), "nationality": data.column("nationality"),
        "document": pa.array(docs, pa.string()),
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="persons to generate")
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--baseline", action="store_true", help="also run raw-name Splink")
    parser.add_argument("--backend", default="duckdb")
    args = parser.parse_args()

    clock = time.perf_counter()
    data = synthetic_persons(args.n)
    print(f"generated {args.n:,} persons as {data.num_rows:,} records "
          f"in {time.perf_counter() - clock:.1f} s (not timed below)")

    def stage(label: str, _done: int, _total: int) -> None:
        print(f"  {time.perf_counter() - start:7.1f} s  {label}", flush=True)

    start = time.perf_counter()
    table = matching_table(data)
    stage("name keys built", 0, 0)
    options = LinkOptions(threshold=args.threshold, backend=args.backend)
    result = find_duplicates(table, options, stage)
    seconds = time.perf_counter() - start
    quality = cluster_quality(data, result.clusters)
    print(f"opendtm  N={args.n:,} records={data.num_rows:,} pairs compared="
          f"{result.pairs_compared:,} time={seconds:.1f} s "
          f"rate={data.num_rows / seconds:,.0f} records/s peak memory={_peak_gb():.2f} GB")
    print(f"opendtm  precision={quality.precision:.4f} recall={quality.recall:.4f} "
          f"(true pairs {quality.true_pairs:,}, found {quality.found_pairs:,}, "
          f"correct {quality.correct_pairs:,})")
    if not args.baseline:
        return
    start = time.perf_counter()
    raw = find_duplicates(
        _raw_table(data), options, stage, model=raw_name_settings(),
        training_rules=raw_training_rules(),
        deterministic_rules=raw_training_rules()[:1],
    )
    raw_seconds = time.perf_counter() - start
    base = cluster_quality(data, raw.clusters)
    print(f"baseline (Splink stock name comparisons on raw names) pairs compared="
          f"{raw.pairs_compared:,} time={raw_seconds:.1f} s")
    print(f"baseline precision={base.precision:.4f} recall={base.recall:.4f} "
          f"(found {base.found_pairs:,}, correct {base.correct_pairs:,})")
    print(f"ratio    recall opendtm/baseline = {quality.recall / max(base.recall, 1e-9):.2f}, "
          f"time opendtm/baseline = {seconds / raw_seconds:.2f}")


if __name__ == "__main__":
    main()
