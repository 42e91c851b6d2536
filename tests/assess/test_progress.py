"""Progress toward targets: distance travelled, projection and early warning (hand-checked)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from meili.assess.progress import assess_progress
from meili.errors import UserError


def _frame(rows: dict[tuple[str, str], dict[int, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"zone": z, "indicator": i, "year": y, "value": v}
            for (z, i), series in rows.items()
            for y, v in series.items()
        ]
    )


TARGETS = pd.DataFrame(
    {
        "indicator": ["pm25", "forest"],
        "direction": ["down", "up"],
        "target": [26.0, 8.0],
        "binding": [True, True],
        "baseline_year": [2020, 2021],
    }
)


def test_distance_down_and_up() -> None:
    data = _frame(
        {
            ("A", "pm25"): {2020: 40, 2023: 34},  # (34 − 40)/(26 − 40) = 6/14 = 42.857 %
            ("B", "pm25"): {2020: 40, 2023: 24},  # −16/−14 = 114.29 % → clipped 100
            ("C", "pm25"): {2020: 40, 2023: 43},  # 3/−14 = −21.43 % → clipped 0
            ("A", "forest"): {2021: 0, 2022: 1, 2023: 3},  # 3/8 = 37.5 %
        }
    )
    out = assess_progress(data, TARGETS).set_index(["zone", "indicator"])
    assert out.loc[("A", "pm25"), "distance_pct"] == pytest.approx(600 / 14)
    assert out.loc[("B", "pm25"), "distance_pct"] == pytest.approx(1600 / 14)
    assert out.loc[("B", "pm25"), "distance_pct_clipped"] == 100.0
    assert out.loc[("C", "pm25"), "distance_pct"] == pytest.approx(-300 / 14)
    assert out.loc[("C", "pm25"), "distance_pct_clipped"] == 0.0
    assert out.loc[("A", "forest"), "distance_pct"] == 37.5
    assert out.loc[("A", "forest"), "baseline_year"] == 2021
    assert out.loc[("A", "forest"), "current_year"] == 2023
    assert out.loc[("A", "forest"), "target_year"] == 2027


def test_target_equal_baseline_distance_undefined() -> None:
    data = _frame({("A", "pm25"): {2020: 26, 2023: 25}})
    row = assess_progress(data, TARGETS).iloc[0]
    assert np.isnan(row["distance_pct"])
    assert row["achieved"]
    assert row["arrow"] == "insufficient_data"  # 2 points < MIN_POINTS: no arrow


# Forest cover (↑) 2021–2023 = 0, 1, 3: Theil–Sen slope 1.5 with CI [1, 2] pivoting at
# (median year 2022, median value 1): 2027 projection 1 + 1.5·5 = 8.5, ends 1 + 5 = 6 and
# 1 + 2·5 = 11.
@pytest.mark.parametrize(
    ("target", "outlook"),
    [(6.0, "reaches"), (8.5, "at_risk"), (11.0, "at_risk"), (11.5, "likely_miss")],
)
def test_projection_and_warning(target: float, outlook: str) -> None:
    data = _frame({("A", "forest"): {2021: 0, 2022: 1, 2023: 3}})
    targets = TARGETS.assign(target=[26.0, target])
    row = assess_progress(data, targets).iloc[0]
    assert (row["projection"], row["projection_low"], row["projection_high"]) == (8.5, 6.0, 11.0)
    assert (row["slope"], row["slope_low"], row["slope_high"]) == (1.5, 1.0, 2.0)
    assert row["outlook"] == outlook
    assert row["warning"] == (None if outlook == "reaches" else outlook)


def test_warning_only_for_binding_and_zh_labels() -> None:
    data = _frame({("A", "forest"): {2021: 0, 2022: 1, 2023: 3}})
    binding = assess_progress(data, TARGETS.assign(target=[26.0, 20.0])).iloc[0]
    assert binding["warning_zh"] == "预计难以达成"
    assert binding["warning_en"] == "likely to miss the target"
    expected = assess_progress(data, TARGETS.assign(target=[26.0, 20.0], binding=False)).iloc[0]
    assert expected["outlook"] == "likely_miss"
    assert expected["warning"] is None


def test_down_projection_uses_lower_end_as_best() -> None:
    # PM2.5 2021–2023 = 40, 39, 37: slopes −1, −1.5, −2 → −1.5, CI [−2, −1]; 2027 from (2022, 39):
    # 39 − 7.5 = 31.5, ends 39 − 10 = 29 and 39 − 5 = 34. Target 30: best end 29 ≤ 30 → at risk.
    data = _frame({("A", "pm25"): {2021: 40, 2022: 39, 2023: 37}})
    row = assess_progress(data, TARGETS.assign(target=[30.0, 8.0], baseline_year=2021)).iloc[0]
    assert (row["projection"], row["projection_low"], row["projection_high"]) == (31.5, 29.0, 34.0)
    assert row["outlook"] == "at_risk"
    row = assess_progress(data, TARGETS.assign(target=[28.0, 8.0], baseline_year=2021)).iloc[0]
    assert row["outlook"] == "likely_miss"
    row = assess_progress(data, TARGETS.assign(target=[35.0, 8.0], baseline_year=2021)).iloc[0]
    assert row["outlook"] == "reaches"


def test_projection_needs_min_points_and_baseline_window() -> None:
    data = _frame({("A", "pm25"): {2018: 90, 2020: 40, 2023: 34}})
    targets = TARGETS.assign(baseline_year=[2020, None])
    row = assess_progress(data, targets).iloc[0]
    assert row["baseline"] == 40  # explicit baseline year
    assert row["n_points"] == 2  # 2018 is before the baseline: not used
    assert row["outlook"] == "insufficient_data"
    assert np.isnan(row["projection"])
    row = assess_progress(data, targets, min_points=2).iloc[0]
    assert row["projection"] == pytest.approx(37 - 2 * 5.5)  # slope −2 from (2021.5, 37)


def test_zone_specific_targets_and_target_year() -> None:
    series = {2020: 40, 2021: 38, 2023: 34}
    data = _frame({("A", "pm25"): series, ("B", "pm25"): series})
    targets = pd.DataFrame(
        {
            "zone": ["A", "B"],
            "indicator": "pm25",
            "direction": "down",
            "target": [26.0, 34.0],
            "target_year": [2027, 2025],
            "baseline_year": 2020,
        }
    )
    out = assess_progress(data, targets).set_index("zone")
    assert out.loc["A", "arrow"] == "on_track"
    assert out.loc["B", "target_year"] == 2025
    assert out.loc["B", "achieved"]


def test_many_zones_vectorised() -> None:
    rng = np.random.default_rng(1)
    zones = [f"Z{i:04d}" for i in range(2000)]
    years = np.arange(2015, 2025)
    frame = pd.DataFrame(
        {
            "zone": np.repeat(zones, years.size),
            "indicator": "pm25",
            "year": np.tile(years, len(zones)),
            "value": 40 + rng.normal(size=len(zones) * years.size).cumsum(),
        }
    )
    out = assess_progress(frame, TARGETS)
    assert len(out) == 2000
    assert set(out["arrow"]) <= {
        "maintaining",
        "on_track",
        "moderately_improving",
        "stagnating",
        "deteriorating",
    }


def test_bad_input() -> None:
    data = _frame({("A", "pm25"): {2020: 40, 2023: 34}})
    with pytest.raises(UserError, match="duplicate"):
        assess_progress(pd.concat([data, data]), TARGETS)
    with pytest.raises(UserError, match="direction"):
        assess_progress(data, TARGETS.assign(direction=["neutral", "up"]))
    with pytest.raises(UserError, match="lacks columns"):
        assess_progress(data.drop(columns="year"), TARGETS)
