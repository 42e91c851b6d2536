"""Site daily values from hourly data in one scan; GB 3095-2012/2026 Table 4, HJ 663 §6.1.2.

Per site and natural day (hour-ending stamps, 00:00 = 24:00 of the previous day): the
daily means of PM2.5, PM10, SO2, NO2 and CO, valid with ≥ 20 hourly values; the 17 O3
8-h windows ending 08:00 … 24:00, each valid with ≥ 6 hourly values; the 24 hourly O3
values.

The hourly table is read once, by the engine (DuckDB or Spark), with one SQL definition
(:func:`site_slots_sql`): counts and sums per site-day plus the O3 values as a list of
(hour, value) pairs. :func:`layout` then places the pairs in 24 hourly slots and derives
the windows with whole-array numpy operations. Site-days where an hour holds more than one
O3 value (duplicate stamps) are recomputed from their rows with the row-wise reference
definition :func:`site_day_sql`, which the layout equals everywhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from meili.engine.day_arrays import DAILY_POLS, HOURS, WINDOW_ENDS, DayArrays, sort_rows
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

    GB 3095 Table 4 inputs from the rows of ``source``: ``n_<p>``/``m_<p>`` per pollutant,
    ``c<e>``/``s<e>`` = count/sum of the O3 values of hours e − 7 … e, ``h<h>`` = the O3
    value of hour h (the largest when an hour holds several).
    """
    aggs = []
    for p in DAILY_POLS:
        aggs.append(f"count({p}) AS n_{p}, avg({p}) AS m_{p}")
    for e in WINDOW_ENDS:
        cond = f"hh BETWEEN {e - 7} AND {e}"
        aggs.append(f"count(o3) FILTER (WHERE {cond}) AS c{e}")
        aggs.append(f"sum(o3) FILTER (WHERE {cond}) AS s{e}")
    for h in HOURS:
        aggs.append(f"max(o3) FILTER (WHERE hh = {h}) AS h{h}")
    return f"""{_hourly_cte(start, end, source)}
SELECT site_code, day, {", ".join(aggs)}
FROM h GROUP BY site_code, day
"""


def site_slots_sql(start: object, end: object, source: str = "hourly") -> str:
    """One-scan site-day aggregate: daily counts/sums and the O3 (hour, value) pairs ``l``.

    The pairs are collected without order (each value carries its hour), so the result is
    the same on DuckDB (``array_agg``) and Spark (``collect_list``).
    """
    aggs = [f"count({p}) AS n_{p}, sum({p}) AS s_{p}" for p in DAILY_POLS]
    aggs.append("array_agg(struct_pack(hh := hh, v := o3)) FILTER (WHERE o3 IS NOT NULL) AS l")
    return f"""{_hourly_cte(start, end, source)}
SELECT site_code, day, {", ".join(aggs)}
FROM h GROUP BY site_code, day
"""


def _daily_values(n: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Daily mean where ≥ 20 hourly values, else NaN (GB 3095 Table 4)."""
    return np.where(n >= MIN_HOURS_DAILY, mean, np.nan)


def _window_block(hours: np.ndarray, out: np.ndarray, hours_present: np.ndarray) -> None:
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


def _windows(hours: np.ndarray, block: int = 16384) -> tuple[np.ndarray, np.ndarray]:
    """Valid 8-h O3 means (≥ 6 hourly values) of the windows ending 08:00 … 24:00.

    GB 3095-2012/2026 Table 4, HJ 663 §6.1.2: window e averages the values of hours
    e − 7 … e that are present. Sums of 2, 4, then 8 consecutive hours are built for all
    windows at once (hours 1 … 24 are rows 0 … 23; window e covers rows e − 8 … e − 1),
    ``block`` site-days at a time so that the intermediates stay in cache. Also returns
    the number of hours present per site-day.
    """
    out = np.empty((len(WINDOW_ENDS), hours.shape[1]))
    present = np.empty(hours.shape[1], dtype=np.int64)
    for lo in range(0, hours.shape[1], block):
        part = slice(lo, lo + block)
        _window_block(hours[:, part], out[:, part], present[part])
    return out, present


def _keys(site_code: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct site codes and each row's position among them."""
    encoded = site_code.combine_chunks().dictionary_encode()
    names = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
    order = np.argsort(names.astype(str), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return names[order], rank[encoded.indices.to_numpy(zero_copy_only=False)]


def _place(pairs: pa.ChunkedArray, where: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """Put each (hour, value) pair of result row r in ``hours[hour - 1, where[r]]``.

    Chunk by chunk, without copying the lists; returns the number of pairs per sorted row.
    """
    n = hours.shape[1]
    itype = np.int32 if len(HOURS) * n < 2**31 else np.int64
    flat_hours = hours.reshape(-1)
    per_row = np.zeros(n, dtype=np.int64)
    start = 0
    for chunk in pairs.chunks:
        rows = where[start : start + len(chunk)].astype(itype)
        start += len(chunk)
        offsets = chunk.offsets.to_numpy()
        lengths = np.diff(offsets)
        if chunk.null_count and lengths[~chunk.is_valid().to_numpy(zero_copy_only=False)].any():
            cell = rows[pc.list_parent_indices(chunk).to_numpy()]
            flat = pc.list_flatten(chunk)
        else:
            cell = np.repeat(rows, lengths)
            flat = chunk.values.slice(offsets[0], offsets[-1] - offsets[0])
        hour = flat.field("hh").to_numpy(zero_copy_only=False)
        value = flat.field("v").to_numpy(zero_copy_only=False)
        if (rows < 0).any():  # rows left out (sites not kept)
            kept = cell >= 0
            cell, hour, value = cell[kept], hour[kept], value[kept]
        per_row += np.bincount(cell, minlength=n)
        cell += (hour.astype(itype) - 1) * itype(n)
        flat_hours[cell] = value
    return per_row


def layout(table: pa.Table, keep: Iterable[str] | None = None) -> tuple[DayArrays, np.ndarray]:
    """:class:`DayArrays` of a :func:`site_slots_sql` result, and which rows hold duplicates.

    Rows of the sites in ``keep`` (all when None) are put in (site, day) order and each O3
    pair in its hourly slot; a row is flagged when a slot got more than one value (its
    windows must come from :func:`site_day_sql`).
    """
    keys, codes = _keys(table.column("site_code"))
    day = table.column("day").to_numpy().astype("datetime64[D]")
    order = sort_rows(codes, day)
    if keep is not None:
        kept = np.isin(keys.astype(str), np.asarray(list(keep), dtype=str))
        if not kept.all():
            order = order[kept[codes[order]]]
    n = len(order)
    where = np.full(table.num_rows, -1, dtype=np.int64)  # sorted position of each result row
    where[order] = np.arange(n)
    counts = np.empty((len(DAILY_POLS), n), dtype=np.int64)
    values = np.empty((len(DAILY_POLS), n))
    for i, p in enumerate(DAILY_POLS):
        counts[i] = table.column(f"n_{p}").to_numpy()[order]
        total = table.column(f"s_{p}").to_numpy(zero_copy_only=False)[order]
        with np.errstate(invalid="ignore", divide="ignore"):
            values[i] = _daily_values(counts[i], total / counts[i])
    hours = np.full((len(HOURS), n), np.nan)
    per_row = _place(table.column("l"), where, hours)
    windows, present = _windows(hours)
    days = DayArrays(keys, codes[order], day[order], values, counts, windows, hours)
    return days, per_row != present


def _reference_rows(frame: pd.DataFrame, days: DayArrays, rows: np.ndarray) -> None:
    """Overwrite ``rows`` of ``days`` with :func:`site_day_sql` results (``frame``)."""
    stamp = frame["day"].to_numpy().astype("datetime64[D]").astype(np.int64)
    pos = pd.MultiIndex.from_arrays([frame["site_code"].to_numpy(), stamp])
    want = [days.keys[days.codes[rows]], days.day[rows].astype(np.int64)]
    at = pos.get_indexer(pd.MultiIndex.from_arrays(want))
    got = frame.iloc[at]
    for i, p in enumerate(DAILY_POLS):
        n = got[f"n_{p}"].to_numpy().astype(np.int64)
        days.counts[i, rows] = n
        days.values[i, rows] = _daily_values(n, got[f"m_{p}"].to_numpy(dtype=float))
    for i, e in enumerate(WINDOW_ENDS):
        c = got[f"c{e}"].to_numpy(dtype=float)
        s = got[f"s{e}"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            days.windows[i, rows] = np.where(c >= MIN_HOURS_O3_8H, s / c, np.nan)
    for i, h in enumerate(HOURS):
        days.hours[i, rows] = got[f"h{h}"].to_numpy(dtype=float)


def site_days(
    eng: Any, start: object, end: object, source: str, keep: Iterable[str] | None = None
) -> DayArrays:
    """Site daily values of ``source`` (hourly rows) from ``start`` to ``end``; one scan.

    ``keep``: the site codes to keep, applied to the site-days (the same rows as
    filtering the hours first). Duplicate-stamp site-days are recomputed from their rows
    (:func:`site_day_sql`).
    """
    days, dup = layout(eng.fetch_arrow(site_slots_sql(start, end, source)), keep)
    if dup.any():
        rows = np.flatnonzero(dup)
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
        _reference_rows(eng.fetch(site_day_sql(start, end, "hourly_dup")), days, rows)
    return days
