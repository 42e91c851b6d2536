"""Site daily values from hourly data in one scan; GB 3095-2012/2026 Table 4, HJ 663 §6.1.2.

Per site and natural day (hour-ending stamps, 00:00 = 24:00 of the previous day): the
daily means of PM2.5, PM10, SO2, NO2 and CO, valid with ≥ 20 hourly values; the 17 O3
8-h windows ending 08:00 … 24:00, each valid with ≥ 6 hourly values; the 24 hourly O3
values. Per unit (a city: its evaluation sites, HJ 663-2013/2026 §3) and day: the mean
over the member site-days of each of them.

The hourly table is read once, by the engine (DuckDB or Spark), with one SQL definition
(:func:`site_slots_sql`): counts and sums per site-day plus the O3 values as a list of
codes 32·v + h (value v, hour h; 32-bit), exact for whole non-negative values below 2^26
(CNEMC publishes whole µg/m³). :func:`layout` then takes the site-days in (unit, day,
site) order, a block at a time: it places the values in 24 hourly slots, derives the
windows and adds them to their unit-day, in cache; a site-day keeps only its O3 summary
(MDA8 inputs, 1-h maximum). Site-days where an hour holds more than one O3 value
(duplicate stamps) or a value has no code (code 0: fractional, negative or huge) are
recomputed from their rows with the row-wise reference definition :func:`site_day_sql`,
which the layout equals everywhere else.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from meili.engine import exact_sql, local_threads
from meili.engine.day_arrays import (
    DAILY_POLS,
    HOURS,
    WINDOW_ENDS,
    DayArrays,
    UnitSums,
    member_runs,
    o3_summary,
    sort_rows,
)
from meili.standards.air.validity import MIN_HOURS_DAILY, MIN_HOURS_O3_8H


def _hourly_cte(start: object, end: object, source: str) -> str:
    """Hourly rows of the natural days ``start`` … ``end``: hour-ending 00:00 is hour 24."""
    lo = pd.Timestamp(start).strftime("%Y-%m-%d")
    hi = (pd.Timestamp(end) + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    return f"""
WITH h AS (
  SELECT site_code,
         CAST(time - INTERVAL 1 HOUR AS DATE) AS day,
         CAST(CASE WHEN hour(time) = 0 THEN 24 ELSE hour(time) END AS INTEGER) AS hh,
         pm25, pm10, so2, no2, co, o3
  FROM {source}
  WHERE time > CAST(DATE '{lo}' AS TIMESTAMP) AND time <= CAST(DATE '{hi}' AS TIMESTAMP)
)"""


def site_day_sql(start: object, end: object, source: str = "hourly") -> str:
    """Row-wise reference: per site-day counts/means, 8-h window counts/sums, hourly O3.

    GB 3095 Table 4 inputs from the rows of ``source``: ``n_<p>``/``s_<p>`` per pollutant,
    ``c<e>``/``s<e>`` = count/sum of the O3 values of hours e − 7 … e, ``h<h>`` = the O3
    value of hour h (the largest when an hour holds several). Sums are
    :func:`meili.engine.exact_sql.sum_sql` (order-independent, in units of 10⁻⁹).
    """
    aggs = []
    for p in DAILY_POLS:
        aggs.append(f"count({p}) AS n_{p}, {exact_sql.sum_sql(p)} AS s_{p}")
    for e in WINDOW_ENDS:
        cond = f"hh BETWEEN {e - 7} AND {e}"
        aggs.append(f"count(o3) FILTER (WHERE {cond}) AS c{e}")
        aggs.append(f"sum({exact_sql.units_sql('o3')}) FILTER (WHERE {cond}) AS s{e}")
    for h in HOURS:
        aggs.append(f"max(o3) FILTER (WHERE hh = {h}) AS h{h}")
    return f"""{_hourly_cte(start, end, source)}
SELECT site_code, day, {", ".join(aggs)}
FROM h GROUP BY site_code, day
"""


HOUR_BITS = 5  # an O3 code is value · 2^5 + hour (hours 1 … 24 < 32)
CODE_LIMIT = 2**26  # whole values below this code exactly as 32-bit integers


def site_slots_sql(start: object, end: object, source: str = "hourly") -> str:
    """One-scan site-day aggregate: daily counts/sums and the O3 codes ``l``.

    Sums are :func:`meili.engine.exact_sql.sum_sql` (order-independent). Each O3 value v
    of hour h is listed as the integer v · 32 + h when v is whole and 0 ≤ v < 2^26, else
    as 0 (no hour: the site-day goes to :func:`site_day_sql`). The codes are collected
    without order, so the result is the same on DuckDB (``array_agg``) and Spark
    (``collect_list``); the whole-value test keeps the integer cast exact on both (DuckDB
    rounds a fractional double, Spark truncates it).
    """
    aggs = [f"count({p}) AS n_{p}, {exact_sql.sum_sql(p)} AS s_{p}" for p in DAILY_POLS]
    code = (
        f"CASE WHEN o3 = floor(o3) AND o3 >= 0 AND o3 < {CODE_LIMIT} "
        f"THEN CAST(o3 AS INTEGER) * {2**HOUR_BITS} + hh ELSE 0 END"
    )
    aggs.append(f"array_agg({code}) FILTER (WHERE o3 IS NOT NULL) AS l")
    return f"""{_hourly_cte(start, end, source)}
SELECT site_code, day, {", ".join(aggs)}
FROM h GROUP BY site_code, day
"""


def _daily_values(n: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Daily mean where ≥ 20 hourly values, else NaN (GB 3095 Table 4)."""
    return np.where(n >= MIN_HOURS_DAILY, mean, np.nan)


def _window_block(hours: np.ndarray, out: np.ndarray, hours_present: np.ndarray) -> np.ndarray:
    """Valid 8-h means of ``hours`` [24, w] into ``out`` [17, w]; which hours are present."""
    present = ~np.isnan(hours)
    present.sum(axis=0, out=hours_present)
    filled = np.where(present, hours, 0.0)
    seen = present.view(np.int8)
    two, seen2 = filled[:-1] + filled[1:], seen[:-1] + seen[1:]
    four, seen4 = two[:-2] + two[2:], seen2[:-2] + seen2[2:]
    total, count = four[:-4] + four[4:], seen4[:-4] + seen4[4:]  # rows 0 … 16 = e 8 … 24
    with np.errstate(invalid="ignore", divide="ignore"):
        np.divide(total, count, out=out)
    out[count < MIN_HOURS_O3_8H] = np.nan
    return present


def _keys(site_code: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct site codes and each row's position among them."""
    encoded = site_code.combine_chunks().dictionary_encode()
    names = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
    order = np.argsort(names.astype(str), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return names[order], rank[encoded.indices.to_numpy(zero_copy_only=False)]


class _Lists:
    """The code lists of a result column, read for any result rows without copying them."""

    def __init__(self, column: pa.ChunkedArray) -> None:
        self.parts = []  # per chunk: first result row, list starts, lengths, values
        first = 0
        for chunk in column.chunks:
            offsets = chunk.offsets.to_numpy()
            lengths = np.diff(offsets)
            if chunk.null_count:  # a null list holds no codes, whatever its span
                lengths[~chunk.is_valid().to_numpy(zero_copy_only=False)] = 0
            self.parts.append((first, offsets[:-1], lengths, chunk.values.to_numpy()))
            first += len(chunk)
        self.bounds = np.array([part[0] for part in self.parts] + [first])

    def gather(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Codes of result rows ``rows``: (position in ``rows`` of each, codes, codes per row)."""
        if len(self.parts) == 1:
            picks = [(slice(None), self.parts[0])]
        else:
            which = np.searchsorted(self.bounds, rows, side="right") - 1
            picks = [(np.flatnonzero(which == i), part) for i, part in enumerate(self.parts)]
        owners, codes = [], []
        per_row = np.zeros(len(rows), dtype=np.int64)
        for pos, (first, starts, lengths, values) in picks:
            local = rows[pos] - first
            n = lengths[local]
            per_row[pos] = n
            ends = np.cumsum(n)
            owners.append(np.repeat(np.arange(len(rows))[pos], n))
            codes.append(
                values[
                    np.arange(ends[-1] if len(ends) else 0) + np.repeat(starts[local] - ends + n, n)
                ]
            )
        if len(owners) == 1:
            return owners[0], codes[0], per_row
        return np.concatenate(owners), np.concatenate(codes), per_row


def _cuts(n: int, counted: int, starts: np.ndarray, block: int) -> np.ndarray:
    """Block bounds over positions 0 … n: about ``block`` apart, never inside a unit-day
    (``starts``) of the first ``counted`` positions."""
    bounds = np.append(starts, counted)
    within = bounds[np.searchsorted(bounds, np.arange(0, counted, block))]
    return np.unique(np.concatenate([within, [counted, n], np.arange(counted, n, block)]))


def _pass(
    lists: _Lists,
    rows: np.ndarray,
    place: np.ndarray,
    values: np.ndarray,
    counted: int,
    starts: np.ndarray,
    sums: UnitSums,
    block: int = 8192,
    threads: int = 1,
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """One pass over the site-days ``rows`` (result rows, sorted by unit, day, site).

    Per block, in cache: the O3 codes are put in hourly slots (a code 0 is counted, not
    placed) and GB 3095-2012/2026 Table 4, HJ 663 §6.1.2: window e (ending 08:00 …
    24:00) averages the values of hours e − 7 … e present, valid with ≥ 6 (sums of 2, 4,
    then 8 consecutive hours, for all windows at once). Kept per site-day, at its
    position ``place``: the :func:`o3_summary` and codes − hours present (> 0: duplicate
    stamps or codes 0, to be recomputed by :func:`site_day_sql`). The first ``counted``
    site-days (unit members, unit-days beginning at ``starts``) are added to ``sums``,
    their daily means ``values`` [5, n] (by position) included, except the O3 of the
    flagged ones. Blocks are independent: ``threads`` of them run at once.
    """
    n = len(rows)
    top, hour_max = np.empty(n), np.empty(n)
    valid, extra = np.empty(n, dtype=np.int32), np.empty(n, dtype=np.int64)
    p, w = len(DAILY_POLS), len(WINDOW_ENDS)

    def one(bounds: tuple[int, int]) -> None:
        lo, hi = bounds
        width = hi - lo
        at = place[lo:hi]
        stats = np.empty((p + w + len(HOURS), width))  # daily means, windows, hours
        owner, code, per_row = lists.gather(rows[lo:hi])
        hour = code & (2**HOUR_BITS - 1)
        if not hour.all():
            placed = hour > 0
            owner, code, hour = owner[placed], code[placed], hour[placed]
        slots = stats[p + w :]
        slots.fill(np.nan)
        slots.reshape(-1)[(hour - 1) * width + owner] = code >> HOUR_BITS
        windows = stats[p : p + w]
        present = np.empty(width, dtype=np.int64)
        seen = _window_block(slots, windows, present)
        flagged = per_row != present
        extra[at] = per_row - present
        top[at], valid[at], hour_max[at] = o3_summary(windows, slots)
        if lo >= counted:
            return
        stats[:p] = values[:, at]
        ok = np.empty(stats.shape, dtype=bool)
        np.equal(stats[: p + w], stats[: p + w], out=ok[: p + w])  # not NaN
        ok[p + w :] = seen
        if flagged.any():
            ok[p:, flagged] = False
        first = int(np.searchsorted(starts, lo))
        sums.set(starts[first : np.searchsorted(starts, hi)] - lo, first, stats, ok)

    blocks = list(itertools.pairwise(_cuts(n, counted, starts, block).tolist()))
    if threads > 1:  # blocks write disjoint slices; numpy releases the GIL while computing
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(one, blocks))
    else:
        for bounds in blocks:
            one(bounds)
    return (top, valid, hour_max), extra


def layout(
    table: pa.Table,
    keep: Iterable[str] | None = None,
    units: Mapping[str, str] | None = None,
    threads: int = 1,
) -> tuple[DayArrays, UnitSums, np.ndarray, np.ndarray]:
    """Site days and unit sums of a :func:`site_slots_sql` result; flagged rows, unit-days.

    Site-days of the sites in ``keep`` (all when None), in (site, day) order, with their
    O3 summarised (:func:`o3_summary`); the unit sums (HJ 663-2013/2026 §3 city value,
    finished by ``.means()``) over the member site-days (``units``: site code → unit key;
    other sites count for none) of each daily mean, 8-h window and hourly O3 value.
    Flagged site-days (see :func:`_pass`) are to be completed by :func:`_reference_rows`
    first: returned with the unit-day of each site-day (−1 for none).
    """
    keys, codes = _keys(table.column("site_code"))
    day = table.column("day").to_numpy().astype("datetime64[D]")
    order = sort_rows(codes, day)
    if keep is not None:
        kept = np.isin(keys.astype(str), np.asarray(list(keep), dtype=str))
        if not kept.all():
            order = order[kept[codes[order]]]
    units = units or {}
    unit_keys = np.array(sorted(set(units.values())), dtype=object)
    unit_of = np.full(len(keys), -1, dtype=np.int64)  # −1: the site counts for no unit
    for i, k in enumerate(keys.tolist()):
        if k in units:
            unit_of[i] = np.searchsorted(unit_keys, units[k])
    sday = day[order]
    unit = unit_of[codes[order]]
    members, starts = member_runs(unit, sday)
    perm = np.concatenate([members, np.flatnonzero(unit < 0)])  # members first
    counted = len(members)
    n = len(order)
    counts = np.empty((len(DAILY_POLS), n), dtype=np.int64)
    values = np.empty((len(DAILY_POLS), n))
    for i, p in enumerate(DAILY_POLS):
        counts[i] = table.column(f"n_{p}").to_numpy()[order]
        total = table.column(f"s_{p}").to_numpy(zero_copy_only=False)[order]
        values[i] = _daily_values(counts[i], exact_sql.mean(total, counts[i]))
    first = members[starts]
    sums = UnitSums.empty(unit_keys, unit[first], sday[first])
    lists = _Lists(table.column("l"))
    o3, extra = _pass(lists, order[perm], perm, values, counted, starts, sums, threads=threads)
    site = DayArrays(keys, codes[order], sday, values, counts, None, None, o3)
    group = np.full(n, -1, dtype=np.int64)  # unit-day of each site-order row
    group[members] = np.searchsorted(starts, np.arange(counted), side="right") - 1
    return site, sums, extra != 0, group


def _reference_rows(
    frame: pd.DataFrame, days: DayArrays, rows: np.ndarray, sums: UnitSums, group: np.ndarray
) -> None:
    """Complete flagged site-days ``rows`` from :func:`site_day_sql` results (``frame``).

    Their daily means are set (the same sums as the one-scan aggregate), their O3
    summary replaced and their windows and hours added to their unit-days.
    """
    stamp = frame["day"].to_numpy().astype("datetime64[D]").astype(np.int64)
    pos = pd.MultiIndex.from_arrays([frame["site_code"].to_numpy(), stamp])
    want = [days.keys[days.codes[rows]], days.day[rows].astype(np.int64)]
    at = pos.get_indexer(pd.MultiIndex.from_arrays(want))
    got = frame.iloc[at]
    for i, p in enumerate(DAILY_POLS):
        n = got[f"n_{p}"].to_numpy().astype(np.int64)
        days.counts[i, rows] = n
        days.values[i, rows] = _daily_values(
            n, exact_sql.mean(got[f"s_{p}"].to_numpy(dtype=float), n)
        )
    windows = np.empty((len(WINDOW_ENDS), len(rows)))
    for i, e in enumerate(WINDOW_ENDS):
        c = got[f"c{e}"].to_numpy(dtype=float)
        s = got[f"s{e}"].to_numpy(dtype=float)
        windows[i] = np.where(c >= MIN_HOURS_O3_8H, exact_sql.mean(s, c), np.nan)
    hours = np.array([got[f"h{h}"].to_numpy(dtype=float) for h in HOURS])
    assert days.o3 is not None
    for target, x in zip(days.o3, o3_summary(windows, hours), strict=True):
        target[rows] = x
    member = group[rows] >= 0
    if member.any():
        o3 = np.concatenate([windows, hours])[:, member]
        stats = np.concatenate([np.full((len(DAILY_POLS), int(member.sum())), np.nan), o3])
        sums.add(group[rows][member], stats)


def site_days(
    eng: Any,
    start: object,
    end: object,
    source: str,
    keep: Iterable[str] | None = None,
    units: Mapping[str, str] | None = None,
) -> tuple[DayArrays, DayArrays]:
    """Site and unit daily values of ``source`` (hourly rows), ``start`` … ``end``; one scan.

    ``keep``: the site codes to keep, applied to the site-days (the same rows as
    filtering the hours first). ``units``: site code → unit key of the sites whose means
    make a unit (HJ 663 §3: a city's evaluation sites). Flagged site-days (duplicate
    stamps, O3 values without code) are recomputed from their rows (:func:`site_day_sql`).
    """
    table = eng.fetch_arrow(site_slots_sql(start, end, source))
    days, sums, flagged, group = layout(table, keep, units, local_threads(eng))
    del table
    if flagged.any():
        rows = np.flatnonzero(flagged)
        eng.register(
            "site_dup",
            pd.DataFrame(
                {"site_code": days.keys[days.codes[rows]], "day": days.day[rows].tolist()}
            ),
        )
        eng.view(
            "hourly_dup",
            f"SELECT h.* FROM {source} h SEMI JOIN site_dup d ON h.site_code = d.site_code "
            "AND CAST(h.time - INTERVAL 1 HOUR AS DATE) = d.day",
        )
        frame = eng.fetch(site_day_sql(start, end, "hourly_dup"))
        _reference_rows(frame, days, rows, sums, group)
    return days, sums.means()
