"""Benchmark: ``meili assess run`` for every registered zone on the national 2019 air year,
against ``meili air rank --year 2019`` on the same lake in the same run (goal ≤ 2×).

Usage: ``python benchmarks/bench_assess.py [MEILI_HOME]``. MEILI_HOME is a store built by an
earlier run (its path is printed) and is reused as is; without it, a temporary MEILI_HOME is
initialised (divisions, the five regional and the sample zones, the default framework) and
all 2019 files of ../shared/data/cnemc-air-2019 are ingested through the ingest API (not
timed), once for every repeat. Timed, per repeat (MEILI_BENCH_REPEATS, default 3), both run
in-process through the CLI: ``air rank --year 2019 --allow-incomplete`` (HJ 663 year and the
168-city ranking) and ``assess run --round … --year 2019`` (every indicator of every zone,
2014–2019, and of the national comparison units: 31 provinces, 337 cities, every county).
The median ratio is reported. Skips cleanly (exit 0) when the data are absent.
"""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "cnemc-air-2019"
GOAL_RATIO = 2.0
REPEATS = int(os.environ.get("MEILI_BENCH_REPEATS", "3"))


def _home(argv: list[str]) -> Path | None:
    if len(argv) > 1:
        home = Path(argv[1])
        os.environ["MEILI_HOME"] = str(home)
        return home if (home / "lake").is_dir() else None
    if not (DATA / "sites.csv").exists():
        return None
    home = Path(tempfile.mkdtemp(prefix="meili-bench-assess-"))
    os.environ["MEILI_HOME"] = str(home)
    from meili import bootstrap
    from meili.ingest import ingest_paths

    t = time.perf_counter()
    bootstrap.initialise(samples=True, sites=False)
    ingest_paths("air-sites", [DATA / "sites.csv"])
    files = sorted((DATA / "sites").glob("china_sites_2019*.csv.gz"))
    ingest_paths("air-hourly", files)
    print(f"built {home} ({len(files)} files) in {time.perf_counter() - t:.1f} s (not timed)")
    return home


def _cli(args: list[str]) -> float:
    """Seconds to run ``meili ARGS`` in-process (output discarded); failure raises."""
    from meili.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    t = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as exc:
            if exc.code:
                msg = f"meili {' '.join(args)}: exit {exc.code}: {err.getvalue()}"
                raise RuntimeError(msg) from None
    return time.perf_counter() - t


def main(argv: list[str]) -> int:
    """Run the benchmark."""
    home = _home(argv)
    if home is None:
        print("SKIP: CNEMC 2019 data (or the given MEILI_HOME) not found")
        return 0
    from meili.assess.rounds import load_round
    from meili.db.session import session
    from meili.lake.catalog import lake_version
    from meili.registry.units import zone_units

    with session() as s:
        zones = zone_units(s)
    print(f"store: {home} — lake version {lake_version()}, {len(zones)} zones; {REPEATS} repeats")
    _cli(["air", "rank", "--year", "2019", "--allow-incomplete", "-f", "json"])  # warm (not timed)
    ratios = []
    for i in range(REPEATS):
        t_rank = _cli(["air", "rank", "--year", "2019", "--allow-incomplete", "-f", "json"])
        name = f"bench-{uuid.uuid4().hex[:8]}"
        t_assess = _cli(["assess", "run", "--round", name, "--year", "2019"])
        _, values = load_round(name, "values")
        computed = int((values["status"] == "computed").sum())
        ratios.append(t_assess / t_rank)
        print(
            f"[{i + 1}] air rank: {t_rank:6.2f} s   assess run: {t_assess:6.2f} s "
            f"({len(values):,} values, {computed:,} computed)   ratio {t_assess / t_rank:5.2f}x"
        )
    ratio = statistics.median(ratios)
    ok = "OK" if ratio <= GOAL_RATIO else "MISSED"
    print(f"ratio (median of {REPEATS}): {ratio:5.2f}x  (goal <= {GOAL_RATIO:.0f}x: {ok})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
