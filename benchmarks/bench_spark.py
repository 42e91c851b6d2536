"""Benchmark: the HJ 663 national year on DuckDB and on Spark (local mode), and their parity.

Usage: ``python benchmarks/bench_spark.py [LAKE_DIR]``. LAKE_DIR is an already-ingested
lake (or its MEILI_HOME); without it, all 2019 files of ../shared/data/cnemc-air-2019 are
ingested into a temporary MEILI_HOME first (not timed), as in ``bench_air_year.py``.

Timed on each engine, in the same run: daily values of every site and city (HJ 633 /
HJ 663 §3), city statistics for the year (HJ 663, GB 3095 Table 4; incomplete statistics
kept, as ``meili air rank --allow-incomplete``), composite index and ranking. DuckDB runs
with 2 threads, Spark in local mode on 2 cores (``local[2]``, or ``MEILI_SPARK_MASTER``);
the Spark session is started before the clock (JVM start-up is reported apart). Reported:
each engine's time (median of MEILI_BENCH_REPEATS, default 2) and the DuckDB/Spark ratio,
and whether the two engines' results are equal, every column to the bit. The ratio says
what one machine pays for Spark; a cluster spreads the same definitions over its nodes.
Skips cleanly (exit 0) when the data are absent.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_air_year import _lake as lake_from_args  # one way to find or make the lake

THREADS = 2
REPEATS = int(os.environ.get("MEILI_BENCH_REPEATS", "2"))
START, END = "2019-01-01", "2019-12-31"


def _run(engine: Any, lake: Path) -> tuple[float, dict[str, pd.DataFrame]]:
    """One timed assessment of the year on a fresh engine: (seconds, results)."""
    from meili.engine.air_period import Selection, daily, period

    t = time.perf_counter()
    sites = daily(START, END, Selection(), engine=engine, root=lake, site_level=True)
    cities = daily(START, END, Selection(), engine=engine, root=lake)
    stats = period(
        START, END, Selection(), engine=engine, root=lake, days=cities, allow_incomplete=True
    )
    took = time.perf_counter() - t
    return took, {
        "site days": sites.sort_values(["site_code", "day"]).reset_index(drop=True),
        "city days": cities.sort_values(["key", "day"]).reset_index(drop=True),
        "city statistics": stats.sort_values("key").reset_index(drop=True),
    }


def _differences(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> list[str]:
    """Columns whose values (floats to the bit, NaN where NaN) or dtypes differ."""
    out = []
    for what, x in a.items():
        y = b[what]
        if list(x.columns) != list(y.columns) or len(x) != len(y):
            out.append(f"{what}: shape or columns")
            continue
        for col in x.columns:
            try:
                pd.testing.assert_series_equal(x[col], y[col], check_exact=True)
            except AssertionError:
                out.append(f"{what}: {col}")
    return out


def main(argv: list[str]) -> int:
    """Run the benchmark (DuckDB vs Spark on the HJ 663 national year)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        print("SKIP: pyspark is not installed (pip install 'meili[spark]')")
        return 0
    lake = lake_from_args(argv)
    if lake is None or not lake.exists():
        print("SKIP: CNEMC 2019 data not found")
        return 0
    from meili.engine import DuckDBEngine, SparkEngine, spark_session

    t = time.perf_counter()
    session = spark_session()
    started = time.perf_counter() - t
    print(f"Spark session ({session.sparkContext.master}) started in {started:.1f} s (not timed)")
    hours = int(DuckDBEngine(lake).con.sql("SELECT count(*) FROM air_hourly").fetchone()[0])
    print(f"lake: {lake} — {hours:,} site-hours; {REPEATS} repeats, fresh engines each")
    times: dict[str, list[float]] = {"duckdb": [], "spark": []}
    results: dict[str, dict[str, pd.DataFrame]] = {}
    for i in range(REPEATS):
        for name, make in (
            ("duckdb", lambda: DuckDBEngine(lake, threads=THREADS)),
            ("spark", lambda: SparkEngine(lake, session=session)),
        ):
            took, results[name] = _run(make(), lake)
            times[name].append(took)
            print(f"[{i + 1}] {name:6s}: {took:7.2f} s  {hours / took / 1e6:5.2f} M site-hours/s")
    duck, spark = (statistics.median(times[n]) for n in ("duckdb", "spark"))
    print(f"DuckDB {duck:.2f} s, Spark {spark:.2f} s (medians)")
    print(f"DuckDB/Spark time ratio: {duck / spark:.3f} (Spark takes {spark / duck:.1f}x as long)")
    diff = _differences(results["duckdb"], results["spark"])
    frames = results["duckdb"]
    compared = ", ".join(f"{len(f):,} {w} x {len(f.columns)} columns" for w, f in frames.items())
    print(f"compared: {compared}")
    print("results equal to the bit: " + ("yes" if not diff else "NO — " + "; ".join(diff)))
    return 0 if not diff else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
