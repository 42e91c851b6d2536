"""Engine choice: one SQL definition, run on embedded DuckDB (default) or Apache Spark.

The design's third principle ("one definition, two engines"). Definitions are written once in
DuckDB SQL; the Spark engine transpiles them with sqlglot (``read="duckdb", write="spark"``)
and runs them in a local or cluster ``SparkSession`` (:func:`spark_conf`: ``MEILI_SPARK_MASTER``,
``MEILI_SPARK_CONF_*``). Both engines expose the same small interface: register a DataFrame
or a lake dataset as a view, create views from SQL and fetch a query as pandas or Arrow;
they read the local lake, or a snapshot of it (:mod:`meili.engine.snapshot`,
``MEILI_LAKE_URL``). Their results are the same to the bit: aggregates whose floating-point
result would depend on the engine's order of work come from :mod:`meili.engine.exact_sql`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pandas as pd
import pyarrow as pa

from meili.engine import snapshot
from meili.errors import UserError
from meili.lake.store import connect, live_files
from meili.lake.store import snapshot as lake_snapshot

ENGINES = ("duckdb", "spark")


class Engine(Protocol):
    """What the shared definitions need from an engine.

    ``register`` gives a frame the same meaning on every engine: a NaN (or None, pd.NA)
    is a missing value (SQL NULL, skipped by ``count``/``avg``), never a number; a naive
    timestamp is a wall-clock time (no time zone), as in the lake.
    """

    name: str

    def register(self, name: str, frame: pd.DataFrame) -> None: ...

    def register_lake(self, name: str, dataset: str, columns: list[str]) -> None: ...

    def view(self, name: str, sql: str) -> None: ...

    def fetch(self, sql: str) -> pd.DataFrame: ...

    def fetch_arrow(self, sql: str) -> pa.Table: ...

    def columns(self, dataset: str) -> list[str] | None: ...


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
            as_of = lake_snapshot(root, as_of)["version"] if as_of is None else as_of
            con = connect(root, as_of=as_of)
        self.con = con
        self.root = root
        self.lake_version = as_of  # the manifest version the views read (None: given con)
        self.snapshot_url: str | None = None
        self.threads = threads  # None: DuckDB's default, all cores
        if threads is not None:
            con.execute(f"SET threads = {int(threads)}")
        if memory_limit is not None:
            con.execute("SET memory_limit = ?", [memory_limit])

    @classmethod
    def from_snapshot(
        cls, url: str, *, threads: int | None = None, memory_limit: str | None = None
    ) -> DuckDBEngine:
        """An engine over the lake snapshot at ``url`` (a folder or ``s3://bucket/prefix``,
        :func:`meili.engine.snapshot.export`), read through pyarrow (nothing downloaded)."""
        con, info = snapshot.duckdb_connection(url)
        eng = cls(None, con, threads=threads, memory_limit=memory_limit)
        eng.snapshot_url = url
        eng.lake_version = info.get("version")
        eng.uses_lake = False  # a snapshot never changes: nothing to watch
        return eng

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

    def columns(self, dataset: str) -> list[str] | None:
        """Column names of a lake dataset (or registered frame); None when there is none."""
        found = self.con.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_name = ?", [dataset]
        ).fetchall()
        if not found:
            return None
        return [r[0] for r in self.con.execute(f"DESCRIBE {dataset}").fetchall()]


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

#: Settings the shared definitions rely on; a cluster configuration may not change them.
#: Timestamps without time zone (``TIMESTAMP_NTZ``, as DuckDB's ``TIMESTAMP`` and the
#: lake's Parquet) keep local-time stamps as they are, whatever the session or machine
#: time zone; ``ansi.enabled`` false keeps DuckDB's lenient casts.
SPARK_FIXED = {
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
    "spark.sql.ansi.enabled": "false",
}
#: Defaults for local mode, each overridable (``MEILI_SPARK_CONF_*``).
SPARK_DEFAULTS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",  # no progress bars in the CLI output
    "spark.driver.memory": "2g",
}
CONF_PREFIX = "MEILI_SPARK_CONF_"
S3A_CLASS = "org.apache.hadoop.fs.s3a.S3AFileSystem"


def spark_conf(environ: Mapping[str, str] | None = None) -> tuple[str, dict[str, str]]:
    """Master URL and settings of the Spark session, from the environment.

    ``MEILI_SPARK_MASTER`` (default ``local[2]``): ``local[N]``, ``spark://host:7077``,
    ``yarn``, ``k8s://https://…``. Each ``MEILI_SPARK_CONF_<anything>`` holds one
    ``property=value`` (names keep their case: ``spark.sql.session.timeZone``), e.g.
    ``MEILI_SPARK_CONF_MEMORY=spark.executor.memory=8g``. The settings of
    :data:`SPARK_FIXED` cannot be changed (a user error says so).
    """
    env = os.environ if environ is None else environ
    conf = dict(SPARK_DEFAULTS)
    for name, setting in sorted(env.items()):
        if not name.startswith(CONF_PREFIX):
            continue
        key, sep, value = setting.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UserError(f"{name}: expected property=value, got {setting!r} / 格式应为 属性=值")
        if key in SPARK_FIXED and value.strip() != SPARK_FIXED[key]:
            raise UserError(
                f"{name}: Meili's definitions need {key}={SPARK_FIXED[key]} / 该项不可修改"
            )
        conf[key] = value.strip()
    conf.update(SPARK_FIXED)
    return env.get("MEILI_SPARK_MASTER") or "local[2]", conf


def spark_session(master: str | None = None) -> Any:
    """One shared ``SparkSession``, configured by :func:`spark_conf` (``master`` overrides
    ``MEILI_SPARK_MASTER``); created on first use, then reused."""
    if "session" not in _SPARK:
        from pyspark.sql import SparkSession

        default, conf = spark_conf()
        builder = SparkSession.builder.master(master or default).appName("meili")
        for key, value in conf.items():
            builder = builder.config(key, value)
        _SPARK["session"] = builder.getOrCreate()
        _SPARK["session"].sparkContext.setLogLevel("ERROR")
    return _SPARK["session"]


def to_spark_sql(sql: str) -> str:
    """Transpile a DuckDB-dialect definition to Spark SQL with sqlglot."""
    import sqlglot
    from sqlglot import exp

    def _percentile(node: exp.Expression) -> exp.Expression:
        # DuckDB quantile_cont(x, p) ≈ Spark percentile(x, p): both linear interpolation
        # at k = 1 + (n - 1)p, but not always to the same last bit — definitions that must
        # agree use exact_sql.percentile_sql. sqlglot 27 maps quantile_cont to
        # percentile_cont(x, p), which Spark rejects.
        if isinstance(node, exp.PercentileCont) and node.args.get("expression") is not None:
            return exp.Anonymous(this="PERCENTILE", expressions=[node.this, node.expression])
        return node

    tree = sqlglot.parse_one(sql, read="duckdb").transform(_percentile)
    return tree.sql(dialect="spark")


class SparkEngine:
    """Runs the same definitions on Spark (sqlglot-transpiled), reading the lake Parquet.

    ``snapshot_url``: read the lake snapshot there (a folder the cluster sees, or
    ``s3://bucket/prefix``, read as ``s3a://`` — Spark needs the hadoop-aws jars for it)
    instead of the local lake ``root``.
    """

    name = "spark"

    def __init__(
        self,
        root: Path | None = None,
        session: Any = None,
        snapshot_url: str | None = None,
        as_of: int | None = None,
    ) -> None:
        self.root = root
        self.lake_version = (
            None
            if snapshot_url is not None
            else lake_snapshot(root, as_of)["version"]
            if as_of is None
            else as_of
        )
        self.spark = session or spark_session()
        self.snapshot_url = snapshot_url
        self.uses_lake = snapshot_url is None

    def register(self, name: str, frame: pd.DataFrame) -> None:
        # Through Arrow, as DuckDB reads a frame: NaN → NULL (Spark's own pandas path
        # keeps NaN as a number, which count() counts and avg() spreads), naive
        # timestamps → TIMESTAMP_NTZ (its pandas path shifts them by the machine's
        # time zone), in one columnar transfer.
        table = pa.Table.from_pandas(frame, preserve_index=False)
        self.spark.createDataFrame(table).createOrReplaceTempView(name)

    def _files(self, dataset: str) -> list[str]:
        if self.snapshot_url is None:
            return lake_files(dataset, self.root, self.lake_version)
        files = snapshot.spark_paths(self.snapshot_url, dataset)
        if files and files[0].startswith("s3a://"):
            self._need_s3a()
        return files

    def register_lake(self, name: str, dataset: str, columns: list[str]) -> None:
        files = self._files(dataset)
        if not files:
            raise FileNotFoundError(f"lake dataset {dataset} has no files")
        df = self.spark.read.option("mergeSchema", "true").parquet(*files)
        df.select(*columns).createOrReplaceTempView(name)

    def columns(self, dataset: str) -> list[str] | None:
        """Column names of a lake dataset (from its Parquet footers); None when it has no
        file."""
        files = self._files(dataset)
        if not files:
            return None
        return list(self.spark.read.option("mergeSchema", "true").parquet(*files).columns)

    def _need_s3a(self) -> None:
        """A user error unless Spark can read ``s3a://`` (hadoop-aws on its classpath)."""
        try:
            self.spark._jvm.java.lang.Class.forName(S3A_CLASS)
        except Exception:
            raise UserError(
                f"Spark cannot read {self.snapshot_url}: {S3A_CLASS} is not on its classpath "
                "(add the hadoop-aws and AWS SDK bundle jars, e.g. "
                "MEILI_SPARK_CONF_JARS=spark.jars=/opt/jars/hadoop-aws.jar,…), "
                "or read the snapshot with --engine duckdb / Spark 读取 S3 需要 hadoop-aws"
            ) from None

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
    reading the lake as of manifest version ``as_of`` (default: the version when created).

    Without ``root``, ``MEILI_LAKE_URL`` (a folder or ``s3://bucket/prefix`` holding a
    snapshot made by ``meili data export``) makes the engine read that snapshot instead
    of the local lake (its own version; ``as_of`` does not apply).
    """
    url = os.environ.get("MEILI_LAKE_URL") if root is None else None
    if name == "duckdb":
        return DuckDBEngine.from_snapshot(url) if url else DuckDBEngine(root, as_of=as_of)
    if name == "spark":
        if url:
            return SparkEngine(root, snapshot_url=url)
        return SparkEngine(root, as_of=as_of)
    raise ValueError(f"unknown engine {name!r}; use one of {', '.join(ENGINES)}")
