"""Air indicators of zones and divisions, computed by the HJ 663 engine.

One engine pass per year serves every air method, indicator and unit of a run context: the
HJ 633/HJ 663 statistics of every city in the lake and of every unit of several cities
(:func:`meili.engine.air_period.period`). A unit of one city (a prefecture-level city, a
municipality) takes its city's statistics; a unit of several cities (a province, a region, a
multi-city zone) the statistics of its cities taken together — each day the unit value is
the mean of its cities' day values [@meili:zone-value] [@hj663:city-value]. County members
have no city-level air statistics. Statistics are computed for every unit; those that fail
the GB 3095 Table 4 minimums are kept flagged invalid, with the reason [@gb3095-2012:t4]
[@gb3095-2026:t4]. Concentrations are given to whole µg/m³ and ratios to 0.1 % (GB/T 8170
rounding) [@hj663:rounding], the values targets are judged on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from meili.engine.air_period import Selection, period, period_reasons
from meili.methods.context import RunContext
from meili.methods.lineage import reason
from meili.methods.registry import Method, Request, register, result_frame
from meili.registry.groups import key168
from meili.registry.units import ZoneUnit, unit_cities
from meili.standards.air.ranking import rank_cities

ALL = ("pm25", "pm10", "so2", "no2", "co", "o3_8h")
INPUTS = ("lake:air_hourly", "lake:air_sites")
ZONE_PREFIX = "zone:"  # keys of multi-city units in the pass (never equal to a city key)


def year_batches(ctx: RunContext) -> dict[int, list[str]]:
    """Year → the lake batches holding hourly air data of that year (read once)."""

    def read() -> dict[int, list[str]]:
        if not ctx.has("air_hourly"):
            return {}
        ctx.engine.register_lake("air_lineage", "air_hourly", ["day", "batch_id"])
        frame = ctx.engine.fetch("SELECT DISTINCT year(day) AS year, batch_id FROM air_lineage")
        frame = frame.dropna()
        return {
            int(y): sorted(map(str, g["batch_id"]))
            for y, g in frame.groupby(frame["year"].astype(int))
        }

    return ctx.memo("air.batches", read)


def _unit_key(cities: list[str], code: str) -> str | None:
    if not cities:
        return None
    return cities[0] if len(cities) == 1 else ZONE_PREFIX + code


def _multi_city(ctx: RunContext, units: Sequence[ZoneUnit]) -> dict[str, list[str]]:
    """``zone:<code>`` → cities of every unit of several cities (once per unit set)."""
    codes = tuple(u.code for u in units)

    def find() -> dict[str, list[str]]:
        out = {}
        for u in units:
            cities = unit_cities(u)
            if len(cities) > 1:
                out[ZONE_PREFIX + u.code] = cities
        return out

    return ctx.memo(("air.units", codes), find)


def year_statistics(ctx: RunContext, year: int, units: Sequence[ZoneUnit]) -> pd.DataFrame | None:
    """HJ 663 annual statistics of every city and of the multi-city units (``key`` column:
    city code, or ``zone:<unit code>``), one engine pass per context and year; None when the
    lake holds no hourly air data of the year."""
    multi = dict(_multi_city(ctx, ctx.units))
    multi.update(_multi_city(ctx, [u for u in units if ZONE_PREFIX + u.code not in multi]))
    key = ("air.year", year, tuple((k, tuple(v)) for k, v in sorted(multi.items())))

    def run() -> pd.DataFrame | None:
        if year not in year_batches(ctx) or not ctx.has("air_sites"):
            return None
        ctx.progress(f"air {year}: HJ 663 statistics of every city and {len(multi)} zones")
        stats = period(
            f"{year}-01-01",
            f"{year}-12-31",
            Selection(zones=multi),
            engine=ctx.engine,
            group_for_rank=False,
            allow_incomplete=True,
            progress=ctx.progress,
        )
        return stats.set_index("key")

    return ctx.memo(key, run)


def _rows(
    ctx: RunContext,
    req: Request,
    unit: str,
    values: Callable[[pd.DataFrame], pd.Series],
    valid: Callable[[pd.DataFrame], pd.Series],
    pollutants: Sequence[str],
) -> pd.DataFrame:
    rows = []
    for year in req.years:
        stats = year_statistics(ctx, year, req.units)
        if stats is None:
            zh, en = reason(
                "no_data_year", dataset="air_hourly", year=year, version=ctx.lake_version
            )
            rows += [_missing(u.code, year, zh, en) for u in req.units]
            continue
        batches = year_batches(ctx)[year]
        keys = {u.code: _unit_key(unit_cities(u), u.code) for u in req.units}
        found = stats.reindex([k for k in keys.values() if k is not None])
        found = found[~found.index.duplicated()]
        value = _round(values(found).astype(float), unit)
        ok = valid(found).astype(bool)
        why = period_reasons(found, pollutants) if len(found) else {"zh": {}, "en": {}}
        edition = "HJ 663 / HJ 633-" + found["edition"].astype(str)
        for code, k in keys.items():
            if k is None:
                rows.append(_missing(code, year, *reason("air_no_city")))
            elif k not in found.index or pd.isna(found.loc[k, "days"]):
                rows.append(_missing(code, year, *reason("air_no_sites")))
            else:
                good = bool(ok[k]) and pd.notna(value[k])
                rows.append(
                    {
                        "zone": code,
                        "year": year,
                        "value": value[k],
                        "valid": good,
                        "reason_zh": "" if good else why["zh"][k],
                        "reason_en": "" if good else why["en"][k],
                        "batches": batches,
                        "edition": edition[k],
                    }
                )
    return result_frame(rows)


def _missing(zone: str, year: int, zh: str, en: str) -> dict[str, object]:
    return {"zone": zone, "year": year, "valid": False, "reason_zh": zh, "reason_en": en}


def _round(value: pd.Series, unit: str) -> pd.Series:
    if unit == "%":
        return value.round(1)
    if unit == "µg/m³":  # HJ 663 reporting: whole µg/m³ (GB/T 8170), compared as such
        return value.round(0)
    return value


def _statistic(
    column: str,
    unit: str,
    pollutants: Sequence[str],
    transform: Callable[[pd.DataFrame], pd.Series] | None = None,
    *,
    whole_year: bool = False,
) -> Callable[[RunContext, Request], pd.DataFrame]:
    """A compute function for one HJ 663 annual statistic.

    ``whole_year``: the statistic counts days over the year (good-day ratio, heavy-pollution
    share, composite index), so it is valid only when every pollutant's annual statistic is
    valid under GB 3095 Table 4.
    """

    def values(stats: pd.DataFrame) -> pd.Series:
        return transform(stats) if transform is not None else stats[column]

    def valid(stats: pd.DataFrame) -> pd.Series:
        if whole_year:
            return stats["complete"]
        return stats[[f"valid_{p}" for p in pollutants]].all(axis=1)

    def compute(ctx: RunContext, req: Request) -> pd.DataFrame:
        return _rows(ctx, req, unit, values, valid, pollutants)

    return compute


def _method(
    method_id: str,
    name_zh: str,
    name_en: str,
    citations: tuple[str, ...],
    unit: str,
    compute: Callable[[RunContext, Request], pd.DataFrame],
) -> None:
    base = ("hj663:statistics", "hj663:city-value", "gb3095-2012:t4", "gb3095-2026:t4")
    register(
        Method(method_id, name_zh, name_en, (*base, *citations), INPUTS, unit, "computed", compute)
    )


def _heavy_share(stats: pd.DataFrame) -> pd.Series:
    return 100 * stats["heavy_days"].astype(float) / stats["valid_days"].astype(float)


def rank_among_key_cities(ctx: RunContext, req: Request) -> pd.DataFrame:
    """A city's place in the 168 key-city ranking by composite index (ties equal), among the
    key cities whose composite index is valid; 《城市环境空气质量排名技术规定》
    [@ranking-2018:rank] [@ranking-2018:index]."""
    members = set(key168()["code"])
    rows = []
    for year in req.years:
        stats = year_statistics(ctx, year, req.units)
        if stats is None:
            zh, en = reason(
                "no_data_year", dataset="air_hourly", year=year, version=ctx.lake_version
            )
            rows += [_missing(u.code, year, zh, en) for u in req.units]
            continue
        pool = stats[stats.index.isin(members)]
        ranks = rank_cities(pool["composite_index"].where(pool["complete"].astype(bool)))
        why = period_reasons(pool, ALL) if len(pool) else {"zh": {}, "en": {}}
        for u in req.units:
            cities = unit_cities(u)
            if len(cities) != 1:
                rows.append(_missing(u.code, year, *reason("air_rank_one_city")))
            elif cities[0] not in members:
                rows.append(_missing(u.code, year, *reason("air_not_key168")))
            elif cities[0] not in ranks.index:
                rows.append(_missing(u.code, year, *reason("air_no_sites")))
            elif pd.isna(ranks[cities[0]]):
                why_now = (why["zh"][cities[0]], why["en"][cities[0]])
                rows.append(_missing(u.code, year, *reason("air_rank_invalid", why=why_now)))
            else:
                rows.append(
                    {
                        "zone": u.code,
                        "year": year,
                        "value": float(ranks[cities[0]]),
                        "batches": year_batches(ctx)[year],
                        "edition": "HJ 663 / HJ 633-" + str(stats.loc[cities[0], "edition"]),
                    }
                )
    return result_frame(rows)


_method(
    "air.pm25_annual_mean", "PM2.5 年均浓度", "PM2.5 annual mean", (), "µg/m³",
    _statistic("pm25", "µg/m³", ["pm25"]),
)  # fmt: skip
_method(
    "air.pm10_annual_mean", "PM10 年均浓度", "PM10 annual mean", (), "µg/m³",
    _statistic("pm10", "µg/m³", ["pm10"]),
)  # fmt: skip
_method(
    "air.good_day_ratio", "空气质量优良天数比例", "share of good-air days (AQI ≤ 100)",
    ("hj663:good-day-ratio", "hj633-2012:t2", "hj633-2026:t3"), "%",
    _statistic("good_ratio", "%", ALL, whole_year=True),
)  # fmt: skip
_method(
    "air.heavy_pollution_day_ratio", "重污染天数比例", "share of heavily polluted days (AQI > 200)",
    ("hj663:good-day-ratio", "hj633-2012:t2", "hj633-2026:t3"), "%",
    _statistic("heavy_days", "%", ALL, _heavy_share, whole_year=True),
)  # fmt: skip
_method(
    "air.composite_index", "环境空气质量综合指数", "ambient air-quality composite index",
    ("ranking-2018:index",), "1",
    _statistic("composite_index", "1", ALL, whole_year=True),
)  # fmt: skip
_method(
    "air.composite_index_rank", "环境空气质量综合指数排名（168 个重点城市）",
    "rank by air composite index among the 168 key cities",
    ("ranking-2018:index", "ranking-2018:rank", "ranking-2018:city-list"), "rank",
    rank_among_key_cities,
)  # fmt: skip
