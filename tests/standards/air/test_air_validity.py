"""GB 3095 Table 4 validity rules, HJ 663 MDA8 rule, limits and edition choice."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from meili.standards.air import (
    annual_mean,
    daily_mean,
    edition_for,
    gb3095_stage_for,
    limit,
    mda8,
    o3_8h_moving,
)


def hours(day: str, values: list[float]) -> pd.Series:
    """Hour-ending stamps 01:00 … 24:00 of ``day``."""
    idx = pd.date_range(pd.Timestamp(day) + pd.Timedelta(hours=1), periods=len(values), freq="h")
    return pd.Series(values, index=idx, dtype=float)


def test_daily_mean_needs_20_hours() -> None:
    ok = hours("2019-01-01", [10.0] * 20 + [np.nan] * 4)
    bad = hours("2019-01-02", [10.0] * 19 + [np.nan] * 5)
    out = daily_mean(pd.concat([ok, bad]))
    assert out["n"].tolist() == [20, 19]
    assert out["valid"].tolist() == [True, False]
    assert out["value"].iloc[0] == 10 and np.isnan(out["value"].iloc[1])
    assert out["reason"].iloc[1] == "fewer than 20 hourly values"
    # 24:00 (stamp 00:00 of the next day) belongs to the day it ends
    assert out.index[0] == pd.Timestamp("2019-01-01")


def test_o3_8h_needs_6_hours() -> None:
    s = hours("2019-07-01", [80, 80, 80, 80, 80, 80, np.nan, np.nan, 90, np.nan])
    out = o3_8h_moving(s)
    assert out["n"].tolist() == [1, 2, 3, 4, 5, 6, 6, 6, 6, 5]
    assert out["valid"].tolist() == [False] * 5 + [True] * 4 + [False]
    assert out["value"].iloc[8] == pytest.approx(490 / 6)
    assert np.isnan(out["value"].iloc[9])


def test_mda8_windows_and_14_rule() -> None:
    full = hours("2019-07-01", [100.0] * 12 + [200.0] * 8 + [100.0] * 4)
    out = mda8(full)
    assert out.loc["2019-07-01", "n"] == 17 and out.loc["2019-07-01", "value"] == 200
    # only 13 valid windows (hours 12-24 missing → windows ending ≥ 18:00 invalid ...)
    sparse = hours("2019-07-02", [50.0] * 11 + [np.nan] * 13)
    out = mda8(sparse)
    assert out["n"].iloc[0] < 14 and not out["valid"].iloc[0]
    # ... but a day above the limit stays valid (HJ 663 §6.1.2 exception)
    high = hours("2019-07-03", [170.0] * 11 + [np.nan] * 13)
    out = mda8(high)
    assert out["valid"].iloc[0] and out["value"].iloc[0] == 170
    assert "exceeds" in out["reason"].iloc[0]


def test_mda8_ignores_windows_reaching_into_the_previous_day() -> None:
    two = pd.concat([hours("2019-07-01", [400.0] * 24), hours("2019-07-02", [50.0] * 24)])
    out = mda8(two)
    assert out.loc["2019-07-02", "value"] == 50


def test_annual_mean_rules() -> None:
    days = pd.date_range("2019-01-01", "2019-12-31", freq="D")
    values = pd.Series(30.0, index=days)
    assert annual_mean(values)["valid"].iloc[0]
    feb = values.copy()
    feb["2019-02-01":"2019-02-04"] = np.nan  # February 24 < 25
    out = annual_mean(feb)
    assert not out["valid"].iloc[0] and "2" in out["reason"].iloc[0]
    feb2 = values.copy()
    feb2["2019-02-01":"2019-02-03"] = np.nan  # February 25: fine
    assert annual_mean(feb2)["valid"].iloc[0]
    month_len = days.days_in_month.to_numpy()
    is_feb = days.month == 2
    # every month at its minimum (27, February 25): 322 days < 324 → invalid by the year rule
    at_min = values.where(days.day > np.where(is_feb, 3, month_len - 27))
    out = annual_mean(at_min)
    assert out["n"].iloc[0] == 322 and not out["valid"].iloc[0]
    assert out["reason"].iloc[0] == "fewer than 324 daily values"
    assert np.isnan(out["value"].iloc[0])
    # one more day per non-February month: 333 days, valid
    more = values.where(days.day > np.where(is_feb, 3, month_len - 28))
    assert annual_mean(more)["n"].iloc[0] == 333 and annual_mean(more)["valid"].iloc[0]


def test_limits_and_stages() -> None:
    assert limit("PM2.5", "daily", 2, date="2026-02-28") == 75
    assert limit("PM2.5", "daily", 2, date="2026-03-01") == 60
    assert limit("PM2.5", "annual", 2, date="2031-01-01") == 25
    assert limit("SO2", "1h", 2, limit_set="2026-final") == 150
    assert limit("NO2", "annual", 1, limit_set="2026-final") == 30
    assert limit("PM10", "annual", 2, limit_set="2026-transition") == 60
    assert limit("O3", "mda8", 1, limit_set="2012") == 100
    assert limit("NOx", "daily", 2, limit_set="2026-final") == 70
    assert list(gb3095_stage_for(["2026-02-28", "2030-12-31", "2031-01-01"])) == [
        "2012",
        "2026-transition",
        "2026-final",
    ]
    assert list(edition_for(["2026-02-28 23:00", "2026-03-01"])) == ["2012", "2026"]
