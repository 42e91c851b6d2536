"""The array daily AQI of HJ 663 equals the generic HJ 633 ``aqi()`` row for row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from meili.standards.air import hj663
from meili.standards.air.hj633_tables import BREAKPOINTS
from meili.standards.air.index import aqi


def _reference(daily: pd.DataFrame, edition: str | None) -> pd.DataFrame:
    """The previous implementation: ``aqi(kind="daily")`` on the daily columns."""
    data = pd.DataFrame(
        {item: daily[col] for col, item in hj663.DAILY_ITEMS.items() if col in daily}
    ).reset_index(drop=True)
    res = aqi(data, edition=edition, kind="daily", dates=daily["day"].to_numpy())
    out = daily.reset_index(drop=True).copy()
    out["aqi"] = res["AQI"].to_numpy(dtype=np.float64, na_value=np.nan)
    out["primary"] = res["primary"].to_numpy()
    out["level"] = res["level"].to_numpy(dtype=np.float64, na_value=np.nan)
    out["aqi_complete"] = res["complete"].to_numpy(dtype=bool)
    out["aqi_above_table"] = res["above_table"].to_numpy(dtype=bool)
    out["aqi_valid"] = res["AQI"].notna().to_numpy() & (
        out["aqi_complete"].to_numpy() | (res["edition"] == "2026").to_numpy()
    )
    out["edition"] = res["edition"].to_numpy()
    return out


def _frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    bps = sorted({b for table in BREAKPOINTS.values() for row in table.values() for b in row})
    edges = np.array([*bps, 0.05, 0.1, 0.15, 4.95, 799.9, 800, 800.5, 801, 1e7, -1.0])
    cols = {}
    for col in hj663.DAILY_ITEMS:
        scale = 4.0 if col == "co" else 300.0
        x = np.round(rng.gamma(1.5, scale / 2, n), int(rng.integers(0, 4)))
        pick = rng.random(n) < 0.25
        x[pick] = rng.choice(edges, pick.sum())
        if col == "co":
            x[pick] = x[pick] / 10
        x[rng.random(n) < 0.08] = np.nan
        cols[col] = x
    days = pd.to_datetime("2026-02-20") + pd.to_timedelta(rng.integers(0, 20, n), unit="D")
    return pd.DataFrame({"key": np.arange(n).astype(str), "day": days, **cols})


@pytest.mark.parametrize("edition", [None, "2012", "2026"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_array_daily_aqi_equals_generic_aqi(seed: int, edition: str | None) -> None:
    frame = _frame(4000, seed)
    got = hj663.daily_aqi(frame, edition)
    want = _reference(frame, edition)
    pd.testing.assert_frame_equal(got, want)
    assert got["primary"].map(type).isin([str, type(None)]).all()


def test_breakpoint_grid_all_items() -> None:
    vals = sorted({b for table in BREAKPOINTS.values() for row in table.values() for b in row})
    grid = np.array([v + d for v in vals for d in (-0.5, -0.05, 0.0, 0.05, 0.5)])
    n = len(grid)
    frame = pd.DataFrame({"day": pd.to_datetime(["2019-06-01"] * n + ["2026-06-01"] * n)})
    for col in hj663.DAILY_ITEMS:
        frame[col] = np.concatenate([grid, grid]) / (10 if col == "co" else 1)
    pd.testing.assert_frame_equal(hj663.daily_aqi(frame), _reference(frame, None))


def test_partial_columns_and_index_kept_out() -> None:
    frame = pd.DataFrame(
        {"day": pd.to_datetime(["2019-01-01", "2019-01-02"]), "pm25": [80.0, np.nan]},
        index=[10, 20],
    )
    pd.testing.assert_frame_equal(hj663.daily_aqi(frame), _reference(frame, None))
