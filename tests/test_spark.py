"""The bulletin's figures are the same Ibis expressions on PySpark (local mode) as on DuckDB."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from opendtm.process import figures, synthetic

pyspark = pytest.importorskip("pyspark")


def spark_backend(warehouse: Path):  # type: ignore[no-untyped-def]
    import ibis
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("opendtm-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    return session, ibis.pyspark.connect(session)


@pytest.mark.skipif(shutil.which("java") is None and not os.environ.get("JAVA_HOME"),
                    reason="PySpark needs a Java runtime")
def test_figures_on_pyspark_equal_duckdb(tmp_path: Path) -> None:
    # both levels: the countries' persons are derived from the partners' on every engine
    assist, contacts, vulns = synthetic.facts(1500, seed=11)
    levels = [figures.COUNTRY, figures.PARTNER]
    expected = figures.compute_levels(assist, contacts, vulns, levels)
    session, con = spark_backend(tmp_path / "warehouse")
    try:
        # Spark reads the Arrow tables as they are, nulls included
        tables = []
        for name, table in (("assist", assist), ("contacts", contacts), ("vulns", vulns)):
            session.createDataFrame(table).createOrReplaceTempView(name)
            tables.append(con.table(name))
        got = figures.compute_levels(*tables, levels, con)
    finally:
        session.stop()
    assert [sorted(g) for g in got] == [sorted(e) for e in expected]
    assert len(expected[0]) == 5 and len(expected[1]) > 40
    for block in expected[0].values():
        assert block["individuals"]["total"] > 0 and block["return"]["by_destination"]
    for level, blocks in zip(got, expected, strict=True):
        for scope, block in blocks.items():
            assert level[scope] == block, scope
    assert not (Path.cwd() / "spark-warehouse").exists()
