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
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    return session, ibis.pyspark.connect(session)


@pytest.mark.skipif(shutil.which("java") is None and not os.environ.get("JAVA_HOME"),
                    reason="PySpark needs a Java runtime")
def test_figures_on_pyspark_equal_duckdb(tmp_path: Path) -> None:
    assist, contacts, vulns = synthetic.facts(3000, seed=11)
    expected = {
        "country": figures.compute(assist, contacts, vulns, figures.COUNTRY),
        "partner": figures.compute(assist, contacts, vulns, figures.PARTNER),
    }
    session, con = spark_backend(tmp_path / "warehouse")
    try:
        got = {
            "country": figures.compute(assist, contacts, vulns, figures.COUNTRY, con),
            "partner": figures.compute(assist, contacts, vulns, figures.PARTNER, con),
        }
    finally:
        session.stop()
    assert got["country"].keys() == expected["country"].keys()
    assert len(expected["country"]) == 5 and len(expected["partner"]) == 40
    for level in ("country", "partner"):
        for scope, block in expected[level].items():
            assert got[level][scope] == block, scope
    assert not (Path.cwd() / "spark-warehouse").exists()
