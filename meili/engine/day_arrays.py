"""Daily air values of sites, cities or zones as column arrays: unit means and the MDA8 rule.

One :class:`DayArrays` holds one row per unit (site, city, zone) and natural day, with the
valid daily means of PM2.5, PM10, SO2, NO2, CO, the valid O3 8-h window means (windows
ending 08:00 … 24:00) and the hourly O3 values, each as a 2-D array with one row per
statistic (contiguous, so every operation is a whole-row numpy call); site-days keep only
the O3 summary instead. Rows are sorted by unit key, then day.

- :class:`UnitSums`, :func:`unit_means`: HJ 663-2013/2026 §3 "city value" — the
  arithmetic mean over the member units (a city's evaluation sites; a zone's cities) of
  their valid daily values, of each 8-h window and of each hourly O3 value, as sums over
  runs of member rows sorted by unit and day.
- :func:`finish`: HJ 663-2013/2026 §6.1.2 and GB 3095-2012/2026 Table 4 — MDA8 is the
  maximum of the 8-h means, valid with ≥ 14 valid windows or when above the grade II
  limit 160 µg/m³; the O3 1-h maximum is the largest hourly value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from meili.standards.air.validity import MIN_WINDOWS_MDA8, O3_8H_GRADE_II

DAILY_POLS = ("pm25", "pm10", "so2", "no2", "co")
WINDOW_ENDS = tuple(range(8, 25))  # 8-h windows ending 08:00 … 24:00
HOURS = tuple(range(1, 25))
STATS = len(DAILY_POLS) + len(WINDOW_ENDS) + len(HOURS)  # statistics a unit-day averages


@dataclass
class DayArrays:
    """Unit-day values; ``codes`` index ``keys`` (sorted), rows sorted by (key, day).

    ``values`` [5, n]: valid daily means (NaN when invalid), in :data:`DAILY_POLS` order;
    ``counts`` [5, n]: hourly values behind a site mean, or member units behind a unit
    mean; ``windows`` [17, n]: valid 8-h O3 means; ``hours`` [24, n]: hourly O3.
    ``o3``: their :func:`o3_summary`, kept instead of them (None) for site-days, whose
    windows and hours are only needed while their unit means are built.
    """

    keys: np.ndarray
    codes: np.ndarray
    day: np.ndarray
    values: np.ndarray
    counts: np.ndarray
    windows: np.ndarray | None
    hours: np.ndarray | None
    o3: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.codes)

    def summary(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:func:`o3_summary` of the rows."""
        if self.o3 is not None:
            return self.o3
        assert self.windows is not None and self.hours is not None
        return o3_summary(self.windows, self.hours)

    def take(self, rows: np.ndarray) -> DayArrays:
        """The rows ``rows`` (positions), same keys."""
        return DayArrays(
            self.keys,
            self.codes[rows],
            self.day[rows],
            self.values[:, rows],
            self.counts[:, rows],
            None if self.windows is None else self.windows[:, rows],
            None if self.hours is None else self.hours[:, rows],
            None if self.o3 is None else tuple(x[rows] for x in self.o3),  # type: ignore[arg-type]
        )


def o3_summary(windows: np.ndarray, hours: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: largest valid 8-h mean, number of valid windows, largest hourly value.

    NaN where there is none; the inputs of the MDA8 rule and the O3 1-h maximum.
    """
    n = windows.shape[1]
    top = np.fmax.reduce(windows, axis=0) if n else np.empty(0)
    valid = (~np.isnan(windows)).sum(axis=0).astype(np.int32)
    hour_max = np.fmax.reduce(hours, axis=0) if n else np.empty(0)
    return top, valid, hour_max


def sort_rows(codes: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Positions ordering rows by key code, then day."""
    return np.lexsort((day, codes))


def member_runs(units: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Member rows (``units`` ≥ 0) in (unit, day) order, stable, and where each unit-day's
    run of rows begins among them."""
    members = np.flatnonzero(units >= 0)
    rows = members[np.lexsort((day[members], units[members]))]
    unit, on = units[rows], day[rows]
    begins = np.ones(len(rows), dtype=bool)
    begins[1:] = (unit[1:] != unit[:-1]) | (on[1:] != on[:-1])
    return rows, np.flatnonzero(begins)


@dataclass
class UnitSums:
    """Per unit-day (sorted by unit, day): sums and numbers of the members' statistics.

    ``sums``/``counts`` [46, g]: the 5 daily means, 17 8-h windows and 24 hourly values
    (:data:`DAILY_POLS`, :data:`WINDOW_ENDS`, :data:`HOURS` order) the members have.
    """

    keys: np.ndarray
    codes: np.ndarray
    day: np.ndarray
    sums: np.ndarray
    counts: np.ndarray

    @classmethod
    def empty(cls, keys: np.ndarray, codes: np.ndarray, day: np.ndarray) -> UnitSums:
        """Room for the unit-days (``codes``, ``day``) of units ``keys``."""
        shape = (STATS, len(codes))
        return cls(keys, codes, day, np.empty(shape), np.empty(shape, dtype=np.int32))

    def set(self, at: np.ndarray, first: int, stats: np.ndarray, ok: np.ndarray) -> None:
        """Unit-days ``first`` … from member columns ``stats`` [46, w] (only where ``ok``),
        unit-day j beginning at column ``at[j]`` (``stats`` is overwritten)."""
        g = slice(first, first + len(at))
        np.copyto(stats, 0.0, where=~ok)
        np.add.reduceat(stats, at, axis=1, out=self.sums[:, g])
        np.add.reduceat(ok.view(np.int8), at, axis=1, dtype=np.int32, out=self.counts[:, g])

    def add(self, groups: np.ndarray, stats: np.ndarray) -> None:
        """Add member columns ``stats`` [46, k] (NaN = missing) to unit-days ``groups``."""
        ok = ~np.isnan(stats)
        np.add.at(self.sums, (slice(None), groups), np.where(ok, stats, 0.0))
        np.add.at(self.counts, (slice(None), groups), ok)

    def means(self) -> DayArrays:
        """HJ 663-2013/2026 §3 (city value): each statistic averaged over the members
        having it; ``counts`` = members with a valid daily mean."""
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = self.sums / self.counts
        p, w = len(DAILY_POLS), len(WINDOW_ENDS)
        counts = self.counts[:p].astype(np.int64)
        return DayArrays(
            self.keys, self.codes, self.day, mean[:p], counts, mean[p : p + w], mean[p + w :]
        )


def unit_means(days: DayArrays, units: np.ndarray, unit_keys: np.ndarray) -> DayArrays:
    """Unit day values as means over member rows; HJ 663-2013/2026 §3 (city value).

    ``units[r]`` is the unit (index into the sorted ``unit_keys``) row r counts for, −1
    when it counts for none. Each statistic is averaged over the members that have it.
    (Cities are built from their sites in :func:`meili.engine.site_days.layout`, block by
    block, with the same :class:`UnitSums`.)
    """
    assert days.windows is not None and days.hours is not None
    rows, starts = member_runs(units, days.day)
    first = rows[starts]
    sums = UnitSums.empty(unit_keys, units[first].astype(np.int64), days.day[first])
    stats = np.concatenate([days.values[:, rows], days.windows[:, rows], days.hours[:, rows]])
    if len(starts):
        sums.set(starts, 0, stats, ~np.isnan(stats))
    return sums.means()


def finish(days: DayArrays, count_prefix: str) -> pd.DataFrame:
    """One row per unit-day: daily means, counts, MDA8, windows, O3 1-h max.

    HJ 663-2013/2026 §6.1.2, GB 3095-2012/2026 Table 4: MDA8 = max of the valid 8-h
    means, valid with ≥ 14 valid windows or above 160 µg/m³. Count columns are named
    ``<count_prefix>_<pollutant>`` (``n`` hours for sites, ``sites`` for units).
    """
    n = len(days)
    floats = np.empty((len(DAILY_POLS) + 2, n))  # one float block, handed to pandas uncopied
    floats[: len(DAILY_POLS)] = days.values
    top, valid, hour_max = days.summary()
    keep = (valid >= MIN_WINDOWS_MDA8) | (top > O3_8H_GRADE_II)
    floats[-2] = np.where(keep & (top >= 0), top, np.nan)
    floats[-1] = np.where(hour_max >= 0, hour_max, np.nan)
    frame = pd.DataFrame(floats.T, columns=[*DAILY_POLS, "o3_8h", "o3_1h"], copy=False)
    frame.insert(0, "key", days.keys[days.codes])
    frame.insert(1, "day", days.day.astype("datetime64[us]"))
    for i, p in enumerate(DAILY_POLS):
        frame.insert(2 + len(DAILY_POLS) + i, f"{count_prefix}_{p}", days.counts[i])
    frame.insert(len(frame.columns) - 1, "o3_8h_windows", valid)
    return frame
