"""SIGKILL an ingest at random points: the lake is always exactly the old or the new state."""

from __future__ import annotations

import importlib.util
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
from meili.lake import catalog
from meili.lake import manifest as mf
from meili.lake.store import connect, live_datasets

_spec = importlib.util.spec_from_file_location(
    "helpers_ingest", Path(__file__).with_name("helpers_ingest.py")
)
helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helpers)

KILLS = 20
SCRIPT = "import sys\nfrom meili.cli import main\nmain(['ingest', 'air-hourly', *sys.argv[1:]])\n"


def _state() -> tuple[int, tuple[tuple[str, int, str], ...], int, float]:
    """Manifest version, (file, version, status) of batches, row count, value checksum."""
    con = connect()
    tables = live_datasets(con)
    rows, total = 0, 0.0
    if "air_hourly" in tables:
        rows, total = con.execute("SELECT count(*), sum(pm25) FROM air_hourly").fetchone()
    batches = [(b["file"], b["version"], b["status"]) for b in catalog.list_batches()]
    return catalog.lake_version(), tuple(batches), rows, round(total or 0.0, 3)


@pytest.mark.slow
def test_sigkill_leaves_old_or_new_state(home: Path, tmp_path: Path) -> None:
    old_file = helpers.wide_file(tmp_path / "v1" / "china_sites_20190101.csv", sites=300)
    new_file = helpers.wide_file(
        tmp_path / "v2" / "china_sites_20190101.csv", sites=400, seed=1, shift=2
    )
    extra = helpers.wide_file(
        tmp_path / "v2" / "china_sites_20190102.csv", day="20190102", sites=400, seed=2
    )
    ingest_paths("air-hourly", [old_file])
    old_state = _state()
    lake = home / "lake"
    pristine = tmp_path / "pristine"
    shutil.copytree(lake, pristine)

    ingest_paths("air-hourly", [new_file])
    mid_state = _state()
    ingest_paths("air-hourly", [extra])
    new_state = _state()
    allowed = {old_state, mid_state, new_state}
    assert len(allowed) == 3

    env = {**os.environ, "MEILI_HOME": str(home)}
    rng = random.Random(20250101)
    seen = {old_state: 0, mid_state: 0, new_state: 0}
    started = time.monotonic()
    for _ in range(KILLS):
        shutil.rmtree(lake)
        shutil.copytree(pristine, lake)
        proc = subprocess.Popen(
            [sys.executable, "-c", SCRIPT, str(new_file), str(extra)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.6, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = _state()
        assert state in allowed, state
        seen[state] += 1
        # the next writer cleans up whatever the killed one left
        with mf.locked(lake):
            mf.cleanup(lake, mf.read(lake))
        listed = {d.name for d in (lake / mf.BATCHES).iterdir()}
        assert listed == set(mf.read(lake)["batches"])
    assert time.monotonic() - started < 60
    assert sum(seen.values()) == KILLS
    print("states after kills (old, middle, new):", list(seen.values()))
