"""Benchmark: `meili demo`, step by step, against what the demo did before it built a portal.

Runs every step of :data:`meili.demo.STEPS` in a fresh store (a temporary MEILI_HOME), then
again in the same store, timing each step. The baseline, measured in the same run, is the
first run's ``stores`` and ``samples`` steps: what `meili demo` did before it froze a round
and built the workflow's documents. Prints the seconds per step and the ratios of the whole
first run and of the second run to the baseline.
Goal: the second run (everything found in place) ≤ 1.5 × the baseline.
Usage: ``python benchmarks/bench_demo.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

from meili.demo import STEPS, DemoState

GOAL = 1.5


def _timed_run() -> dict[str, float]:
    state = DemoState()
    out = {}
    for step in STEPS:
        start = time.perf_counter()
        step.run(state)
        out[step.key] = time.perf_counter() - start
    return out


def main() -> int:
    with tempfile.TemporaryDirectory() as home:
        os.environ["MEILI_HOME"] = home
        os.environ.pop("MEILI_DATABASE_URL", None)
        first = _timed_run()
        second = _timed_run()
    baseline = first["stores"] + first["samples"]
    print(f"{'step':<18}{'first s':>10}{'second s':>10}")
    for key in first:
        print(f"{key:<18}{first[key]:>10.2f}{second[key]:>10.2f}")
    total1, total2 = sum(first.values()), sum(second.values())
    print(f"{'total':<18}{total1:>10.2f}{total2:>10.2f}")
    print(f"baseline (stores + samples, first run): {baseline:.2f} s")
    print(f"first run / baseline: {total1 / baseline:.2f}")
    ratio = total2 / baseline
    print(f"second run / baseline: {ratio:.2f} (goal ≤ {GOAL})")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
