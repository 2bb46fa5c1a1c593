"""How good a clustering is against a known truth: pairwise precision and recall."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class Quality:
    true_pairs: int  # pairs of records of the same person
    found_pairs: int  # pairs of records put in the same cluster
    correct_pairs: int  # pairs both true and found

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.found_pairs if self.found_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0


def _pairs(table: pa.Table, keys: list[str]) -> int:
    counts = table.group_by(keys).aggregate([([], "count_all")]).column("count_all")
    counts = pc.cast(counts, pa.int64())
    return int(pc.sum(pc.divide(pc.multiply(counts, pc.subtract(counts, 1)), 2)).as_py() or 0)


def cluster_quality(truth: pa.Table, clusters: pa.Table) -> Quality:
    """Truth has ``unique_id`` and ``person``; clusters has ``unique_id`` and ``cluster_id``."""
    joined = truth.select(["unique_id", "person"]).join(
        clusters.select(["unique_id", "cluster_id"]), "unique_id"
    )
    return Quality(
        true_pairs=_pairs(joined, ["person"]),
        found_pairs=_pairs(joined, ["cluster_id"]),
        correct_pairs=_pairs(joined, ["person", "cluster_id"]),
    )
