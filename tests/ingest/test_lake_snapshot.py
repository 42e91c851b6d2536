"""`connect()` reads one snapshot of the manifest, and an ingest killed at any point (also
while it rewrites parts it replaces) leaves the lake as it was or as it is after."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from meili.ingest import ingest_paths
from meili.ingest.demo import demo_dir
from meili.lake import catalog
from meili.lake import manifest as mf
from meili.lake.store import connect

DAYS = [demo_dir() / f"china_sites_2019010{d}.csv.gz" for d in (1, 2, 3)]


def test_connect_reads_one_snapshot(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ingest_paths("air-hourly", DAYS[:1])
    real = mf.read
    raced: list[int] = []

    def racing(root: Path) -> dict:
        found = real(root)
        if not raced:  # a writer publishes right after the reader's first look
            raced.append(1)
            ingest_paths("air-hourly", DAYS[1:2])
        return found

    monkeypatch.setattr(mf, "read", racing)
    con = connect()
    batches = con.execute("SELECT count(*) FROM batches").fetchone()[0]
    landed = con.execute("SELECT sum(rows_landed) FROM batches").fetchone()[0]
    rows = con.execute("SELECT count(*) FROM air_hourly").fetchone()[0]
    assert raced and batches == 1 and landed == rows  # the catalog matches the data
    monkeypatch.setattr(mf, "read", real)
    assert connect().execute("SELECT count(*) FROM batches").fetchone()[0] == 2


SCRIPT = """
import sys
from meili.ingest import ingest_paths
print("ready", flush=True)
ingest_paths("air-hourly", sys.argv[2:], on_conflict=sys.argv[1])
"""


def _state() -> tuple:
    con = connect()
    total, distinct, pm = con.execute(
        "SELECT count(*), count(DISTINCT (site_code, time)), round(sum(pm25), 3) FROM air_hourly"
    ).fetchone()
    assert total == distinct  # one fact, one row, whatever was killed where
    return catalog.lake_version(), total, pm


def test_sigkill_while_replacing(home: Path, tmp_path: Path) -> None:
    ingest_paths("air-hourly", DAYS)
    restated = tmp_path / "restated.csv"
    frame = (
        connect()
        .execute(
            "SELECT site_code, strftime(time, '%Y-%m-%d %H:%M') AS time, pm25 + 1 AS pm25 "
            "FROM air_hourly WHERE pm25 IS NOT NULL AND day = DATE '2019-01-02'"
        )
        .df()
    )
    frame.to_csv(restated, index=False)
    lake = home / "lake"
    pristine = tmp_path / "pristine"
    shutil.copytree(lake, pristine)
    old = _state()
    t0 = time.perf_counter()
    ingest_paths("air-hourly", [restated], on_conflict="replace")
    took = time.perf_counter() - t0
    new = _state()
    assert old != new and old[1] == new[1]
    env = {**os.environ, "MEILI_HOME": str(home)}
    rng = random.Random(13)
    seen = {old: 0, new: 0}
    for i in range(6):
        shutil.rmtree(lake)
        shutil.copytree(pristine, lake)
        proc = subprocess.Popen(
            [sys.executable, "-c", SCRIPT, "replace", str(restated)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert proc.stdout.readline().strip() == "ready"
        if i:
            time.sleep(rng.uniform(0.0, 1.2 * took))
            proc.send_signal(signal.SIGKILL)
        proc.wait()  # the first one runs to the end
        state = _state()
        assert state in seen, state
        seen[state] += 1
        with mf.locked(lake):
            mf.cleanup(lake, mf.read(lake))
        assert {d.name for d in (lake / mf.BATCHES).iterdir()} == set(mf.read(lake)["batches"])
    print(f"states after kills (old, new): {list(seen.values())}; ingest took {took:.2f} s")
    assert seen[new] >= 1
