"""UCI "Beijing Multi-Site Air Quality" files (dataset 501, Zhang et al. 2017).

Columns ``No,year,month,day,hour,PM2.5,PM10,SO2,NO2,CO,O3,TEMP,…,station``; every pollutant
in µg/m³ (CO too: converted to mg/m³); hour is Beijing time, taken as hour-ending like the
CNEMC release the data come from. Station names map to CNEMC site codes by their Chinese
names in the site list (Dongsi 东四 = 1003A; Dingling 定陵 is the control site).
"""

from __future__ import annotations

from meili.ingest.adapters.tabular import extract_loaded
from meili.ingest.extract import Extract
from meili.ingest.kinds import Kind
from meili.ingest.loaded import Loaded, period_from_name
from meili.ingest.reference import bundled_sites
from meili.ingest.synonyms import squeeze

NAME = "uci-beijing"
KIND = "air-hourly"
STATIONS_ZH = {
    "Aotizhongxin": "奥体中心",
    "Changping": "昌平镇",
    "Dingling": "定陵",
    "Dongsi": "东四",
    "Guanyuan": "官园",
    "Gucheng": "古城",
    "Huairou": "怀柔镇",
    "Nongzhanguan": "农展馆",
    "Shunyi": "顺义新城",
    "Tiantan": "天坛",
    "Wanliu": "海淀万柳",
    "Wanshouxigong": "万寿西宫",
}
WEATHER = {"no", "temp", "pres", "dewp", "rain", "wd", "wspm", "station"}
_SIGNATURE = {"no", "year", "month", "day", "hour", "pm25", "co", "station"}


def matches(header: list[str]) -> bool:
    """True for the UCI layout (``No,year,…,station``)."""
    return {squeeze(h) for h in header} >= _SIGNATURE


def station_codes() -> dict[str, str]:
    """UCI station name -> CNEMC site code (via the Chinese name in the site list)."""
    sites = bundled_sites()
    bj = sites[sites["city"] == "北京"]
    by_name = {str(n).split("(")[0]: c for n, c in zip(bj["name"], bj["site_code"], strict=True)}
    return {en: by_name[zh] for en, zh in STATIONS_ZH.items() if zh in by_name}


def extract(loaded: Loaded, kind: Kind) -> Extract:
    """Map stations to site codes, build time from year/month/day/hour, convert CO."""
    table = loaded.table
    header = [squeeze(h) for h in table.header]
    pos = header.index("station")
    codes = station_codes()
    station = table.cells[pos].astype(str).str.strip()
    table.cells[len(table.header)] = station.map(codes).where(station.isin(codes), station)
    table.header = [*table.header, "site_code"]
    units = {m: "ug/m3" for m in ("pm25", "pm10", "so2", "no2", "o3", "co")}
    ext = extract_loaded(loaded, kind, adapter=NAME, units=units, ignore=WEATHER)
    ext.period = period_from_name(loaded.name)
    unknown = sorted(set(station[~station.isin(codes)].unique()) - {""})
    if unknown:
        ext.notes.append(f"stations without a site code: {', '.join(unknown)}")
    return ext
