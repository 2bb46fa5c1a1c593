"""Run the model: train without labels, score blocked pairs, cluster above a threshold."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals.exceptions import SplinkException

from .model import DETERMINISTIC_RECALL, DETERMINISTIC_RULES, TRAINING_RULES, settings

BACKENDS = ("duckdb", "spark")
Step = Callable[[str, int, int], None]


@dataclass(frozen=True)
class LinkOptions:
    """How to match: the clustering threshold and where candidate pairs start."""

    threshold: float = 0.9  # match probability at or above which two records are one person
    candidate_threshold: float = 0.5  # pairs kept for review start here
    backend: str = "duckdb"
    u_max_pairs: float = 5e5
    em_max_pairs: float = 1e6
    seed: int = 7

    def __post_init__(self) -> None:
        if not 0 < self.threshold <= 1:
            raise ValueError(f"threshold {self.threshold} must lie in (0, 1]")
        if not 0 < self.candidate_threshold <= 1:
            raise ValueError(f"candidate threshold {self.candidate_threshold} must lie in (0, 1]")
        if self.backend not in BACKENDS:
            raise ValueError(f"backend {self.backend!r} unknown: use {' or '.join(BACKENDS)}")


@dataclass
class LinkResult:
    pairs: pa.Table  # unique_id_l, unique_id_r, match_weight, match_probability, mw_*
    clusters: pa.Table  # unique_id, cluster_id (the smallest unique_id of the cluster)
    pairs_compared: int
    records: int
    model: dict[str, Any] = field(default_factory=dict)

    @property
    def weight_columns(self) -> list[str]:
        return [c for c in self.pairs.column_names if c.startswith("mw_")]


STAGES = ("sampling random pairs", "learning from shared documents", "learning from same births",
          "blocking", "scoring pairs", "clustering")


def _db_api(backend: str) -> Any:
    if backend == "duckdb":
        return DuckDBAPI()
    try:
        from pyspark.sql import SparkSession
        from splink import SparkAPI
        from splink.backends.spark import similarity_jar_location
    except ImportError:
        raise ValueError("the spark backend needs pyspark: pip install 'opendtm[spark]'") from None
    spark = (
        SparkSession.builder.master("local[*]")
        .appName("opendtm-dedup")
        .config("spark.ui.enabled", "false")
        .config("spark.jars", similarity_jar_location())  # Splink's string similarity UDFs
        .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="opendtm-spark-"))
        .getOrCreate()
    )
    spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="opendtm-spark-ckpt-"))
    return SparkAPI(spark_session=spark)


def _register(db_api: Any, backend: str, table: pa.Table) -> Any:
    if backend == "spark":
        spark = db_api.spark
        return db_api.register(spark.createDataFrame(table.to_pandas()))
    return db_api.register(table)


def find_duplicates(
    table: pa.Table,
    options: LinkOptions | None = None,
    step: Step | None = None,
    model: SettingsCreator | None = None,
    training_rules: Sequence[Any] = TRAINING_RULES,
    deterministic_rules: Sequence[Any] = DETERMINISTIC_RULES,
) -> LinkResult:
    """Score and cluster the records of a matching table (see ``frame.matching_table``)."""
    options = options or LinkOptions()
    report = step or (lambda _label, _done, _total: None)
    if table.num_rows < 2:
        clusters = pa.table({"unique_id": table.column("unique_id"),
                             "cluster_id": table.column("unique_id")})
        return LinkResult(pa.table({}), clusters, 0, table.num_rows)
    logging.getLogger("splink").setLevel(logging.ERROR)
    db_api = _db_api(options.backend)
    linker = Linker(_register(db_api, options.backend, table), model or settings(),
                    log_level=None)
    total = len(STAGES)
    report(STAGES[0], 0, total)
    linker.training.estimate_probability_two_random_records_match(
        list(deterministic_rules), recall=DETERMINISTIC_RECALL
    )
    # With no near-certain pair (a country without duplicates) the estimate is 0: assume one
    # duplicate pair, so that the weights stay finite.
    pairs = table.num_rows * (table.num_rows - 1) / 2
    model_settings = linker._settings_obj
    prior = model_settings._probability_two_random_records_match
    model_settings._probability_two_random_records_match = min(max(prior, 1 / pairs), 0.5)
    linker.training.estimate_u_using_random_sampling(
        max_pairs=options.u_max_pairs, seed=options.seed
    )
    for index, rule in enumerate(training_rules[:2], start=1):
        report(STAGES[index], index, total)
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=options.em_max_pairs
            )
        except SplinkException:
            # Too few pairs (a small country, no documents): keep the starting values.
            continue
    report(STAGES[3], 3, total)
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    counted = linker.misc.query_sql(f"SELECT count(*) AS n FROM {blocked.physical_name}")
    pairs_compared = int(counted.as_record_list()[0]["n"])
    report(STAGES[4], 4, total)
    threshold = min(options.candidate_threshold, options.threshold)
    predictions = linker.inference.predict(
        threshold_match_probability=threshold, warning_mode="never"
    )
    report(STAGES[5], 5, total)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=options.threshold
    )
    pairs = predictions.as_pyarrow_table()
    keep = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
    keep += [c for c in pairs.column_names if c.startswith("mw_")]
    clusters = _canonical_clusters(clustered.as_pyarrow_table().select(["unique_id", "cluster_id"]))
    report("done", total, total)
    return LinkResult(pairs.select(keep), clusters, pairs_compared, table.num_rows,
                      linker.misc.save_model_to_json())


def _canonical_clusters(table: pa.Table) -> pa.Table:
    """Name every cluster by its smallest member, so cluster ids are stable across backends."""
    smallest = table.group_by("cluster_id").aggregate([("unique_id", "min")])
    joined = table.join(smallest, "cluster_id")
    return pa.table({
        "unique_id": pc.cast(joined.column("unique_id"), pa.int64()),
        "cluster_id": pc.cast(joined.column("unique_id_min"), pa.int64()),
    }).sort_by("unique_id")
