"""HJ 663 period computations over hourly air data, defined once, run on DuckDB or Spark.

1. site day (:mod:`meili.engine.site_days`): one scan of the hourly data by the engine
   (one SQL definition, transpiled for Spark) gives per site-day counts/means and the O3
   values coded with their hours; numpy lays them out in hourly slots and derives the
   8-h windows, block by block. GB 3095-2012/2026 Table 4, HJ 663-2013/2026 §6.1.2: daily
   means with ≥ 20 hourly values; the 17 O3 8-h windows ending 08:00 … 24:00, each valid
   with ≥ 6 hourly values. Cached per engine, period and sites.
2. city day (HJ 663 §3 "City value"), in the same pass: means over the city's evaluation
   sites (对照点 excluded) of the valid site daily values, of each 8-h window and each
   hourly O3; MDA8 = max of the city 8-h values, valid with ≥ 14 windows or above
   160 µg/m³; O3 1-h max (:mod:`meili.engine.day_arrays`). Zones: means over their
   cities, the same way (:func:`unit_means`).
3. daily AQI (HJ 633, numpy on the concentration arrays, :func:`hj663.daily_aqi`) from the
   city-mean (or site) concentrations.
4. period statistics (HJ 663 §3, SQL on the engine): means, P98/P95/P90 with
   k = 1 + (n − 1)p (:mod:`meili.engine.exact_sql`: the same bits on both engines), good/heavy/valid
   days, monthly counts for the validity rule; then compliance, composite index and
   ranking (pure pandas on one row per city).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from meili import i18n
from meili.engine import DuckDBEngine, Engine, get_engine, lake_files
from meili.engine.day_arrays import DAILY_POLS, DayArrays, finish, unit_means
from meili.engine.exact_sql import mean_sql, percentile_sql
from meili.engine.site_days import site_day_sql, site_days, site_slots_sql
from meili.i18n import LANGS, Lang
from meili.registry.groups import city_codes, group_members, short_name
from meili.standards.air import hj663
from meili.standards.air.ranking import change_rate, composite_index, rank_cities
from meili.standards.air.validity import MIN_DAYS_YEAR, MIN_HOURS_DAILY, MIN_WINDOWS_MDA8

Progress = Callable[[str], None]


def period_sql(source: str = "daily") -> str:
    """Period statistics per unit; HJ 663 (means, P98/P95/P90, valid/good/heavy/serious days).

    [@hj663:statistics] [@hj663:percentile] [@hj663:good-day-ratio]. A day counts when its
    ``aqi_valid`` (:func:`meili.standards.air.hj663.daily_aqi`); a day above the table is a
    valid, heavy (> 200) and serious (> 300) day at AQI 500 [@meili:above-table].
    Every engine gives the same bits (:mod:`meili.engine.exact_sql`: order-independent
    means, the percentile rule spelt out).
    """
    valid = "count(aqi) FILTER (WHERE aqi_valid"
    stats: list[tuple[str, str]] = []  # (aggregate, name) per unit
    out: list[str] = []  # the columns returned, in order
    for p in ("so2", "no2", "pm10", "pm25"):
        stats += [(mean_sql(p), p), (f"count({p})", f"n_{p}")]
        out += [p, f"n_{p}"]
    for p, (col, q, _lim) in hj663.PERCENTILES.items():
        parts, value = percentile_sql(p, q)
        stats += parts
        out.append(f"{value} AS {col}")
    for agg, name in [
        (mean_sql("co"), "co_mean"),
        ("count(co)", "n_co"),
        (mean_sql("o3_8h"), "o3_8h_mean"),
        ("count(o3_8h)", "n_o3_8h"),
        (f"{valid})", "valid_days"),
        (f"{valid} AND aqi <= {hj663.GOOD_AQI})", "good_days"),
        (f"{valid} AND aqi > {hj663.HEAVY_AQI})", "heavy_days"),
        (f"{valid} AND aqi > {hj663.SERIOUS_AQI})", "serious_days"),
        (f"{valid} AND aqi_above_table)", "above_table_days"),
        ("count(*)", "days"),
    ]:
        stats.append((agg, name))
        out.append(name)
    aggregates = ", ".join(f"{agg} AS {name}" for agg, name in stats)
    return (
        f"WITH stats AS (SELECT key, {aggregates} FROM {source} GROUP BY key) "
        f"SELECT key, {', '.join(out)} FROM stats"
    )


def month_counts_sql(source: str = "daily") -> str:
    """Valid daily values per unit and calendar month (GB 3095 Table 4 annual rule input)."""
    cols = ", ".join(f"count({p}) AS n_{p}" for p in hj663.POLLUTANTS)
    return (
        f"SELECT key, CAST(year(day) AS INTEGER) AS year, "
        f"CAST(month(day) AS INTEGER) AS month, {cols} "
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
    else:  # the site list is small: read where the engine reads, with DuckDB
        url = getattr(engine, "snapshot_url", None)
        if url:
            reader = DuckDBEngine.from_snapshot(url)
        else:  # the same lake version as the engine
            at = getattr(engine, "lake_version", None)
            reader = DuckDBEngine(getattr(engine, "root", None) or root, as_of=at)
        sites = reader.con.sql("SELECT * FROM air_sites").df()
    sites = sites.drop_duplicates("site_code", keep="last")
    codes = city_codes(sites)
    out = sites.merge(codes.rename(columns={"province": "city_province"}), on="city", how="left")
    out["key"] = out["city_code"].fillna(out["city"])
    out["control"] = out["control"].fillna(False).astype(bool)
    return out


def _select(cities: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    keep = pd.Series(True, index=cities.index)
    if sel.group and sel.group.strip() != "all":
        keep &= cities["city_code"].isin(group_members(sel.group)["code"])
    if sel.cities:
        wanted = {c.strip() for c in sel.cities}
        short = {short_name(c) for c in wanted}
        keep &= (
            cities["city_code"].isin(wanted)
            | cities["city"].isin(wanted)
            | cities["city_name"].map(short_name).isin(short)
        )
    return cities[keep]


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
    key: tuple[Any, ...] = (
        pd.Timestamp(start).normalize(),
        pd.Timestamp(end).normalize(),
        tuple(sorted(member_sites["site_code"].astype(str))),
    )
    if getattr(eng, "uses_lake", True):  # a frame engine reads no lake files
        # the lake version the engine reads and its files (a hand-placed folder has no version)
        version = getattr(eng, "lake_version", None)
        files = lake_files("air_hourly", getattr(eng, "root", None) or root, version)
        key += (version, tuple(files))
    cached = _SITE_DAY_CACHE.get(eng)
    if cached is not None and cached[0] == key:  # one scan per engine, period and sites
        site, city = cached[1], cached[2]
    else:
        _SITE_DAY_CACHE.pop(eng, None)
        eng.register_lake(
            "hourly", "air_hourly", ["site_code", "time", "pm25", "pm10", "so2", "no2", "co", "o3"]
        )
        units = _evaluation_sites(member_sites)
        if len(member_sites) == len(sites):  # all sites: filter the site-days, not the hours
            keep = member_sites["site_code"]
            site, city = site_days(eng, start, end, "hourly", keep=keep, units=units)
        else:
            eng.register("sites", member_sites[["site_code"]].reset_index(drop=True))
            eng.view(
                "hourly_sel",
                "SELECT h.* FROM hourly h SEMI JOIN sites s ON h.site_code = s.site_code",
            )
            site, city = site_days(eng, start, end, "hourly_sel", units=units)
        _SITE_DAY_CACHE[eng] = (key, site, city)
    names = cities.set_index("key")
    if site_level:
        frame = finish(site, "n")
        info = sites.set_index("site_code")
        at = info.index.get_indexer(site.keys)  # every site key is a registered site
        frame["site_code"] = frame["key"]
        frame["site_name"] = info["name"].to_numpy()[at][site.codes]
        frame["control"] = info["control"].to_numpy()[at][site.codes]
        city_key = info["key"].to_numpy()[at]
        frame["key"] = city_key[site.codes]
        pos = names.index.get_indexer(city_key)[site.codes]
    else:
        frame = finish(city, "sites")
        pos = names.index.get_indexer(city.keys)[city.codes]
    frame["city_code"] = _take(names["city_code"], pos)
    frame["city_name"] = _take(names["city_name"], pos)
    if sel.zones and not site_level:
        zones = finish(_zone_days(city, sel.zones, cities), "sites")
        zones["city_code"] = None
        zones["city_name"] = zones["key"]
        frame = pd.concat([frame, zones], ignore_index=True)
    reasons = _day_reasons(frame, site_level)
    frame["invalid"], frame["invalid_zh"] = reasons["en"], reasons["zh"]
    note("daily AQI")
    return hj663.daily_aqi(frame, edition, copy=False)


def period_reasons(
    valid: pd.DataFrame, pollutants: Iterable[str] = hj663.POLLUTANTS
) -> dict[str, pd.Series]:
    """Why a unit's period statistics are missing, as one flat sentence in zh and en.

    ``valid`` holds :func:`meili.standards.air.hj663.period_validity`'s columns for
    ``pollutants``; pollutants with the same reason are named together, words from the
    catalogue (``reasons``). Built once per distinct combination of reasons (units share
    them), ``""`` where all are valid.
    """
    pols = tuple(pollutants)
    if valid.empty:
        return {lang: pd.Series([], index=valid.index, dtype=object) for lang in LANGS}
    cols = [f"reason_{p}" for p in pols]
    codes, _ = pd.factorize(pd.Series(valid[cols].astype(str).agg("|".join, axis=1)))
    sample = valid.iloc[pd.Series(range(len(valid))).groupby(codes).first().to_numpy()]
    out: dict[str, pd.Series] = {}
    for lang in LANGS:
        texts = np.array(
            [_period_sentence(row, pols, lang) for _, row in sample.iterrows()], object
        )
        out[lang] = pd.Series(texts[codes], index=valid.index, dtype=object)
    return out


def _period_sentence(row: pd.Series, pollutants: tuple[str, ...], lang: Lang) -> str:
    """The flat sentence of one combination of per-pollutant validity facts."""
    groups: dict[str, list[str]] = {}
    for p in pollutants:
        if row[f"valid_{p}"]:
            continue
        if row[f"days_{p}"] == 0:
            why = i18n.text("reasons", "period_no_days", lang)
        else:
            parts = []
            if row[f"few_{p}"]:
                parts.append(i18n.text("reasons", "period_year_days", lang, min=MIN_DAYS_YEAR))
            if row[f"months_{p}"]:
                parts.append(
                    i18n.text("reasons", "period_short_months", lang, months=row[f"months_{p}"])
                )
            why = i18n.text("reasons", "also", lang).join(parts)
        groups.setdefault(why, []).append(p)
    sep = i18n.text("reasons", "list", lang)
    return i18n.text("reasons", "and", lang).join(
        i18n.text("reasons", "period_pollutants", lang, pollutants=sep.join(ps), why=why)
        for why, ps in groups.items()
    )


def _take(values: pd.Series, pos: np.ndarray) -> np.ndarray:
    """``values`` at positions ``pos`` (−1 → missing), like ``Series.map`` on a unique index."""
    if (pos >= 0).all():
        return values.to_numpy()[pos]
    return values.reset_index(drop=True).reindex(pos).to_numpy()


#: Engine → ((start, end, sites, lake version and files), site days, city days) of its one scan: a
#: second call for the same period and sites (site level, then city level) reuses it.
_SITE_DAY_CACHE: weakref.WeakKeyDictionary[Any, tuple[Any, ...]] = weakref.WeakKeyDictionary()


def _day_reasons(frame: pd.DataFrame, site_level: bool) -> dict[str, pd.Series]:
    """Why a day's statistic is missing (GB 3095 Table 4; HJ 663 §6.1.2), one flat sentence.

    In zh and en (``{"zh": …, "en": …}``), words from the catalogue (``reasons``). Each
    statistic's reason depends on one small count (hours, windows), so the text is built
    once per distinct combination of counts and taken for every row.
    """
    pieces: list[tuple[np.ndarray, Callable[[int, Lang], str]]] = []
    for p in DAILY_POLS:
        missing = frame[p].isna().to_numpy()
        if site_level:
            n = _counts(frame[f"n_{p}"])
            pieces.append((np.where(missing, n + 1, 0), _hours_text(p)))
        else:
            pieces.append((missing.astype(np.int64), _no_site_text(p)))
    w = _counts(frame["o3_8h_windows"])
    pieces.append((np.where(frame["o3_8h"].isna().to_numpy(), w + 1, 0), _windows_text))
    combos, inverse = _distinct_rows([st for st, _ in pieces])
    out = {}
    for lang in LANGS:
        words = [  # per piece, the text of each state it takes (built once)
            {st: text(st - 1, lang) for st in set(combos[:, j].tolist()) if st}
            for j, (_, text) in enumerate(pieces)
        ]
        joiner = i18n.text("reasons", "and", lang)
        texts = np.array(
            [
                joiner.join(words[j][st] for j, st in enumerate(row) if st)
                for row in combos.tolist()
            ],
            dtype=object,
        )
        out[lang] = pd.Series(texts[inverse], index=frame.index, dtype=object)
    return out


def _counts(column: pd.Series) -> np.ndarray:
    """Integer counts, missing → 0."""
    values = column.to_numpy()
    if values.dtype.kind in "iu":
        return values.astype(np.int64, copy=False)
    return np.nan_to_num(values.astype(float), nan=0.0).astype(np.int64)


def _distinct_rows(states: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of small non-negative int columns and each row's position among them."""
    base = max((int(st.max(initial=0)) for st in states), default=0) + 1
    if base ** len(states) >= 2**62:  # pragma: no cover - counts are < 25
        combos, inverse = np.unique(np.column_stack(states), axis=0, return_inverse=True)
        return combos, inverse.reshape(-1)
    weights = base ** np.arange(len(states), dtype=np.int64)
    code = np.zeros(len(states[0]) if states else 0, dtype=np.int64)
    for st, w in zip(states, weights, strict=True):  # column by column: no matrix
        code += st.astype(np.int64) * w
    inverse, codes = pd.factorize(code)  # hashing: no sort of all rows
    combos = (codes[:, None] // weights[None, :]) % base
    return combos, inverse


def _hours_text(p: str) -> Callable[[int, Lang], str]:
    return lambda n, lang: i18n.text(
        "reasons", "day_hours", lang, pollutant=p, n=n, min=MIN_HOURS_DAILY
    )


def _no_site_text(p: str) -> Callable[[int, Lang], str]:
    return lambda _n, lang: i18n.text(
        "reasons", "day_no_site", lang, pollutant=p, min=MIN_HOURS_DAILY
    )


def _windows_text(n: int, lang: Lang) -> str:
    return i18n.text("reasons", "day_windows", lang, n=n, min=MIN_WINDOWS_MDA8)


def _evaluation_sites(member_sites: pd.DataFrame) -> dict[str, str]:
    """Site code → city key of the sites a city value averages (对照点 excluded); HJ 663 §3."""
    counted = member_sites[~member_sites["control"].astype(bool) & member_sites["key"].notna()]
    return dict(zip(counted["site_code"].astype(str), counted["key"].astype(str), strict=True))


def _zone_days(city: DayArrays, zones: dict[str, list[str]], cities: pd.DataFrame) -> DayArrays:
    """Zone day = mean of its cities' day values (city means), HJ 663 §3 by analogy.

    A city in several zones counts for each of them.
    """
    keys = np.array(sorted(zones), dtype=object)
    rows, units = [], []
    for zone, members in zones.items():
        wanted = _select(cities, Selection(cities=members))["key"].astype(str).to_numpy()
        # rows of the wanted keys, compared as key positions (integers), not as strings
        mine = np.flatnonzero(np.isin(city.codes, np.flatnonzero(np.isin(city.keys, wanted))))
        rows.append(mine)
        units.append(np.full(len(mine), np.searchsorted(keys, zone), dtype=np.int64))
    return unit_means(city.take(np.concatenate(rows)), np.concatenate(units), keys)


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
    show_incomplete: bool = False,
) -> pd.DataFrame:
    """HJ 663 period assessment per city (and zone) with composite index and rank.

    Statistics per HJ 663 [@hj663:statistics], validity per GB 3095 Table 4
    [@gb3095-2026:t4] (invalid statistics keep their value NaN and a ``reason_<pollutant>``),
    compliance vs GB 3095 Grade II of the limit set in force on the period's first day (or
    ``limit_set``) [@meili:period-limit-set]; ``limit_set_note`` says when the period's
    days fall under more than one set. Composite index per 《城市环境空气质量排名技术规定》
    [@ranking-2018:index] with S_i of ``index_limit_set`` and rank ascending (ties equal)
    among the selected cities [@ranking-2018:rank].

    ``allow_incomplete`` keeps the statistics of periods that fail the GB 3095 Table 4
    minimums instead of leaving them empty; they stay flagged (``complete`` False, the
    ``reason_<pollutant>`` kept) so they are never passed off as valid. Meant for the
    real-time release archive, whose gaps leave no city with 324 valid days in 2019.
    ``show_incomplete`` keeps those statistics for display, flagged, but ranks only the
    complete units (the CLI's default: incomplete data shown, not hidden, never ranked with
    valid values unless ``allow_incomplete``).
    """
    sel = sel or Selection()
    eng = get_engine(engine, root) if isinstance(engine, str) else engine
    note = progress or (lambda _m: None)
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if days is None:
        days = daily(start, end, sel, engine=eng, root=root, edition=edition, progress=progress)
    note("period statistics")
    cols = ["key", "day", *DAILY_POLS, "o3_8h", "aqi", "aqi_valid", "aqi_above_table"]
    eng.register("daily", days[cols].astype({"key": str}))
    stats = eng.fetch(period_sql("daily")).set_index("key")
    months = eng.fetch(month_counts_sql("daily"))
    valid = hj663.period_validity(months, start, end)
    stats = stats.join(valid)
    reasons = period_reasons(valid)
    stats["reason_zh"], stats["reason_en"] = reasons["zh"], reasons["en"]
    stats["complete"] = stats[[f"valid_{p}" for p in hj663.POLLUTANTS]].all(axis=1)
    for pol in hj663.POLLUTANTS:  # invalid → reported, never averaged
        if allow_incomplete or show_incomplete:
            break
        cols_p = [pol] if pol in hj663.ANNUAL else []
        cols_p.append(hj663.PERCENTILES[pol][0])
        if pol == "co":
            cols_p.append("co_mean")
        if pol == "o3_8h":
            cols_p.append("o3_8h_mean")
        for c in cols_p:
            stats[c] = stats[c].astype(float).where(stats[f"valid_{pol}"])
    ls = hj663.limit_set_for(start, limit_set)
    stats = hj663.compliance(stats, ls)
    stats["good_ratio"] = hj663.good_ratio(stats["good_days"], stats["valid_days"])
    stats = stats.join(composite_index(stats, index_limit_set))
    info = days.drop_duplicates("key").set_index("key")
    stats["city_code"] = info["city_code"].reindex(stats.index)
    stats["city_name"] = info["city_name"].reindex(stats.index)
    is_zone = stats.index.isin(list(sel.zones))
    stats["rank"] = pd.array([pd.NA] * len(stats), dtype="Int64")
    if group_for_rank and (~is_zone).any():
        index = stats["composite_index"].where(stats["complete"] | allow_incomplete)
        stats.loc[~is_zone, "rank"] = rank_cities(index[~is_zone])
    stats["limit_set"] = ls
    spans = limit_set is None and hj663.spans_limit_sets(start, end)
    stats["limit_set_note"] = i18n.text("reasons", "period_limit_sets", "en") if spans else ""
    stats["limit_set_note_zh"] = i18n.text("reasons", "period_limit_sets") if spans else ""
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
    show_incomplete: bool = False,
) -> pd.DataFrame:
    """Composite-index ranking for a year (or ``start``–``end`` within it) with the change
    vs the same period of the previous year; 《城市环境空气质量排名技术规定》.

    The previous-year index comes from the same lake when it holds those data (else NaN).
    """
    eng = get_engine(engine, root) if isinstance(engine, str) else engine
    s = pd.Timestamp(start) if start is not None else pd.Timestamp(year, 1, 1)
    e = pd.Timestamp(end) if end is not None else pd.Timestamp(year, 12, 31)
    kw = {
        "engine": eng,
        "root": root,
        "progress": progress,
        "allow_incomplete": allow_incomplete,
        "show_incomplete": show_incomplete,
    }
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

    HJ 663 reporting [@hj663:rounding] (GB/T 8170 half-even [@gbt8170:rounding]; unconfirmed:
    the HJ 663 texts were not read): SO2, NO2, PM10, PM2.5 and O3
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
            out[c] = out[c].round(0).astype("Int64")  # whole µg/m³, shown as integers
    reasons = [f"reason_{p}" for p in hj663.POLLUTANTS if f"reason_{p}" in out.columns]
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
    "month_counts_sql",
    "period",
    "period_sql",
    "rank_year",
    "records",
    "site_day_sql",
    "site_slots_sql",
]
