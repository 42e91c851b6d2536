"""HJ 663 assessment rules on hand-built data: percentiles, validity, city means, AQI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from meili.engine.air_period import Selection, daily, period
from meili.standards.air import aqi
from meili.standards.air.hj663 import compliance, period_validity
from meili.standards.air.percentile import percentile

COLS = ["pm25", "pm10", "so2", "no2", "co", "o3"]


def _lake(root: Path, hourly: pd.DataFrame, sites: pd.DataFrame) -> Path:
    lake = root / "lake"
    for name, frame in (("air_hourly", hourly), ("air_sites", sites)):
        (lake / name).mkdir(parents=True)
        frame.to_parquet(lake / name / "part-0.parquet", index=False)
    return lake


def _hours(site: str, day: str, values: dict[str, float], hours: range = range(1, 25)):
    base = pd.Timestamp(day)
    rows = [{"site_code": site, "time": base + pd.Timedelta(hours=h), **values} for h in hours]
    frame = pd.DataFrame(rows)
    for c in COLS:
        if c not in frame:
            frame[c] = np.nan
    return frame


def _sites(rows: list[tuple[str, str, bool]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "site_code": [r[0] for r in rows],
            "name": [r[0] for r in rows],
            "city": [r[1] for r in rows],
            "province": ["北京市" if r[1] == "北京" else "河北省" for r in rows],
            "prefecture": ["北京市" if r[1] == "北京" else r[1] + "市" for r in rows],
            "control": [r[2] for r in rows],
        }
    )


def test_percentile_k_rule_hand_checked() -> None:
    # standards.md §3: {3,4,8,2,5,4}, p = 0.90 → k = 1 + 5·0.9 = 5.5 → 5 + (8 − 5)·0.5 = 6.5
    assert percentile([3, 4, 8, 2, 5, 4], 0.90) == pytest.approx(6.5)
    # n = 10, p = 0.95 → k = 9.55 → X9 + 0.55 (X10 − X9) = 90 + 0.55·10 = 95.5
    assert percentile(list(range(10, 110, 10)), 0.95) == pytest.approx(95.5)
    # n = 31, p = 0.98 → k = 30.4 → X30 + 0.4 (X31 − X30) = 30 + 0.4·100 = 70
    values = [*range(1, 31), 130]
    assert percentile(values, 0.98) == pytest.approx(70.0)
    assert percentile([7.0], 0.9) == 7.0
    assert np.isnan(percentile([], 0.9))
    rng = np.random.default_rng(1)
    x = rng.gamma(2.0, 30.0, 57)
    for p in (0.9, 0.95, 0.98):
        assert percentile(x, p) == pytest.approx(np.percentile(x, p * 100, method="linear"))


def test_engine_percentile_equals_k_rule(tmp_path: Path) -> None:
    """The engine's P95/P98/P90 equal the hand rule on the city daily values."""
    rng = np.random.default_rng(7)
    frames = []
    for i, day in enumerate(pd.date_range("2019-03-01", "2019-03-12")):
        vals = {c: float(rng.integers(5, 200)) for c in COLS}
        vals["co"] = float(rng.integers(3, 30)) / 10
        frames.append(_hours("1001A", str(day.date()), vals))
        del i
    hourly = pd.concat(frames, ignore_index=True)
    lake = _lake(tmp_path, hourly, _sites([("1001A", "北京", False)]))
    days = daily("2019-03-01", "2019-03-12", engine="duckdb", root=lake)
    res = period("2019-03-01", "2019-03-12", engine="duckdb", root=lake).iloc[0]
    pm25 = days["pm25"].to_numpy()
    assert res["pm25_p95"] == pytest.approx(percentile(pm25, 0.95))
    assert res["so2_p98"] == pytest.approx(percentile(days["so2"], 0.98))
    assert res["co_p95"] == pytest.approx(percentile(days["co"], 0.95))
    assert res["o3_8h_p90"] == pytest.approx(percentile(days["o3_8h"], 0.90))
    # a 12-day range covers only part of March: no monthly minimum, so it is valid
    assert res["pm25"] == pytest.approx(pm25.mean())


def test_day_with_19_hours_is_invalid_with_reason(tmp_path: Path) -> None:
    full = _hours("1001A", "2019-03-01", {"pm25": 50.0, "o3": 80.0})
    short = _hours("1001A", "2019-03-02", {"pm25": 50.0, "o3": 80.0}, range(1, 20))
    lake = _lake(tmp_path, pd.concat([full, short]), _sites([("1001A", "北京", False)]))
    d = daily("2019-03-01", "2019-03-02", Selection(), root=lake, site_level=True)
    d = d.set_index(d["day"].dt.strftime("%Y-%m-%d"))
    assert d.loc["2019-03-01", "pm25"] == pytest.approx(50.0)
    assert np.isnan(d.loc["2019-03-02", "pm25"])  # 19 hourly values < 20 (GB 3095 Table 4)
    assert d.loc["2019-03-01", "o3_8h_windows"] == 17
    assert "pm25: 19 hourly values < 20" in d.loc["2019-03-02", "invalid"]
    assert d.loc["2019-03-01", "invalid"].startswith("pm10")  # only absent pollutants listed
    assert "pm25" not in d.loc["2019-03-01", "invalid"]
    # windows ending 08..21 keep ≥ 6 of 8 hours (hours 1..19 present): 14 → MDA8 valid
    assert d.loc["2019-03-02", "o3_8h_windows"] == 14
    assert d.loc["2019-03-02", "o3_8h"] == pytest.approx(80.0)
    # month-level validity: March needs ≥ 27 valid days → reported invalid with the reason
    res = period("2019-03-01", "2019-03-31", root=lake).iloc[0]
    assert np.isnan(res["pm25"])
    assert not res["valid_pm25"]
    assert "2019-03" in res["reason_pm25"]


def test_mda8_exception_above_limit(tmp_path: Path) -> None:
    hot = _hours("1001A", "2019-07-01", {"o3": 220.0}, range(1, 16))  # windows 08..15 + partial
    lake = _lake(tmp_path, hot, _sites([("1001A", "北京", False)]))
    d = daily("2019-07-01", "2019-07-01", root=lake, site_level=True).iloc[0]
    assert d["o3_8h_windows"] < 14
    assert d["o3_8h"] == pytest.approx(220.0)  # valid although < 14 windows: exceeds 160


def test_city_mean_excludes_control_and_aqi_from_city_means(tmp_path: Path) -> None:
    day = "2019-03-05"
    h = pd.concat(
        [
            _hours(
                "A1",
                day,
                {"pm25": 70.0, "pm10": 40.0, "so2": 5.0, "no2": 20.0, "co": 0.5, "o3": 60.0},
            ),
            _hours(
                "A2",
                day,
                {"pm25": 10.0, "pm10": 40.0, "so2": 5.0, "no2": 20.0, "co": 0.5, "o3": 60.0},
            ),
            _hours(
                "A3",
                day,
                {"pm25": 500.0, "pm10": 900.0, "so2": 5.0, "no2": 20.0, "co": 0.5, "o3": 60.0},
            ),  # control site
        ]
    )
    lake = _lake(
        tmp_path, h, _sites([("A1", "北京", False), ("A2", "北京", False), ("A3", "北京", True)])
    )
    city = daily(day, day, root=lake).iloc[0]
    assert city["pm25"] == pytest.approx(40.0)  # (70 + 10)/2, control site 500 left out
    assert city["pm10"] == pytest.approx(40.0)
    assert city["sites_pm25"] == 2
    assert city["city_code"] == "110000"
    # city AQI from city-mean concentrations: PM2.5 40 → IAQI 57; mean of site AQIs differs
    assert city["aqi"] == 57
    sites = daily(day, day, root=lake, site_level=True)
    evaluation = sites[~sites["control"].astype(bool)]
    assert evaluation["aqi"].mean() != city["aqi"]
    expected = aqi(
        {
            "PM25_24H": [40.0],
            "PM10_24H": [40.0],
            "SO2_24H": [5.0],
            "NO2_24H": [20.0],
            "CO_24H": [0.5],
            "O3_8H": [60.0],
            "O3_1H": [60.0],
        },
        edition="2012",
    )
    assert city["aqi"] == expected["AQI"].iloc[0]


def test_period_validity_annual_rule() -> None:
    months = pd.DataFrame(
        {
            "key": ["x"] * 12,
            "year": [2019] * 12,
            "month": range(1, 13),
            **{
                f"n_{p}": [27, 25, *[27] * 10]
                for p in ("so2", "no2", "pm10", "pm25", "co", "o3_8h")
            },
        }
    )
    ok = period_validity(months, pd.Timestamp("2019-01-01"), pd.Timestamp("2019-12-31"))
    assert not ok.loc["x", "valid_pm25"]  # 322 < 324 days
    assert "324" in ok.loc["x", "reason_pm25"]
    months.loc[:, "n_pm25"] = 28
    months.loc[1, "n_pm25"] = 24  # February < 25
    ok = period_validity(months, pd.Timestamp("2019-01-01"), pd.Timestamp("2019-12-31"))
    assert ok.loc["x", "reason_pm25"] == "months below the daily-count minimum: 2019-02"


def test_compliance_and_exceedance() -> None:
    stats = pd.DataFrame(
        {
            "so2": [10.0],
            "no2": [44.0],
            "pm10": [70.0],
            "pm25": [35.0],
            "so2_p98": [20.0],
            "no2_p98": [70.0],
            "pm10_p95": [140.0],
            "pm25_p95": [90.0],
            "co_p95": [1.2],
            "o3_8h_p90": [150.0],
        }
    )
    out = compliance(stats, "2012").iloc[0]
    assert out["no2_exceed"] == pytest.approx(0.1)  # (44 − 40)/40
    assert out["pm25_p95_exceed"] == pytest.approx(0.2)  # (90 − 75)/75
    assert out["ok_pm10"] is True or out["ok_pm10"] == True  # noqa: E712  70 ≤ 70
    assert out["compliant"] is False or out["compliant"] == False  # noqa: E712
    # GB 3095-2026 transition limits: PM2.5 annual 30, so 35 exceeds
    out26 = compliance(stats, "2026-transition").iloc[0]
    assert out26["pm25_exceed"] == pytest.approx(5 / 30)


def test_cli_period_json_and_xlsx(home: Path, tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from meili.cli.main import app

    day = "2019-03-05"
    vals = {"pm25": 40.0, "pm10": 60.0, "so2": 8.0, "no2": 30.0, "co": 0.7, "o3": 90.0}
    _lake(home, _hours("A1", day, vals), _sites([("A1", "北京", False)]))
    runner = CliRunner()
    res = runner.invoke(app, ["air", "period", "--from", day, "--to", day, "-f", "json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output)
    rec = payload["records"][0]
    for key in (
        "city_code",
        "city_name",
        "pm25",
        "pm10",
        "so2",
        "no2",
        "co_p95",
        "o3_8h_p90",
        "good_days",
        "valid_days",
        "good_ratio",
        "heavy_days",
        "composite_index",
        "rank",
        "edition",
    ):
        assert key in rec
    assert rec["city_code"] == "110000" and rec["rank"] == 1 and rec["edition"] == "2012"
    out = tmp_path / "p.xlsx"
    res = runner.invoke(
        app, ["air", "period", "--from", day, "--to", day, "-f", "xlsx", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert pd.read_excel(out)["城市（city）"].tolist() == ["北京市"]  # bilingual headers
    res = runner.invoke(app, ["air", "rank", "--year", "2019", "--group", "nowhere"])
    assert res.exit_code != 0


def test_incomplete_month_is_empty_unless_allowed_and_then_flagged(tmp_path: Path) -> None:
    # 3 valid days in March 2019: far below the GB 3095 minimum of 27 daily values a month.
    vals = {"pm25": 40.0, "pm10": 60.0, "so2": 8.0, "no2": 30.0, "co": 0.7, "o3": 90.0}
    days = ["2019-03-01", "2019-03-02", "2019-03-03"]
    hourly = pd.concat([_hours("A1", d, vals) for d in days], ignore_index=True)
    lake = _lake(tmp_path, hourly, _sites([("A1", "北京", False)]))
    strict = period("2019-03-01", "2019-03-31", root=lake).iloc[0]
    assert np.isnan(strict["pm25"]) and not strict["complete"]
    assert "2019-03" in strict["reason_pm25"]
    loose = period("2019-03-01", "2019-03-31", root=lake, allow_incomplete=True).iloc[0]
    assert loose["pm25"] == pytest.approx(40.0) and not loose["complete"]
    assert "2019-03" in loose["reason_pm25"] and loose["rank"] == 1


@pytest.mark.parametrize(("pm25", "ok"), [(35.4, True), (35.5, False), (34.5, True)])
def test_compliance_compares_rounded_statistics(pm25: float, ok: bool) -> None:
    # GB 3095-2012 PM2.5 annual limit 35; 35.4 → 35 meets it, 35.5 → 36 does not,
    # 34.5 → 34 (GB/T 8170 rounds half to even)
    stats = pd.DataFrame(
        {"so2": [10.0], "no2": [30.0], "pm10": [60.0], "pm25": [pm25], "so2_p98": [20.0],
         "no2_p98": [70.0], "pm10_p95": [140.0], "pm25_p95": [70.0], "co_p95": [1.2],
         "o3_8h_p90": [150.0]}
    )  # fmt: skip
    out = compliance(stats, "2012").iloc[0]
    assert bool(out["ok_pm25"]) is ok
    assert out["pm25_exceed"] == pytest.approx(0.0 if ok else 1 / 35)
