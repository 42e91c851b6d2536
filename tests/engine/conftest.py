"""One local Spark session for every Spark test (few shuffle partitions, to keep CI fast)."""

from __future__ import annotations

from typing import Any

import pytest

from meili.engine import spark_session

SHUFFLE_PARTITIONS = "2"  # CI has 2 cores; the test data are small


@pytest.fixture(scope="session")
def spark() -> Any:
    """The process's shared ``SparkSession`` (local mode), skipping when pyspark is absent."""
    pytest.importorskip("pyspark")
    session = spark_session()
    session.conf.set("spark.sql.shuffle.partitions", SHUFFLE_PARTITIONS)
    return session
