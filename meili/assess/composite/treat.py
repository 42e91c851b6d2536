"""Outlier treatment: skew/kurtosis test, iterative winsorisation, log fallback.

COINr ``Treat(coin, global_specs=list(f1_para=list(winmax=5)))`` with its defaults
(README §4; ``Treat.numeric``, ``R/treat.R:591-795``; defaults ``R/treat.R:405-416``).
Handbook (2008) Part I Step 5 (outliers and skewed distributions are treated before
normalisation). Treatment ignores ``Direction``: "high"/"low" refer to raw values.

Every function is vectorised over columns: a pass of winsorisation treats all failing
columns at once, so the only Python loop is over passes (at most ``winmax``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def skewness(x: np.ndarray) -> np.ndarray:
    """Sample skewness per column, e1071 "type 2" (Excel ``SKEW``), NAs removed.

    ``sqrt(n)·Σd³/(Σd²)^1.5 · sqrt(n(n−1))/(n−2)``, ``d = x − mean(x)``
    (``R/treat.R:1123-1190``; README §4.1). ``n`` counts non-NA values per column.
    """
    x = np.asarray(x, dtype=float)
    x = x[:, None] if x.ndim == 1 else x
    n = np.sum(~np.isnan(x), axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = x - np.nanmean(x, axis=0)
        m2 = np.nansum(d**2, axis=0)
        m3 = np.nansum(d**3, axis=0)
        return np.sqrt(n) * m3 / m2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)


def kurtosis(x: np.ndarray) -> np.ndarray:
    """Sample excess kurtosis per column, e1071 "type 2" (Excel ``KURT``), NAs removed.

    ``((n+1)(n·Σd⁴/(Σd²)² − 3) + 6)·(n−1)/((n−2)(n−3))`` (``R/treat.R:1123-1190``).
    """
    x = np.asarray(x, dtype=float)
    x = x[:, None] if x.ndim == 1 else x
    n = np.sum(~np.isnan(x), axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = x - np.nanmean(x, axis=0)
        m2 = np.nansum(d**2, axis=0)
        m4 = np.nansum(d**4, axis=0)
        return ((n + 1) * (n * m4 / m2**2 - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def passes_skew_kurt(
    x: np.ndarray, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
) -> np.ndarray:
    """COINr ``check_SkewKurt`` (``R/treat.R:1213-1228``): ``|skew| < 2 OR kurt < 3.5``.

    A column fails only when both limits are exceeded. Columns whose statistics are undefined
    (constant, or fewer than 4 values) pass.
    """
    sk = skewness(x)
    ku = kurtosis(x)
    ok = (np.abs(sk) < skew_thresh) | (ku < kurt_thresh)
    return ok | np.isnan(sk) | np.isnan(ku)


def log_ct(x: np.ndarray) -> np.ndarray:
    """COINr ``log_CT`` (``R/treat.R:987-995``): ``log(x − min(x) + 0.01·(max(x) − min(x)))``.

    Column-wise, min/max ignoring NAs.
    """
    x = np.asarray(x, dtype=float)
    lo = np.nanmin(x, axis=0)
    hi = np.nanmax(x, axis=0)
    return np.log(x - lo + 0.01 * (hi - lo))


@dataclass(frozen=True)
class Treatment:
    """Result of :func:`treat`: treated values, per-cell flags and a per-column summary.

    ``flags`` holds ``"WHigh"``, ``"WLow"``, ``"Log"`` or ``"No"`` (COINr ``TreatFlags``);
    ``summary`` has ``Low``, ``High`` (winsorised points), ``Log`` (bool), ``Treatment``,
    and skew/kurtosis before (``skew0``, ``kurt0``) and after (``skew1``, ``kurt1``).
    """

    data: pd.DataFrame
    flags: pd.DataFrame
    summary: pd.DataFrame


def winsorise(
    x: np.ndarray,
    winmax: int = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Iterative winsorisation, COINr ``winsorise`` (``R/treat.R:861-927``; README §4.3).

    While a column fails :func:`passes_skew_kurt` and ``nwin < winmax``: if ``skew ≥ 0`` every
    element equal to the column max is set to the max of the remaining values, else every
    element equal to the min to the min of the rest. ``nwin`` counts distinct winsorised
    elements (ties included). Returns ``(winsorised, high_mask, low_mask)``.
    """
    x = np.array(x, dtype=float, copy=True)
    x = x[:, None] if x.ndim == 1 else x
    high = np.zeros(x.shape, dtype=bool)
    low = np.zeros(x.shape, dtype=bool)
    active = ~passes_skew_kurt(x, skew_thresh, kurt_thresh) & (winmax > 0)
    while active.any():
        up = active & (skewness(x) >= 0)
        down = active & ~up
        with np.errstate(invalid="ignore"):
            at_max = (x == np.nanmax(x, axis=0)) & up
            at_min = (x == np.nanmin(x, axis=0)) & down
        rest_max = np.nanmax(np.where(at_max | np.isnan(x), -np.inf, x), axis=0)
        rest_min = np.nanmin(np.where(at_min | np.isnan(x), np.inf, x), axis=0)
        # a column with no remaining value (all equal) cannot be winsorised further
        stuck = (up & ~np.isfinite(rest_max)) | (down & ~np.isfinite(rest_min))
        at_max &= ~stuck
        at_min &= ~stuck
        x = np.where(at_max, rest_max, np.where(at_min, rest_min, x))
        high |= at_max
        low |= at_min
        nwin = high.sum(axis=0) + low.sum(axis=0)
        active &= ~stuck & (nwin < winmax) & ~passes_skew_kurt(x, skew_thresh, kurt_thresh)
    return x, high, low


def treat(
    data: pd.DataFrame,
    winmax: int = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    log_fallback: bool = True,
) -> Treatment:
    """COINr ``Treat`` default: winsorise failing columns, else ``log_CT`` the ORIGINAL column.

    Columns that pass are returned unchanged. A column still failing after winsorisation is
    replaced by :func:`log_ct` of its untreated values (``combine_treat=FALSE``,
    ``R/treat.R:750``) when ``log_fallback``, and kept even if it still fails.
    """
    x = data.to_numpy(dtype=float)
    wins, high, low = winsorise(x, winmax, skew_thresh, kurt_thresh)
    still = ~passes_skew_kurt(wins, skew_thresh, kurt_thresh)
    use_log = still & log_fallback
    with np.errstate(invalid="ignore", divide="ignore"):
        logged = log_ct(x) if use_log.any() else x
    out = np.where(use_log, logged, wins)
    high &= ~use_log
    low &= ~use_log
    flags = np.where(high, "WHigh", np.where(low, "WLow", "No")).astype(object)
    flags[:, use_log] = np.where(np.isnan(x[:, use_log]), "No", "Log")
    n_low, n_high = low.sum(axis=0), high.sum(axis=0)
    label = [
        "Log (winsorisation failed)"
        if lg
        else (f"Winsorised {lo + hi} points" if lo + hi else "None")
        for lg, lo, hi in zip(use_log, n_low, n_high, strict=True)
    ]
    summary = pd.DataFrame(
        {
            "Low": n_low,
            "High": n_high,
            "Log": use_log,
            "Treatment": label,
            "skew0": skewness(x),
            "kurt0": kurtosis(x),
            "skew1": skewness(out),
            "kurt1": kurtosis(out),
        },
        index=pd.Index(data.columns, name="iCode"),
    )
    return Treatment(
        data=pd.DataFrame(out, index=data.index, columns=data.columns),
        flags=pd.DataFrame(flags, index=data.index, columns=data.columns),
        summary=summary,
    )
