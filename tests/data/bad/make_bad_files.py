"""Generate the bad-file corpus for the ingest tests, and ``expected.json`` beside it.

Run ``python tests/data/bad/make_bad_files.py``; the files are committed. Each case names
its kind and the outcome the tests assert: a file-level ``error`` (message substring), or
landed rows with given quarantine ``reasons``, counts and ``good`` keys that must land,
``values`` that must be read exactly (``[dataset, {key: value}, column, expected]``) and
``notes`` the batch must carry. Every file stays under the corpus size limit (``LIMIT``
bytes) except ``too_big.csv`` and the cases that set their own ``limit``.

The cases of the data-integrity issue (decimal commas, day/month order, offsets, formulas
without cached values, doubled BOMs, Big5, CR line ends, huge cells, safe-export prefixes,
glob characters in names, Chinese headers, statistics against the registry) are built from
the real samples in ``meili/demo_data`` (CNEMC 2019-01-01, UCI Dongsi, CNEMC water).
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
DEMO = HERE.parents[2] / "meili" / "demo_data"
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
    prefix: bool = False,
    **extra: object,
) -> None:
    data = csv(lines).encode(enc)
    if prefix:  # a second byte-order mark, as a tool that adds one to a file with one writes
        data = b"\xef\xbb\xbf" + data
    case(
        name,
        data,
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
                "110000,2020,env.pm25_annual_mean,30.5,µg/m³",
                "110000,2020.5,env.pm25_annual_mean,31,µg/m³",
                "110000,1800,env.pm25_annual_mean,31,µg/m³",
                "110000,2021,env.pm25_annual_mean,,µg/m³",
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
    integrity_cases()
    for c in CASES:
        size = (HERE / c["file"]).stat().st_size
        assert c["file"] == "too_big.csv" or "limit" in c or size < LIMIT, (c["file"], size)
    (HERE / "expected.json").write_text(
        json.dumps({"limit": LIMIT, "cases": CASES}, ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )


def real_air() -> pd.DataFrame:
    """Site-hours of 1001A and 1003A, 01:00–06:00 on 2019-01-01, from the real CNEMC sample."""
    wide_frame = pd.read_csv(DEMO / "china_sites_20190101.csv.gz", dtype={"type": str})
    wide_frame = wide_frame[wide_frame["hour"].between(1, 6)]
    long = wide_frame.melt(
        id_vars=["date", "hour", "type"], value_vars=["1001A", "1003A"], var_name="site"
    )
    out = long.pivot_table(index=["site", "hour"], columns="type", values="value").reset_index()
    out["time"] = [f"2019-01-01 {h:02d}:00" for h in out["hour"]]
    return out.rename(columns={"PM2.5": "pm25", "PM10": "pm10", "CO": "co"})


def real_water(n: int = 6) -> list[str]:
    """The header and first ``n`` rows of the real CNEMC water sample (Beijing sections)."""
    return (
        (DEMO / "cnemc_surface_water_4hourly_2021-04_jjj.csv")
        .read_text("utf-8")
        .splitlines()[: n + 1]
    )


def integrity_cases() -> None:
    air = real_air()
    keys1 = [[r.site, f"{r.time}:00"] for r in air.itertuples()]

    def v(x: float) -> str:
        return f"{x:g}"

    # 1. decimal commas (semicolon CSV): read as 30.5, not 305; mixed separators refused
    lines = ["site_code;time;pm25;co"] + [
        f"{r.site};{r.time};{v(r.pm25 + 0.5).replace('.', ',')};{v(r.co).replace('.', ',')}"
        for r in air.itertuples()
    ]
    first = air.iloc[0]
    rows_case(
        "decimal_comma_semicolon.csv",
        lines,
        landed=len(air),
        quarantined=0,
        good=keys1,
        values=[
            [
                "air_hourly",
                {"site_code": first["site"], "time": f"{first['time']}:00"},
                "pm25",
                float(first["pm25"]) + 0.5,
            ],
            [
                "air_hourly",
                {"site_code": first["site"], "time": f"{first['time']}:00"},
                "co",
                float(first["co"]),
            ],
        ],
        notes=["decimal commas read"],
    )
    mixed = [lines[0], *lines[1:4], *(ln.replace(",", ".") for ln in lines[4:])]
    error_case("decimal_mixed.csv", csv(mixed), "mixed decimal separators")
    error_case(
        "decimal_thousands_or_comma.csv",
        csv(["site_code,time,pm25", '1001A,2019-01-01 01:00,"1,234"']),
        "could be a thousands separator or a decimal comma",
    )
    # 2. day and month: a day above 12 shows the order; a file showing both is refused
    pm = [v(x) for x in air["pm25"]]
    rows_case(
        "dates_day_first.csv",
        [
            HEAD.split(",PM10")[0],
            f"1001A,12/01/2019 01:00,{pm[0]}",
            f"1001A,13/01/2019 01:00,{pm[1]}",
        ],
        landed=2,
        quarantined=0,
        good=[["1001A", "2019-01-12 01:00:00"], ["1001A", "2019-01-13 01:00:00"]],
    )
    error_case(
        "dates_day_month_both.csv",
        csv(
            [
                HEAD.split(",PM10")[0],
                f"1001A,13/01/2019 01:00,{pm[0]}",
                f"1001A,01/14/2019 01:00,{pm[1]}",
            ]
        ),
        "both day-first",
    )
    error_case(
        "dates_day_month_unknown.csv",
        csv(
            [
                HEAD.split(",PM10")[0],
                f"1001A,12/01/2019 01:00,{pm[0]}",
                f"1001A,11/01/2019 01:00,{pm[1]}",
            ]
        ),
        "declare the order",
    )
    # 5. times with an offset: converted to Beijing time, with a note
    rows_case(
        "times_with_offset.csv",
        [
            "site_code,time,PM2.5",
            f"1001A,2019-01-02T01:00:00+08:00,{pm[0]}",
            f"1003A,2019-01-01T17:00:00Z,{pm[1]}",
        ],
        landed=2,
        quarantined=0,
        good=[["1001A", "2019-01-02 01:00:00"], ["1003A", "2019-01-02 01:00:00"]],
        notes=["UTC offset converted to Beijing time"],
    )
    # 5. CR-only line ends; a cell past the CSV field limit (one clear line)
    cr = (
        "\r".join(
            [
                HEAD.split(",PM10")[0],
                *(f"{r.site},{r.time},{v(r.pm25)}" for r in air.itertuples()),
            ]
        )
        + "\r"
    )
    case("cr_line_ends.csv", cr, outcome="rows", reasons=[], landed=len(air), quarantined=0,
         good=keys1, notes=["CR-only line ends"])  # fmt: skip
    big = 'site_code,time,PM2.5,note\n1001A,2019-01-01 01:00,40,"' + "x" * 200_000 + '"\n'
    case("huge_cell.csv", big, outcome="error", message="a cell is longer than", limit=1_000_000)
    # 3. Excel formulas without cached values (a workbook written by a script)
    head_x = ["站点编码", "监测时间", "PM2.5", "PM10"]
    body_x = [[r.site, r.time, float(r.pm25), float(r.pm10)] for r in air.itertuples()]
    body_x[1][2] = "=C2*2"
    body_x[3][3] = "=SUM(D2:D4)"
    case(
        "excel_formulas_without_values.xlsx",
        xlsx([("数据", [head_x, *body_x], [], False)]),
        outcome="rows",
        reasons=["holds the formula =C2*2 without a cached value", "=SUM(D2:D4)"],
        landed=len(air) - 2,
        quarantined=2,
        good=[keys1[0], keys1[2]],
    )
    # 4. a doubled BOM keeps the first column; Big5 is named, not read as unknown codes
    water = real_water()
    rows_case(
        "water_2021-04_double_bom.csv",
        water,
        kind="water-samples",
        landed=len(water) - 1,
        quarantined=0,
        enc="utf-8-sig",
        prefix=True,
        values=[["water_samples", {"section": water[1].split(",")[2],
                 "time": "2021-04-01 08:00:00"}, "province", "北京市"]],
        notes=["extra byte-order marks removed"],
    )  # fmt: skip
    big5 = "\n".join(water).encode("big5", errors="replace") + b"\n"
    error_case("water_2021-04_big5.csv", big5, "looks like big5", kind="water-samples")
    # 7. a safe export re-ingested: the leading ' before =, +, -, @ is removed again
    rows_case(
        "export_fixed_and_resent.csv",
        [
            "站点编码,监测时间,PM2.5,备注",
            f"1001A,2019-01-01 01:00,'+{pm[0]},'=HYPERLINK(\"x\")",
            f"1001A,2019-01-01 02:00,{pm[1]},'@note",
            f"1001A,2019-01-01 03:00,{pm[2]},'plain",
        ],
        landed=3,
        quarantined=0,
        good=keys(("1001A",), 3),
        values=[["air_hourly", {"site_code": "1001A", "time": "2019-01-01 01:00:00"}, "pm25",
                 float(pm[0])]],
        notes=["leading ' of a safe export"],
    )  # fmt: skip
    # 10. brackets in a file name are part of the name, not a glob
    rows_case("站点数据[2019].csv", [HEAD, *good_rows()], landed=12, quarantined=0, good=keys())
    # issue 11 item 4: Chinese headers of bureau exports
    wide_real = (
        gzip.decompress((DEMO / "china_sites_20190101.csv.gz").read_bytes())
        .decode("utf-8")
        .replace("\r\n", "\n")
        .splitlines()
    )
    cut = [",".join(ln.split(",")[:6]) for ln in wide_real if ",".join(ln.split(",")[:3])]
    zh = ["日期,小时,类型," + ",".join(cut[0].split(",")[3:]), *cut[1:65]]
    case(
        "china_sites_20190101_zh_headers_gbk.csv",
        csv(zh).encode("gbk"),
        outcome="rows",
        reasons=[],
        landed=None,
        quarantined=0,
        good=[["1001A", "2019-01-01 00:00:00"], ["1003A", "2019-01-01 00:00:00"]],
    )
    case(
        "air_sheet_zhan_dian_shi_jian.xlsx",
        xlsx([("空气", [["站点", "时间", "PM2.5", "PM10"], *body_x[:1], *body_x[2:3]], [], False)]),
        outcome="rows",
        reasons=[],
        landed=2,
        quarantined=0,
        good=[keys1[0], keys1[2]],
    )
    error_case(
        "missing_site_column_names_aliases.csv",
        csv(["时间,PM2.5", f"2019-01-01 01:00,{pm[0]}"]),
        "headers accepted for it: site_code, site code",
    )
    # issue 11 item 9: statistics against the registry and the frameworks in force
    case(
        "stats_registry.csv",
        csv(
            [
                "area_code,year,indicator,value,unit",
                "110000,2019,env.pm25_annual_mean,42,µg/m³",
                "110000,2019,env.good_day_ratio,0.65,fraction",
                "110000,2019,task:env.pm25_annual_mean,1,",
                "110000,2019,co2_emissions,9000,万吨",
                "XX-999,2019,env.pm25_annual_mean,42,µg/m³",
                "110000,2019,env.no_such_indicator,1,%",
                "110000,2019,eco.forest_cover,42,µg/m³",
                "110000,2019,task:env.good_day_ratio,2,",
                "110000,2018,co2_emissions,9000,GJ",
                "110000,2099,env.pm25_annual_mean,42,µg/m³",
            ]
        ),
        "stats",
        outcome="rows",
        reasons=[
            "unknown area code XX-999",
            "indicator env.no_such_indicator is not in the frameworks in force for 110000",
            "unit µg/m³ cannot be converted to the unit % of eco.forest_cover",
            "a task row must be 1",
            "unit GJ cannot be converted",
            "year 2099 is outside",
        ],
        landed=4,
        quarantined=6,
        good=[],
    )


if __name__ == "__main__":
    make()
    print(f"{len(CASES)} files in {HERE}")
