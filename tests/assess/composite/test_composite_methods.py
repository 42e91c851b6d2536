"""Hand-checked worked examples for every step; expected values are computed in the comments."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from meili.assess.composite.aggregate import aggregate, weighted_mean
from meili.assess.composite.coin import build_coin
from meili.assess.composite.denominate import denominate
from meili.assess.composite.impute import impute
from meili.assess.composite.normalise import (
    distance_to_target,
    goalposts,
    minmax,
    normalise,
    rank_scores,
    zscore,
)
from meili.assess.composite.rank import rank_frame, rank_min
from meili.assess.composite.screen import screen_units
from meili.assess.composite.treat import (
    kurtosis,
    log_ct,
    passes_skew_kurt,
    skewness,
    treat,
    winsorise,
)

X = pd.DataFrame({"a": [2.0, 4.0, 6.0, 10.0]}, index=list("pqrs"))
UP = pd.Series({"a": 1.0})
DOWN = pd.Series({"a": -1.0})


# --- denominate, impute, screen ------------------------------------------------------------


def test_denominate_by_hand() -> None:
    data = pd.DataFrame({"x": [10.0, 20.0, 7.0], "y": [1.0, 2.0, 3.0]}, index=list("abc"))
    den = pd.DataFrame({"Pop": [2.0, 5.0, np.nan]}, index=list("abc"))
    out = denominate(data, den, {"x": "Pop"})
    # 10/2 = 5, 20/5 = 4, 7/NA = NA; y untouched
    assert out["x"].tolist()[:2] == [5.0, 4.0] and np.isnan(out["x"].iloc[2])
    assert out["y"].tolist() == [1.0, 2.0, 3.0]
    assert denominate(data, den, {"x": "Pop"}, scale=100)["x"].iloc[0] == 500.0
    with pytest.raises(ValueError, match="GDP"):
        denominate(data, den, {"x": "GDP"})


def test_impute_group_mean_by_hand() -> None:
    data = pd.DataFrame({"v": [1.0, np.nan, 3.0, 10.0, np.nan, np.nan]}, index=list("abcdef"))
    groups = pd.Series(["A", "A", "A", "B", "B", None], index=list("abcdef"))
    out, mask = impute(data, "group_mean", groups)
    # group A mean (1 + 3)/2 = 2; group B mean 10; f has no group → stays NA
    assert out["v"].tolist()[:5] == [1.0, 2.0, 3.0, 10.0, 10.0]
    assert np.isnan(out["v"].iloc[5])
    assert mask["v"].tolist() == [False, True, False, False, True, False]
    out, _ = impute(data, "mean")
    # overall mean (1 + 3 + 10)/3 = 14/3
    assert out["v"].iloc[1] == pytest.approx(14 / 3)
    out, _ = impute(data, "median")
    assert out["v"].iloc[1] == 3.0
    with pytest.raises(ValueError, match="group"):
        impute(data, "group_mean")


def test_screen_by_hand() -> None:
    data = pd.DataFrame(
        {"a": [1, np.nan, 3], "b": [1, 2, 3], "c": [1, 2, 3], "d": [1, 2, 3]},
        index=list("xyz"),
        dtype=float,
    )
    kept, avail = screen_units(data, 0.9)
    # y: 1 NA of 4 → Dat_Avail 0.75 < 0.9 → dropped
    assert avail.tolist() == [1.0, 0.75, 1.0] and list(kept.index) == ["x", "z"]
    kept, _ = screen_units(data, 0.75)  # kept iff !(0.75 < 0.75)
    assert list(kept.index) == ["x", "y", "z"]


# --- treatment ------------------------------------------------------------------------------


def test_skew_kurt_by_hand() -> None:
    # x = 1,2,3,4,10: mean 4, d = -3,-2,-1,0,6; Σd² = 50, Σd³ = 180, Σd⁴ = 1394, n = 5
    # skew = √5·180/50^1.5 · √(5·4)/3 = 10·180/(50^1.5·3) = 1.6970563
    # kurt = ((6)(5·1394/2500 − 3) + 6)·4/(3·2) = (6·(−0.212) + 6)·2/3 = 3.152
    x = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    assert skewness(x)[0] == pytest.approx(1800 / (50**1.5 * 3), rel=1e-12)
    assert kurtosis(x)[0] == pytest.approx(3.152, rel=1e-12)
    # NAs are removed: same numbers with a NaN appended
    assert skewness(np.append(x, np.nan))[0] == pytest.approx(skewness(x)[0])
    assert passes_skew_kurt(x)[0]  # |skew| < 2
    assert passes_skew_kurt(np.ones(6))[0]  # undefined statistics pass


def test_winsorise_two_passes_by_hand() -> None:
    # 1..20, 100, 1000: skew 4.63, kurt 21.6 → fails.
    # pass 1 (skew ≥ 0): 1000 → 100 (max of the rest); still fails (skew 2.82, kurt 7.13)
    # pass 2: both 100s (current max, ties) → 20; nwin = 2 distinct points; passes.
    x = np.array([*range(1, 21), 100, 1000], dtype=float)
    w, high, low = winsorise(x, winmax=5)
    assert w[:, 0].tolist() == [*range(1, 21), 20, 20]
    assert high[:, 0].sum() == 2 and not low.any()


def test_winsorise_ties_and_low_side() -> None:
    # ties: 1..20, 200, 200 → both 200s in one pass → 20; nwin = 2 even with winmax = 1
    x = np.array([*range(1, 21), 200, 200], dtype=float)
    w, high, _ = winsorise(x, winmax=1)
    assert w[-2:, 0].tolist() == [20, 20] and high[:, 0].sum() == 2
    # negative skew: −1000, 1..20 → −1000 raised to the min of the rest, 1 (flag WLow)
    y = pd.DataFrame({"v": [-1000.0, *range(1, 21)]})
    t = treat(y, winmax=5)
    assert t.data["v"].iloc[0] == 1.0
    assert t.flags["v"].iloc[0] == "WLow" and (t.flags["v"].iloc[1:] == "No").all()
    assert t.summary.loc["v", "Low"] == 1 and t.summary.loc["v", "High"] == 0


def test_log_fallback_uses_original_values() -> None:
    # winmax = 1: one pass (1000 → 100) still fails → log_CT of the ORIGINAL column:
    # log(x − 1 + 0.01·(1000 − 1)) = log(x + 8.99)
    x = np.array([*range(1, 21), 100, 1000], dtype=float)
    t = treat(pd.DataFrame({"v": x}), winmax=1)
    np.testing.assert_allclose(t.data["v"], np.log(x - 1 + 9.99), rtol=1e-14)
    assert bool(t.summary.loc["v", "Log"]) and (t.flags["v"] == "Log").all()
    t = treat(pd.DataFrame({"v": x}), winmax=1, log_fallback=False)
    assert t.data["v"].iloc[-1] == 100.0  # winsorised once, kept as is


def test_log_ct_by_hand() -> None:
    # min 1, max 10: log(x − 1 + 0.09)
    x = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    np.testing.assert_allclose(log_ct(x), np.log([0.09, 1.09, 2.09, 3.09, 9.09]), rtol=1e-14)


def test_passing_column_is_untouched() -> None:
    data = pd.DataFrame({"v": [1.0, 2.0, 3.0, 4.0, 10.0]})
    t = treat(data)
    assert t.data.equals(data) and (t.flags["v"] == "No").all()


# --- normalisation --------------------------------------------------------------------------


def test_minmax_by_hand() -> None:
    # x = 2, 4, 6, 10: (x − 2)/8·100
    assert minmax(X, UP)["a"].tolist() == [0.0, 25.0, 50.0, 100.0]
    # direction −1: (10 − x)/8·100
    assert minmax(X, DOWN)["a"].tolist() == [100.0, 75.0, 50.0, 0.0]
    # [1, 100]: (x − 2)/8·99 + 1
    assert minmax(X, UP, 1, 100)["a"].tolist() == [1.0, 25.75, 50.5, 100.0]
    assert minmax(X)["a"].tolist() == [0.0, 25.0, 50.0, 100.0]  # no directions = +1
    assert minmax(pd.DataFrame({"c": [3.0, 3.0]}))["c"].isna().all()  # 0/0 as in R


def test_zscore_by_hand() -> None:
    # mean 5.5; d = −3.5, −1.5, 0.5, 4.5; Σd² = 35; sd = √(35/3)
    sd = math.sqrt(35 / 3)
    expected = [-3.5 / sd, -1.5 / sd, 0.5 / sd, 4.5 / sd]
    np.testing.assert_allclose(zscore(X, UP)["a"], expected, rtol=1e-14)
    np.testing.assert_allclose(zscore(X, DOWN)["a"], [-e for e in expected], rtol=1e-14)
    np.testing.assert_allclose(zscore(X, UP, 10, 2)["a"], [10 + 2 * e for e in expected])


def test_distance_to_target_by_hand() -> None:
    # target 8, direction +1: (x − 2)/(8 − 2) = 0, 1/3, 2/3, 4/3 → capped at 1, ×100
    out = distance_to_target(X, {"a": 8.0}, UP)["a"]
    np.testing.assert_allclose(out, [0, 100 / 3, 200 / 3, 100])
    out = distance_to_target(X, {"a": 8.0}, UP, cap=False, scale=1)["a"]
    np.testing.assert_allclose(out, [0, 1 / 3, 2 / 3, 4 / 3])
    # target 3, direction −1: (10 − x)/(10 − 3) = 8/7 → 1, 6/7, 4/7, 0
    out = distance_to_target(X, {"a": 3.0}, DOWN, scale=1)["a"]
    np.testing.assert_allclose(out, [1, 6 / 7, 4 / 7, 0])


def test_goalposts_by_hand() -> None:
    # EPI style, low 0 and target 8: x/8·100 = 25, 50, 75, 125 → clipped to 100
    np.testing.assert_allclose(goalposts(X, {"a": 0.0}, {"a": 8.0})["a"], [25, 50, 75, 100])
    # lower is better, low benchmark 12 and target 2: (12 − x)/10·100 = 100, 80, 60, 20
    np.testing.assert_allclose(goalposts(X, {"a": 12.0}, {"a": 2.0})["a"], [100, 80, 60, 20])
    with pytest.raises(ValueError):
        goalposts(X, {"a": 1.0}, {"a": 1.0})


def test_rank_normalisation_by_hand() -> None:
    data = pd.DataFrame({"a": [2.0, 4.0, 4.0, 10.0]})
    # ascending ranks, ties at the minimum: 1, 2, 2, 4; direction −1 reverses: 4, 2, 2, 1
    assert rank_scores(data, UP)["a"].tolist() == [1.0, 2.0, 2.0, 4.0]
    assert rank_scores(data, DOWN)["a"].tolist() == [4.0, 2.0, 2.0, 1.0]
    assert normalise(data, "rank", UP).equals(rank_scores(data, UP))
    with pytest.raises(ValueError):
        normalise(data, "bogus", UP)  # type: ignore[arg-type]


# --- aggregation ----------------------------------------------------------------------------


def test_weighted_arithmetic_by_hand() -> None:
    x = np.array([[10.0, 20.0, 60.0], [10.0, 20.0, np.nan], [np.nan] * 3])
    w = np.array([1.0, 1.0, 2.0])
    out = weighted_mean(x, w)
    # (10 + 20 + 2·60)/4 = 37.5; NA dropped, weights rescaled: (10 + 20)/2 = 15; all NA → NA
    assert out[:2].tolist() == [37.5, 15.0] and np.isnan(out[2])
    # dat_thresh: 2 of 3 children available < 0.9 → NA
    assert np.isnan(weighted_mean(x, w, dat_thresh=0.9)[1])


def test_weighted_geometric_by_hand() -> None:
    x = np.array([[1.0, 4.0, 16.0], [2.0, 8.0, np.nan]])
    # (1·4·16)^(1/3) = 4; (2·8)^(1/2) = 4
    np.testing.assert_allclose(weighted_mean(x, np.ones(3), method="geometric"), [4, 4])
    # weights 2, 1, 1: (1²·4·16)^(1/4) = 64^(1/4) = 2√2
    out = weighted_mean(x[:1], np.array([2.0, 1.0, 1.0]), method="geometric")
    assert out[0] == pytest.approx(2 * math.sqrt(2))
    with pytest.raises(ValueError, match="positive"):
        weighted_mean(np.array([[0.0, 1.0]]), np.ones(2), method="geometric")


def _toy_coin() -> tuple[pd.DataFrame, pd.DataFrame]:
    idata = pd.DataFrame(
        {
            "uCode": ["B", "A", "C"],
            "i1": [1.0, 2.0, 3.0],
            "i2": [3.0, 1.0, 2.0],
            "i3": [5.0, 5.0, 1.0],
        }
    )
    imeta = pd.DataFrame(
        {
            "Level": [1, 1, 1, 2, 2, 3],
            "iCode": ["i1", "i2", "i3", "P1", "P2", "Index"],
            "Direction": [1, 1, -1, 1, 1, 1],
            "Weight": [1, 3, 1, 1, 1, 1],
            "Parent": ["P1", "P1", "P2", "Index", "Index", None],
            "Type": ["Indicator"] * 3 + ["Aggregate"] * 3,
        }
    )
    return idata, imeta


def test_hierarchy_aggregation_by_hand() -> None:
    coin = build_coin(*_toy_coin())
    assert list(coin.data.index) == ["A", "B", "C"]  # sorted by uCode
    out = aggregate(coin.data, coin.hierarchy, coin.weights)
    # A: P1 = (2 + 3·1)/4 = 1.25, P2 = 5, Index = (1.25 + 5)/2 = 3.125
    # B: P1 = (1 + 3·3)/4 = 2.5,  P2 = 5, Index = 3.75
    # C: P1 = (3 + 3·2)/4 = 2.25, P2 = 1, Index = 1.625
    assert out["P1"].tolist() == [1.25, 2.5, 2.25]
    assert out["Index"].tolist() == [3.125, 3.75, 1.625]
    assert coin.aggregates == ["Index", "P1", "P2"]
    geo = aggregate(coin.data, coin.hierarchy, coin.weights, "geometric")
    # A: P1 = (2·1³)^(1/4) = 2^(1/4); Index = √(2^(1/4)·5)
    assert geo.loc["A", "Index"] == pytest.approx(math.sqrt(2**0.25 * 5))


# --- ranks ----------------------------------------------------------------------------------


def test_rank_ties_min_by_hand() -> None:
    # R: rank(-c(5, 3, 5, 1, NA), ties.method = "min", na.last = "keep") = 1 3 1 4 NA
    r = rank_min(np.array([5.0, 3.0, 5.0, 1.0, np.nan]))
    assert r[:4].tolist() == [1.0, 3.0, 1.0, 4.0] and np.isnan(r[4])
    # three-way tie: 7, 7, 7, 9 → 2, 2, 2, 1
    assert rank_min(np.array([7.0, 7.0, 7.0, 9.0])).tolist() == [2.0, 2.0, 2.0, 1.0]
    # many rows at once (axis = -1) and along columns (rank_frame)
    m = np.array([[1.0, 2.0, 2.0], [3.0, 1.0, 2.0]])
    assert rank_min(m, axis=1).tolist() == [[3.0, 1.0, 1.0], [1.0, 3.0, 2.0]]
    frame = rank_frame(pd.DataFrame({"x": [1.0, 2.0, 2.0]}))
    assert frame["x"].tolist() == [3.0, 1.0, 1.0]
