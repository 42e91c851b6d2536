"""Unit means and the MDA8 rule on day arrays (HJ 663-2013/2026 §3, §6.1.2; GB 3095 Table 4).

Checked against a plain pandas group-by of the same values and against a direct reading of
the rules, on random arrays (hypothesis).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from meili.engine.day_arrays import DAILY_POLS, HOURS, WINDOW_ENDS, DayArrays, finish, unit_means
from meili.engine.site_days import _window_block


def _random_days(seed: int, sites: int, days: int, missing: float) -> DayArrays:
    rng = np.random.default_rng(seed)
    n = sites * days
    codes = np.repeat(np.arange(sites), days)
    day = np.tile(np.datetime64("2019-03-01") + np.arange(days).astype("timedelta64[D]"), sites)

    def block(rows: int) -> np.ndarray:
        x = np.round(rng.gamma(2.0, 40.0, (rows, n)), 1)
        x[rng.random(x.shape) < missing] = np.nan
        return x

    hours = block(len(HOURS))
    values = block(len(DAILY_POLS))
    counts = rng.integers(0, 25, (len(DAILY_POLS), n))
    keys = np.array([f"S{i:03d}" for i in range(sites)], dtype=object)
    windows = np.empty((len(WINDOW_ENDS), n))
    _window_block(hours, windows, np.empty(n, dtype=np.int64))
    return DayArrays(keys, codes, day, values, counts, windows, hours)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    sites=st.integers(1, 7),
    days=st.integers(1, 5),
    missing=st.sampled_from([0.0, 0.2, 0.6, 1.0]),
    units=st.integers(1, 3),
)
def test_unit_means_equal_pandas_groupby(
    seed: int, sites: int, days: int, missing: float, units: int
) -> None:
    site = _random_days(seed, sites, days, missing)
    rng = np.random.default_rng(seed + 1)
    unit_of_site = rng.integers(-1, units, sites)  # −1: not counted (a control site)
    unit_keys = np.array([f"U{i}" for i in range(units)], dtype=object)
    got = unit_means(site, unit_of_site[site.codes], unit_keys)
    frame = pd.DataFrame({"unit": unit_of_site[site.codes], "day": site.day})
    names = [*DAILY_POLS, *(f"w{e}" for e in WINDOW_ENDS), *(f"h{h}" for h in HOURS)]
    for name, row in zip(names, np.vstack([site.values, site.windows, site.hours]), strict=True):
        frame[name] = row
    frame = frame[frame["unit"] >= 0]
    want = frame.groupby(["unit", "day"], sort=True)[names].mean()
    assert list(zip(got.codes, got.day, strict=True)) == list(want.index)
    for name, row in zip(names, np.vstack([got.values, got.windows, got.hours]), strict=True):
        np.testing.assert_allclose(row, want[name].to_numpy(), rtol=1e-12, equal_nan=True)
    members = frame.groupby(["unit", "day"], sort=True)[list(DAILY_POLS)].count()
    np.testing.assert_array_equal(got.counts, members.to_numpy().T)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), missing=st.sampled_from([0.0, 0.1, 0.3, 0.5, 0.9]))
def test_windows_and_mda8_follow_the_rules(seed: int, missing: float) -> None:
    days = _random_days(seed, 3, 4, missing)
    for i, e in enumerate(WINDOW_ENDS):  # window e: hours e − 7 … e, valid with ≥ 6 values
        seg = days.hours[e - 8 : e]
        n = (~np.isnan(seg)).sum(axis=0)
        want = np.where(n >= 6, np.nansum(seg, axis=0) / np.maximum(n, 1), np.nan)
        np.testing.assert_allclose(days.windows[i], want, rtol=1e-13, equal_nan=True)
    out = finish(days, "n")
    for r in range(len(days)):
        w = days.windows[:, r]
        valid = w[~np.isnan(w)]
        if len(valid) >= 14 or (len(valid) and valid.max() > 160):
            assert out["o3_8h"][r] == valid.max()
        else:
            assert np.isnan(out["o3_8h"][r])
        assert out["o3_8h_windows"][r] == len(valid)
        h = days.hours[:, r]
        assert np.isnan(out["o3_1h"][r]) if np.isnan(h).all() else out["o3_1h"][r] == np.nanmax(h)
