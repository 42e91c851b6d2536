"""SDR trend arrows at each boundary, and the vectorised Theil–Sen against scipy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.stats as st
from hypothesis import given, settings
from hypothesis import strategies as hs

from meili.assess.progress import assess_progress
from meili.assess.trend import Arrow, classify, rate_ratio, theil_sen

# PM2.5 (↓): baseline 40 in 2020, target 26 in 2027 → required rate (40 − 26)/7 = 2 per year.
# Current values in 2023 (3 years elapsed) and the hand-computed ratio actual/required:
CASES = [
    (34.0, "on_track"),  # (40 − 34)/3 = 2 → ratio 1 exactly (100 % of required)
    (34.01, "moderately_improving"),  # 5.99/3/2 = 0.99833
    (37.0, "moderately_improving"),  # 3/3/2 = 0.5 exactly (50 %)
    (37.03, "stagnating"),  # 2.97/3/2 = 0.495
    (40.0, "stagnating"),  # no change: ratio 0
    (40.1, "deteriorating"),  # −0.1/3/2 < 0: moving away
    (25.0, "maintaining"),  # already better than the target
    (26.0, "maintaining"),  # exactly at the target
]


def _one(current: float, direction: str = "down", target: float = 26.0) -> pd.Series:
    data = pd.DataFrame(
        {"zone": "Z", "indicator": "pm25", "year": [2020, 2021, 2023], "value": [40.0, 40, current]}
    )  # the 2021 value (3 points needed) does not enter SDR's endpoint pace
    targets = pd.DataFrame(
        {"indicator": ["pm25"], "direction": [direction], "target": [target], "baseline_year": 2020}
    )
    return assess_progress(data, targets).iloc[0]


@pytest.mark.parametrize(("current", "arrow"), CASES)
def test_boundaries_down(current: float, arrow: str) -> None:
    assert _one(current)["arrow"] == arrow


def test_boundary_labels() -> None:
    row = _one(37.0)
    assert (row["arrow_symbol"], row["arrow_zh"], row["arrow_en"]) == (
        "↗",
        "有进展但需加快",
        "improving, acceleration needed",
    )
    assert row["required_rate"] == pytest.approx(2.0)
    assert row["actual_rate"] == pytest.approx(1.0)
    assert row["rate_ratio"] == pytest.approx(0.5)
    assert _one(34.0)["arrow_zh"] == "正常推进"
    assert _one(40.0)["arrow_symbol"] == "→"
    assert _one(41.0)["arrow_zh"] == "恶化"


def test_binary_rounding_on_boundary_up() -> None:
    # ↑: 0.3 (2020) → target 1.0 (2027): required 0.1/yr; 0.6 in 2023 is exactly 100 %
    # in decimal, 0.09999999999999999/0.1 in binary — the tolerance keeps it on track.
    data = pd.DataFrame(
        {"zone": "Z", "indicator": "x", "year": [2020, 2021, 2023], "value": [0.3, 0.3, 0.6]}
    )
    targets = pd.DataFrame(
        {"indicator": ["x"], "direction": ["up"], "target": [1.0], "baseline_year": 2020}
    )
    row = assess_progress(data, targets).iloc[0]
    assert row["arrow"] == "on_track"
    # 0.45 in 2023: exactly 50 % of the required rate
    data.loc[2, "value"] = 0.45
    assert assess_progress(data, targets).iloc[0]["arrow"] == "moderately_improving"


def test_baseline_met_then_lost_is_deteriorating() -> None:
    data = pd.DataFrame(
        {"zone": "Z", "indicator": "x", "year": [2020, 2021, 2023], "value": [25.0, 25, 27]}
    )
    targets = pd.DataFrame(
        {"indicator": ["x"], "direction": ["down"], "target": [26.0], "baseline_year": 2020}
    )
    assert assess_progress(data, targets).iloc[0]["arrow"] == "deteriorating"


def test_insufficient_data() -> None:
    data = pd.DataFrame({"zone": ["Z", "Y"], "indicator": ["x", "q"], "year": 2020, "value": 30.0})
    targets = pd.DataFrame(
        {"indicator": ["x"], "direction": ["down"], "target": [26.0], "baseline_year": 2020}
    )
    out = assess_progress(data, targets).set_index("zone")
    assert out.loc["Z", "arrow"] == "insufficient_data"  # one year only
    assert out.loc["Y", "arrow"] == "insufficient_data"  # no target row at all
    assert out.loc["Y", "outlook"] == "insufficient_data"


def test_classify_arrays() -> None:
    ratio = np.array([1.0, 0.5, 0.4999, 0.0, -0.01, np.nan])
    got = classify(ratio, np.zeros(6, bool), np.ones(6), np.ones(6))
    assert list(got) == [
        Arrow.on_track,
        Arrow.moderately_improving,
        Arrow.stagnating,
        Arrow.stagnating,
        Arrow.deteriorating,
        Arrow.insufficient_data,
    ]


def test_theil_sen_matches_scipy() -> None:
    rng = np.random.default_rng(7)
    x = np.arange(2012, 2024, dtype=float)
    y = np.round(rng.normal(size=(300, x.size)).cumsum(axis=1), 1)  # rounding makes ties
    y[rng.random(y.shape) < 0.3] = np.nan
    fit = theil_sen(x, y, confidence=0.9)
    for g in range(y.shape[0]):
        m = ~np.isnan(y[g])
        if m.sum() < 2:
            assert np.isnan(fit.slope[g])
            continue
        ref = st.theilslopes(y[g][m], x[m], 0.9)
        got = (fit.slope[g], fit.intercept[g], fit.low_slope[g], fit.high_slope[g])
        assert got == pytest.approx(
            (ref.slope, ref.intercept, ref.low_slope, ref.high_slope), nan_ok=True
        )


def test_theil_sen_hand_example() -> None:
    # points (0,0) (1,1) (2,3): slopes 1, 1.5, 2 → median 1.5; with n = 3 Sen's 95 % CI spans
    # all slopes [1, 2]; intercept median(y) − 1.5·median(x) = 1 − 1.5 = −0.5.
    fit = theil_sen(np.array([0.0, 1, 2]), np.array([[0.0, 1, 3]]))
    assert (fit.slope[0], fit.low_slope[0], fit.high_slope[0], fit.intercept[0]) == (
        1.5,
        1.0,
        2.0,
        -0.5,
    )
    point, low, high = fit.at(8.0)  # 1 + 1.5·7, 1 + 1·7, 1 + 2·7
    assert (point[0], low[0], high[0]) == (11.5, 8.0, 15.0)


def test_rate_ratio_direction_free() -> None:
    a, r, q = rate_ratio(
        np.array([40.0]),
        np.array([2020]),
        np.array([34.0]),
        np.array([2023]),
        np.array([26.0]),
        np.array([2027]),
        np.array([-1.0]),
    )
    assert (a[0], r[0], q[0]) == (2.0, 2.0, 1.0)


years_st = hs.integers(2010, 2020)
level = hs.floats(-1000, 1000, allow_nan=False, allow_infinity=False)
gap = hs.floats(0.5, 500, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(years_st, hs.integers(2, 7), level, gap, hs.sampled_from(["up", "down"]))
def test_linear_path_to_target_is_on_track(
    start: int, n: int, base: float, size: float, direction: str
) -> None:
    """A series on the straight line from baseline to target is on track and reaches it."""
    end = 2027
    target = base + size if direction == "up" else base - size
    years = np.arange(start, start + n)
    values = base + (target - base) * (years - start) / (end - start)
    data = pd.DataFrame({"zone": "Z", "indicator": "x", "year": years, "value": values})
    targets = pd.DataFrame(
        {
            "indicator": ["x"],
            "direction": [direction],
            "target": [target],
            "binding": [True],
            "baseline_year": start,
        }
    )
    row = assess_progress(data, targets).iloc[0]
    assert row["arrow"] == ("on_track" if n >= 3 else "insufficient_data")
    if n >= 3:
        assert row["outlook"] == "reaches"
        assert row["warning"] is None


@settings(max_examples=200, deadline=None)
@given(level, gap, hs.floats(0.05, 0.95), hs.sampled_from(["up", "down"]))
def test_reversing_direction_flips_improving(
    base: float, size: float, share: float, direction: str
) -> None:
    """Same data, direction reversed (target mirrored about the baseline): improving ↔ away."""
    sign = 1 if direction == "up" else -1
    target = base + sign * size
    current = base + sign * size * share  # partway toward the target: improving
    data = pd.DataFrame(
        {"zone": "Z", "indicator": "x", "year": [2020, 2021, 2023], "value": [base, base, current]}
    )
    t1 = pd.DataFrame(
        {"indicator": ["x"], "direction": [direction], "target": [target], "baseline_year": 2020}
    )
    other = "down" if direction == "up" else "up"
    t2 = t1.assign(direction=other, target=2 * base - target)
    first = assess_progress(data, t1).iloc[0]
    second = assess_progress(data, t2).iloc[0]
    assert first["arrow"] in {"on_track", "moderately_improving", "stagnating"}
    assert first["rate_ratio"] > 0
    assert second["arrow"] == "deteriorating"
    assert second["rate_ratio"] == pytest.approx(-first["rate_ratio"])
