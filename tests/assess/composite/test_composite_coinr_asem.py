"""Exact reproduction of COINr's default ASEM build (README in shared/data/coinr-asem)."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from meili.assess.composite.aggregate import aggregate
from meili.assess.composite.io import read_coin, read_pipeline
from meili.assess.composite.rank import rank_frame
from meili.assess.composite.runner import BuildResult, run_pipeline
from meili.assess.composite.treat import kurtosis, skewness, treat

pytestmark = pytest.mark.shared

ROOT = Path(__file__).resolve().parents[3]
PIPELINE = ROOT / "examples" / "coinr-asem.yaml"
TOL = 1e-6  # README: COINr6 raw inputs differ by up to 2.3e-8 relative


@functools.cache
def _build(base: Path) -> BuildResult:
    coin = read_coin(base / "asem_iData.csv", base / "asem_iMeta.csv")
    return run_pipeline(coin, read_pipeline(PIPELINE))


@pytest.fixture
def asem(shared_dir: Path) -> tuple[Path, BuildResult]:
    base = shared_dir / "data" / "coinr-asem"
    return base, _build(base)


def _ref(base: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(base / "coinr6-intermediates" / f"{name}.csv").set_index("uCode")


def test_inputs_shape(asem: tuple[Path, BuildResult]) -> None:
    _, res = asem
    coin = res.coin
    assert coin.data.shape == (51, 49)
    assert list(coin.data.index) == sorted(coin.data.index)  # new_coin sorts by uCode
    assert len(coin.denominators) == 17
    assert int((coin.directions == -1).sum()) == 14
    assert int(coin.data.isna().sum().sum()) == 63  # + 1 NA in Energy = 64 in iData


@pytest.mark.parametrize("name", ["Raw", "Denominated", "Imputed", "Treated", "Normalised"])
def test_intermediate_matches_coinr(asem: tuple[Path, BuildResult], name: str) -> None:
    base, res = asem
    ref = _ref(base, name)
    ours = res.datasets[name]
    assert sorted(ours.columns) == sorted(ref.columns)
    assert sorted(ours.index) == sorted(ref.index)
    ours = ours.loc[ref.index, ref.columns]
    assert (ours.isna() == ref.isna()).all().all()
    diff = np.nanmax(np.abs(ours.to_numpy() - ref.to_numpy()))
    assert diff < TOL, f"{name}: max |diff| = {diff:.3g}"


def test_screening_is_noop(asem: tuple[Path, BuildResult]) -> None:
    _, res = asem
    assert res.datasets["Screened"].shape == (51, 49)
    assert (res.details["dat_avail"] == 1.0).all()


def test_imputed_cells(asem: tuple[Path, BuildResult]) -> None:
    base, res = asem
    cells = pd.read_csv(base / "coinr6-intermediates" / "imputed_cells.csv")
    mask = res.details["imputed"]
    ours = {(u, i) for u, i in zip(*np.nonzero(mask.to_numpy()), strict=True)}
    ours = {(mask.index[u], mask.columns[i]) for u, i in ours}
    assert len(cells) == 65
    assert ours == set(zip(cells["uCode"], cells["iCode"], strict=True))
    imputed = res.datasets["Imputed"]
    values = np.array(
        [imputed.loc[u, i] for u, i in zip(cells["uCode"], cells["iCode"], strict=True)]
    )
    np.testing.assert_allclose(values, cells["imputed_value_COINr6"], rtol=1e-6)
    np.testing.assert_allclose(values, cells["imputed_value_v1_reimpl"], rtol=1e-12)


def test_treat_flags_and_summary(asem: tuple[Path, BuildResult]) -> None:
    base, res = asem
    flags = _ref(base, "TreatFlags")
    ours = res.details["treat_flags"].loc[flags.index, flags.columns]
    assert (ours == flags).all().all()
    summary = pd.read_csv(base / "coinr6-intermediates" / "TreatSummary.csv").set_index("IndCode")
    mine = res.details["treat_summary"].loc[summary.index]
    assert (mine["Low"] == summary["Low"]).all()
    assert (mine["High"] == summary["High"]).all()
    assert not mine["Log"].any()  # README: none is log-transformed
    assert int((mine["Low"] + mine["High"] > 0).sum()) == 15


# README §4 table: iCode, skew0, kurt0, nwin, skew1, kurt1 (4 decimals)
README_TREAT = [
    ("Flights", 2.2436, 6.2982, 1, 1.7538, 3.2469),
    ("Bord", 4.2114, 19.9046, 3, 1.6596, 1.5392),
    ("Gas", 4.6689, 22.2943, 3, 1.7856, 2.3408),
    ("Services", 3.9504, 17.6476, 4, 1.6248, 2.1155),
    ("FDI", 2.4554, 5.7771, 2, 1.9157, 2.4062),
    ("ForPort", 6.9278, 48.8152, 3, 1.3595, 0.9011),
    ("CostImpEx", 2.6914, 9.8426, 1, 1.5897, 2.3584),
    ("Tariff", 2.3216, 5.0620, 3, 1.8553, 2.8505),
    ("StMob", 2.8944, 10.1065, 2, 1.0777, 0.6620),
    ("CultServ", 5.2836, 28.4924, 3, 1.9271, 3.3044),
    ("Forest", 2.7113, 9.3478, 2, 1.4240, 1.7988),
    ("Poverty", 2.6289, 6.9557, 3, 1.1593, -0.4357),
    ("NGOs", 3.4129, 13.0520, 3, 1.1548, 0.1322),
    ("FemLab", -2.0089, 5.0005, 1, -1.8924, 4.3634),
    ("PubDebt", 2.0289, 6.1600, 1, 1.2595, 1.7916),
]


@pytest.mark.parametrize(("code", "skew0", "kurt0", "nwin", "skew1", "kurt1"), README_TREAT)
def test_treat_table_of_readme(
    asem: tuple[Path, BuildResult],
    code: str,
    skew0: float,
    kurt0: float,
    nwin: int,
    skew1: float,
    kurt1: float,
) -> None:
    _, res = asem
    row = res.details["treat_summary"].loc[code]
    assert row["Low"] + row["High"] == nwin
    assert row[["skew0", "kurt0", "skew1", "kurt1"]].to_numpy(dtype=float) == pytest.approx(
        [skew0, kurt0, skew1, kurt1], abs=5e-5
    )


@pytest.mark.parametrize(
    ("code", "winmax", "skew2", "kurt2"),
    [("Goods", 1, 0.03104001, -0.8888965), ("Flights", 0, -0.09502644, -0.8305217)],
)
def test_log_ct_documented_examples(
    asem: tuple[Path, BuildResult], code: str, winmax: int, skew2: float, kurt2: float
) -> None:
    """COINr docs/articles/treat.html:497 and :574: log_CT on Raw data after failed winsorising."""
    _, res = asem
    t = treat(res.coin.data[[code]], winmax=winmax)
    assert bool(t.summary.loc[code, "Log"])
    assert (t.flags[code] == "Log").all()
    y = t.data[code].to_numpy()
    assert skewness(y)[0] == pytest.approx(skew2, abs=1e-7)
    assert kurtosis(y)[0] == pytest.approx(kurt2, abs=1e-7)


def test_aggregates_from_coinr_normalised(asem: tuple[Path, BuildResult]) -> None:
    """Aggregating COINr's own Normalised set gives our aggregates to ~1e-6 and the same ranks."""
    base, res = asem
    coin = res.coin
    ref_norm = _ref(base, "Normalised")[coin.indicators]
    ref_agg = aggregate(ref_norm, coin.hierarchy, coin.weights)
    ours = res.datasets["Aggregated"].loc[ref_agg.index]
    aggs = coin.aggregates
    assert aggs[:3] == ["Index", "Conn", "Sust"] and len(aggs) == 11
    diff = np.abs(ours[aggs].to_numpy() - ref_agg[aggs].to_numpy()).max()
    assert diff < TOL
    # no near-ties: the ranks are robust to the 1e-7 input noise
    gaps = np.diff(np.sort(ours["Index"].to_numpy()))
    assert gaps.min() > 1e-4
    assert (rank_frame(ours[aggs]) == rank_frame(ref_agg[aggs])).all().all()


def test_aggregation_by_hand(asem: tuple[Path, BuildResult]) -> None:
    """Plain means at every level (all weights 1, no NA after imputation)."""
    _, res = asem
    coin, agg = res.coin, res.datasets["Aggregated"]
    meta = coin.meta
    for parent in coin.aggregates:
        children = list(meta.index[meta["Parent"] == parent])
        np.testing.assert_allclose(agg[parent], agg[children].mean(axis=1), rtol=1e-13)
    np.testing.assert_allclose(agg["Index"], (agg["Conn"] + agg["Sust"]) / 2, rtol=1e-13)
    table = res.results()
    assert list(table.columns[:3]) == ["Index", "Conn", "Sust"]
    assert sorted(table["Rank"].astype(int)) == list(range(1, 52))
    assert table["Rank"].idxmin() == table["Index"].idxmax()
