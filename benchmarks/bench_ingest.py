"""Benchmark: ingest the 364 CNEMC 2019 daily files (~14 M site-hours) into a temporary lake.

Prints seconds, rows/s and peak RSS, and the time DuckDB's own ``read_csv`` takes to read
the same files in the same run (the ratio is ours / DuckDB's). Goal: the 364 files in
≤ 60 s with a peak RSS ≤ 2 GB, every site-hour once in the lake. Skips with a message when
``../shared/data`` is absent. Usage: ``python benchmarks/bench_ingest.py [N_FILES]``.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MEILI_SHARED", ROOT.parent / "shared"))
SITES = SHARED / "data" / "cnemc-air-2019" / "sites"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _duckdb_read_csv(files: list[Path]) -> tuple[float, int, int]:
    """Seconds for DuckDB to read every file (one read_csv each), wide lines, failures."""
    import duckdb

    con = duckdb.connect()
    lines = failed = 0
    t0 = time.perf_counter()
    for f in files:
        path = "'" + str(f).replace("'", "''") + "'"
        try:
            lines += con.execute(
                f"SELECT count(*) FROM read_csv({path}, delim = ',', header = true, "
                "all_varchar = true, null_padding = true, strict_mode = false)"
            ).fetchone()[0]
        except duckdb.Error:
            failed += 1
    return time.perf_counter() - t0, lines, failed


def main() -> int:
    files = sorted(SITES.glob("china_sites_*.csv.gz"))
    if not files:
        print(f"skipped: no CNEMC files under {SITES}")
        return 0
    if len(sys.argv) > 1:
        files = files[: int(sys.argv[1])]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MEILI_HOME"] = tmp
        from meili.ingest import ingest_paths

        t0 = time.perf_counter()
        results = ingest_paths("air-hourly", files)
        ours = time.perf_counter() - t0
        rss = _peak_rss_mb()
        read = sum(r.rows_read for r in results)
        landed = sum(r.rows_landed for r in results)
        quarantined = sum(r.rows_quarantined for r in results)
        failed = [r for r in results if r.status == "failed"]
        from meili.lake.store import connect

        in_lake, keys = (
            connect()
            .execute("SELECT count(*), count(DISTINCT (site_code, time)) FROM air_hourly")
            .fetchone()
        )
    print(f"files            {len(files)} ({len(failed)} failed)")
    print(f"site-hours read  {read:,}  landed {landed:,}  quarantined {quarantined:,}")
    print(f"rows in lake     {in_lake:,}  ({keys:,} distinct site-hours)")
    print(f"meili ingest     {ours:.1f} s  ({read / ours:,.0f} rows/s)")
    print(f"peak RSS         {rss:,.0f} MB", flush=True)
    ok = ours <= 60 and rss <= 2048 and in_lake == keys
    print(f"goal             ≤ 60 s, ≤ 2 GB, each key once: {'ok' if ok else 'MISSED'}")
    duck, lines, duck_failed = _duckdb_read_csv(files)
    print(
        f"duckdb read_csv  {duck:.1f} s  ({lines:,} wide lines, {duck_failed} files failed; "
        "no unpivot, no validation)"
    )
    print(f"ratio            {ours / duck:.2f}× DuckDB read_csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
