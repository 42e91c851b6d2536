"""HJ 663 on real CNEMC 2019 data: Beijing, January 2019, derived independently with pandas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from meili.engine.air_period import Selection, daily, period
from meili.standards.air.validity import daily_mean

pytestmark = [pytest.mark.shared, pytest.mark.slow]


@pytest.fixture(scope="module")
def jan_lake(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "cnemc-air-2019"
    if not (base / "sites.csv").exists():
        pytest.skip("CNEMC 2019 data not available")
    from meili.ingest import ingest_paths

    home = tmp_path_factory.mktemp("airhome")
    files = [base / "sites" / f"china_sites_201901{d:02d}.csv.gz" for d in range(1, 32)]
    files.append(base / "sites" / "china_sites_20190201.csv.gz")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MEILI_HOME", str(home))
        ingest_paths("air-sites", [base / "sites.csv"])
        res = ingest_paths("air-hourly", files)
    assert all(r.status == "landed" for r in res)
    return home / "lake", base


def _independent_beijing_pm25(base: Path) -> pd.Series:
    """City daily PM2.5 from the raw wide files: per site ≥ 20 h, then mean over sites."""
    sites = pd.read_csv(base / "sites.csv", dtype=str)
    codes = sites.loc[(sites["城市"] == "北京") & (sites["对照点"] == "N"), "监测点编码"].tolist()
    parts = []
    for d in [*(f"201901{i:02d}" for i in range(1, 32)), "20190201"]:
        raw = pd.read_csv(base / "sites" / f"china_sites_{d}.csv.gz", dtype={"date": str})
        raw = raw[raw["type"] == "PM2.5"]
        stamps = pd.to_datetime(raw["date"], format="%Y%m%d") + pd.to_timedelta(raw["hour"], "h")
        parts.append(raw.set_index(stamps)[[c for c in codes if c in raw]])
    wide = pd.concat(parts).astype(float)
    per_site = daily_mean(wide)["value"].unstack()  # GB 3095 Table 4 ≥ 20 h per site-day
    city = per_site.mean(axis=1, skipna=True)  # HJ 663: mean of evaluation sites
    return city[(city.index >= "2019-01-01") & (city.index <= "2019-01-31")]


def test_beijing_january_pm25_matches_independent(jan_lake: tuple[Path, Path]) -> None:
    lake, base = jan_lake
    expected = _independent_beijing_pm25(base)
    days = daily("2019-01-01", "2019-01-31", Selection(cities=["北京"]), root=lake)
    got = days.set_index("day")["pm25"]
    pd.testing.assert_series_equal(
        got.rename(None),
        expected.rename(None),
        check_index_type=False,
        check_freq=False,
        check_names=False,
        rtol=1e-12,
    )
    res = period("2019-01-01", "2019-01-31", Selection(cities=["北京"]), root=lake).iloc[0]
    assert res["valid_pm25"]
    assert res["pm25"] == pytest.approx(expected.mean(), rel=1e-12)
    # plausibility only: real-time (unaudited) release; no official figure checked here
    assert 20 < res["pm25"] < 100
    assert res["days"] == 31
    assert 0 <= res["good_days"] <= res["valid_days"] <= 31
    assert res["composite_index"] > 0


def test_control_site_excluded_on_real_data(jan_lake: tuple[Path, Path]) -> None:
    lake, _ = jan_lake
    sites = daily(
        "2019-01-10", "2019-01-10", Selection(cities=["北京"]), root=lake, site_level=True
    )
    assert sites["control"].any()  # 定陵 (对照点) is reported at site level
    city = daily("2019-01-10", "2019-01-10", Selection(cities=["北京"]), root=lake).iloc[0]
    evaluation = sites[~sites["control"].astype(bool)]
    assert city["pm25"] == pytest.approx(evaluation["pm25"].mean())
    assert city["pm25"] != pytest.approx(sites["pm25"].mean())


def test_rank_group_on_real_data(jan_lake: tuple[Path, Path]) -> None:
    lake, _ = jan_lake
    res = period("2019-01-01", "2019-01-31", Selection(group="2+26"), root=lake)
    assert len(res) == 28
    ranked = res.dropna(subset=["rank"])
    assert ranked["rank"].min() == 1
    assert (np.diff(ranked["composite_index"].round(2).to_numpy()) >= 0).all()
