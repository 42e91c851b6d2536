"""Engine choice: one SQL definition, run on embedded DuckDB (default) or Apache Spark.

The design's third principle ("one definition, two engines"). Definitions are written once in
DuckDB SQL; the Spark engine transpiles them with sqlglot (``read="duckdb", write="spark"``)
and runs them in a local or cluster ``SparkSession``. Both engines expose the same small
interface: register a DataFrame or a lake dataset as a view, create views from SQL and
fetch a query as pandas or Arrow.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pandas as pd
import pyarrow as pa

from meili.lake.store import connect, live_files, snapshot

ENGINES = ("duckdb", "spark")


class Engine(Protocol):
    """What the shared definitions need from an engine."""

    name: str

    def register(self, name: str, frame: pd.DataFrame) -> None: ...

    def register_lake(self, name: str, dataset: str, columns: list[str]) -> None: ...

    def view(self, name: str, sql: str) -> None: ...

    def fetch(self, sql: str) -> pd.DataFrame: ...

    def fetch_arrow(self, sql: str) -> pa.Table: ...


def lake_files(dataset: str, root: Path | None = None, as_of: int | None = None) -> list[str]:
    """Live Parquet files of a lake dataset at version ``as_of`` (manifest batches, or a
    hand-placed folder)."""
    return live_files(dataset, root, as_of)


class DuckDBEngine:
    """Runs the definitions on an in-memory DuckDB connection over the lake views."""

    name = "duckdb"
    uses_lake = True  # results may be cached: the engine reads one lake version

    def __init__(
        self,
        root: Path | None = None,
        con: Any = None,
        *,
        threads: int | None = None,
        memory_limit: str | None = None,
        as_of: int | None = None,
    ) -> None:
        if con is None:
            as_of = snapshot(root, as_of)["version"] if as_of is None else as_of
            con = connect(root, as_of=as_of)
        self.con = con
        self.root = root
        self.lake_version = as_of  # the manifest version the views read (None: given con)
        self.threads = threads  # None: DuckDB's default, all cores
        if threads is not None:
            con.execute(f"SET threads = {int(threads)}")
        if memory_limit is not None:
            con.execute("SET memory_limit = ?", [memory_limit])

    def register(self, name: str, frame: pd.DataFrame) -> None:
        self.con.register(f"_{name}_frame", frame)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _{name}_frame")
        self.con.unregister(f"_{name}_frame")

    def register_lake(self, name: str, dataset: str, columns: list[str]) -> None:
        if name != dataset:
            self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {dataset}")

    def view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")

    def materialise(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def fetch(self, sql: str) -> pd.DataFrame:
        return self.con.sql(sql).df()

    def fetch_arrow(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()


class FrameEngine(DuckDBEngine):
    """DuckDB over pandas frames standing for lake datasets (no lake on disk is read).

    ``datasets`` maps a lake dataset name (``air_hourly``, ``air_sites`` …) to a frame with
    the lake's columns; the Python API (:mod:`meili.api`) computes on the user's frames so.
    """

    uses_lake = False

    def __init__(self, datasets: dict[str, pd.DataFrame], *, threads: int | None = None) -> None:
        con = duckdb.connect()
        for name, frame in datasets.items():
            con.register(name, frame)
        super().__init__(None, con, threads=threads)


_SPARK: dict[str, Any] = {}


def spark_session(master: str = "local[2]") -> Any:
    """One shared ``SparkSession`` (UTC session time zone so local-time stamps stay as is)."""
    if "session" not in _SPARK:
        from pyspark.sql import SparkSession

        _SPARK["session"] = (
            SparkSession.builder.master(master)
            .appName("meili")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.ansi.enabled", "false")
            .config("spark.driver.memory", "2g")
            .getOrCreate()
        )
        _SPARK["session"].sparkContext.setLogLevel("ERROR")
    return _SPARK["session"]


def to_spark_sql(sql: str) -> str:
    """Transpile a DuckDB-dialect definition to Spark SQL with sqlglot."""
    import sqlglot
    from sqlglot import exp

    def _percentile(node: exp.Expression) -> exp.Expression:
        # DuckDB quantile_cont(x, p) = Spark percentile(x, p): both exact, linear
        # interpolation at k = 1 + (n - 1)p (HJ 663 percentile rule); sqlglot 27 maps it
        # to percentile_cont(x, p), which Spark rejects.
        if isinstance(node, exp.PercentileCont) and node.args.get("expression") is not None:
            return exp.Anonymous(this="PERCENTILE", expressions=[node.this, node.expression])
        return node

    tree = sqlglot.parse_one(sql, read="duckdb").transform(_percentile)
    return tree.sql(dialect="spark")


class SparkEngine:
    """Runs the same definitions on Spark (sqlglot-transpiled), reading the lake Parquet."""

    name = "spark"

    def __init__(self, root: Path | None = None, session: Any = None, as_of: int | None = None):
        self.root = root
        self.lake_version = snapshot(root, as_of)["version"] if as_of is None else as_of
        self.spark = session or spark_session()

    def register(self, name: str, frame: pd.DataFrame) -> None:
        frame = frame.copy()
        for col in frame.columns:  # Spark wants plain object columns for strings/dates
            if isinstance(frame[col].dtype, pd.StringDtype):
                frame[col] = frame[col].astype(object)
        self.spark.createDataFrame(frame).createOrReplaceTempView(name)

    def register_lake(self, name: str, dataset: str, columns: list[str]) -> None:
        files = lake_files(dataset, self.root, self.lake_version)
        if not files:
            raise FileNotFoundError(f"lake dataset {dataset} has no files")
        df = self.spark.read.option("mergeSchema", "true").parquet(*files)
        df.select(*columns).createOrReplaceTempView(name)

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(to_spark_sql(sql)).createOrReplaceTempView(name)

    def materialise(self, name: str, sql: str) -> None:
        df = self.spark.sql(to_spark_sql(sql)).cache()
        df.createOrReplaceTempView(name)

    def fetch(self, sql: str) -> pd.DataFrame:
        return self.spark.sql(to_spark_sql(sql)).toPandas()

    def fetch_arrow(self, sql: str) -> pa.Table:
        return self.spark.sql(to_spark_sql(sql)).toArrow()


def local_threads(engine: object) -> int:
    """Threads for the numpy work after an engine query: the engine's own limit (DuckDB
    ``threads``), else the machine's cores; at most 4 (blocks are small)."""
    return max(1, min(getattr(engine, "threads", None) or os.cpu_count() or 1, 4))


def get_engine(
    name: str = "duckdb", root: Path | None = None, as_of: int | None = None
) -> DuckDBEngine | SparkEngine:
    """``"duckdb"`` (default, embedded) or ``"spark"`` (pyspark; local mode unless configured),
    reading the lake as of manifest version ``as_of`` (default: the version when created)."""
    if name == "duckdb":
        return DuckDBEngine(root, as_of=as_of)
    if name == "spark":
        return SparkEngine(root, as_of=as_of)
    raise ValueError(f"unknown engine {name!r}; use one of {', '.join(ENGINES)}")
