"""Run the matcher over the store: read persons, find duplicates, keep pairs and clusters."""

from __future__ import annotations

import csv
import datetime as dt
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from opendtm.process.dedup import LinkOptions, LinkResult, find_duplicates, matching_table
from opendtm.process.dedup.linkage import Step
from opendtm.services import audit
from opendtm.store import dedup as store
from opendtm.store.database import unit_of_work
from opendtm.store.models import DedupRun

OUT_COLUMNS = ("partner", "beneficiary_id", "person_id", "cluster_id", "cluster_size",
               "match_probability")


@dataclass
class RunSummary:
    run_id: int
    records: int
    pairs_compared: int
    candidates: int
    clusters: int  # clusters of two or more records
    duplicates: int  # records beyond the first of each cluster
    seconds: float
    rows: list[dict[str, Any]] = field(default_factory=list)  # one per person, for --out


def _finite(value: Any) -> float | None:
    return None if value is None or not math.isfinite(float(value)) else float(value)


def _per_person(records: list[dict[str, Any]], result: LinkResult,
                threshold: float) -> list[dict[str, Any]]:
    cluster = dict(zip(result.clusters.column("unique_id").to_pylist(),
                       result.clusters.column("cluster_id").to_pylist(), strict=True))
    size = Counter(cluster.values())
    best: dict[int, float] = {}
    if result.pairs.num_rows:
        for a, b, p in zip(result.pairs.column("unique_id_l").to_pylist(),
                           result.pairs.column("unique_id_r").to_pylist(),
                           result.pairs.column("match_probability").to_pylist(), strict=True):
            if p >= threshold and cluster.get(a) == cluster.get(b):
                best[a], best[b] = max(best.get(a, 0.0), p), max(best.get(b, 0.0), p)
    rows = []
    for rec in records:
        uid = rec["unique_id"]
        cid = cluster.get(uid, uid)
        rows.append({"partner": rec["partner"], "beneficiary_id": rec["beneficiary_id"],
                     "person_id": uid, "cluster_id": cid, "cluster_size": size.get(cid, 1),
                     "match_probability": round(best[uid], 6) if uid in best else None})
    return rows


def run_dedup(engine: Engine, countries: Sequence[str] | None, options: LinkOptions,
              actor: str, step: Step | None = None) -> RunSummary:
    """Match the persons of the countries (all when none) and store the run's findings."""
    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    with unit_of_work(engine) as session:
        records = store.person_records(session, countries)
    table = matching_table(records)
    result = find_duplicates(table, options, step)
    rows = _per_person(records.to_pylist(), result, options.threshold)
    cluster = {r["person_id"]: r["cluster_id"] for r in rows}
    weights = result.weight_columns
    candidates = [
        {"person_a_id": min(a, b), "person_b_id": max(a, b), "match_weight": _finite(w) or 0.0,
         "match_probability": p,
         "cluster_id": cluster[a] if cluster[a] == cluster[b] and p >= options.threshold
         else None,
         "weights": {c[3:]: _finite(pair[c]) for c in weights}}
        for pair in result.pairs.to_pylist()
        for a, b, w, p in [(pair["unique_id_l"], pair["unique_id_r"], pair["match_weight"],
                            pair["match_probability"])]
    ] if result.pairs.num_rows else []
    members = [{"person_id": r["person_id"], "cluster_id": r["cluster_id"],
                "match_probability": r["match_probability"]} for r in rows
               if r["cluster_size"] > 1]
    clusters = len({m["cluster_id"] for m in members})
    with unit_of_work(engine) as session:
        run = store.save_run(session, DedupRun(
            started_at=started, finished_at=dt.datetime.now(dt.UTC),
            countries=",".join(countries) if countries else None,
            threshold=options.threshold, candidate_threshold=options.candidate_threshold,
            backend=options.backend, records=result.records,
            pairs_compared=result.pairs_compared, candidates=len(candidates),
            clusters=clusters, actor=actor, model=result.model,
        ), candidates, members)
        audit.record(session, actor, "dedup.run", "dedup_run", str(run.id), {
            "countries": list(countries or []), "threshold": options.threshold,
            "records": result.records, "candidates": len(candidates), "clusters": clusters,
        })
        run_id = run.id
    return RunSummary(run_id, result.records, result.pairs_compared, len(candidates), clusters,
                      len(members) - clusters, time.perf_counter() - clock, rows)


def write_clusters_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    """One row per person: partner, beneficiary id, person id, cluster and its probability.

    Names and documents are left out: the file identifies records, not people.
    """
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=OUT_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if row[k] is None else row[k] for k in OUT_COLUMNS})
