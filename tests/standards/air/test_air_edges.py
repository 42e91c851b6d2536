"""Issue 12 items 1–5: the air standards at their edges, on bundled real days and hand-made data.

1. days above the top breakpoint (dust storms) are level-6 days at AQI 500, never dropped;
2. HJ 633-2026 §5.3.1/§5.3.2: incomplete days ≤ 100 are NA, above 100 published and counted;
3. no silent 2012 default for the edition;
4. the default real-time indicator set reproduces the published CNEMC hourly AQI;
5. the GB 3095 limit set of a period that spans 2026-03-01.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from meili.engine import DuckDBEngine
from meili.engine.air_period import Selection, daily, period
from meili.standards.air import aqi, iaqi
from meili.standards.air.hj633_tables import INDICATOR_SETS
from meili.standards.air.hj663 import daily_aqi, limit_set_for

DEMO = Path(str(resources.files("meili").joinpath("demo_data")))
DEMO_DAYS = [DEMO / f"china_sites_2019010{d}.csv.gz" for d in (1, 2, 3)]


@pytest.fixture(scope="module")
def demo_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled CNEMC days 2019-01-01…03 and the bundled site list, ingested."""
    from meili.ingest import ingest_paths

    home = tmp_path_factory.mktemp("edges")
    sites = Path(str(resources.files("meili.ingest").joinpath("data/cnemc_sites.csv")))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MEILI_HOME", str(home))
        res = ingest_paths("auto", [sites, *DEMO_DAYS])
    assert all(r.status == "landed" for r in res), [r.error for r in res]
    return home / "lake"


def _city_days(rows: list[dict], start: str = "2019-06-01") -> pd.DataFrame:
    """A hand-made daily frame for one city (complete days unless a value is given as NaN)."""
    base = {"pm25": 30.0, "pm10": 60.0, "so2": 10.0, "no2": 30.0, "co": 0.8, "o3_8h": 90.0}
    frame = pd.DataFrame([{**base, "o3_1h": 120.0, **r} for r in rows])
    frame.insert(0, "day", pd.date_range(start, periods=len(frame), freq="D"))
    frame.insert(0, "key", "110000")
    frame["city_code"], frame["city_name"] = "110000", "北京市"
    return frame


def _period(days: pd.DataFrame) -> pd.Series:
    """HJ 663 period statistics of a hand-made daily frame, on an in-memory DuckDB engine."""
    days = daily_aqi(days)
    eng = DuckDBEngine(con=duckdb.connect())
    stats = period(days["day"].min(), days["day"].max(), engine=eng, days=days)
    return stats.iloc[0]


# --- 1. above the table -----------------------------------------------------------------


def test_dust_storm_days_count_on_bundled_real_days(demo_lake: Path) -> None:
    # 吐鲁番 city means: PM10 696 (1 Jan) and 646 (2 Jan) µg/m³ exceed the 600 row of both
    # editions; 3 Jan is 594 (AQI 497 from the table). All three are 严重污染 days.
    sel = Selection(cities=["吐鲁番"])
    days = daily("2019-01-01", "2019-01-03", sel, root=demo_lake)
    assert days["pm10"].round(0).tolist() == [696, 646, 594]
    assert days["aqi"].tolist()[:2] == [500, 500]
    assert days["aqi_above_table"].tolist() == [True, True, False]
    assert days["level"].tolist() == [6, 6, 6]
    assert days["aqi_valid"].all()
    stats = period("2019-01-01", "2019-01-03", sel, root=demo_lake, allow_incomplete=True)
    row = stats.iloc[0]
    # before: the two dust days had AQI NaN → valid 1, heavy 1
    assert (row["valid_days"], row["heavy_days"], row["serious_days"]) == (3, 3, 3)
    assert (row["good_days"], row["above_table_days"]) == (0, 2)


@pytest.mark.parametrize(("start", "pm10"), [("2019-04-01", 2000.0), ("2026-04-01", 700.0)])
def test_dust_storm_day_is_valid_heavy_and_serious(start: str, pm10: float) -> None:
    days = _city_days([{}, {}, {"pm10": pm10}, {}], start)
    out = daily_aqi(days)
    assert out["aqi"].iloc[2] == 500 and out["aqi_above_table"].iloc[2]
    assert out["level"].iloc[2] == 6 and out["primary"].iloc[2] == "PM10"
    row = _period(days)
    assert (row["valid_days"], row["good_days"]) == (4, 3)
    assert (row["heavy_days"], row["serious_days"], row["above_table_days"]) == (1, 1, 1)
    assert row["good_ratio"] == pytest.approx(75.0)


# --- 2. HJ 633-2026 §5.3.1 / §5.3.2 ----------------------------------------------------------


def test_incomplete_2026_day_published_only_above_100() -> None:
    nan = np.nan
    rows = [
        {"co": nan},  # AQI 60 from the others → NA (§5.3.1)
        {"co": nan, "pm25": 130.0},  # AQI ⌈150 + 50·15/35⌉ = 172 → published, counted
        {"co": nan, "pm25": 260.0},  # AQI 300 + 100·10/100 = 310 → heavy and serious
        {},  # complete
    ]
    days = _city_days(rows, "2026-05-01")
    out = daily_aqi(days)
    assert out["aqi"].isna().tolist() == [True, False, False, False]
    assert out["aqi"].tolist()[1:3] == [172, 310]
    assert out["aqi_complete"].tolist() == [False, False, False, True]
    assert out["aqi_valid"].tolist() == [False, True, True, True]
    row = _period(days)
    # before: only the complete day counted (valid 1, heavy 0)
    assert (row["valid_days"], row["heavy_days"], row["serious_days"]) == (3, 1, 1)


def test_incomplete_2012_day_keeps_its_aqi_but_is_not_valid() -> None:
    days = _city_days([{"co": np.nan}, {"co": np.nan, "pm25": 130.0}, {}], "2019-05-01")
    out = daily_aqi(days)
    assert out["aqi"].notna().all()  # HJ 633-2012: missing items NA, the AQI from the rest
    assert out["aqi_valid"].tolist() == [False, False, True]
    assert _period(days)["valid_days"] == 1


def test_generic_aqi_applies_5_3_1_and_the_5_3_2_exemption() -> None:
    data = {"PM25_24H": [40, 130], "PM10_24H": [60, 60], "SO2_24H": [10, 10], "NO2_24H": [30, 30]}
    data |= {"O3_8H": [90, 90]}  # no CO column: CO missing on both rows
    out = aqi(data, "2026")
    assert out["AQI"].isna().tolist() == [True, False] and out["AQI"].iloc[1] == 172
    assert out["level"].isna().iloc[0] and out["primary"].isna().iloc[0]
    assert out["IAQI_PM25_24H"].iloc[0] == 60  # the single-pollutant values stay
    exempt = aqi(data, "2026", exempt=["CO_24H"])  # §5.3.2: CO not in the programme
    assert exempt["AQI"].tolist() == [60, 172] and not exempt["complete"].any()
    assert aqi(data, "2012")["AQI"].notna().all()  # 2012: published from the rest
    hourly = aqi({"PM25_1H": [40]}, "2026", "hourly")  # §5.3.1 covers the real-time report
    assert hourly["AQI"].isna().iloc[0]


# --- 3. the edition is chosen, never defaulted ---------------------------------------------


def test_no_silent_2012_default() -> None:
    with pytest.raises(ValueError, match="edition"):
        aqi({"PM25_24H": [75]})
    with pytest.raises(ValueError, match="edition"):
        iaqi("PM25_24H", [75])
    by_date = iaqi("PM25_24H", [75, 75], dates=["2026-02-28", "2026-03-01"])
    assert by_date.tolist() == [100, 114]  # 2012 / 2026 Table 3 (PM2.5 60 at IAQI 100)


# --- 4. the real-time indicator set ----------------------------------------------------------

HOURLY = {
    "SO2_1H": "SO2",
    "NO2_1H": "NO2",
    "CO_1H": "CO",
    "O3_1H": "O3",
    "PM10_1H": "PM10",
    "PM25_1H": "PM2.5",
    "O3_8H": "O3_8h",
}


def _site_hours(path: Path) -> tuple[pd.DataFrame, pd.Series]:
    wide = pd.read_csv(path)
    wide.index = pd.to_datetime(wide["date"].astype(str)) + pd.to_timedelta(wide["hour"], "h")
    wide = wide.drop(columns=["date", "hour"])
    published = wide[wide["type"] == "AQI"].drop(columns="type").stack()
    cols = {i: wide[wide["type"] == t].drop(columns="type").stack() for i, t in HOURLY.items()}
    return pd.DataFrame(cols).reindex(published.index), published


@pytest.mark.parametrize("path", DEMO_DAYS, ids=lambda p: p.name[12:20])
def test_default_hourly_set_reproduces_published_aqi(path: Path) -> None:
    frame, published = _site_hours(path)
    expected = published.to_numpy(dtype=float)
    ours = aqi(frame, "2012", "hourly")["AQI"].to_numpy(dtype=float, na_value=np.nan)
    assert len(expected) > 30_000
    assert (ours == expected).mean() == 1.0  # every published site-hour
    # the literal HJ 633-2012 §5.1.3 set (with O3 8 h) stays available by name; it does not
    # reproduce the release (PM 24-h sliding means are not in these files, O3 8 h is)
    sliding = aqi(frame, "2012", "hourly", indicators="hourly-2012-sliding")["AQI"]
    assert (sliding.to_numpy(dtype=float, na_value=np.nan) == expected).mean() < 0.99
    assert INDICATOR_SETS["hourly-2012-sliding"][-1] == "O3_8H"


# --- 5. the limit set of a period that spans 2026-03-01 ---------------------------------------


def test_limit_set_of_periods_across_the_change() -> None:
    assert limit_set_for("2026-01-01") == "2012"  # calendar year 2026 began under 2012
    assert limit_set_for("2026-03-01") == "2026-transition"
    assert limit_set_for("2027-01-01") == "2026-transition"
    assert limit_set_for("2031-01-01") == "2026-final"
    assert limit_set_for("2026-01-01", "2026-final") == "2026-final"


def test_full_2026_year_is_judged_by_the_limits_in_force_when_it_began() -> None:
    # PM2.5 32 µg/m³ a day all year: meets GB 3095-2012 (35), not the 2026 transition (30)
    days = _city_days([{"pm25": 32.0}] * 365, "2026-01-01")
    row = _period(days)
    assert row["limit_set"] == "2012" and row["pm25_limit"] == 35
    assert row["ok_pm25"] is True
    assert "first day" in row["limit_set_note"]
    rest = _period(_city_days([{"pm25": 32.0}] * 306, "2026-03-01"))
    assert rest["limit_set"] == "2026-transition" and rest["ok_pm25"] is False
    assert rest["limit_set_note"] == ""


def test_period_reasons_are_flat_catalogue_sentences(demo_lake: Path) -> None:
    # issue 11 item 6 (engine side): one flat sentence in zh and en, words from the catalogue
    from meili.engine.air_period import records

    stats = period("2019-01-01", "2019-12-31", Selection(cities=["北京"]), root=demo_lake)
    row = stats.iloc[0]
    assert row["reason_zh"].startswith("so2、no2、pm10、pm25、co、o3_8h：全年有效日均值少于 324 个")
    assert row["reason_en"].startswith("so2, no2, pm10, pm25, co, o3_8h: fewer than 324 daily")
    assert not any(c in row["reason_zh"] for c in "[]")
    (rec,) = records(stats)
    assert set(rec["invalid"]) == {"so2", "no2", "pm10", "pm25", "co", "o3_8h"}
    days = daily("2019-01-01", "2019-01-01", Selection(cities=["北京"]), root=demo_lake)
    assert days["invalid_zh"].iloc[0] == "" and days["invalid"].iloc[0] == ""
