"""HJ 663 period computations over hourly air data, defined once, run on DuckDB or Spark.

Definitions (DuckDB SQL; Spark runs them transpiled, :mod:`meili.engine`):

1. site day, materialised once per engine and period from a single scan of the hourly data
   (:func:`materialise_site_day`: daily counts/means and the 24 hourly O3 slots in one
   aggregate, 8-h windows derived row-wise from the slots; site-days with duplicate hourly
   stamps fall back to the row-wise definition :func:`site_day_sql`). GB 3095-2012/2026
   Table 4, §3.8–§3.10; HJ 663-2013/2026 §6.1.2: per site and natural day (hour-ending
   stamps, 00:00 = 24:00 of the previous day) the daily means of PM2.5, PM10, SO2, NO2, CO
   with ≥ 20 hourly values; the 17 O3 8-h windows ending 08:00 … 24:00, each valid with
   ≥ 6 hourly values; the 24 hourly O3 values.
2. city day (HJ 663 §3 "City value"): means over the city's evaluation sites (对照点
   excluded) of the valid site daily values, of each 8-h window and each hourly O3; MDA8 =
   max of the city 8-h values, valid with ≥ 14 windows or above 160 µg/m³; O3 1-h max.
3. daily AQI (HJ 633, numpy on the concentration arrays, :func:`hj663.daily_aqi`) from the
   city-mean (or site) concentrations.
4. period statistics (HJ 663 §3): means, P98/P95/P90 with k = 1 + (n − 1)p (DuckDB
   ``quantile_cont`` = Spark ``percentile``), good/heavy/valid days, monthly counts for the
   validity rule; then compliance, composite index and ranking (pure pandas on one row per
   city).
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from meili.engine import DuckDBEngine, Engine, SparkEngine, get_engine, lake_files
from meili.standards.air import hj663
from meili.standards.air.cities import city_codes, group_members
from meili.standards.air.ranking import change_rate, composite_index, rank_cities
from meili.standards.air.validity import (
    MIN_HOURS_DAILY,
    MIN_HOURS_O3_8H,
    MIN_WINDOWS_MDA8,
    O3_8H_GRADE_II,
)

DAILY_POLS = ("pm25", "pm10", "so2", "no2", "co")
WINDOW_ENDS = tuple(range(8, 25))  # 8-h windows ending 08:00 … 24:00
HOURS = tuple(range(1, 25))
Progress = Callable[[str], None]


def _d(day: object) -> str:
    return pd.Timestamp(day).strftime("%Y-%m-%d")


def site_day_sql(start: object, end: object, source: str = "hourly") -> str:
    """Per site-day aggregates of the hourly table ``hourly`` (GB 3095 Table 4 inputs)."""
    lo = _d(start)
    hi = _d(pd.Timestamp(end) + pd.Timedelta(days=1))
    aggs = []
    for p in DAILY_POLS:
        aggs.append(f"count({p}) AS n_{p}, avg({p}) AS m_{p}")
    for e in WINDOW_ENDS:
        cond = f"hh BETWEEN {e - 7} AND {e}"
        aggs.append(f"count(o3) FILTER (WHERE {cond}) AS c{e}")
        aggs.append(f"sum(o3) FILTER (WHERE {cond}) AS s{e}")
    for h in HOURS:
        aggs.append(f"max(o3) FILTER (WHERE hh = {h}) AS h{h}")
    return f"""
WITH h AS (
  SELECT site_code,
         CAST(time - INTERVAL 1 HOUR AS DATE) AS day,
         CASE WHEN hour(time) = 0 THEN 24 ELSE hour(time) END AS hh,
         pm25, pm10, so2, no2, co, o3
  FROM {source}
  WHERE time > CAST(DATE '{lo}' AS TIMESTAMP) AND time <= CAST(DATE '{hi}' AS TIMESTAMP)
)
SELECT site_code, day, {", ".join(aggs)}
FROM h GROUP BY site_code, day
"""


def site_slots_sql(start: object, end: object, source: str = "hourly") -> str:
    """Narrow single-scan site-day aggregate: daily counts/means and the 24 hourly O3 slots.

    GB 3095-2012/2026 Table 4 inputs, like :func:`site_day_sql`, but the 8-h window counts
    and sums are not aggregated from the rows: :func:`site_daily_from_slots_sql` derives
    them from the hourly slots, which equals the row aggregate whenever each hour holds at
    most one O3 value (``n_o3`` = non-empty slots; other site-days are recomputed by
    :func:`site_day_sql`, see :func:`materialise_site_day`). The hour is a TINYINT: the
    24 slot filters compare one byte per row.
    """
    lo = _d(start)
    hi = _d(pd.Timestamp(end) + pd.Timedelta(days=1))
    aggs = [f"count({p}) AS n_{p}, avg({p}) AS m_{p}" for p in DAILY_POLS]
    aggs.append("count(o3) AS n_o3")
    aggs.extend(f"max(o3) FILTER (WHERE hh = {h}) AS h{h}" for h in HOURS)
    return f"""
WITH h AS (
  SELECT site_code,
         CAST(time - INTERVAL 1 HOUR AS DATE) AS day,
         CAST(CASE WHEN hour(time) = 0 THEN 24 ELSE hour(time) END AS TINYINT) AS hh,
         pm25, pm10, so2, no2, co, o3
  FROM {source}
  WHERE time > CAST(DATE '{lo}' AS TIMESTAMP) AND time <= CAST(DATE '{hi}' AS TIMESTAMP)
)
SELECT site_code, day, {", ".join(aggs)}
FROM h GROUP BY site_code, day
"""


def _slots_filled(hours: Iterable[int]) -> str:
    return " + ".join(f"CAST(h{h} IS NOT NULL AS INTEGER)" for h in hours)


def slot_duplicates_sql(source: str = "site_daily_slots") -> str:
    """Site-days where an hour holds more than one O3 value (``n_o3`` > non-empty slots)."""
    return f"SELECT site_code, day FROM {source} WHERE n_o3 <> ({_slots_filled(HOURS)})"


def site_daily_from_slots_sql(slots: str) -> str:
    """:func:`site_daily_sql` of :func:`site_day_sql`, computed row-wise from ``slots``.

    ``slots`` is a :func:`site_slots_sql` query or table. 8-h window ending at hour e
    (HJ 663 §6.1.2, GB 3095 Table 4): c_e = non-empty slots e − 7 … e, valid with c_e ≥ 6,
    value = their sum / c_e; this equals the FILTER aggregates of :func:`site_day_sql`
    when each hour holds at most one O3 value (checked: :func:`slot_duplicates_sql`).
    Also returns ``n_o3`` for that check.
    """
    pols = [f"n_{p}, m_{p}" for p in DAILY_POLS]
    inner = [*pols, "n_o3"]
    inner += [
        f"CAST(h{h} IS NOT NULL AS INTEGER) AS f{h}, coalesce(h{h}, 0.0) AS z{h}, h{h}"
        for h in HOURS
    ]
    mid = [*pols, "n_o3"]
    for e in WINDOW_ENDS:
        win = range(e - 7, e + 1)
        mid.append(
            f"{' + '.join(f'f{h}' for h in win)} AS c{e}, "
            f"{' + '.join(f'z{h}' for h in win)} AS s{e}"
        )
    mid.extend(f"h{h}" for h in HOURS)
    cols = []
    for p in DAILY_POLS:
        cols.append(f"CASE WHEN n_{p} >= {MIN_HOURS_DAILY} THEN m_{p} END AS {p}, n_{p}")
    for e in WINDOW_ENDS:
        cols.append(f"CASE WHEN c{e} >= {MIN_HOURS_O3_8H} THEN s{e} / c{e} END AS w{e}")
    cols.extend(f"h{h}" for h in HOURS)
    cols.append("n_o3")
    return (
        f"SELECT site_code, day, {', '.join(cols)} FROM ("
        f"SELECT site_code, day, {', '.join(mid)} FROM ("
        f"SELECT site_code, day, {', '.join(inner)} FROM ({slots}) q0) q1) q2"
    )


def site_daily_columns() -> list[str]:
    """Columns of :func:`site_daily_sql`, in order."""
    cols = ["site_code", "day"]
    for p in DAILY_POLS:
        cols += [p, f"n_{p}"]
    return cols + [f"w{e}" for e in WINDOW_ENDS] + [f"h{h}" for h in HOURS]


def site_daily_sql(source: str = "site_day") -> str:
    """Valid site daily values (≥ 20 hours) and valid 8-h windows (≥ 6 hours); GB 3095 Table 4."""
    cols = []
    for p in DAILY_POLS:
        cols.append(f"CASE WHEN n_{p} >= {MIN_HOURS_DAILY} THEN m_{p} END AS {p}, n_{p}")
    for e in WINDOW_ENDS:
        cols.append(f"CASE WHEN c{e} >= {MIN_HOURS_O3_8H} THEN s{e} / c{e} END AS w{e}")
    cols.extend(f"h{h}" for h in HOURS)
    return f"SELECT site_code, day, {', '.join(cols)} FROM {source}"


def unit_day_sql(source: str, key: str, join: str = "", where: str = "") -> str:
    """Mean over member units (sites of a city; cities of a zone); HJ 663 §3 city value."""
    cols = [f"avg({p}) AS {p}, count({p}) AS sites_{p}" for p in DAILY_POLS]
    cols += [f"avg(w{e}) AS w{e}" for e in WINDOW_ENDS]
    cols += [f"avg(h{h}) AS h{h}" for h in HOURS]
    return (
        f"SELECT {key} AS key, d.day AS day, {', '.join(cols)} FROM {source} d {join} "
        f"{where} GROUP BY {key}, d.day"
    )


def finish_day_sql(source: str) -> str:
    """MDA8 (≥ 14 valid windows or > 160) and O3 1-h max; HJ 663-2013/2026 §6.1.2."""
    ws = [f"w{e}" for e in WINDOW_ENDS]
    mx = f"greatest({', '.join(f'coalesce({w}, -1.0)' for w in ws)})"
    n_win = " + ".join(f"CAST({w} IS NOT NULL AS INTEGER)" for w in ws)
    h1 = f"greatest({', '.join(f'coalesce(h{h}, -1.0)' for h in HOURS)})"
    pols = ", ".join(f"{p}" for p in DAILY_POLS)
    prefix = "sites" if "sites" in source or "zone" in source else "n"
    extra = ", " + ", ".join(f"{prefix}_{p}" for p in DAILY_POLS)
    return f"""
SELECT key, day, {pols}{extra},
       CASE WHEN ({n_win}) >= {MIN_WINDOWS_MDA8} OR {mx} > {O3_8H_GRADE_II}
            THEN {mx} END AS o3_8h,
       ({n_win}) AS o3_8h_windows,
       CASE WHEN {h1} >= 0 THEN {h1} END AS o3_1h
FROM {source}
"""


def period_sql(source: str = "daily") -> str:
    """Period statistics per unit; HJ 663 §3 (means, P98/P95/P90, good/heavy days)."""
    cols = []
    for p in ("so2", "no2", "pm10", "pm25"):
        cols.append(f"avg({p}) AS {p}, count({p}) AS n_{p}")
    for p, (col, q, _lim) in hj663.PERCENTILES.items():
        cols.append(f"quantile_cont({p}, {q}) AS {col}")
    cols.append("avg(co) AS co_mean, count(co) AS n_co")
    cols.append("avg(o3_8h) AS o3_8h_mean, count(o3_8h) AS n_o3_8h")
    cols.append("count(aqi) FILTER (WHERE aqi_complete) AS valid_days")
    cols.append(f"count(aqi) FILTER (WHERE aqi_complete AND aqi <= {hj663.GOOD_AQI}) AS good_days")
    cols.append(f"count(aqi) FILTER (WHERE aqi_complete AND aqi > {hj663.HEAVY_AQI}) AS heavy_days")
    cols.append("count(*) AS days")
    return f"SELECT key, {', '.join(cols)} FROM {source} GROUP BY key"


def month_counts_sql(source: str = "daily") -> str:
    """Valid daily values per unit and calendar month (GB 3095 Table 4 annual rule input)."""
    cols = ", ".join(f"count({p}) AS n_{p}" for p in hj663.POLLUTANTS)
    return (
        f"SELECT key, year(day) AS year, month(day) AS month, {cols} "
        f"FROM {source} GROUP BY key, year(day), month(day)"
    )


@dataclass
class Selection:
    """Which cities: explicit names/codes, a comparison group, or all; zones aggregate."""

    cities: list[str] | None = None
    group: str | None = None
    zones: dict[str, list[str]] = field(default_factory=dict)


def load_sites(engine: Engine, root: Path | None = None) -> pd.DataFrame:
    """Site list with city keys (GB/T 2260 code when the city is prefecture-level)."""
    if isinstance(engine, DuckDBEngine):
        sites = engine.con.sql("SELECT * FROM air_sites").df()
    else:
        sites = DuckDBEngine(root).con.sql("SELECT * FROM air_sites").df()
    sites = sites.drop_duplicates("site_code", keep="last")
    codes = city_codes(sites)
    out = sites.merge(codes.rename(columns={"province": "city_province"}), on="city", how="left")
    out["key"] = out["city_code"].fillna(out["city"])
    out["control"] = out["control"].fillna(False).astype(bool)
    return out


def _select(cities: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    keep = pd.Series(True, index=cities.index)
    if sel.group:
        members = group_members(sel.group)
        if members is not None:
            keep &= cities["city_code"].isin(members)
    if sel.cities:
        wanted = {c.strip() for c in sel.cities}
        from meili.standards.air.cities import short_name

        short = {short_name(c) for c in wanted}
        keep &= (
            cities["city_code"].isin(wanted)
            | cities["city"].isin(wanted)
            | cities["city_name"].map(short_name).isin(short)
        )
    return cities[keep]


def _fetch_day(df: pd.DataFrame) -> pd.DataFrame:
    df["day"] = pd.to_datetime(df["day"])
    return df.sort_values(["key", "day"]).reset_index(drop=True)


def daily(
    start: object,
    end: object,
    sel: Selection | None = None,
    *,
    engine: Engine | str = "duckdb",
    root: Path | None = None,
    site_level: bool = False,
    edition: str | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Daily concentrations and AQI per city (or site); HJ 663 §3, HJ 633 daily AQI.

    City values are means over the city's evaluation sites (对照点 excluded) and the city
    AQI comes from them. ``site_level`` returns every site instead (control sites included,
    flagged). Columns: key, city_code, city_name, day, pm25 … co, o3_8h (MDA8), o3_1h,
    o3_8h_windows, aqi, primary, level, aqi_complete, edition.
    """
    sel = sel or Selection()
    eng = get_engine(engine, root) if isinstance(engine, str) else engine
    note = progress or (lambda _m: None)
    sites = load_sites(eng, root)
    cities = sites.drop_duplicates("key")[["key", "city", "city_code", "city_name"]]
    chosen = _select(cities, sel)
    member_sites = sites[sites["key"].isin(chosen["key"])]
    note("site days")
    eng.register_lake(
        "hourly", "air_hourly", ["site_code", "time", "pm25", "pm10", "so2", "no2", "co", "o3"]
    )
    eng.register(
        "sites",
        member_sites[["site_code", "key", "control"]].astype({"key": str}).reset_index(drop=True),
    )
    key: tuple[Any, ...] = (
        _d(start),
        _d(end),
        tuple(sorted(member_sites["site_code"].astype(str))),
    )
    key += (_lake_state("air_hourly", getattr(eng, "root", None) or root),)
    if _SITE_DAY_CACHE.get(eng) != key:  # one scan of the hourly data per engine and period
        _SITE_DAY_CACHE.pop(eng, None)
        if len(member_sites) == len(sites):  # all sites: filter the site-days, not the hours
            materialise_site_day(eng, start, end, "hourly", keep="sites")
        else:
            eng.view(
                "hourly_sel",
                "SELECT h.* FROM hourly h SEMI JOIN sites s ON h.site_code = s.site_code",
            )
            materialise_site_day(eng, start, end, "hourly_sel")
        _SITE_DAY_CACHE[eng] = key
    if site_level:
        eng.view("site_unit", "SELECT site_code AS key, d.* FROM site_daily d")
        frame = _fetch_day(eng.fetch(finish_day_sql("site_unit")))
        info = sites.set_index("site_code")
        pos = info.index.get_indexer(frame["key"])  # every key is a registered site
        frame["site_code"] = frame["key"]
        frame["site_name"] = _take(info["name"], pos)
        frame["control"] = _take(info["control"], pos)
        frame["key"] = _take(info["key"], pos)
    else:
        note("city days")
        join = "JOIN sites s ON d.site_code = s.site_code"
        eng.view("city_sites", unit_day_sql("site_daily", "s.key", join, "WHERE NOT s.control"))
        frame = _fetch_day(eng.fetch(finish_day_sql("city_sites")))
    names = cities.set_index("key")
    pos = names.index.get_indexer(frame["key"])
    frame["city_code"] = _take(names["city_code"], pos)
    frame["city_name"] = _take(names["city_name"], pos)
    if sel.zones and not site_level:
        frame = pd.concat([frame, _zones(eng, frame, sel.zones, cities)], ignore_index=True)
    frame["invalid"] = _day_reasons(frame, site_level)
    note("daily AQI")
    return hj663.daily_aqi(frame, edition, copy=False)


def _lake_state(dataset: str, root: Path | None) -> tuple[tuple[str, int, int], ...]:
    """(file, size, mtime) of a lake dataset: a cached aggregate is reused only while equal."""
    out = []
    for f in lake_files(dataset, root):
        try:
            st = os.stat(f)
        except OSError:
            out.append((f, -1, -1))
        else:
            out.append((f, st.st_size, st.st_mtime_ns))
    return tuple(out)


def _take(values: pd.Series, pos: np.ndarray) -> np.ndarray:
    """``values`` at positions ``pos`` (−1 → missing), like ``Series.map`` on a unique index."""
    if (pos >= 0).all():
        return values.to_numpy()[pos]
    return values.reset_index(drop=True).reindex(pos).to_numpy()


#: Engine → (start, end, sites, lake files) of its materialised site-day aggregate: a
#: second call for the same period and sites (site level, then city level) reuses it.
_SITE_DAY_CACHE: weakref.WeakKeyDictionary[Any, tuple[Any, ...]] = weakref.WeakKeyDictionary()


def materialise_site_day(
    eng: Engine, start: object, end: object, source: str, keep: str | None = None
) -> None:
    """Materialise the site daily values in one scan of ``source``; view ``site_daily``.

    Same columns and values as :func:`site_daily_sql` of :func:`site_day_sql` (GB 3095
    Table 4, HJ 663 §6.1.2): one aggregate with the 24 hourly O3 slots, windows derived
    row-wise (:func:`site_daily_from_slots_sql`); site-days where an hour holds several O3
    values (duplicate stamps) are recomputed from their rows with :func:`site_day_sql`.
    ``keep``: a table of ``site_code`` to keep, applied to the site-days (the same rows as
    filtering the hours first, cheaper when it keeps nearly every site).
    """
    slots = site_slots_sql(start, end, source)
    if keep is not None:
        slots = f"SELECT q.* FROM ({slots}) q SEMI JOIN {keep} k ON q.site_code = k.site_code"
    _materialise(eng, "site_daily_slots", site_daily_from_slots_sql(slots))
    cols = ", ".join(site_daily_columns())
    dup = int(eng.fetch(f"SELECT count(*) AS n FROM ({slot_duplicates_sql()}) q")["n"].iloc[0])
    if dup == 0:
        eng.view("site_daily", f"SELECT {cols} FROM site_daily_slots")
        return
    _materialise(eng, "site_dup", slot_duplicates_sql())
    eng.view(
        "hourly_dup",
        f"SELECT h.* FROM {source} h SEMI JOIN site_dup d ON h.site_code = d.site_code "
        "AND CAST(h.time - INTERVAL 1 HOUR AS DATE) = d.day",
    )
    _materialise(eng, "site_day_dup", site_day_sql(start, end, "hourly_dup"))
    fast = ", ".join(f"f.{c}" for c in site_daily_columns())
    eng.view(
        "site_daily",
        f"SELECT {fast} FROM site_daily_slots f ANTI JOIN site_dup d "
        f"ON f.site_code = d.site_code AND f.day = d.day "
        f"UNION ALL {site_daily_sql('site_day_dup')}",
    )


def _day_reasons(frame: pd.DataFrame, site_level: bool) -> pd.Series:
    """Why a day's statistic is missing (GB 3095 Table 4; HJ 663 §6.1.2), ';'-joined.

    Each statistic's reason depends on one small count (hours, windows), so the text is
    built once per distinct combination of counts and taken for every row.
    """
    pieces: list[tuple[np.ndarray, Callable[[int], str]]] = []
    for p in DAILY_POLS:
        missing = frame[p].isna().to_numpy()
        if site_level:
            n = frame[f"n_{p}"].fillna(0).to_numpy().astype(np.int64)
            pieces.append((np.where(missing, n + 1, 0), _hours_text(p)))
        else:
            pieces.append((missing.astype(np.int64), _no_site_text(p)))
    w = frame["o3_8h_windows"].fillna(0).to_numpy().astype(np.int64)
    pieces.append((np.where(frame["o3_8h"].isna().to_numpy(), w + 1, 0), _windows_text))
    states = np.column_stack([st for st, _ in pieces])
    combos, inverse = _distinct_rows(states)
    texts = np.array(
        [
            "; ".join(text(int(st) - 1) for st, (_, text) in zip(row, pieces, strict=True) if st)
            for row in combos
        ],
        dtype=object,
    )
    return pd.Series(texts[inverse], index=frame.index, dtype=object)


def _distinct_rows(states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a small non-negative int matrix and each row's position among them."""
    base = int(states.max(initial=0)) + 1
    if base ** states.shape[1] >= 2**62:  # pragma: no cover - counts are < 25
        combos, inverse = np.unique(states, axis=0, return_inverse=True)
        return combos, inverse.reshape(-1)
    weights = base ** np.arange(states.shape[1], dtype=np.int64)
    codes, inverse = np.unique(states @ weights, return_inverse=True)
    combos = (codes[:, None] // weights[None, :]) % base
    return combos, inverse.reshape(-1)


def _hours_text(p: str) -> Callable[[int], str]:
    return lambda n: f"{p}: {n} hourly values < {MIN_HOURS_DAILY}"


def _no_site_text(p: str) -> Callable[[int], str]:
    return lambda _n: f"{p}: no site with ≥ {MIN_HOURS_DAILY} hourly values"


def _windows_text(n: int) -> str:
    return f"o3_8h: {n} valid 8-h windows < {MIN_WINDOWS_MDA8}"


def _materialise(eng: Engine, name: str, sql: str) -> None:
    if isinstance(eng, DuckDBEngine | SparkEngine):
        eng.materialise(name, sql)
    else:  # pragma: no cover - other engines
        eng.view(name, sql)


def _zones(
    eng: Engine, frame: pd.DataFrame, zones: dict[str, list[str]], cities: pd.DataFrame
) -> pd.DataFrame:
    """Zone day = mean of its cities' day values (city_sites rows), HJ 663 §3 by analogy."""
    rows = []
    for zone, members in zones.items():
        keys = _select(cities, Selection(cities=members))["key"]
        rows.extend((k, zone) for k in keys)
    eng.register("zone_members", pd.DataFrame(rows, columns=["key", "zone"]).astype(str))
    join = "JOIN zone_members z ON d.key = z.key"
    eng.view("zone_days", unit_day_sql("city_sites", "z.zone", join))
    out = _fetch_day(eng.fetch(finish_day_sql("zone_days")))
    out["city_code"] = None
    out["city_name"] = out["key"]
    return out


def period(
    start: object,
    end: object,
    sel: Selection | None = None,
    *,
    engine: Engine | str = "duckdb",
    root: Path | None = None,
    edition: str | None = None,
    limit_set: str | None = None,
    index_limit_set: str = "2012",
    group_for_rank: bool = True,
    progress: Progress | None = None,
    days: pd.DataFrame | None = None,
    allow_incomplete: bool = False,
) -> pd.DataFrame:
    """HJ 663 period assessment per city (and zone) with composite index and rank.

    Statistics per HJ 663 §3, validity per GB 3095 Table 4 (invalid statistics keep their
    value NaN and a ``reason_<pollutant>``), compliance vs GB 3095 Grade II of the limit
    set in force at the period end (or ``limit_set``), composite index per
    《城市环境空气质量排名技术规定》 with S_i of ``index_limit_set`` and rank ascending
    (ties equal) among the selected cities.

    ``allow_incomplete`` keeps the statistics of periods that fail the GB 3095 Table 4
    minimums instead of leaving them empty; they stay flagged (``complete`` False, the
    ``reason_<pollutant>`` kept) so they are never passed off as valid. Meant for the
    real-time release archive, whose gaps leave no city with 324 valid days in 2019.
    """
    sel = sel or Selection()
    eng = get_engine(engine, root) if isinstance(engine, str) else engine
    note = progress or (lambda _m: None)
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if days is None:
        days = daily(start, end, sel, engine=eng, root=root, edition=edition, progress=progress)
    note("period statistics")
    cols = ["key", "day", *DAILY_POLS, "o3_8h", "aqi", "aqi_complete"]
    eng.register("daily", days[cols].astype({"key": str}))
    stats = eng.fetch(period_sql("daily")).set_index("key")
    months = eng.fetch(month_counts_sql("daily"))
    valid = hj663.period_validity(months, start, end)
    stats = stats.join(valid)
    stats["complete"] = stats[[f"valid_{p}" for p in hj663.POLLUTANTS]].all(axis=1)
    for pol in hj663.POLLUTANTS:  # invalid → reported, never averaged
        if allow_incomplete:
            break
        cols_p = [pol] if pol in hj663.ANNUAL else []
        cols_p.append(hj663.PERCENTILES[pol][0])
        if pol == "co":
            cols_p.append("co_mean")
        if pol == "o3_8h":
            cols_p.append("o3_8h_mean")
        for c in cols_p:
            stats[c] = stats[c].astype(float).where(stats[f"valid_{pol}"])
    ls = hj663.limit_set_for(end, limit_set)
    stats = hj663.compliance(stats, ls)
    stats["good_ratio"] = hj663.good_ratio(stats["good_days"], stats["valid_days"])
    stats = stats.join(composite_index(stats, index_limit_set))
    info = days.drop_duplicates("key").set_index("key")
    stats["city_code"] = info["city_code"].reindex(stats.index)
    stats["city_name"] = info["city_name"].reindex(stats.index)
    is_zone = stats.index.isin(list(sel.zones))
    stats["rank"] = pd.array([pd.NA] * len(stats), dtype="Int64")
    if group_for_rank and (~is_zone).any():
        stats.loc[~is_zone, "rank"] = rank_cities(stats.loc[~is_zone, "composite_index"])
    stats["limit_set"] = ls
    stats["edition"] = _editions_per_key(days).reindex(stats.index)
    stats["from"] = start.date().isoformat()
    stats["to"] = end.date().isoformat()
    stats = stats.reset_index()
    return stats.sort_values(["rank", "key"], na_position="last").reset_index(drop=True)


def _editions_per_key(days: pd.DataFrame) -> pd.Series:
    """The HJ 633 editions of each key's days, sorted and ','-joined ("" when none)."""
    pairs = days[["key", "edition"]].dropna().drop_duplicates().sort_values("edition")
    joined = pairs.groupby("key", sort=True)["edition"].agg(",".join)
    keys = pd.Index(days["key"].drop_duplicates()).sort_values()
    return joined.reindex(keys).fillna("")


def rank_year(
    year: int,
    sel: Selection | None = None,
    *,
    engine: Engine | str = "duckdb",
    root: Path | None = None,
    start: object = None,
    end: object = None,
    progress: Progress | None = None,
    allow_incomplete: bool = False,
) -> pd.DataFrame:
    """Composite-index ranking for a year (or ``start``–``end`` within it) with the change
    vs the same period of the previous year; 《城市环境空气质量排名技术规定》.

    The previous-year index comes from the same lake when it holds those data (else NaN).
    """
    eng = get_engine(engine, root) if isinstance(engine, str) else engine
    s = pd.Timestamp(start) if start is not None else pd.Timestamp(year, 1, 1)
    e = pd.Timestamp(end) if end is not None else pd.Timestamp(year, 12, 31)
    kw = {"engine": eng, "root": root, "progress": progress, "allow_incomplete": allow_incomplete}
    now = period(s, e, sel, **kw)
    s0, e0 = s - pd.DateOffset(years=1), e - pd.DateOffset(years=1)
    try:
        last = period(s0, e0, sel, **kw)
        prev = last.set_index("key")["composite_index"]
    except Exception:  # no data for the previous year
        prev = pd.Series(dtype=float)
    now["composite_index_last"] = now["key"].map(prev).astype(float)
    now["change_pct"] = change_rate(now["composite_index"], now["composite_index_last"])
    return now


RECORD_COLUMNS = [
    "rank",
    "city_code",
    "city_name",
    "composite_index",
    "main_pollutant",
    "pm25",
    "pm10",
    "so2",
    "no2",
    "co_p95",
    "o3_8h_p90",
    "pm25_p95",
    "pm10_p95",
    "so2_p98",
    "no2_p98",
    "good_days",
    "valid_days",
    "good_ratio",
    "heavy_days",
    "compliant",
    "exceeding",
    "complete",
    "edition",
    "limit_set",
    "from",
    "to",
]


def records(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Plain records (NaN → None) plus invalid reasons, statistics rounded as reported.

    HJ 663 reporting (standards.md §3, GB/T 8170 half-even): SO2, NO2, PM10, PM2.5 and O3
    statistics to whole µg/m³, CO to 0.1 mg/m³; ratios and change rates to 0.01 %; the
    composite index to 3 decimals (computed from unrounded concentrations, §4).
    """
    cols = [c for c in (columns or RECORD_COLUMNS) if c in frame]
    out = frame.copy()
    for c in out.columns:
        if c.startswith("co_") or c == "co":
            out[c] = out[c].astype(float).round(1)
        elif c in ("good_ratio", "change_pct"):
            out[c] = out[c].astype(float).round(2)
        elif c in ("composite_index", "composite_index_last") or c.startswith("I_"):
            out[c] = out[c].astype(float).round(3)
        elif c.endswith("_exceed"):
            out[c] = out[c].astype(float).round(2)
        elif out[c].dtype.kind == "f" and c not in ("aqi", "level"):
            out[c] = out[c].round(0)
    reasons = [c for c in out.columns if c.startswith("reason_")]
    recs = []
    for row, rec in zip(
        out[reasons].to_dict("records") if reasons else [{}] * len(out),
        out[cols].astype(object).where(out[cols].notna(), None).to_dict("records"),
        strict=False,
    ):
        bad = {k[len("reason_") :]: v for k, v in row.items() if v}
        if reasons:
            rec["invalid"] = bad or None
        recs.append(rec)
    return recs


__all__ = [
    "Selection",
    "daily",
    "materialise_site_day",
    "month_counts_sql",
    "period",
    "period_sql",
    "rank_year",
    "records",
    "site_daily_from_slots_sql",
    "site_day_sql",
    "site_slots_sql",
    "slot_duplicates_sql",
]
