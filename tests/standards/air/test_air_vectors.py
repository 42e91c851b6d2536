"""standards.md §1.6 test vectors, the > 800 rules, GB/T 8170 rounding and the AQI table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from meili.standards.air import AboveTableError, aqi, iaqi, level_of

VECTORS = [  # item, concentrations, HJ 633-2012, HJ 633-2026 (standards.md §1.6)
    ("PM25_24H", [35, 35.5, 36], [50, 51, 52], [50, 52, 52]),
    ("PM25_24H", [60, 75, 76, 100], [82, 100, 102, 132], [100, 114, 115, 137]),
    ("PM10_24H", [120, 150, 200], [85, 100, 125], [100, 112, 131]),
    ("SO2_24H", [100, 300, 475], [75, 124, 150], [75, 124, 150]),
    ("NO2_1H", [250], [105], [105]),
    ("CO_24H", [1.2, 2.5, 3.5], [30, 63, 88], [30, 63, 88]),
    ("O3_8H", [160.5, 300], [101, 207], [100, 207]),
]


@pytest.mark.parametrize(("item", "conc", "v2012", "v2026"), VECTORS)
def test_vectors(item: str, conc: list[float], v2012: list[int], v2026: list[int]) -> None:
    assert iaqi(item, conc, "2012").tolist() == v2012
    assert iaqi(item, conc, "2026").tolist() == v2026


def test_float_ceiling_is_exact() -> None:
    # aqi_hub 0.3.3 deviation H4: exact integers must not be bumped by float error
    assert iaqi("PM25_24H", [4.9], "2012").tolist() == [7]
    assert iaqi("CO_24H", [2.2], "2012").tolist() == [55]
    assert iaqi("O3_8H", [102.4], "2012").tolist() == [52]
    assert iaqi("O3_1H", [160.8], "2012").tolist() == [51]
    assert iaqi("CO_1H", [65.4], "2012").tolist() == [218]
    assert iaqi("PM10_24H", [352.1], "2012").tolist() == [203]


def test_gbt8170_input_rounding_2026() -> None:
    # round half to even on the decimal value (2.45 → 2.4, not 2.5), CO to 0.1 mg/m³
    assert iaqi("CO_24H", [2.04, 2.05, 2.15, 2.45], "2026").tolist() == [50, 50, 55, 60]
    assert iaqi("PM25_24H", [35.4, 35.5, 36.5, 34.5], "2026").tolist() == [50, 52, 52, 49]
    assert iaqi("PM25_24H", [35.4], "2012").tolist() == [51]


def test_over_800_rules() -> None:
    assert iaqi("SO2_1H", [800, 801, 5000], "2026").tolist() == [200, 200, 200]
    assert iaqi("O3_8H", [800, 801, 5000], "2026").tolist() == [300, 300, 300]
    assert iaqi("SO2_1H", [800, 801], "2012").isna().tolist() == [False, True]
    assert iaqi("O3_8H", [800, 800.5], "2012").isna().tolist() == [False, True]
    # 2012 fallback in the AQI: SO2 24-h IAQI, O3 1-h IAQI
    daily = aqi({"O3_8H": [801], "O3_1H": [1000]}, "2012", indicators=["O3_8H", "O3_1H"])
    assert daily["IAQI_O3_8H"].iloc[0] == 400 and daily["AQI"].iloc[0] == 400
    hourly = aqi({"SO2_1H": [801, 900], "SO2_24H": [300, None]}, "2012", "hourly")
    assert hourly["IAQI_SO2_1H"].iloc[0] == 124
    assert hourly["IAQI_SO2_1H"].isna().iloc[1] and hourly["AQI"].isna().iloc[1]
    assert aqi({"SO2_1H": [801]}, "2026", "hourly")["AQI"].iloc[0] == 200


def test_missing_and_invalid_inputs_stay_missing() -> None:
    got = iaqi("PM25_24H", [np.nan, None, -1, "x", float("inf"), 10], "2012")
    assert str(got.dtype) == "Int64"
    assert got.isna().tolist() == [True] * 5 + [False]
    series = pd.Series([35.0, np.nan], index=["a", "b"])
    assert list(iaqi("PM25_24H", series, "2012").index) == ["a", "b"]
    with pytest.raises(AboveTableError):
        iaqi("PM25_24H", [501], "2012", above_table="raise")
    with pytest.raises(ValueError):
        iaqi("PM1_24H", [1], "2012")


def test_daily_o3_one_hour_only_in_2012() -> None:
    day = {"O3_1H": [300], "O3_8H": [200]}
    assert aqi(day, "2012")["AQI"].iloc[0] == 150
    assert aqi(day, "2026")["AQI"].iloc[0] == 137


def test_aqi_primary_exceedance_level_colour() -> None:
    frame = pd.DataFrame(
        {
            "PM25_24H": [20, 75, 20, 115],
            "PM10_24H": [40, 150, 40, 50],
            "SO2_24H": [120, 5, 5, 5],
            "NO2_24H": [30, 5, 5, 5],
            "CO_24H": [0.8, 0.5, 0.5, 0.5],
            "O3_8H": [90, 50, 50, 50],
            "O3_1H": [100, 100, 100, 100],
        }
    )
    out = aqi(frame, "2012")
    assert out["AQI"].tolist() == [85, 100, 40, 150]
    assert out["primary"].tolist() == ["SO2", "PM10;PM2.5", None, "PM2.5"]
    assert out["exceedance"].tolist() == ["", "", "", "PM2.5"]
    assert out["level"].tolist() == [2, 2, 1, 3]
    assert out["category_zh"].tolist() == ["良", "良", "优", "轻度污染"]
    assert out["category_en"].tolist()[3] == "Lightly Polluted"
    assert out["colour"].tolist() == ["#FFFF00", "#FFFF00", "#00E400", "#FF7E00"]
    assert out["exceedance"].notna().all()
    assert aqi(frame, "2026")["exceedance"].isna().all()


def test_level_table() -> None:
    got = level_of([0, 1, 50, 51, 100, 101, 150, 151, 200, 201, 300, 301, 500, None])
    assert got["level"].tolist()[:-1] == [1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]
    assert got["colour"].tolist()[-3:-1] == ["#7E0023", "#7E0023"]
    assert got["level"].isna().iloc[-1]


def test_above_table_in_aqi() -> None:
    # issue 12 item 1: a dust-storm day is a level-6 day at AQI 500 (convention), flagged
    data = {"PM10_24H": [2000, 700, 100], "PM25_24H": [100, 100, 100]}
    for edition in ("2012", "2026"):
        out = aqi(data, edition, indicators=list(data))
        assert out["AQI"].tolist() == [500, 500, 132 if edition == "2012" else 137]
        assert out["above_table"].tolist() == [True, True, False]
        assert out["level"].tolist()[:2] == [6, 6]
        assert out["category_zh"].iloc[0] == "严重污染"
        assert out["primary"].iloc[0] == "PM10"
        strict = aqi(data, edition, indicators=list(data), above_table="missing")
        assert strict["AQI"].isna().tolist() == [True, True, False]
        with pytest.raises(AboveTableError):
            aqi(data, edition, indicators=list(data), above_table="raise")


def test_edition_by_date() -> None:
    out = aqi({"PM25_24H": [75, 75]}, None, dates=["2026-02-28", "2026-03-01"])
    assert out["AQI"].tolist() == [100, 114]
    assert out["edition"].tolist() == ["2012", "2026"]
