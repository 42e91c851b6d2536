"""Monte Carlo uncertainty/sensitivity: reproducibility, agreement with the step functions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from meili.assess.composite.aggregate import aggregate
from meili.assess.composite.coin import Coin, build_coin
from meili.assess.composite.io import read_coin, read_pipeline
from meili.assess.composite.normalise import minmax, rank_scores, zscore
from meili.assess.composite.pipeline import NormSpec, UncertaintySpec
from meili.assess.composite.rank import rank_min
from meili.assess.composite.runner import run_pipeline
from meili.assess.composite.uncertainty import (
    AGGREGATIONS,
    build_model,
    evaluate,
    monte_carlo,
    run_uncertainty,
)

ROOT = Path(__file__).resolve().parents[3]


def _coin(n_units: int = 30, nan: bool = False, seed: int = 0) -> Coin:
    rng = np.random.default_rng(seed)
    inds = [f"I{j}" for j in range(7)]
    x = rng.normal(50, 10, (n_units, 7))
    if nan:
        x[rng.random(x.shape) < 0.1] = np.nan
        x[0, :3] = np.nan  # unit 0 has no data for pillar P0
    idata = pd.DataFrame(x, columns=inds).assign(uCode=[f"U{i:02d}" for i in range(n_units)])
    parents = ["P0", "P0", "P0", "P1", "P1", "P2", "P2"]
    imeta = pd.DataFrame(
        {
            "Level": [1] * 7 + [2, 2, 2, 3, 3, 4],
            "iCode": [*inds, "P0", "P1", "P2", "S0", "S1", "Index"],
            "Direction": [1, -1, 1, 1, 1, -1, 1, 1, 1, 1, 1, 1, 1],
            "Weight": [1, 2, 1, 1, 3, 1, 1, 1, 2, 1, 1, 1, 1],
            "Parent": [*parents, "S0", "S0", "S1", "Index", "Index", None],
            "Type": ["Indicator"] * 7 + ["Aggregate"] * 6,
        }
    )
    return build_coin(idata, imeta)


def _alternatives(coin: Coin) -> list[pd.DataFrame]:
    return [
        minmax(coin.data, coin.directions, 1, 100),
        zscore(coin.data, coin.directions, 10, 2),
        rank_scores(coin.data, coin.directions),
    ]


@pytest.mark.parametrize("nan", [False, True])
def test_vectorised_model_matches_step_functions(nan: bool) -> None:
    coin = _coin(nan=nan)
    alts = _alternatives(coin)
    model = build_model(alts, coin.hierarchy, coin.weights)
    rng = np.random.default_rng(1)
    d = 24
    norm = rng.integers(0, 3, d)
    agg = rng.integers(0, 2, d)
    w = model.weights * rng.uniform(0.5, 1.5, (d, model.n_weights))
    got = evaluate(model, norm, w, agg, batch_size=5)
    codes = [c for link in coin.hierarchy for c in link.children]
    for i in range(d):  # the per-draw reference: one pandas build per draw
        weights = coin.weights.copy()
        weights[codes] = w[i]
        ref = aggregate(alts[norm[i]], coin.hierarchy, weights, AGGREGATIONS[agg[i]])["Index"]
        np.testing.assert_allclose(got[i], ref.to_numpy(), rtol=1e-11, equal_nan=True)
    if nan:
        assert not np.isnan(got).any()  # unit 0 still has P1, P2


def test_reproducible_with_seed() -> None:
    coin = _coin()
    model = build_model(_alternatives(coin), coin.hierarchy, coin.weights)
    a = monte_carlo(model, 200, seed=42, n_norm=3)
    b = monte_carlo(model, 200, seed=42, n_norm=3, batch_size=7, chunk=100)
    c = monte_carlo(model, 200, seed=43, n_norm=3)
    pd.testing.assert_frame_equal(a.summary(), b.summary())
    np.testing.assert_array_equal(a.ranks, b.ranks)
    assert not np.array_equal(a.ranks, c.ranks)
    assert a.n_runs == 1000 and a.ranks.shape == (400, 30)
    s = a.summary()
    assert (s["Q05"] <= s["Median"]).all() and (s["Median"] <= s["Q95"]).all()
    assert s[["Q05", "Q95"]].min().min() >= 1 and s[["Q05", "Q95"]].max().max() <= 30


def test_nominal_ranks_are_the_deterministic_build() -> None:
    coin = _coin()
    alts = _alternatives(coin)
    res = monte_carlo(build_model(alts, coin.hierarchy, coin.weights), 10, seed=0, n_norm=3)
    ref = aggregate(alts[0], coin.hierarchy, coin.weights)["Index"].to_numpy()
    np.testing.assert_array_equal(res.nominal.to_numpy(), rank_min(ref))


@pytest.mark.parametrize("estimator", ["saltelli", "binned"])
def test_single_uncertain_factor(estimator: str) -> None:
    """Only the normalisation varies: S_norm ≈ 1 (binned: exactly), the others exactly 0."""
    coin = _coin()
    model = build_model(_alternatives(coin), coin.hierarchy, coin.weights, geometric=False)
    res = monte_carlo(
        model,
        2000,
        seed=5,
        n_norm=3,
        aggregations=["arithmetic"],
        weight_perturbation=0.0,
        estimator=estimator,
    )
    s = res.first_order[res.ranks.var(axis=0) > 0]
    assert len(s) > 5
    assert (s["aggregation"] == 0).all()
    if estimator == "binned":
        np.testing.assert_allclose(s["normalisation"], 1.0, rtol=1e-12)
        assert s["weights"].isna().all()
    else:
        assert (s["weights"] == 0).all()
        assert s["normalisation"].median() == pytest.approx(1.0, abs=0.1)


def test_geometric_needs_positive_values() -> None:
    coin = _coin()
    with pytest.raises(ValueError, match="positive"):
        build_model([minmax(coin.data, coin.directions)], coin.hierarchy, coin.weights)
    with pytest.raises(ValueError, match="estimator"):
        model = build_model(_alternatives(coin), coin.hierarchy, coin.weights)
        monte_carlo(model, 5, seed=0, n_norm=3, estimator="sobol")


@pytest.mark.shared
def test_asem_uncertainty(shared_dir: Path) -> None:
    base = shared_dir / "data" / "coinr-asem"
    coin = read_coin(base / "asem_iData.csv", base / "asem_iMeta.csv")
    pipeline = read_pipeline(ROOT / "examples" / "coinr-asem.yaml")
    result = run_pipeline(coin, pipeline)
    spec = pipeline.uncertainty.model_copy(update={"n_draws": 300})
    out = run_uncertainty(result.datasets["Treated"], coin, spec)
    # nominal (minmax 1-100, arithmetic, nominal weights) = the deterministic ranks
    np.testing.assert_array_equal(out.nominal.loc[result.results().index], result.results()["Rank"])
    assert out.summary().shape == (51, 7)
    again = run_uncertainty(result.datasets["Treated"], coin, spec)
    pd.testing.assert_frame_equal(out.summary(), again.summary())
    spec = UncertaintySpec(normalisation=[NormSpec(method="minmax")], n_draws=10)
    with pytest.raises(ValueError, match="positive"):
        run_uncertainty(result.datasets["Treated"], coin, spec)
