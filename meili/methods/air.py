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

import numpy as np
import pandas as pd

from meili.engine.air_period import Selection, daily, period, period_reasons
from meili.lake.store import part_ranges
from meili.methods.context import RunContext
from meili.methods.lineage import reason
from meili.methods.registry import Method, Request, missing, register, result_frame
from meili.registry.groups import key168
from meili.registry.units import ZoneUnit, unit_cities
from meili.standards.air.ranking import rank_cities

ALL = ("pm25", "pm10", "so2", "no2", "co", "o3_8h")
INPUTS = ("lake:air_hourly", "lake:air_sites")
ZONE_PREFIX = "zone:"  # keys of multi-city units in the pass (never equal to a city key)


def year_batches(ctx: RunContext) -> dict[int, list[str]]:
    """Year → the lake batches holding hourly air data of that year (once per context).

    From the key ranges the manifest recorded for each live part (hour-ending times: the
    hour ending 00:00 belongs to the day before); a hand-placed folder is scanned instead.
    """

    def read() -> dict[int, list[str]]:
        if not ctx.has("air_hourly"):
            return {}
        parts = part_ranges("air_hourly", ctx.lake_root, ctx.lake_version)
        if parts and all(p["range"].get("time") for p in parts):
            out: dict[int, set[str]] = {}
            hour = pd.Timedelta(hours=1)
            for p in parts:
                lo, hi = (pd.Timestamp(t) - hour for t in p["range"]["time"])
                for y in range(lo.year, hi.year + 1):
                    out.setdefault(y, set()).add(p["batch_id"])
            return {y: sorted(b) for y, b in sorted(out.items())}
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
    city code, or ``zone:<unit code>``) from the context's one pass of daily values; None
    when the lake holds no hourly air data of the year."""
    multi = dict(_multi_city(ctx, ctx.units))
    multi.update(_multi_city(ctx, [u for u in units if ZONE_PREFIX + u.code not in multi]))
    spec = tuple((k, tuple(v)) for k, v in sorted(multi.items()))

    def run() -> pd.DataFrame | None:
        days = _days(ctx, multi, spec)
        if days is None or year not in year_batches(ctx):
            return None
        mine = days[pd.DatetimeIndex(days["day"]).year == year]
        if mine.empty:
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
            days=mine,
        )
        return stats.set_index("key")

    return ctx.memo(("air.year", year, spec), run)


def _days(ctx: RunContext, multi: dict[str, list[str]], spec: tuple) -> pd.DataFrame | None:
    """Daily values (HJ 633 AQI, HJ 663 city and zone days) of every site, city and
    multi-city unit over all the years the lake holds: one engine scan per context."""

    def run() -> pd.DataFrame | None:
        years = sorted(year_batches(ctx))
        if not years or not ctx.has("air_sites"):
            return None
        ctx.progress(
            f"air {years[0]}–{years[-1]}: daily values of every site, city and {len(multi)} zones"
        )
        return daily(
            f"{years[0]}-01-01",
            f"{years[-1]}-12-31",
            Selection(zones=multi),
            engine=ctx.engine,
            progress=ctx.progress,
        )

    return ctx.memo(("air.days", spec), run)


def _rows(
    ctx: RunContext,
    req: Request,
    unit: str,
    values: Callable[[pd.DataFrame], pd.Series],
    valid: Callable[[pd.DataFrame], pd.Series],
    pollutants: Sequence[str],
) -> pd.DataFrame:
    """One row per unit and year, vectorised over the units (national sets are large)."""
    codes = [u.code for u in req.units]
    keys = pd.Series([_unit_key(unit_cities(u), u.code) for u in req.units], dtype=object)
    no_city = reason("air_no_city")
    no_sites = reason("air_no_sites")
    frames = []
    for year in req.years:
        stats = year_statistics(ctx, year, req.units)
        frame = pd.DataFrame({"zone": codes, "year": year, "valid": False})
        if stats is None:
            why = reason("no_data_year", dataset="air_hourly", year=year, version=ctx.lake_version)
            frames.append(frame.assign(reason_zh=why[0], reason_en=why[1]))
            continue
        here = keys.notna() & keys.isin(stats.index) & keys.map(stats["days"]).notna()
        at = keys[here]
        found = stats.loc[at.unique()]
        value = _round(values(found).astype(float), unit)
        good = valid(found).astype(bool) & value.notna()
        why = period_reasons(found, pollutants)
        frame["value"] = at.map(value)
        frame["valid"] = at.map(good).reindex(frame.index).eq(True)
        frame["reason_zh"] = np.where(keys.isna(), no_city[0], no_sites[0])
        frame["reason_en"] = np.where(keys.isna(), no_city[1], no_sites[1])
        for lang in ("zh", "en"):
            text = at.map(why[lang].where(~good, ""))
            frame.loc[here, f"reason_{lang}"] = text
        frame["edition"] = at.map("HJ 663 / HJ 633-" + found["edition"].astype(str))
        batches = year_batches(ctx)[year]
        frame["batches"] = [batches if h else [] for h in here]
        frames.append(frame)
    return result_frame(pd.concat(frames, ignore_index=True) if frames else None)


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
            rows += [missing(u.code, year, (zh, en)) for u in req.units]
            continue
        pool = stats[stats.index.isin(members)]
        ranks = rank_cities(pool["composite_index"].where(pool["complete"].astype(bool)))
        why = period_reasons(pool, ALL) if len(pool) else {"zh": {}, "en": {}}
        for u in req.units:
            cities = unit_cities(u)
            if len(cities) != 1:
                rows.append(missing(u.code, year, reason("air_rank_one_city")))
            elif cities[0] not in members:
                rows.append(missing(u.code, year, reason("air_not_key168")))
            elif cities[0] not in ranks.index:
                rows.append(missing(u.code, year, reason("air_no_sites")))
            elif pd.isna(ranks[cities[0]]):
                why_now = (why["zh"][cities[0]], why["en"][cities[0]])
                rows.append(missing(u.code, year, reason("air_rank_invalid", why=why_now)))
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
