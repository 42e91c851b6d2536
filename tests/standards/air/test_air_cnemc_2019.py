"""Real data: CNEMC 2019 hourly release (all sites, 10 days spread over the year).

Findings (see report): the published hourly AQI = HJ 633-2012 with the six 1-hour means,
PM10/PM2.5 1-hour values on the 24-hour columns, O3 8-h NOT included, and values above the
table published as 500 (``above_table="cap"``). The published O3_8h for windows ending
08:00–23:00 is the mean of the 8 hourly values ending there, rounded half-to-even (GB/T
8170); windows ending 01:00–07:00 are not compared because the release only averages the
hours of the current natural day there (they do not reach into the previous day).
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from meili.standards.air import aqi, o3_8h_moving

DAYS = ["0115", "0206", "0315", "0420", "0525", "0701", "0815", "0920", "1105", "1215"]
HOURLY = {
    "SO2_1H": "SO2",
    "NO2_1H": "NO2",
    "CO_1H": "CO",
    "O3_1H": "O3",
    "PM10_1H": "PM10",
    "PM25_1H": "PM2.5",
}

pytestmark = pytest.mark.shared


def _long(path: Path) -> pd.DataFrame:
    wide = pd.read_csv(path)
    wide.index = pd.to_datetime(wide["date"].astype(str)) + pd.to_timedelta(wide["hour"], "h")
    return wide.drop(columns=["date", "hour"])


@functools.cache
def _load(folder: Path) -> list[pd.DataFrame]:
    return [_long(folder / f"china_sites_2019{d}.csv.gz") for d in DAYS]


@pytest.fixture
def sample(shared_dir: Path) -> list[pd.DataFrame]:
    return _load(shared_dir / "data" / "cnemc-air-2019" / "sites")


def test_published_hourly_aqi(sample: list[pd.DataFrame]) -> None:
    agree = total = 0
    for wide in sample:
        cols = {
            item: wide[wide["type"] == t].drop(columns="type").stack() for item, t in HOURLY.items()
        }
        frame = pd.DataFrame(cols)
        published = wide[wide["type"] == "AQI"].drop(columns="type").stack()
        frame = frame.reindex(published.index)
        ours = aqi(frame, "2012", indicators=list(HOURLY), above_table="cap")["AQI"]
        agree += int((ours.to_numpy(dtype=float, na_value=np.nan) == published.to_numpy()).sum())
        total += len(published)
    rate = agree / total
    assert total > 300_000
    assert rate >= 0.9999, rate  # measured: 1.0 on these 10 days


def test_published_o3_8h(sample: list[pd.DataFrame]) -> None:
    agree = {True: 0, False: 0}
    total = {True: 0, False: 0}
    for wide in sample:
        o3 = wide[wide["type"] == "O3"].drop(columns="type")
        published = wide[wide["type"] == "O3_8h"].drop(columns="type")
        pub = published[published.index.hour >= 8].stack()
        ours = o3_8h_moving(o3).reindex(pub.index)
        both = ours["valid"].fillna(False).astype(bool).to_numpy()
        same = np.rint(ours["value"].to_numpy()) == pub.to_numpy()
        full = (ours["n"] == 8).to_numpy()
        for complete in (True, False):
            sel = both & (full == complete)
            agree[complete] += int(same[sel].sum())
            total[complete] += int(sel.sum())
    rates = {k: agree[k] / total[k] for k in agree}
    # complete windows (8 of 8 hours): measured 0.99886 on these 10 days (see module doc)
    assert rates[True] >= 0.998, rates
    # windows with 6-7 hours in this archive: the publisher often had hours that the
    # archive lacks (whole-hour gaps), so these agree far less; recorded, not asserted.
    assert 0.0 <= rates[False] <= 1.0
