"""Air indicators of a key area inside a regional effort: the Fen–Wei plain (二.五.7).

The area's cities are bundled as data (``meili/framework/regional/areas/fenwei_plain.csv``,
with its source, 国发〔2018〕22号). Its value is the HJ 663 annual statistic of the cities
taken together — each day the mean of the cities' day values — from the context's one air
pass (:func:`meili.methods.air.year_statistics`) [@hj663:statistics] [@hj663:city-value]
[@meili:zone-value], valid when the GB 3095 Table 4 minimums are met [@gb3095-2012:t4]
[@gb3095-2026:t4], given to whole µg/m³ [@hj663:rounding]. A unit holds the area when one of
its members is, or lies in the province of, one of the area's cities.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

from meili.methods.air import INPUTS, ZONE_PREFIX, year_batches, year_statistics
from meili.methods.context import RunContext
from meili.methods.lineage import reason
from meili.methods.registry import Method, Request, missing, register, result_frame
from meili.registry.units import ZoneUnit

AREAS = "regional/areas"


@cache
def area_cities(name: str) -> pd.DataFrame:
    """The cities (code, name, province) of the bundled key area ``name``."""
    path = resources.files("meili.framework").joinpath(f"{AREAS}/{name}.csv")
    with path.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, comment="#", dtype=str)


def area_unit(name: str) -> ZoneUnit:
    """The key area as a multi-city unit (code ``area:<name>``)."""
    cities = area_cities(name)
    return ZoneUnit(f"area:{name}", name, name, "region", tuple(cities["code"]), None, None)


def holds(unit: ZoneUnit, name: str) -> bool:
    """True when a member of ``unit`` is, or is the province of, one of the area's cities."""
    cities = area_cities(name)
    codes = set(cities["code"]) | set(cities["province"])
    return any(m in codes for m in unit.members)


def _area_statistic(name: str, pollutant: str):
    def compute(ctx: RunContext, req: Request) -> pd.DataFrame:
        area = area_unit(name)
        key = ZONE_PREFIX + area.code
        rows: list[dict[str, object]] = []
        for year in req.years:
            stats = year_statistics(ctx, year, [area])
            for u in req.units:
                if not holds(u, name):
                    rows.append(missing(u.code, year, reason("area_not_held", name=name)))
                elif stats is None or key not in stats.index:
                    why = reason(
                        "no_data_year", dataset="air_hourly", year=year, version=ctx.lake_version
                    )
                    rows.append(missing(u.code, year, why))
                else:
                    row = stats.loc[key]
                    if pd.isna(row[pollutant]):
                        why = reason(
                            "no_data_year",
                            dataset="air_hourly",
                            year=year,
                            version=ctx.lake_version,
                        )
                        rows.append(missing(u.code, year, why))
                        continue
                    ok = bool(row[f"valid_{pollutant}"])
                    zh, en = reason("area_invalid", name=name) if not ok else ("", "")
                    rows.append(
                        {
                            "zone": u.code,
                            "year": year,
                            "value": float(round(float(row[pollutant]))),
                            "valid": ok,
                            "reason_zh": zh,
                            "reason_en": en,
                            "batches": year_batches(ctx).get(year, []),
                        }
                    )
        return result_frame(rows)

    return compute


register(
    Method(
        "air.fenwei_pm25_annual_mean",
        "汾渭平原 PM2.5 年均浓度",
        "PM2.5 annual mean of the Fen–Wei plain",
        ("hj663:statistics", "hj663:city-value", "meili:zone-value", "gb3095-2012:t4",
         "gb3095-2026:t4", "hj663:rounding"),
        (*INPUTS, "list:fenwei_plain"),
        "µg/m³",
        "computed",
        _area_statistic("fenwei_plain", "pm25"),
    )
)  # fmt: skip
