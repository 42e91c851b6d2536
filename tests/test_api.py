"""meili.api: a documented front on DataFrames with the lake's names (issue 11, Python API).

Unknown or missing columns are one clear error, never empty output; the edition follows the
data's date or is given; results equal the engine's on the same data in the lake.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import meili.api as mapi
from meili.engine.air_period import Selection, daily, period
from meili.standards.air import aqi as standard_aqi

DEMO = Path(str(resources.files("meili").joinpath("demo_data")))
DAYS = [DEMO / f"china_sites_2019010{d}.csv.gz" for d in (1, 2, 3)]
CITIES = ["北京", "天津", "石家庄", "吐鲁番"]


@pytest.fixture(scope="module")
def hourly() -> pd.DataFrame:
    return pd.concat([mapi.read(p) for p in DAYS], ignore_index=True)


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from meili.ingest import ingest_paths

    home = tmp_path_factory.mktemp("apihome")
    sites = Path(str(resources.files("meili.ingest").joinpath("data/cnemc_sites.csv")))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MEILI_HOME", str(home))
        assert all(r.ok for r in ingest_paths("auto", [sites, *DAYS]))
    return home / "lake"


def _day(**values: object) -> pd.DataFrame:
    base = {"day": ["2019-06-01"], "so2": [5.0], "no2": [30.0], "pm10": [60.0], "pm25": [40.0]}
    base |= {"co": [0.8], "o3_8h": [90.0], "o3_1h": [120.0]}
    return pd.DataFrame(base | values)


# --- columns -----------------------------------------------------------------------------------


def test_lower_case_lake_columns_give_values_not_empty_output() -> None:
    # issue 11 item 7: aqi() given pm25 … returned all-empty AQI without a word
    out = mapi.aqi(_day())
    assert out["aqi"].tolist() == [57] and out["primary"].tolist() == ["PM2.5"]
    with pytest.raises(ValueError, match=r"no HJ 633 item column.*meili\.api\.aqi"):
        standard_aqi(_day().drop(columns="day"), "2012")


def test_unknown_and_missing_columns_are_one_clear_error() -> None:
    with pytest.raises(mapi.ColumnError) as err:
        mapi.aqi(_day().rename(columns={"pm25": "PM2.5", "o3_8h": "O3_8h"}))
    text = str(err.value)
    assert "\n" not in text and text.startswith("column PM2.5: aqi(kind='daily'): unknown")
    assert "'PM2.5' → 'pm25'" in text and "'O3_8h' → 'o3_8h'" in text
    with pytest.raises(mapi.ColumnError, match=r"missing column\(s\) 'o3_1h'"):
        mapi.aqi(_day().drop(columns="o3_1h"))  # 2012 daily set: O3 daily max 1 h
    assert mapi.aqi(_day(day=["2026-06-01"]).drop(columns="o3_1h"))["aqi"].notna().all()
    with pytest.raises(mapi.ColumnError, match=r"row 1, column pm25: .*'12,5' is not a number"):
        mapi.aqi(_day(pm25=["12,5"]))
    with pytest.raises(mapi.ColumnError, match="DataFrame"):
        mapi.aqi({"pm25": [1]})


def test_edition_by_date_or_given_never_a_silent_default() -> None:
    frame = pd.concat([_day(pm25=[75.0]), _day(pm25=[75.0], day=["2026-03-01"])])
    out = mapi.aqi(frame.reset_index(drop=True).drop(columns="o3_1h").assign(o3_1h=[120.0, 0]))
    assert out["edition"].tolist() == ["2012", "2026"] and out["aqi"].tolist() == [100, 114]
    undated = _day().drop(columns="day")
    with pytest.raises(mapi.ColumnError, match="edition"):
        mapi.aqi(undated)
    assert mapi.aqi(undated, edition="2026", indicators="daily-2026")["aqi"].tolist() == [60]


def test_hourly_aqi_reproduces_the_published_release(hourly: pd.DataFrame) -> None:
    out = mapi.aqi(hourly, "hourly")
    published = out["aqi_published"].notna()
    assert published.sum() > 90_000
    agree = out.loc[published, "aqi"].astype("Float64") == out.loc[published, "aqi_published"]
    assert agree.all()


def test_read_keeps_bad_rows_out_and_says_why(tmp_path: Path) -> None:
    path = tmp_path / "hours.csv"
    path.write_text(
        "site_code,time,pm25,pm10,so2,no2,co,o3\n"
        "1001A,2019-01-01 01:00,30,50,5,20,0.5,40\n"
        "1001A,2019-01-01 02:00,-3,50,5,20,0.5,40\n",
        encoding="gbk",
    )
    got = mapi.read(path, "air-hourly")
    assert len(got) == 1 and got.attrs["kind"] == "air-hourly"
    (bad,) = got.attrs["quarantine"]
    assert bad["column"] == "pm25" and "negative" in bad["reason"]


# --- the engine behind it ------------------------------------------------------------------------


def test_city_daily_and_period_equal_the_engine_on_the_lake(
    hourly: pd.DataFrame, lake: Path
) -> None:
    sel = Selection(cities=CITIES)
    ours = mapi.city_daily(hourly, "2019-01-01", "2019-01-03", cities=CITIES)
    ref = daily("2019-01-01", "2019-01-03", sel, root=lake)
    cols = ["day", "city_code", "pm25", "pm10", "o3_8h", "aqi", "level", "aqi_valid"]
    pd.testing.assert_frame_equal(
        ours[cols].reset_index(drop=True).astype({"aqi": float, "level": float}),
        ref[cols].reset_index(drop=True),
    )
    stats = mapi.city_period(hourly, "2019-01-01", "2019-01-03", cities=CITIES)
    want = period("2019-01-01", "2019-01-03", sel, root=lake)
    keep = ["city_code", "pm25", "co_p95", "valid_days", "heavy_days", "composite_index", "rank"]
    pd.testing.assert_frame_equal(stats[keep], want[keep])
    assert stats.set_index("city_name").loc["吐鲁番市", "serious_days"] == 3


def test_site_codes_must_be_in_the_site_list(hourly: pd.DataFrame) -> None:
    odd = hourly.head(3).assign(site_code="9999X")
    with pytest.raises(mapi.ColumnError, match="not in the site list: 9999X"):
        mapi.city_daily(odd)
    with pytest.raises(mapi.ColumnError, match="missing column"):
        mapi.city_daily(hourly.drop(columns="o3"))
    with pytest.raises(mapi.UserError, match="no city"):
        mapi.city_daily(hourly, cities=["不存在市"])


def test_composite_index_and_water() -> None:
    heyuan = pd.DataFrame(
        {"city_name": ["河源市"], "so2": [5], "no2": [14], "pm10": [48], "pm25": [30]}
        | {"co_p95": [1.0], "o3_8h_p90": [98]}
    )
    assert mapi.composite_index(heyuan)["composite_index"].iloc[0] == pytest.approx(2.839, 1e-3)
    with pytest.raises(mapi.ColumnError, match="o3_8h_p90"):
        mapi.composite_index(heyuan.drop(columns="o3_8h_p90"))
    samples = pd.DataFrame(
        {"section": ["a", "b"], "do": [7.0, 4.0], "temp_c": [30.0, 20.0], "nh3n": [0.1, 1.8]}
        | {"cd": [0.0001, 0.02]}
    )
    got = mapi.water_classes(samples)
    assert got["class"].tolist() == ["Ⅰ", "劣Ⅴ"]  # DO 7.0 at 30 °C ≥ 90 % saturation
    assert got["main_pollutants"].tolist() == ["", "cd;nh3n;do"]
    assert got["class_do"].tolist() == ["Ⅰ", "Ⅳ"]
    with pytest.raises(mapi.ColumnError, match="no GB 3838 item"):
        mapi.water_classes(pd.DataFrame({"section": ["a"]}))
    with pytest.raises(mapi.ColumnError, match="'NH3N' → 'nh3n'"):
        mapi.water_classes(samples.rename(columns={"nh3n": "NH3N"}))
    assert mapi.water_classes(samples.assign(do=np.nan))["class_do"].isna().all()
