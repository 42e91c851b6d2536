"""HJ 663 ambient air-quality assessment: statistics, validity, compliance, good days.

HJ 663-2013 (data before 2026-03-01) and HJ 663-2026 (from 2026-03-01). Neither text was
read (not available to Meili's authors), so every rule here is unconfirmed; they come from
secondary sources and are marked so in the citation file: city value [@hj663:city-value] (mean over
the city's evaluation sites, 对照点 excluded; the city AQI from the city-mean
concentrations); period statistics [@hj663:statistics] (SO2/NO2 mean + 24h P98, PM10/PM2.5
mean + 24h P95, CO 24h P95, O3 MDA8 P90) with percentiles k = 1 + (n − 1)p
[@hj663:percentile] (:mod:`.percentile`); compliance against GB 3095 Grade II of the limit
set in force [@hj663:compliance] [@gb3095-2026:4.4]; good-day ratio [@hj663:good-day-ratio].
What would confirm them: the HJ 663-2013 and HJ 663-2026 texts. HJ 663-2026's new rules
(exceptional events, 3-year sliding assessment) are not implemented [@hj663-2026:changes].
The period computations themselves run on an engine (:mod:`meili.engine.air_period`); this
module holds the pure rules applied to their output.
"""

from __future__ import annotations

import calendar
from typing import Final

import numpy as np
import pandas as pd

from meili.standards.air.editions import (
    EDITION_2026_FROM,
    edition_for,
    gb3095_stage_for,
    normalise_edition,
)
from meili.standards.air.gb3095 import limit
from meili.standards.air.hj633_tables import INDICATORS, POLLUTANT
from meili.standards.air.index import _FALLBACK_2012, _UPPERS, PUBLISH_INCOMPLETE_ABOVE
from meili.standards.air.subindex import SPECIAL_LIMIT, iaqi_flagged
from meili.standards.air.validity import MIN_DAYS_FEBRUARY, MIN_DAYS_MONTH, MIN_DAYS_YEAR

#: Daily columns (city-mean concentrations) → HJ 633 daily items.
DAILY_ITEMS: Final = {
    "so2": "SO2_24H",
    "no2": "NO2_24H",
    "pm10": "PM10_24H",
    "pm25": "PM25_24H",
    "co": "CO_24H",
    "o3_8h": "O3_8H",
    "o3_1h": "O3_1H",
}
POLLUTANTS: Final = ("so2", "no2", "pm10", "pm25", "co", "o3_8h")
#: HJ 663 §3 statistics: pollutant → (percentile column, p, daily limit key); annual key.
PERCENTILES: Final = {
    "so2": ("so2_p98", 0.98, ("SO2", "daily")),
    "no2": ("no2_p98", 0.98, ("NO2", "daily")),
    "pm10": ("pm10_p95", 0.95, ("PM10", "daily")),
    "pm25": ("pm25_p95", 0.95, ("PM2.5", "daily")),
    "co": ("co_p95", 0.95, ("CO", "daily")),
    "o3_8h": ("o3_8h_p90", 0.90, ("O3", "mda8")),
}
ANNUAL: Final = {"so2": "SO2", "no2": "NO2", "pm10": "PM10", "pm25": "PM2.5"}
GOOD_AQI: Final = 100
HEAVY_AQI: Final = 200
#: 严重污染 (level 6): AQI > 300, HJ 633-2012 Table 2 / HJ 633-2026 Table 1.
SERIOUS_AQI: Final = 300


def _as_float(values: object) -> np.ndarray:
    """Float64 concentrations, NaN missing (non-numeric → missing, as :func:`aqi`)."""
    arr = np.asarray(values)
    if arr.dtype == np.float64:
        return arr
    num = pd.to_numeric(pd.Series(values), errors="coerce").astype("Float64")
    return num.to_numpy(dtype=np.float64, na_value=np.nan)


DayAqi = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _daily_aqi_arrays(conc: dict[str, np.ndarray], edition: str) -> DayAqi:
    """(AQI float, primary object, level float, complete bool, above-table bool), one edition.

    Same rules as :func:`meili.standards.air.index.aqi` with ``kind="daily"`` and the default
    ``above_table="cap"`` (HJ 633-2012 §4.3–§4.4, §5.1.2, Table 1 notes 2/3; HJ 633-2026
    §4.2.2–§4.3.1, §5.3.1; a value above the 500 row gives AQI 500, flagged
    [@meili:above-table]), on plain arrays: no per-row Python, no wide frames.
    """
    items = INDICATORS[(edition, "daily")]
    n = len(next(iter(conc.values())))
    nan = np.full(n, np.nan)
    table = np.empty((len(items), n))  # one row per indicator: whole-row operations
    over = np.zeros(n, dtype=bool)
    for j, item in enumerate(items):  # loop over ≤ 7 indicators, not over rows
        c = conc.get(item, nan)
        values, missing, undefined = iaqi_flagged(item, c, edition)
        table[j] = values
        table[j, missing] = np.nan
        if item in _FALLBACK_2012 and edition == "2012":
            alt = _FALLBACK_2012[item]  # HJ 633-2012 Table 1 notes 2/3: > 800 → other IAQI
            alt_values, alt_missing, alt_over = iaqi_flagged(alt, conc.get(alt, nan), edition)
            use = c > SPECIAL_LIMIT
            table[j, use] = np.where(alt_missing, np.nan, alt_values)[use]
            over |= use & alt_over
        else:
            over |= undefined
    aqi_v = np.fmax.reduce(table, axis=0)  # max IAQI, missing ones skipped
    complete = ~np.isnan(table).any(axis=0)
    if edition == "2026":  # HJ 633-2026 §5.3.1: incomplete and ≤ 100 → NA
        aqi_v[~complete & (aqi_v <= PUBLISH_INCOMPLETE_ABOVE)] = np.nan
    has = ~np.isnan(aqi_v)
    names: list[str] = []
    for item in items:
        if POLLUTANT[item] not in names:
            names.append(POLLUTANT[item])
    code = np.zeros(n, dtype=np.int64)
    for g, name in enumerate(names):
        rows = [i for i, item in enumerate(items) if POLLUTANT[item] == name]
        gmax = np.fmax.reduce(table[rows], axis=0) if len(rows) > 1 else table[rows[0]]
        code |= ((gmax == aqi_v) & (aqi_v > 50)).astype(np.int64) << g
    labels = np.array(
        [";".join(nm for g, nm in enumerate(names) if k >> g & 1) for k in range(1 << len(names))],
        dtype=object,
    )
    primary = np.where(has & (aqi_v > 50), labels[code], None)
    ints = np.where(has, aqi_v, 0).astype(np.int64)
    level = np.where(has, np.searchsorted(_UPPERS, ints, side="left") + 1.0, np.nan)
    return aqi_v, primary, level, complete, over & has


def _daily_aqi_blocks(conc: dict[str, np.ndarray], edition: str, block: int = 32768) -> DayAqi:
    """:func:`_daily_aqi_arrays` ``block`` rows at a time (the intermediates stay in cache)."""
    n = len(next(iter(conc.values())))
    if n <= block:
        return _daily_aqi_arrays(conc, edition)
    aqi_v, level = np.empty(n), np.empty(n)
    primary = np.empty(n, dtype=object)
    complete, over = np.empty(n, dtype=bool), np.empty(n, dtype=bool)
    for lo in range(0, n, block):
        part = slice(lo, lo + block)
        got = _daily_aqi_arrays({k: v[part] for k, v in conc.items()}, edition)
        aqi_v[part], primary[part], level[part], complete[part], over[part] = got
    return aqi_v, primary, level, complete, over


_EDITIONS = np.array(["2012", "2026"], dtype=object)


def _editions(day: pd.Series, edition: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Edition name per row (object, shared strings) and whether it is 2026."""
    if edition is not None:
        name = normalise_edition(edition)
        return np.full(len(day), name, dtype=object), np.full(len(day), name == "2026")
    if day.dtype.kind == "M":
        if day.isna().any():
            raise ValueError("dates must not be missing to choose an edition")
        values = day.dt.tz_localize(None) if day.dt.tz is not None else day
        is_2026 = (values >= EDITION_2026_FROM).to_numpy()
    else:
        is_2026 = edition_for(day.to_numpy()) == "2026"
    return _EDITIONS[is_2026.astype(np.intp)], is_2026


DAY_COLUMNS: Final = ("aqi", "primary", "level", "aqi_complete", "aqi_above_table", "aqi_valid")


def daily_aqi(
    daily: pd.DataFrame, edition: str | None = None, *, copy: bool = True
) -> pd.DataFrame:
    """Daily AQI of site/city daily concentrations; HJ 633-2012 §5.1.2 / HJ 633-2026 §4.2.2.

    [@hj633-2012:5.1.2] [@hj633-2026:4.2.2] [@hj633-2026:5.3.1] [@meili:above-table]
    [@meili:valid-day-2012]. ``daily`` has ``day`` and the columns of :data:`DAILY_ITEMS`
    (city-mean concentrations for a city, [@hj663:city-value]). ``edition=None`` picks
    HJ 633-2012/2026 by the day. Adds ``aqi`` (float, NaN missing; 500 above the table),
    ``primary``, ``level``, ``aqi_complete`` (every indicator present), ``aqi_above_table``
    (a concentration above the 500 row: AQI 500 by convention, level 6), ``aqi_valid``
    (the day counts in the period's valid, good, heavy and serious days: 2012-edition days
    when complete, Meili's rule where HJ 663-2013 was not read; 2026-edition days when the
    AQI is published, i.e. complete or > 100 per HJ 633-2026 §5.3.1) and ``edition``.
    The §5.3.2 exemption (a pollutant outside the monitoring programme) is not applied here:
    the lake does not record monitoring programmes; :func:`meili.standards.air.index.aqi`
    takes it as ``exempt``. Vectorised over rows on the concentration arrays only; identical
    to :func:`meili.standards.air.index.aqi` (``kind="daily"``), see tests/engine.
    ``copy=False`` adds the columns to ``daily`` itself when it has a default index.
    """
    if len(daily) == 0 or not any(col in daily for col in DAILY_ITEMS):
        out = daily.copy()
        for col in (*DAY_COLUMNS, "edition"):
            out[col] = pd.Series(dtype=object)
        return out
    plain = isinstance(daily.index, pd.RangeIndex) and daily.index.equals(pd.RangeIndex(len(daily)))
    out = daily if plain and not copy else daily.reset_index(drop=True)
    conc = {item: _as_float(out[col]) for col, item in DAILY_ITEMS.items() if col in out}
    eds, is_2026 = _editions(out["day"], edition)
    n = len(out)
    aqi_v = np.full(n, np.nan)
    primary = np.full(n, None, dtype=object)
    level = np.full(n, np.nan)
    complete = np.zeros(n, dtype=bool)
    over = np.zeros(n, dtype=bool)
    for ed, sel in (("2012", ~is_2026), ("2026", is_2026)):  # the two editions
        if not sel.any():
            continue
        part = {k: v[sel] for k, v in conc.items()} if not sel.all() else conc
        a, p, lv, c, o = _daily_aqi_blocks(part, ed)
        aqi_v[sel], primary[sel], level[sel], complete[sel], over[sel] = a, p, lv, c, o
    has = ~np.isnan(aqi_v)
    out["aqi"] = aqi_v
    out["primary"] = primary
    out["level"] = level
    out["aqi_complete"] = complete
    out["aqi_above_table"] = over
    out["aqi_valid"] = has & (complete | is_2026)
    out["edition"] = eds
    return out


def month_minimum(year: int, month: int, covered_days: int | None = None) -> int | None:
    """Minimum valid daily values in a calendar month; GB 3095-2012/2026 Table 4.

    [@gb3095-2012:t4] [@gb3095-2026:t4]: ≥ 27 per month, ≥ 25 in February (annual-mean
    rule). A month only
    partly inside the period (``covered_days`` < days in month) has no minimum → ``None``.
    """
    days = calendar.monthrange(year, month)[1]
    if covered_days is not None and covered_days < days:
        return None
    return MIN_DAYS_FEBRUARY if month == 2 else MIN_DAYS_MONTH


def period_validity(
    month_counts: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Validity of each unit's period statistic per pollutant; GB 3095 Table 4 (2012/2026).

    [@gb3095-2012:t4] [@gb3095-2026:t4].
    ``month_counts``: one row per (``key``, ``year``, ``month``) with ``n_<pollutant>`` valid
    daily values. Every whole calendar month in the period needs ≥ 27 (February ≥ 25); a
    whole calendar year also needs ≥ 324. Returns per key: ``valid_<pollutant>`` (bool),
    ``reason_<pollutant>`` (English, ``""`` when valid) and the facts behind it, for
    sentences in other words: ``days_<pollutant>`` (valid daily values), ``few_<pollutant>``
    (a whole year below 324) and ``months_<pollutant>`` (months below their minimum,
    ``YYYY-MM`` ','-joined).
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    months = pd.period_range(start, end, freq="M")
    cover = {
        (m.year, m.month): (
            min(end, m.end_time.normalize()) - max(start, m.start_time.normalize())
        ).days
        + 1
        for m in months
    }
    need = np.array([month_minimum(y, m, days) or 0 for (y, m), days in cover.items()], dtype=float)
    month_labels = np.array([f"{y}-{m:02d}" for y, m in cover], dtype=object)
    keys = month_counts["key"].drop_duplicates()
    grid = pd.MultiIndex.from_product([keys, list(cover)], names=["key", "ym"])
    mc = month_counts.assign(
        ym=list(zip(month_counts["year"], month_counts["month"], strict=False))
    )
    mc = mc.set_index(["key", "ym"]).reindex(grid)
    whole_year = start == pd.Timestamp(start.year, 1, 1) and end == pd.Timestamp(start.year, 12, 31)
    out = pd.DataFrame(index=pd.Index(keys, name="key"))
    shape = (len(keys), len(cover))
    for pol in POLLUTANTS:
        n = mc[f"n_{pol}"].fillna(0).to_numpy(dtype=float).reshape(shape)
        short = n < need  # per key and month: below the month minimum
        patterns, which = np.unique(short, axis=0, return_inverse=True)
        texts = np.array(
            [
                "months below the daily-count minimum: " + ",".join(month_labels[row])
                if row.any()
                else ""
                for row in patterns
            ],
            dtype=object,
        )
        labels = np.array([",".join(month_labels[row]) for row in patterns], dtype=object)
        picked = which.reshape(-1) if len(keys) else np.empty(0, dtype=np.intp)
        reason = texts[picked] if len(keys) else np.empty(0, dtype=object)
        total = n.sum(axis=1)
        few = (total < MIN_DAYS_YEAR) if whole_year else np.zeros(len(keys), dtype=bool)
        if whole_year:
            note = f"fewer than {MIN_DAYS_YEAR} daily values in the year"
            reason = np.where(few, np.where(reason == "", note, note + "; " + reason), reason)
        reason = np.where(total == 0, "no valid daily values", reason).astype(object)
        out[f"valid_{pol}"] = reason == ""
        out[f"reason_{pol}"] = reason
        out[f"days_{pol}"] = total.astype(np.int64)
        out[f"few_{pol}"] = few & (total > 0)
        out[f"months_{pol}"] = np.where(total > 0, labels[picked] if len(keys) else "", "")
    return out


def limit_set_for(first_day: object, override: str | None = None) -> str:
    """GB 3095 limit set of a period: the set in force on its first day (``override`` wins).

    GB 3095-2026 applies from 2026-03-01, repeals GB 3095-2012 from that day
    [@gb3095-2026:foreword] and sets transition limits to 2030-12-31 and the Table 1 limits
    from 2031-01-01 [@gb3095-2026:4.4]; it has no clause for a period that began under the
    earlier limits. Meili's rule [@meili:period-limit-set] (unconfirmed: HJ 663-2026, which
    may decide it, was not read): a period is judged against the limits in force on its
    first day, never retroactively against limits that came into force during it. So the
    calendar year 2026 is judged against GB 3095-2012 and 2027 is the first year judged
    against the transition limits; 2031 (the final stage starts on 1 January) is
    unaffected. Days keep their own HJ 633 edition for the daily AQI. What would confirm
    the rule: HJ 663-2026's text, or the limits the Ministry's 2026 annual bulletin applied.
    """
    return override or str(gb3095_stage_for(pd.Timestamp(first_day))[0])


def spans_limit_sets(start: object, end: object) -> bool:
    """True when a period's days fall under more than one GB 3095 limit set.

    [@gb3095-2026:4.4]
    """
    stages = gb3095_stage_for([pd.Timestamp(start), pd.Timestamp(end)])
    return bool(stages[0] != stages[1])


def compliance(stats: pd.DataFrame, limit_set: str, grade: int = 2) -> pd.DataFrame:
    """GB 3095 compliance and exceedance multiples; HJ 663 compliance assessment.

    [@hj663:compliance] (unconfirmed: the HJ 663 texts were not read) against the limits of
    GB 3095 [@gb3095-2012:t1] [@gb3095-2026:t1]; rounding [@hj663:rounding] [@gbt8170:rounding].

    A pollutant complies when its mean (SO2, NO2, PM10, PM2.5, vs the annual limit) and its
    percentile (vs the 24h / MDA8 limit) are all ≤ the limit; the unit complies when all 6
    do (``compliant``; missing when any statistic is invalid). Exceedance multiple =
    (C − S)/S, reported when C > S (else 0). Adds ``<stat>_limit``, ``<stat>_exceed``,
    ``ok_<pollutant>``, ``compliant`` and ``exceeding`` (';'-joined statistics over the limit).
    Statistics are compared with the limits after rounding as reported (修约值比较: whole
    µg/m³, CO 0.1 mg/m³, GB/T 8170), so 35.4 µg/m³ meets a limit of 35.
    """
    out = stats.copy()
    rounded = {
        c: out[c].astype(float).round(1 if c.startswith("co") else 0)
        for c in [*ANNUAL, *(col for col, _p, _n in PERCENTILES.values())]
        if c in out
    }
    checks: dict[str, list[str]] = {p: [] for p in POLLUTANTS}
    for pol, key in ANNUAL.items():
        s = limit(key, "annual", grade, limit_set=limit_set)
        out[f"{pol}_limit"] = s
        out[f"{pol}_exceed"] = np.maximum((rounded[pol] - s) / s, 0.0)
        checks[pol].append(pol)
    for pol, (col, _p, (name, avg)) in PERCENTILES.items():
        s = limit(name, avg, grade, limit_set=limit_set)
        out[f"{col}_limit"] = s
        out[f"{col}_exceed"] = np.maximum((rounded[col] - s) / s, 0.0)
        checks[pol].append(col)
    all_ok = pd.Series(True, index=out.index, dtype=object)
    exceeding = pd.Series("", index=out.index, dtype=object)
    for pol, cols in checks.items():
        valid = out.get(f"valid_{pol}", pd.Series(True, index=out.index)).astype(bool)
        over = pd.concat([rounded[c] > out[f"{c}_limit"] for c in cols], axis=1).any(axis=1)
        ok = pd.Series(~over, dtype=object).where(valid, None)
        out[f"ok_{pol}"] = ok
        for c in cols:
            exceeding = exceeding + np.where(rounded[c] > out[f"{c}_limit"], c + ";", "")
        all_ok = all_ok.where(ok.notna() & all_ok.notna(), None)
        all_ok = all_ok.where(ok.isna() | (ok == True), False)  # noqa: E712
    out["compliant"] = all_ok
    out["exceeding"] = exceeding.str.rstrip(";")
    return out


def good_ratio(good_days: pd.Series, valid_days: pd.Series) -> pd.Series:
    """Good-day ratio 优良天数比例 = days with AQI ≤ 100 ÷ valid days × 100 %; HJ 663.

    [@hj663:good-day-ratio]. Zero valid days → NaN.
    """
    valid = valid_days.astype(float)
    return (good_days.astype(float) / valid.where(valid > 0)) * 100.0
