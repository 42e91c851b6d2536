"""Air indicators of zones, computed by the HJ 663 engine (registered as value computers).

A zone's air value is the HJ 663 statistic of its cities taken together: each day the zone
value is the mean of its cities' values (``meili.engine.air_period``), then the annual
statistics follow as for a city. A province member stands for its prefecture-level cities,
a prefecture or municipality for itself; county members have no city-level air statistics.
Annual statistics that fail the GB 3095 Table 4 minimums stay missing, with the reason.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from meili.assess.values import Request, has_dataset, register
from meili.assess.zones import ZoneUnit
from meili.engine.air_period import Selection, period, period_reasons, rank_year
from meili.standards.air.cities import cities337

COLUMNS = ["zone", "year", "value", "unit", "batches", "edition", "note"]


def zone_cities(zone: ZoneUnit) -> list[str]:
    """The city codes (337-city list) a zone's air statistics are computed over."""
    codes = cities337()["code"].astype(str)
    out: list[str] = []
    for m in zone.members:
        if m in set(codes):
            out.append(m)  # a prefecture-level city or a municipality
        elif m.endswith("0000"):
            out += codes[codes.str.startswith(m[:2]) & ~codes.str.endswith("0000")].tolist()
    return sorted(set(out))


def _batches(con: duckdb.DuckDBPyConnection, year: int) -> list[str]:
    rows = con.execute(
        "SELECT DISTINCT batch_id FROM air_hourly WHERE year(day) = ?", [year]
    ).fetchall()
    return sorted(r[0] for r in rows if r[0])


def _has_air(con: duckdb.DuckDBPyConnection) -> bool:
    return has_dataset(con, "air_hourly") and has_dataset(con, "air_sites")


def _annual(con: duckdb.DuckDBPyConnection, req: Request) -> pd.DataFrame:
    """HJ 663 annual statistics of each zone and year (one engine run per year)."""
    zones = {z.code: zone_cities(z) for z in req.zones}
    zones = {k: v for k, v in zones.items() if v}
    frames = []
    if not zones or not _has_air(con):
        return pd.DataFrame()
    for year in req.years:
        if not _batches(con, year):
            continue
        cities = sorted({c for v in zones.values() for c in v})
        stats = period(
            f"{year}-01-01",
            f"{year}-12-31",
            Selection(cities=cities, zones=zones),
            group_for_rank=False,
        )
        stats = stats[stats["key"].isin(zones)].copy()
        stats["year"] = year
        stats["batches"] = [_batches(con, year)] * len(stats)
        frames.append(stats)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _notes(stats: pd.DataFrame, pollutants: list[str]) -> pd.Series:
    """Why a value is missing: one flat sentence, zh first with en alongside (catalogue words)."""
    why = period_reasons(stats, pollutants)
    both = why["zh"] + "（" + why["en"] + "）"
    return both.where(why["zh"] != "", "")


def _computer(
    column: str, unit: str, pollutants: list[str], transform=None, *, whole_year: bool = False
):
    """A value computer for one HJ 663 annual statistic.

    ``whole_year``: the statistic counts days over the year (good-day ratio, heavy-pollution
    share, composite index), so it is only given when every pollutant's annual statistic is
    valid under GB 3095 Table 4; otherwise missing with the reason. Concentrations are given
    to whole µg/m³ and ratios to 0.1 % (GB/T 8170 rounding), the values targets are judged on.
    """

    def compute(con: duckdb.DuckDBPyConnection, req: Request) -> pd.DataFrame:
        stats = _annual(con, req)
        if stats.empty:
            return pd.DataFrame(columns=COLUMNS)
        value = stats[column].astype(float)
        if transform is not None:
            value = transform(stats)
        if unit == "%":
            value = value.round(1)
        elif unit == "µg/m³":  # HJ 663 reporting: whole µg/m³ (GB/T 8170), compared as such
            value = value.round(0)
        if whole_year:
            value = value.where(stats["complete"].astype(bool))
        return pd.DataFrame(
            {
                "zone": stats["key"],
                "year": stats["year"],
                "value": value,
                "unit": unit,
                "batches": stats["batches"],
                "edition": "HJ 663 / HJ 633-" + stats["edition"].astype(str),
                "note": _notes(stats, pollutants).to_numpy(),
            }
        )

    return compute


ALL = ["pm25", "pm10", "so2", "no2", "co", "o3_8h"]
register("air.pm25_annual_mean")(_computer("pm25", "µg/m³", ["pm25"]))
register("air.pm10_annual_mean")(_computer("pm10", "µg/m³", ["pm10"]))
register("air.good_day_ratio")(_computer("good_ratio", "%", ALL, whole_year=True))
register("air.heavy_pollution_day_ratio")(
    _computer(
        "heavy_days",
        "%",
        ALL,
        lambda s: 100 * s["heavy_days"].astype(float) / s["valid_days"].astype(float),
        whole_year=True,
    )
)
register("air.composite_index")(_computer("composite_index", "1", ALL, whole_year=True))


@register("air.composite_index_rank")
def _rank(con: duckdb.DuckDBPyConnection, req: Request) -> pd.DataFrame:
    """A city zone's place in the 168 key-city ranking (《城市环境空气质量排名技术规定》)."""
    rows = []
    if not _has_air(con):
        return pd.DataFrame(columns=COLUMNS)
    for year in req.years:
        if not _batches(con, year):
            continue
        ranked = rank_year(year, Selection(group="168")).set_index("city_code")
        for z in req.zones:
            cities = zone_cities(z)
            if len(cities) == 1 and cities[0] in ranked.index:
                r = ranked.loc[cities[0]]
                rows.append(
                    (
                        z.code,
                        year,
                        r["rank"],
                        "rank",
                        _batches(con, year),
                        "HJ 663; 城市环境空气质量排名技术规定",
                        "",
                    )
                )
    return pd.DataFrame(rows, columns=COLUMNS)
