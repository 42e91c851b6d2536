"""Small parts: header synonyms and units, time parsing (hour 24), file periods, kinds."""

from __future__ import annotations

import pandas as pd
import pytest

from meili.errors import UserError
from meili.ingest import parse
from meili.ingest.kinds import get_kind, kinds
from meili.ingest.loaded import period_from_name
from meili.ingest.synonyms import canonical_column, split_header


@pytest.mark.parametrize("header", ["PM2.5", "pm25", "PM2_5", "细颗粒物", "PM₂.₅", "ＰＭ２．５"])
def test_pm25_synonyms(header: str) -> None:
    assert canonical_column(header, set(get_kind("air-hourly").names)) == "pm25"


def test_header_units_and_kind_scoped_synonyms() -> None:
    h = split_header("一氧化碳（μg/m³）")
    assert (h.name, h.unit) == ("一氧化碳", "ug/m3")
    assert split_header("站点编码").unit is None
    assert canonical_column("二氧化硫", set(get_kind("air-hourly").names)) == "so2"
    assert canonical_column("监测时间", set(get_kind("air-hourly").names)) == "time"
    assert canonical_column("年份", set(get_kind("stats").names)) == "year"
    assert canonical_column("年份", set(get_kind("air-hourly").names)) == "_year"


def test_times_hour_24_chinese_and_yearless() -> None:
    cells = pd.Series(
        ["2019-01-01 24:00", "2019/1/2 3:00", "2019年1月1日 13时", "04-01 12:00", "", "x"]
    )
    t, bad = parse.times(cells, year=2021)
    assert list(t[:4]) == [
        pd.Timestamp("2019-01-02 00:00"),
        pd.Timestamp("2019-01-02 03:00"),
        pd.Timestamp("2019-01-01 13:00"),
        pd.Timestamp("2021-04-01 12:00"),
    ]
    assert pd.isna(t[4]) and not bad[4]
    assert bad[5]


def test_numbers_missing_tokens_are_not_errors() -> None:
    v, bad = parse.numbers(pd.Series(["1.5", "NA", "--", "*", "", "1,200", "abc"]))
    assert list(bad) == [False] * 6 + [True]
    assert v[0] == 1.5 and v[5] == 1200 and v.isna().sum() == 5


def test_periods_from_file_names() -> None:
    assert period_from_name("china_sites_20190101.csv.gz") == (
        pd.Timestamp("2019-01-01"),
        pd.Timestamp("2019-01-02"),
    )
    start, end = period_from_name("PRSA_Data_Dongsi_20130301-20170228.csv")
    assert (start, end) == (pd.Timestamp("2013-03-01"), pd.Timestamp("2017-03-01"))
    assert period_from_name("water_2021-04.csv")[1] == pd.Timestamp("2021-05-01")
    assert period_from_name("air.csv") is None


def test_kinds_are_declared() -> None:
    assert set(kinds()) == {
        "air-hourly",
        "air-sites",
        "water-samples",
        "water-sections",
        "noise",
        "stats",
    }
    co = get_kind("air-hourly").column("co")
    assert (co.unit, co.alt_unit) == ("mg/m3", "ug/m3")
    with pytest.raises(UserError, match="unknown dataset kind"):
        get_kind("weather")


def test_gb18030_xlsx_and_parquet_in_one_folder(home, tmp_path) -> None:
    from meili.ingest import ingest_paths

    (tmp_path / "a.csv").write_bytes(
        "站点编码,监测时间,细颗粒物\n1001A,2019-01-01 01:00,40\n".encode("gb18030")
    )
    (tmp_path / "notes.md").write_text("ignored")
    results = ingest_paths("air-hourly", [tmp_path])
    assert [r.file for r in results] == ["a.csv"]
    assert results[0].rows_landed == 1
