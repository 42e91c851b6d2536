"""HJ 633 individual air-quality index (IAQI), vectorised and exact.

HJ 633-2012 §4.2 formula (1), Table 1, §6.2 [@hj633-2012:4.2] [@hj633-2012:t1]
[@hj633-2012:6.2]; HJ 633-2026 §4.2.2, §4.2.4, §4.2.6, Table 3 [@hj633-2026:4.2.2]
[@hj633-2026:4.2.4] [@hj633-2026:4.2.6] [@hj633-2026:t3]. Above the 500 row neither edition
defines an IAQI: Meili's convention [@meili:above-table] reports 500 and flags the value.
"""

from __future__ import annotations

from typing import Final, Literal

import numpy as np
import pandas as pd

from meili.standards.air.editions import edition_for, normalise_edition
from meili.standards.air.fixedpoint import SCALE, ceil_div, round_half_even, to_fixed
from meili.standards.air.hj633_tables import (
    BREAKPOINTS,
    IAQI_ROWS,
    ITEMS,
    ROUNDING_STEP_2026,
    TABLE_OF,
)

AboveTable = Literal["missing", "cap", "raise"]

#: 2026 fixed IAQI above 800 µg/m³: HJ 633-2026 Table 3 footnotes b (SO2 1 h) and c (O3 8 h).
CAP_2026: Final = {"SO2_1H": 200, "O3_8H": 300}
#: 2012 items that get no IAQI above 800 µg/m³: HJ 633-2012 Table 1 footnotes 2 and 3.
NO_IAQI_2012: Final = ("SO2_1H", "O3_8H")
SPECIAL_LIMIT: Final = 800


class AboveTableError(ValueError):
    """A concentration lies above the last breakpoint of an HJ 633 table.

    [@meili:above-table]
    """


def _as_float(concentrations: object) -> tuple[np.ndarray, pd.Index | None]:
    raw = concentrations.to_numpy() if isinstance(concentrations, pd.Series) else concentrations
    index = concentrations.index if isinstance(concentrations, pd.Series) else None
    if isinstance(raw, np.ndarray) and raw.dtype.kind in "fiu":  # fast path: plain numbers
        return np.asarray(raw, dtype=np.float64).reshape(-1), index
    if isinstance(concentrations, pd.Series):
        values = pd.to_numeric(concentrations, errors="coerce").astype("Float64")
        return values.to_numpy(dtype=np.float64, na_value=np.nan), concentrations.index
    values = pd.to_numeric(pd.Series(np.atleast_1d(concentrations)), errors="coerce")
    return values.astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan), None


def _segments(c: np.ndarray, bps: np.ndarray) -> np.ndarray:
    """Segment k with bps[k-1] < c ≤ bps[k] (c ≤ bps[0] → 1, c > bps[-1] → last).

    One comparison per breakpoint: faster than searchsorted on these 6–8 row tables.
    """
    seg = np.ones(c.shape, dtype=np.intp)
    for b in bps[1:-1]:
        seg += c > b
    return seg


def _exact(item: str, values: np.ndarray, ed: str) -> tuple[np.ndarray, np.ndarray]:
    """(IAQI, above-table mask) in exact int64 fixed point (see ``fixedpoint``)."""
    bps = np.asarray(BREAKPOINTS[ed][TABLE_OF.get(item, item)], dtype=np.int64) * SCALE
    rows = np.asarray(IAQI_ROWS[: len(bps)], dtype=np.int64)
    valid = np.isfinite(values) & (values >= 0)
    huge = valid & (values > 1e6)
    fixed = to_fixed(values)
    if ed == "2026":  # HJ 633-2026 §4.2.2: GB/T 8170 rounding before the IAQI
        fixed = round_half_even(fixed, ROUNDING_STEP_2026[item])
    over = huge | (valid & (fixed > bps[-1]))
    seg = _segments(fixed, bps)
    lo, hi = bps[seg - 1], bps[seg]
    num = (rows[seg] - rows[seg - 1]) * (np.minimum(fixed, hi) - lo)
    return rows[seg - 1] + ceil_div(num, hi - lo), over  # HJ 633 formula (1), ceiling


#: A float result this close to an integer (or a 2026 rounding this close to a tie, or a
#: concentration this close to the last breakpoint) is recomputed exactly.
_NEAR = 1e-6


def _fast(
    item: str, values: np.ndarray, ed: str, valid: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(IAQI, above-table mask, needs-exact mask) in float arithmetic.

    Formula (1) in floats is exact except where the quotient is (nearly) an integer, the
    ceiling then being sensitive to rounding error, or where the input sits on a decimal
    tie or on the last breakpoint; those values are flagged for :func:`_exact`.
    """
    bps = np.asarray(BREAKPOINTS[ed][TABLE_OF.get(item, item)], dtype=np.float64)
    rows = np.asarray(IAQI_ROWS[: len(bps)], dtype=np.float64)
    c = np.where(valid, values, 0.0)
    unsure = np.zeros(c.shape, dtype=bool)
    if ed == "2026":  # GB/T 8170: numpy's rint rounds half to even
        step = ROUNDING_STEP_2026[item]
        r = c / step
        unsure |= np.abs(r - np.floor(r) - 0.5) < _NEAR
        c = np.rint(r) * step
    over = valid & (c > bps[-1])
    unsure |= np.abs(c - bps[-1]) < _NEAR
    # formula (1) as x = a_k + b_k·c on segment k (b_k the slope, a_k its intercept); the
    # segment is counted in uint8 (≤ 7 rows), so the two table lookups stay cheap. Values
    # above the table get a meaningless x here; the caller replaces or masks them.
    slope = np.zeros_like(bps)
    slope[1:] = np.diff(rows) / np.diff(bps)
    intercept = np.zeros_like(bps)
    intercept[1:] = rows[:-1] - slope[1:] * bps[:-1]
    seg = np.ones(c.shape, dtype=np.uint8)
    for b in bps[1:-1]:
        seg += (c > b).view(np.uint8)
    x = intercept.take(seg) + slope.take(seg) * c
    unsure |= np.abs(x - np.rint(x)) < _NEAR
    return np.ceil(x).astype(np.int64), over, unsure & valid


def _iaqi_core(item: str, values: np.ndarray, ed: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(IAQI int64 before the special rules, above-table mask, valid-input mask)."""
    if item not in ITEMS:
        raise ValueError(f"unknown item {item!r}; use one of {', '.join(ITEMS)}")
    valid = np.isfinite(values) & (values >= 0)
    result, over, unsure = _fast(item, values, ed, valid)
    over |= valid & (values > 1e6)
    if unsure.any():
        idx = np.flatnonzero(unsure)
        result[idx], over[idx] = _exact(item, values[idx], ed)
    return result, over, valid


def iaqi_flagged(
    item: str, values: np.ndarray, edition: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(IAQI int64, missing mask, undefined mask) for float concentrations; see :func:`iaqi`.

    The edition's special rules applied (2026 caps, 2012 missing above 800); a value above
    the last breakpoint with no rule gets 500 and is flagged ``undefined`` (what
    ``above_table="missing"`` would leave missing and ``"cap"`` caps). One pass for both.
    """
    ed = normalise_edition(edition)
    result, over, valid = _iaqi_core(item, values, ed)
    missing = ~valid
    if item in CAP_2026 and ed == "2026":
        result[over] = CAP_2026[item]
        undefined = np.zeros(len(result), dtype=bool)
    elif item in NO_IAQI_2012 and ed == "2012":
        missing |= over
        undefined = np.zeros(len(result), dtype=bool)
    else:
        result[over] = IAQI_ROWS[-1]
        undefined = over
    return np.where(missing, 0, result), missing, undefined


def iaqi_values(
    item: str, values: np.ndarray, edition: str, above_table: AboveTable = "missing"
) -> tuple[np.ndarray, np.ndarray]:
    """(IAQI int64, missing mask) for float concentrations; see :func:`iaqi`."""
    ed = normalise_edition(edition)
    result, over, valid = _iaqi_core(item, values, ed)
    missing = ~valid
    if item in CAP_2026 and ed == "2026":
        result[over] = CAP_2026[item]
    elif item in NO_IAQI_2012 and ed == "2012":
        missing |= over
    elif over.any():
        if above_table == "raise":
            last = BREAKPOINTS[ed][TABLE_OF.get(item, item)][-1]
            raise AboveTableError(f"{item} above the HJ 633-{ed} table ({last})")
        if above_table == "cap":
            result[over] = IAQI_ROWS[-1]
        elif above_table == "missing":
            missing |= over
        else:
            raise ValueError(f"above_table must be 'missing', 'cap' or 'raise': {above_table!r}")
    return np.where(missing, 0, result), missing


def iaqi(
    item: str,
    concentrations: object,
    edition: str | int | None = None,
    *,
    dates: object = None,
    above_table: AboveTable = "missing",
) -> pd.Series:
    """IAQI of one item: HJ 633-2012 §4.2 formula (1), Table 1, §6.2; HJ 633-2026 §4.2.4, Table 3.

    [@hj633-2012:4.2] [@hj633-2012:t1] [@hj633-2012:6.2] [@hj633-2026:4.2.4] [@hj633-2026:t3]
    [@hj633-2026:4.2.6]. ``item``: SO2_24H SO2_1H NO2_24H NO2_1H PM10_24H PM25_24H CO_24H CO_1H
    O3_1H O3_8H, or PM10_1H / PM25_1H (1-hour PM on the daily columns, HJ 633-2026 §4.2.4).
    Units µg/m³, CO mg/m³. Exact rational arithmetic, result ceiled (2012 §6.2, 2026 §4.2.6).
    2026 first rounds inputs per GB/T 8170 (§4.2.2: integers, CO to 0.1) [@hj633-2026:4.2.2].

    The edition is required: ``edition="2012"``/``"2026"``, or ``dates`` (one per value) to
    choose it per value by the date of the data (2026 rules from 2026-03-01); with neither,
    ``ValueError`` — there is no silent default.

    Special rules: SO2_1H / O3_8H > 800 → missing in 2012 (Table 1 notes 2, 3: take the SO2
    24-h / O3 1-h IAQI instead, which :func:`aqi` does); 200 / 300 in 2026 (Table 3 notes b,
    c). Above the last breakpoint (no rule in either edition): ``above_table="missing"``
    (default) → missing, ``"cap"`` → 500 (Meili's convention [@meili:above-table], not a
    clause), ``"raise"`` → ``AboveTableError``. Missing, negative or non-numeric inputs →
    missing.

    Returns a ``pandas.Series`` of dtype ``Int64`` (missing = ``pd.NA``), with the input's
    index when given a Series.
    """
    values, index = _as_float(concentrations)
    if edition is not None:
        result, missing = iaqi_values(item, values, normalise_edition(edition), above_table)
    elif dates is None:
        raise ValueError(
            "choose the HJ 633 edition: pass edition='2012' or '2026', or dates= (one per "
            "value; the 2026 rules apply from 2026-03-01)"
        )
    else:
        per_value = edition_for(dates)
        if len(per_value) != len(values):
            raise ValueError("dates must have one entry per value")
        result = np.zeros(len(values), dtype=np.int64)
        missing = np.ones(len(values), dtype=bool)
        for ed in np.unique(per_value):  # at most two editions
            sel = per_value == ed
            result[sel], missing[sel] = iaqi_values(item, values[sel], str(ed), above_table)
    return pd.Series(pd.arrays.IntegerArray(result, missing), index=index, name=item)
