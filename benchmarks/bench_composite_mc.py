"""Benchmark the vectorised Monte Carlo of :mod:`meili.assess.composite.uncertainty`.

Synthetic problem: 339 units × 40 indicators → 8 pillars → 2 sub-indices → 1 index, three
normalisation alternatives, weights ±25 %, arithmetic/geometric aggregation. Target:
10,000 draws in ≤ 10 s on 2 cores. The baseline, measured in the same run, is a naive
per-draw loop over the pandas step functions (normalise → aggregate → rank) on a subset of
draws, extrapolated to the same number of runs.

Run: ``.venv/bin/python benchmarks/bench_composite_mc.py [--draws 10000] [--baseline 100]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from meili.assess.composite.aggregate import aggregate
from meili.assess.composite.coin import build_coin
from meili.assess.composite.normalise import minmax, rank_scores, zscore
from meili.assess.composite.rank import rank_frame
from meili.assess.composite.uncertainty import AGGREGATIONS, build_model, monte_carlo


def synthetic_coin(n_units: int = 339, n_ind: int = 40, n_pillars: int = 8, seed: int = 1):
    """A random positive data set and a 4-level hierarchy in COINr iData/iMeta layout."""
    rng = np.random.default_rng(seed)
    codes = [f"U{i:03d}" for i in range(n_units)]
    inds = [f"I{j:02d}" for j in range(n_ind)]
    values = rng.normal(50.0, 10.0, size=(n_units, n_ind))
    idata = pd.DataFrame(values, columns=inds).assign(uCode=codes)
    pillars = [f"P{k}" for k in range(n_pillars)]
    rows = [
        dict(
            Level=1,
            iCode=c,
            Direction=1 if j % 5 else -1,
            Weight=1.0,
            Parent=pillars[j % n_pillars],
            Type="Indicator",
        )
        for j, c in enumerate(inds)
    ]
    rows += [
        dict(
            Level=2,
            iCode=p,
            Direction=1,
            Weight=1.0,
            Parent="S0" if k < 5 else "S1",
            Type="Aggregate",
        )
        for k, p in enumerate(pillars)
    ]
    rows += [
        dict(Level=3, iCode=s, Direction=1, Weight=1.0, Parent="Index", Type="Aggregate")
        for s in ("S0", "S1")
    ]
    rows += [dict(Level=4, iCode="Index", Direction=1, Weight=1.0, Parent=None, Type="Aggregate")]
    return build_coin(idata, pd.DataFrame(rows))


def normalisers(data: pd.DataFrame, directions: pd.Series) -> list[pd.DataFrame]:
    return [
        minmax(data, directions, 1.0, 100.0),
        zscore(data, directions, 10.0, 2.0),
        rank_scores(data, directions),
    ]


def naive_loop(coin, norm, mult, agg) -> np.ndarray:
    """The per-draw reference: pandas step functions, one build per draw."""
    ranks = []
    weights0 = coin.weights
    codes = [c for link in coin.hierarchy for c in link.children]
    for k, m, a in zip(norm, mult, agg, strict=True):
        data = normalisers(coin.data, coin.directions)[k]
        w = weights0.copy()
        w[codes] = weights0[codes].to_numpy() * m
        out = aggregate(data, coin.hierarchy, w, AGGREGATIONS[a])
        ranks.append(rank_frame(out[["Index"]])["Index"].to_numpy())
    return np.asarray(ranks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000, help="base sample size N")
    parser.add_argument("--baseline", type=int, default=100, help="draws in the naive loop")
    args = parser.parse_args()

    coin = synthetic_coin()
    model = build_model(normalisers(coin.data, coin.directions), coin.hierarchy, coin.weights)
    print(
        f"problem: {len(coin.data)} units × {coin.data.shape[1]} indicators, "
        f"{model.n_weights} weights, 3 normalisations × 2 aggregations"
    )

    for estimator, runs_per_draw in (("binned", 1), ("saltelli", 5)):
        t0 = time.perf_counter()
        res = monte_carlo(model, args.draws, seed=7, n_norm=3, estimator=estimator)
        dt = time.perf_counter() - t0
        assert res.n_runs == args.draws * runs_per_draw
        print(
            f"vectorised {estimator:8s}: N = {args.draws}, {res.n_runs} runs in {dt:6.2f} s "
            f"({res.n_runs / dt:,.0f} runs/s)"
        )
        if estimator == "binned":
            t_binned = dt
        else:
            t_saltelli = dt

    rng = np.random.default_rng(3)
    nb = args.baseline
    norm = rng.integers(0, 3, nb)
    mult = rng.uniform(0.75, 1.25, (nb, model.n_weights))
    agg = rng.integers(0, 2, nb)
    t0 = time.perf_counter()
    naive_loop(coin, norm, mult, agg)
    per_run = (time.perf_counter() - t0) / nb
    base_binned = per_run * args.draws
    base_saltelli = per_run * args.draws * 5
    print(f"baseline naive loop: {per_run * 1e3:.2f} ms/run (measured on {nb} runs)")
    print(
        f"  binned   : extrapolated {base_binned:8.1f} s → speed-up × {base_binned / t_binned:,.0f}"
    )
    print(
        f"  saltelli : extrapolated {base_saltelli:8.1f} s → speed-up × "
        f"{base_saltelli / t_saltelli:,.0f}"
    )
    target = 10.0
    print(
        f"target: {args.draws} draws ≤ {target:.0f} s — binned {t_binned:.2f} s, "
        f"saltelli ({5 * args.draws} runs) {t_saltelli:.2f} s"
    )


if __name__ == "__main__":
    main()
