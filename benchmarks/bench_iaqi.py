"""Time Meili's vectorised HJ 633-2012 IAQI on 1e6 PM2.5 values against a per-value baseline.

Baseline: python-aqi 0.6.1 ``aqi.to_iaqi(..., algo=aqi.ALGO_MEP)`` when installed (timed on
a subset and scaled, it is slow), else a naive per-value Python loop over the same HJ 633-2012
table. Run: ``.venv/bin/python benchmarks/bench_iaqi.py [n]``.
"""

from __future__ import annotations

import math
import sys
import time
from fractions import Fraction

import numpy as np

from meili.standards.air import BREAKPOINTS, iaqi
from meili.standards.air.hj633_tables import IAQI_ROWS

TABLE = BREAKPOINTS["2012"]["PM25_24H"]


def naive(c: float) -> int | None:
    """One value, exact HJ 633-2012 formula (1) with ceiling: the per-value stand-in."""
    f = Fraction(c)
    for i in range(1, len(TABLE)):
        if f <= TABLE[i]:
            slope = Fraction(IAQI_ROWS[i] - IAQI_ROWS[i - 1], TABLE[i] - TABLE[i - 1])
            return math.ceil(slope * (f - TABLE[i - 1]) + IAQI_ROWS[i - 1])
    return None


def per_value_baseline() -> tuple[str, object]:
    try:
        import aqi as python_aqi  # python-aqi 0.6.1
    except ImportError:
        return "naive per-value Python loop (same table)", naive

    def call(c: float) -> object:
        return python_aqi.to_iaqi(python_aqi.POLLUTANT_PM25, str(c), algo=python_aqi.ALGO_MEP)

    return "python-aqi 0.6.1 to_iaqi per value", call


def main(n: int = 1_000_000) -> None:
    rng = np.random.default_rng(0)
    values = np.round(rng.uniform(0, 500, n), 1)

    iaqi("PM25_24H", values[:1000], "2012")  # warm-up: first-call imports are not the cost
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        iaqi("PM25_24H", values, "2012")
        runs.append(time.perf_counter() - start)
    vectorised = min(runs)

    print(f"n = {n:,}")
    print(f"meili.standards.air.iaqi (vectorised): {vectorised:8.3f} s (best of 3, warm)")
    sample = values[: min(n, 100_000)].tolist()
    baselines = [per_value_baseline()]
    if baselines[0][1] is not naive:
        baselines.append(("naive per-value Python loop (same table)", naive))
    for name, func in baselines:
        start = time.perf_counter()
        for c in sample:  # the baseline is per value by design
            func(c)
        loop = (time.perf_counter() - start) * n / len(sample)
        print(f"{name}: {loop:8.3f} s (timed on {len(sample):,}, scaled)")
        print(f"  ratio baseline / meili = {loop / vectorised:,.0f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
