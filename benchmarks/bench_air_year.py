"""Benchmark: HJ 663 assessment of the full 2019 national year (CNEMC, all sites and cities).

Usage: ``python benchmarks/bench_air_year.py [LAKE_DIR]``. Without LAKE_DIR, all 2019 files
of ../shared/data/cnemc-air-2019 are ingested into a temporary MEILI_HOME through the
ingest API (not timed). Timed: daily AQI for every site and city, city annual statistics,
composite index and ranking (DuckDB engine), against a bare DuckDB scan + group-by mean of
the same lake data in the same run (goal ≤ 3×); peak RSS (goal ≤ 2 GB). Skips cleanly
(exit 0) when the data are absent.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "cnemc-air-2019"


def _lake(argv: list[str]) -> Path | None:
    if len(argv) > 1:
        return Path(argv[1])
    if not (DATA / "sites.csv").exists():
        return None
    from meili.ingest import ingest_paths

    home = Path(tempfile.mkdtemp(prefix="meili-bench-air-"))
    os.environ["MEILI_HOME"] = str(home)
    t = time.perf_counter()
    ingest_paths("air-sites", [DATA / "sites.csv"])
    files = sorted((DATA / "sites").glob("china_sites_2019*.csv.gz"))
    ingest_paths("air-hourly", files)
    print(f"ingested {len(files)} files in {time.perf_counter() - t:.1f} s (not timed)")
    return home / "lake"


def main(argv: list[str]) -> int:
    """Run the benchmark (HJ 663 / 《城市环境空气质量排名技术规定》 pipeline on 2019)."""
    lake = _lake(argv)
    if lake is None or not lake.exists():
        print("SKIP: CNEMC 2019 data not found")
        return 0
    from meili.engine import DuckDBEngine
    from meili.engine.air_period import Selection, daily, period

    eng = DuckDBEngine(lake)
    t0 = time.perf_counter()
    base = eng.fetch(
        "SELECT site_code, CAST(time - INTERVAL 1 HOUR AS DATE) AS day, avg(pm25), avg(pm10), "
        "avg(so2), avg(no2), avg(co), avg(o3) FROM air_hourly GROUP BY ALL"
    )
    t_base = time.perf_counter() - t0
    t1 = time.perf_counter()
    sites = daily("2019-01-01", "2019-12-31", Selection(), engine=eng, root=lake, site_level=True)
    cities = daily("2019-01-01", "2019-12-31", Selection(), engine=eng, root=lake)
    stats = period("2019-01-01", "2019-12-31", Selection(), engine=eng, root=lake, days=cities)
    t_run = time.perf_counter() - t1
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"baseline scan+group-by: {t_base:.2f} s ({len(base)} site-days)")
    print(
        f"assessment: {t_run:.2f} s — {len(sites)} site-days, {len(cities)} city-days, "
        f"{len(stats)} cities, {stats['rank'].notna().sum()} ranked"
    )
    print(f"ratio: {t_run / t_base:.2f}x (goal <= 3x)")
    print(f"peak RSS: {rss:.0f} MB (goal <= 2048 MB)")
    top = stats.dropna(subset=["rank"]).head(5)[["rank", "city_name", "composite_index"]]
    print(top.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
