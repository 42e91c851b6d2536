"""Generate the bad-file corpus for the ingest tests, and ``expected.json`` beside it.

Run ``python tests/data/bad/make_bad_files.py``; the files are committed. Each case names
its kind and the outcome the tests assert: a file-level ``error`` (message substring), or
landed rows with given quarantine ``reasons``, counts and ``good`` keys that must land.
Every file stays under the corpus size limit (``LIMIT`` bytes) except ``too_big.csv``.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
LIMIT = 16_000
HEAD = "site_code,time,PM2.5,PM10,SO2,NO2,O3,CO"
CASES: list[dict] = []


def good_rows(n: int = 6, sites: tuple[str, ...] = ("1001A", "1003A")) -> list[str]:
    """n hours of plausible values for each site, 2019-01-01 01:00 onwards."""
    out = []
    for s in sites:
        for h in range(1, n + 1):
            out.append(
                f"{s},2019-01-01 {h:02d}:00,{40 + h},{70 + h},{5 + h},{30 + h},{20 + h},0.{h}"
            )
    return out


def keys(sites: tuple[str, ...] = ("1001A", "1003A"), n: int = 6) -> list[list[str]]:
    return [[s, f"2019-01-01 {h:02d}:00:00"] for s in sites for h in range(1, n + 1)]


def case(name: str, data: bytes | str, kind: str = "air-hourly", **expect: object) -> None:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    (HERE / name).write_bytes(raw)
    CASES.append({"file": name, "kind": kind, **expect})


def csv(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def rows_case(
    name: str,
    lines: list[str],
    *,
    reasons=(),
    landed: int,
    quarantined: int,
    good=(),
    kind: str = "air-hourly",
    enc: str = "utf-8",
    **extra: object,
) -> None:
    case(
        name,
        csv(lines).encode(enc),
        kind,
        outcome="rows",
        reasons=list(reasons),
        landed=landed,
        quarantined=quarantined,
        good=list(good),
        **extra,
    )


def error_case(name: str, data: bytes | str, message: str, kind: str = "air-hourly") -> None:
    case(name, data, kind, outcome="error", message=message)


def xlsx(sheets: list[tuple[str, list[list[object]], list[str], bool]]) -> bytes:
    """A workbook: (title, rows, merged ranges, hidden) per sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows, merges, hidden in sheets:
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
        for m in merges:
            ws.merge_cells(m)
        if hidden:
            ws.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def wide(lines: list[str], sites: str = "1001A,1003A") -> str:
    return csv([f"date,hour,type,{sites}", *lines])


def make() -> None:
    for old in HERE.iterdir():
        if old.name not in {"make_bad_files.py"}:
            old.unlink()
    g = good_rows()
    # --- encodings and broken files ---------------------------------------------------
    error_case("wrong_encoding_binary.csv", bytes(range(256)) * 8, "not UTF-8 or GBK")
    rows_case("utf16_with_bom.csv", [HEAD, *g], landed=12, quarantined=0, good=keys(), enc="utf-16")
    rows_case(
        "gbk_chinese_headers.csv",
        ["站点编码,监测时间,细颗粒物,可吸入颗粒物,二氧化硫,二氧化氮,臭氧,一氧化碳", *g],
        landed=12,
        quarantined=0,
        good=keys(),
        enc="gbk",
    )
    rows_case(
        "bom_summary_row.csv",
        [
            "站点编码,监测时间,PM2.5,PM10,SO2,NO2,O3,CO",
            *g,
            "合计,,500,800,60,400,300,5",
            "平均,,41,67,5,33,25,0.4",
        ],
        reasons=["summary row"],
        landed=12,
        quarantined=2,
        good=keys(),
        enc="utf-8-sig",
    )
    truncated = csv([HEAD, *g])[:-12]
    case(
        "truncated.csv",
        truncated,
        outcome="rows",
        reasons=["truncated line"],
        landed=11,
        quarantined=1,
        good=keys()[:11],
    )
    case(
        "truncated.csv.gz",
        gzip.compress(csv([HEAD, *g]).encode())[:-20],
        outcome="error",
        message="truncated or corrupt gzip",
    )
    error_case("empty.csv", b"", "empty file")
    error_case("blank_lines_only.csv", "\n\n  \n", "empty file")
    error_case("header_only.csv", HEAD + "\n", "header only")
    error_case("too_big.csv", csv([HEAD, *(good_rows(200))]), "limit")
    # --- header problems --------------------------------------------------------------
    error_case(
        "missing_site_column.csv",
        csv(["time,PM2.5", "2019-01-01 01:00,40"]),
        "missing required column 'site_code'",
    )
    error_case(
        "missing_time_column.csv",
        csv(["site_code,PM2.5", "1001A,40"]),
        "missing required column 'time'",
    )
    error_case(
        "no_measurement_column.csv",
        csv(["site_code,time,foo", "1001A,2019-01-01 01:00,1"]),
        "no measurement column",
    )
    error_case(
        "duplicate_synonym_headers.csv",
        csv(["site_code,time,PM2.5,细颗粒物", "1001A,2019-01-01 01:00,40,41"]),
        "both mean",
    )
    error_case(
        "auto_unknown_header.csv",
        csv(["a,b,c", "1,2,3"]),
        "cannot tell the dataset kind",
        kind="auto",
    )
    rows_case(
        "unknown_column.csv",
        [HEAD + ",备注", *(r + ",ok" for r in g)],
        landed=12,
        quarantined=0,
        good=keys(),
        notes=["unknown columns ignored: 备注"],
    )
    rows_case(
        "semicolon_delimited.csv",
        [HEAD.replace(",", ";"), *(r.replace(",", ";") for r in g)],
        landed=12,
        quarantined=0,
        good=keys(),
    )
    rows_case(
        "auto_detected_air.csv", [HEAD, *g], kind="auto", landed=12, quarantined=0, good=keys()
    )
    # --- row problems -----------------------------------------------------------------
    rows_case(
        "duplicate_rows_identical.csv",
        [HEAD, *g, g[0], g[1]],
        reasons=["duplicate of row 2 (identical; first kept)"],
        landed=12,
        quarantined=2,
        good=keys(),
    )
    rows_case(
        "duplicate_rows_conflicting.csv",
        [HEAD, *g, g[0].replace(",41,", ",99,")],
        reasons=["conflicting duplicates"],
        landed=11,
        quarantined=2,
        good=keys()[1:],
    )
    rows_case(
        "negative_values.csv",
        [HEAD, *g, "1001A,2019-01-01 07:00,-5,80,5,30,20,0.5"],
        reasons=["negative value"],
        landed=12,
        quarantined=1,
        good=keys(),
    )
    rows_case(
        "absurd_values.csv",
        [
            HEAD,
            *g,
            "1001A,2019-01-01 07:00,99999,80,5,30,20,0.5",
            "1001A,2019-01-01 08:00,50,80,5,30,20000,0.5",
        ],
        reasons=["above the plausible maximum 2000", "above the plausible maximum 2000"],
        landed=12,
        quarantined=2,
        good=keys(),
    )
    error_case(
        "co_in_ugm3.csv",
        csv([HEAD, *(r.rsplit(",", 1)[0] + f",{800 + i}" for i, r in enumerate(g))]),
        "look like µg/m³",
    )
    rows_case(
        "co_mixed_units.csv",
        [HEAD, *g, "1001A,2019-01-01 07:00,50,80,5,30,20,900"],
        reasons=["mixed units"],
        landed=12,
        quarantined=1,
        good=keys(),
    )
    rows_case(
        "co_declared_ugm3.csv",
        [
            "site_code,time,PM2.5,CO(μg/m³)",
            *(f"1001A,2019-01-01 {h:02d}:00,40,{800 + h}" for h in range(1, 7)),
        ],
        landed=6,
        quarantined=0,
        good=keys(("1001A",)),
        co_first=0.801,
    )
    rows_case(
        "unparseable_dates.csv",
        [HEAD, *g, "1001A,yesterday,50,80,5,30,20,0.5", "1001A,2019-13-45 01:00,50,80,5,30,20,0.5"],
        reasons=["cannot read the time"],
        landed=12,
        quarantined=2,
        good=keys(),
    )
    rows_case(
        "hour_24.csv",
        [
            HEAD,
            "1001A,2019-01-01 23:00,40,70,5,30,20,0.5",
            "1001A,2019-01-01 24:00,41,71,5,30,20,0.5",
        ],
        landed=2,
        quarantined=0,
        good=[["1001A", "2019-01-01 23:00:00"], ["1001A", "2019-01-02 00:00:00"]],
    )
    rows_case(
        "hour_24_date_hour_columns.csv",
        [
            "站点编码,日期,小时,PM2.5",
            "1001A,2019-01-01,23,40",
            "1001A,2019-01-01,24,41",
            "1001A,2019-01-01,25,42",
        ],
        reasons=["hour must be a whole number 0–24"],
        landed=2,
        quarantined=1,
        good=[["1001A", "2019-01-01 23:00:00"], ["1001A", "2019-01-02 00:00:00"]],
    )
    rows_case(
        "hour_25.csv",
        [HEAD, *g, "1001A,2019-01-01 25:00,40,70,5,30,20,0.5"],
        reasons=["cannot read the time"],
        landed=12,
        quarantined=1,
        good=keys(),
    )
    rows_case(
        "future_dates.csv",
        [HEAD, *g, "1001A,2099-01-01 01:00,40,70,5,30,20,0.5"],
        reasons=["in the future"],
        landed=12,
        quarantined=1,
        good=keys(),
    )
    rows_case(
        "unknown_sites.csv",
        [HEAD, *g, "9999Z,2019-01-01 01:00,40,70,5,30,20,0.5"],
        reasons=["unknown site code"],
        landed=12,
        quarantined=1,
        good=keys(),
    )
    rows_case(
        "missing_tokens.csv",
        [HEAD, "1001A,2019-01-01 01:00,NA,--,*,,—,-", "1001A,2019-01-01 02:00,40,,,,,"],
        landed=2,
        quarantined=0,
        good=keys(("1001A",), 2),
    )
    rows_case(
        "non_numeric.csv",
        [
            HEAD,
            *g,
            "1001A,2019-01-01 07:00,abc,80,5,30,20,0.5",
            "1001A,2019-01-01 08:00,12mg,80,5,30,20,0.5",
        ],
        reasons=["not a number"],
        landed=12,
        quarantined=2,
        good=keys(),
    )
    rows_case(
        "missing_site_value.csv",
        [HEAD, *g, ",2019-01-01 07:00,40,70,5,30,20,0.5"],
        reasons=["missing value"],
        landed=12,
        quarantined=1,
        good=keys(),
    )
    rows_case(
        "ragged_too_many_fields.csv",
        [HEAD, *g, "1001A,2019-01-01 07:00,1,2,3,4,5,6,7,8"],
        reasons=["line has 10 fields, header has 8"],
        landed=12,
        quarantined=1,
        good=keys(),
    )
    # --- Excel ------------------------------------------------------------------------
    head2 = ["站点编码", "监测时间", "PM2.5", "PM10", "CO"]
    body = [["1001A", f"2019-01-01 {h:02d}:00", 40 + h, 70 + h, 0.5] for h in range(1, 7)]
    case(
        "excel_merged_headers.xlsx",
        xlsx(
            [
                (
                    "数据",
                    [
                        ["站点编码", "监测时间", "浓度(μg/m³)", None, "一氧化碳(mg/m³)"],
                        [None, None, "细颗粒物", "可吸入颗粒物", None],
                        *body,
                    ],
                    ["A1:A2", "B1:B2", "C1:D1", "E1:E2"],
                    False,
                )
            ]
        ),
        outcome="rows",
        reasons=[],
        landed=6,
        quarantined=0,
        good=keys(("1001A",)),
    )
    case(
        "excel_hidden_sheet.xlsx",
        xlsx([("旧表", [["junk"], ["x"]], [], True), ("数据", [head2, *body], [], False)]),
        outcome="rows",
        reasons=[],
        landed=6,
        quarantined=0,
        good=keys(("1001A",)),
        notes=["hidden sheets skipped: 旧表"],
    )
    case(
        "excel_only_hidden_data.xlsx",
        xlsx([("数据", [head2, *body], [], True), ("空", [], [], False)]),
        outcome="error",
        message="empty workbook",
    )
    case(
        "excel_header_only.xlsx",
        xlsx([("数据", [head2], [], False)]),
        outcome="error",
        message="header only",
    )
    case(
        "excel_summary_and_negative.xlsx",
        xlsx(
            [
                (
                    "数据",
                    [
                        head2,
                        *body,
                        ["1003A", "2019-01-01 01:00", -3, 70, 0.5],
                        ["合计", None, 300, 500, 3],
                    ],
                    [],
                    False,
                )
            ]
        ),
        outcome="rows",
        reasons=["negative value", "summary row"],
        landed=6,
        quarantined=2,
        good=keys(("1001A",)),
    )
    error_case("corrupt.xlsx", b"PK\x03\x04" + b"garbage" * 50, "cannot read the workbook")
    # --- Parquet ----------------------------------------------------------------------
    frame = pd.DataFrame(
        {
            "site_code": ["1001A", "1001A"],
            "time": pd.to_datetime(["2019-01-01 01:00", "2019-01-01 02:00"]),
            "pm25": [40.0, -1.0],
        }
    )
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    case(
        "parquet_negative.parquet",
        buf.getvalue(),
        outcome="rows",
        reasons=["negative value"],
        landed=1,
        quarantined=1,
        good=keys(("1001A",), 1),
    )
    # --- CNEMC wide layout ------------------------------------------------------------
    types = ["AQI", "PM2.5", "PM10", "SO2", "NO2", "O3", "CO", "O3_8h"]
    vals = {
        "AQI": "60,70",
        "PM2.5": "40,50",
        "PM10": "70,80",
        "SO2": "5,6",
        "NO2": "30,31",
        "O3": "20,21",
        "CO": "0.5,0.6",
        "O3_8h": "25,26",
    }
    lines = [f"20190101,{h},{t},{vals[t]}" for h in (1, 2) for t in types]
    bad = [*lines, "20190101,3,PM2.5,-4,abc", "20190101,3,PM10,80,70", "20190101,3,CO,900,1"]
    case(
        "china_sites_20190101_bad_cells.csv",
        wide(bad),
        outcome="rows",
        reasons=["negative value", "not a number", "mixed units"],
        landed=4,
        quarantined=2,
        good=keys(("1001A", "1003A"), 2),
    )
    case(
        "china_sites_20190101_unknown_site.csv",
        wide(lines, "1001A,9999A"),
        outcome="rows",
        reasons=["unknown site code"],
        landed=2,
        quarantined=2,
        good=keys(("1001A",), 2),
    )
    case(
        "china_sites_20190105_outside_period.csv",
        wide(lines),
        outcome="rows",
        reasons=["outside the file's period"],
        landed=0,
        quarantined=4,
        good=[],
    )
    dup = [*lines, "20190101,1,PM2.5,40,99"]
    case(
        "china_sites_20190101_duplicate_lines.csv",
        wide(dup),
        outcome="rows",
        reasons=["conflicting duplicate lines"],
        landed=3,
        quarantined=1,
        good=[
            ["1001A", "2019-01-01 01:00:00"],
            ["1001A", "2019-01-01 02:00:00"],
            ["1003A", "2019-01-01 02:00:00"],
        ],
    )
    case(
        "china_sites_20190101_truncated.csv",
        wide(lines)[:-4],
        outcome="rows",
        reasons=["truncated"],
        landed=3,
        quarantined=1,
        good=[
            ["1001A", "2019-01-01 01:00:00"],
            ["1003A", "2019-01-01 01:00:00"],
            ["1003A", "2019-01-01 02:00:00"],
        ],
    )
    case(
        "china_sites_20190101_hour0_and_bad_date.csv",
        wide([*(f"20190101,0,{t},{vals[t]}" for t in types), "2019xx01,5,PM2.5,40,41"]),
        outcome="rows",
        reasons=["cannot read the date"],
        landed=2,
        quarantined=2,
        good=[["1001A", "2019-01-01 00:00:00"], ["1003A", "2019-01-01 00:00:00"]],
    )
    rep = [f"{ln},{ln.split(',')[3]}" for ln in lines]
    rep[9] = "20190101,2,PM2.5,40,50,41"
    case(
        "china_sites_20190101_repeated_site_column.csv",
        wide(rep, "1001A,1003A,1001A"),
        outcome="rows",
        reasons=["conflicting duplicate lines or columns"],
        landed=3,
        quarantined=1,
        good=[
            ["1001A", "2019-01-01 01:00:00"],
            ["1003A", "2019-01-01 01:00:00"],
            ["1003A", "2019-01-01 02:00:00"],
        ],
        notes=["repeated site columns merged: 1001A"],
    )
    # --- UCI Beijing layout -----------------------------------------------------------
    uci_cols = "No year month day hour PM2.5 PM10 SO2 NO2 CO O3 TEMP PRES DEWP RAIN wd WSPM station"
    uci_head = ",".join(f'"{c}"' for c in uci_cols.split())
    uci = [uci_head] + [
        f'{h + 1},2013,3,1,{h},9,9,3,17,300,89,-0.5,1024.5,-21.4,0,"NNW",5.7,"{st}"'
        for st in ("Dongsi", "Nowhere")
        for h in range(3)
    ]
    case(
        "PRSA_Data_Mixed_20130301-20130301.csv",
        csv(uci),
        outcome="rows",
        reasons=["unknown site code"],
        landed=3,
        quarantined=3,
        good=[["1003A", f"2013-03-01 0{h}:00:00"] for h in range(3)],
        co_first=0.3,
    )
    # --- other kinds ------------------------------------------------------------------
    wh = (
        "province,basin,section,monitor_time_raw,water_class,temp_c,ph,do_mgL,cond_uScm,"
        "turb_ntu,codmn_mgL,nh3n_mgL,tp_mgL,tn_mgL,chla_mgL,algae_cellsL,site_status"
    )
    tail = "861.9,67.3,5.81,0.097,0.065,1.67,*,*,正常"
    wrows = [
        f"上海市,长江流域,七效港西桥,04-01 12:00,Ⅲ,17.3,7.99,8.64,{tail}",
        f"上海市,长江流域,七效港西桥,04-01 16:00,Ⅶ,17.3,15.2,-1,{tail}",
        "上海市,长江流域,七效港西桥,*,*,--,--,--,--,--,--,--,--,--,*,*,维护",
        f"上海市,长江流域,不存在的断面,04-01 12:00,Ⅱ,17.3,7.9,8.6,{tail}",
    ]
    case(
        "water_2021-04_bad_values.csv",
        csv([wh, *wrows]),
        "auto",
        outcome="rows",
        reasons=[
            "not one of",
            "above the plausible maximum 14",
            "negative value",
            "missing value",
            "unknown section code",
        ],
        landed=1,
        quarantined=3,
        good=[],
    )
    error_case("water_no_year.csv", csv([wh, wrows[0]]), "without a year", kind="auto")
    nh = "测点编号,功能区类别,监测日期,昼间等效声级,夜间等效声级"
    case(
        "noise_bad_rows.csv",
        csv(
            [
                nh,
                "N01,1,2019-05-01,52.1,43.0",
                "N02,4A,2019-05-01,65,55",
                "N03,5,2019-05-01,52,43",
                "N04,2,2019-05-01,200,43",
            ]
        ),
        "noise",
        outcome="rows",
        reasons=["not one of", "above the plausible maximum 140"],
        landed=2,
        quarantined=2,
        good=[],
    )
    case(
        "stats_bad_year.csv",
        csv(
            [
                "区划代码,年份,指标代码,数值,单位",
                "110000,2020,AIR_PM25,30.5,µg/m³",
                "110000,2020.5,AIR_PM25,31,µg/m³",
                "110000,1800,AIR_PM25,31,µg/m³",
                "110000,2021,AIR_PM25,,µg/m³",
            ]
        ),
        "stats",
        outcome="rows",
        reasons=["not a whole number", "below the plausible minimum"],
        landed=2,
        quarantined=2,
        good=[],
    )
    case(
        "sites_bad_coordinates.csv",
        csv(
            [
                "监测点编码,监测点名称,城市,经度,纬度,对照点",
                "1001A,万寿西宫,北京,116.36,39.87,N",
                "9001A,坏点,北京,116.36,139.87,N",
                "9002A,坏点2,北京,116.36,39.87,maybe",
            ]
        ),
        "air-sites",
        outcome="rows",
        reasons=["above the plausible maximum 54", "not a yes/no"],
        landed=1,
        quarantined=2,
        good=[],
    )
    for c in CASES:
        size = (HERE / c["file"]).stat().st_size
        assert c["file"] == "too_big.csv" or size < LIMIT, (c["file"], size)
    (HERE / "expected.json").write_text(
        json.dumps({"limit": LIMIT, "cases": CASES}, ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    make()
    print(f"{len(CASES)} files in {HERE}")
