"""GB 3095 data-validity rules (Table 4) and the O3 MDA8 rule, as pure pandas functions.

GB 3095-2012/2026 Table 4 [@gb3095-2012:t4] [@gb3095-2026:t4], the averaging periods of
GB 3095-2026 §3.8–§3.13 [@gb3095-2026:3.8] and the MDA8 window rule of HJ 663 §6.1.2
[@hj663:6.1.2] (one source, unconfirmed: the HJ 663 text was not read).

Every function returns the statistic together with ``n`` (values used), ``valid`` and
``reason`` (``""`` when valid): invalid periods are reported, never silently averaged.
Input: hourly means with a ``DatetimeIndex`` — a Series (one site) or a wide DataFrame (one
column per site, the result is then long, indexed by (period, column)). ``stamps="end"``
(default, CNEMC convention: 01:00 labels 00:00–01:00 and 00:00 is 24:00 of the previous day)
or ``"start"`` (the stamp opens the hour). Missing hours may be absent or NaN.
"""

from __future__ import annotations

from typing import Final, Literal

import numpy as np
import pandas as pd

Stamps = Literal["end", "start"]

#: GB 3095-2012 Table 4 and GB 3095-2026 Table 4 (same numbers; 2026 read in the PDF).
MIN_HOURS_DAILY: Final = 20
MIN_HOURS_O3_8H: Final = 6
MIN_DAYS_YEAR: Final = 324
MIN_DAYS_MONTH: Final = 27
MIN_DAYS_FEBRUARY: Final = 25
#: HJ 663-2013 §6.1.2 / HJ 663-2026 §6.1.2 [@hj663:6.1.2] (one source; unconfirmed).
MIN_WINDOWS_MDA8: Final = 14
O3_8H_GRADE_II: Final = 160.0


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    if all(pd.api.types.is_numeric_dtype(t) for t in frame.dtypes):
        return frame.astype(np.float64)
    return frame.apply(pd.to_numeric, errors="coerce").astype(np.float64)


def _hour_end_frame(hourly: pd.Series | pd.DataFrame, stamps: Stamps) -> pd.DataFrame:
    frame = hourly.to_frame() if isinstance(hourly, pd.Series) else hourly
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise TypeError("hourly data need a DatetimeIndex")
    if stamps not in ("end", "start"):
        raise ValueError("stamps must be 'end' or 'start'")
    frame = _numeric(frame)
    if frame.index.has_duplicates:  # duplicate stamps: one value per hour
        frame = frame.groupby(level=0).mean()
    elif not frame.index.is_monotonic_increasing:
        frame = frame.sort_index()
    if stamps == "start":
        frame.index = frame.index + pd.Timedelta(hours=1)
    return frame


def _day_of(end_stamps: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Natural day of an hour-ending stamp: 00:00 belongs to the previous day (24:00)."""
    return (end_stamps - pd.Timedelta(hours=1)).normalize()


def _result(
    value: pd.DataFrame, n: pd.DataFrame, valid: pd.DataFrame, reason: pd.DataFrame, single: bool
) -> pd.DataFrame:
    parts = {"value": value.where(valid), "n": n, "valid": valid, "reason": reason}
    if single:
        out = pd.DataFrame({k: v.iloc[:, 0] for k, v in parts.items()})
    else:
        index = pd.MultiIndex.from_product([value.index, value.columns])
        out = pd.DataFrame({k: v.to_numpy().ravel() for k, v in parts.items()}, index=index)
    out["n"] = out["n"].astype(np.int64)
    out["valid"] = out["valid"].astype(bool)
    return out


def daily_mean(
    hourly: pd.Series | pd.DataFrame, *, min_hours: int = MIN_HOURS_DAILY, stamps: Stamps = "end"
) -> pd.DataFrame:
    """Daily (24-h) mean per natural day; GB 3095-2012 / GB 3095-2026 Table 4: ≥ 20 hourly values.

    GB 3095-2026 §3.10: the daily mean is over the natural day. Days with fewer than
    ``min_hours`` values are invalid (``value`` NaN). Indexed by the day (midnight).
    [@gb3095-2026:t4] [@gb3095-2026:3.8]
    """
    frame = _hour_end_frame(hourly, stamps)
    days = _day_of(frame.index)
    grouped = frame.groupby(days)
    n = grouped.count()
    full = pd.date_range(n.index.min(), n.index.max(), freq="D") if len(n) else n.index
    n = n.reindex(full, fill_value=0)
    mean = grouped.mean().reindex(full)
    valid = n >= min_hours
    reason = pd.DataFrame(
        np.where(valid, "", f"fewer than {min_hours} hourly values"),
        index=n.index,
        columns=n.columns,
    )
    return _result(mean, n, valid, reason, isinstance(hourly, pd.Series))


def _windows(frame: pd.DataFrame, min_hours: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    if len(frame):
        grid = pd.date_range(frame.index.min(), frame.index.max(), freq="h")
        frame = frame.reindex(grid)
    rolling = frame.rolling(8, min_periods=1)
    n = rolling.count().fillna(0).astype(np.int64)
    mean = rolling.mean().where(n >= min_hours)
    return mean, n


def o3_8h_moving(
    hourly: pd.Series | pd.DataFrame, *, min_hours: int = MIN_HOURS_O3_8H, stamps: Stamps = "end"
) -> pd.DataFrame:
    """O3 8-hour moving mean; GB 3095-2026 §3.8 and Table 4 (GB 3095-2012 Table 4): ≥ 6 of 8 hours.

    Indexed by the window's end stamp (the window covers the 8 hours ending there). Windows
    with fewer than ``min_hours`` hourly values are invalid. Unrounded.
    [@gb3095-2026:t4] [@gb3095-2026:3.8]
    """
    frame = _hour_end_frame(hourly, stamps)
    mean, n = _windows(frame, min_hours)
    valid = n >= min_hours
    reason = pd.DataFrame(
        np.where(valid, "", f"fewer than {min_hours} hourly values in 8 h"),
        index=n.index,
        columns=n.columns,
    )
    return _result(mean, n, valid, reason, isinstance(hourly, pd.Series))


def mda8(
    hourly: pd.Series | pd.DataFrame,
    *,
    limit: float = O3_8H_GRADE_II,
    min_windows: int = MIN_WINDOWS_MDA8,
    min_hours: int = MIN_HOURS_O3_8H,
    stamps: Stamps = "end",
) -> pd.DataFrame:
    """O3 daily maximum 8-h mean (MDA8); GB 3095-2026 §3.9, HJ 663-2013/2026 §6.1.2.

    The day's 17 windows end at 08:00 … 24:00 of the natural day (so each lies inside the
    day); a window needs ≥ 6 hourly values (GB 3095 Table 4). The MDA8 needs ≥ 14 valid
    windows; with fewer it is still valid if it exceeds ``limit`` (default the Grade II
    160 µg/m³ of GB 3095-2012/2026; pass 100 for Grade I). ``n`` = valid windows; a day
    valid only by that exception keeps a note in ``reason``.
    [@gb3095-2026:3.8] [@hj663:6.1.2] (the 14-window rule: one source, unconfirmed)
    """
    frame = _hour_end_frame(hourly, stamps)
    mean, _ = _windows(frame, min_hours)
    ends = mean.index
    keep = (ends.hour >= 8) | (ends.hour == 0)  # windows ending 08:00 … 24:00
    mean = mean[keep]
    grouped = mean.groupby(_day_of(mean.index))
    n = grouped.count()
    value = grouped.max()
    if len(n):
        full = pd.date_range(n.index.min(), n.index.max(), freq="D")
        n, value = n.reindex(full, fill_value=0), value.reindex(full)
    enough = n >= min_windows
    exceeds = value > limit
    valid = enough | exceeds
    reason = np.where(
        enough,
        "",
        np.where(
            exceeds,
            f"fewer than {min_windows} valid 8-h windows; valid as it exceeds {limit:g}",
            f"fewer than {min_windows} valid 8-h windows (08:00-24:00)",
        ),
    )
    return _result(
        value,
        n,
        valid,
        pd.DataFrame(reason, index=n.index, columns=n.columns),
        isinstance(hourly, pd.Series),
    )


def annual_mean(
    daily: pd.Series | pd.DataFrame,
    *,
    min_days: int = MIN_DAYS_YEAR,
    min_per_month: int = MIN_DAYS_MONTH,
    min_february: int = MIN_DAYS_FEBRUARY,
) -> pd.DataFrame:
    """Annual mean per calendar year; GB 3095-2012 / GB 3095-2026 Table 4.

    Needs ≥ 324 daily values in the year and ≥ 27 in every month (≥ 25 in February).
    ``daily``: valid daily means indexed by day (NaN = invalid day, e.g. the ``value`` of
    :func:`daily_mean`). ``reason`` names the failing rule and months. Indexed by year.
    [@gb3095-2026:t4] [@gb3095-2026:3.8]
    """
    frame = daily.to_frame() if isinstance(daily, pd.Series) else daily
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise TypeError("daily data need a DatetimeIndex")
    frame = _numeric(frame)
    years = frame.index.year
    per_year = frame.groupby(years)
    n = per_year.count()
    mean = per_year.mean()
    months = pd.MultiIndex.from_product([n.index, range(1, 13)], names=["year", "month"])
    per_month = frame.groupby([years, frame.index.month]).count().reindex(months, fill_value=0)
    need = np.where(per_month.index.get_level_values("month") == 2, min_february, min_per_month)
    short = per_month.lt(need, axis=0)
    label = pd.Series(per_month.index.get_level_values("month").astype(str), index=months)
    short_months = (
        short.apply(lambda col: label.where(col).dropna().groupby(level="year").agg(",".join))
        .reindex(n.index)
        .fillna("")
    )
    year_ok = n >= min_days
    month_ok = short_months == ""
    reason_year = pd.DataFrame(
        np.where(year_ok, "", f"fewer than {min_days} daily values"),
        index=n.index,
        columns=n.columns,
    )
    reason_month = "months below the minimum: " + short_months
    reason = reason_year.where(month_ok, (reason_year + "; ").where(~year_ok, "") + reason_month)
    out = _result(mean, n, year_ok & month_ok, reason, isinstance(daily, pd.Series))
    if isinstance(out.index, pd.MultiIndex):
        out.index = out.index.set_names("year", level=0)
    else:
        out.index.name = "year"
    return out
