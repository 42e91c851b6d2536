"""Trend arrows and robust projection, vectorised over many series at once.

Arrows follow the trend dashboards of the UN SDSN *Sustainable Development Report* (Sachs et
al., SDR 2023, Methodology "Trends"): the actual average annual rate of change since the
baseline year is compared with the linear annual rate required to go from the baseline value
to the target by the target year. With ``ratio = actual / required`` (both signed so that
improvement is positive, whatever the indicator's direction):

* ``maintaining`` ✓ — target already met at the latest year ("maintaining SDG achievement");
* ``on_track`` ↑ — ``ratio ≥ 1``;
* ``moderately_improving`` ↗ — ``0.5 ≤ ratio < 1``;
* ``stagnating`` → — ``0 ≤ ratio < 0.5`` (no change at all is stagnation);
* ``deteriorating`` ↓ — ``ratio < 0``: moving away from the target;
* ``insufficient_data`` · — no baseline, no later year, or no target.

Projecting the actual rate linearly from the baseline reaches the target by the target year
exactly when ``ratio ≥ 1``, so this is SDR's "linear projection of the recent rate" test.
SDR computes rates on normalised scores with its 2015 baseline and 2030 target year; here they
are computed on the indicator's own values with the programme's baseline and target year
(default 2027), which gives the same ratio because normalisation is linear. Comparisons use a
relative tolerance of 1e-9 so that series constructed exactly on a boundary (e.g. exactly 50 %
of the required rate) classify as the boundary's upper category despite binary rounding.

The projection is the Theil–Sen line (median of pairwise slopes, intercept
``median(y) − slope·median(x)``) with Sen's (1968, eq. 2.6) confidence interval on the slope —
the same estimator and interval as ``scipy.stats.theilslopes(method="separate")``, computed here
for a whole matrix of series in one pass (tests check equality with scipy).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy.stats import norm

TOLERANCE = 1e-9


class Arrow(StrEnum):
    maintaining = "maintaining"
    on_track = "on_track"
    moderately_improving = "moderately_improving"
    stagnating = "stagnating"
    deteriorating = "deteriorating"
    missed = "missed"
    no_target = "no_target"
    insufficient_data = "insufficient_data"


# arrow → (symbol, label zh, label en); the Statistics Canada categories map one to one
# (target achieved, on track, progress made but acceleration needed, limited progress,
# deterioration).
ARROWS: dict[Arrow, tuple[str, str, str]] = {
    Arrow.maintaining: ("✓", "已达标并保持", "target met, maintaining"),
    Arrow.on_track: ("↑", "正常推进", "on track"),
    Arrow.moderately_improving: ("↗", "有进展但需加快", "improving, acceleration needed"),
    Arrow.stagnating: ("→", "进展有限/停滞", "limited progress or stagnating"),
    Arrow.deteriorating: ("↓", "恶化", "deteriorating"),
    Arrow.missed: ("✗", "目标年已到仍未达标", "target year reached, target not met"),
    Arrow.no_target: ("○", "无本区数值目标", "no numeric target for the zone"),
    Arrow.insufficient_data: ("·", "数据不足", "insufficient data"),
}


def rate_ratio(
    baseline: np.ndarray,
    baseline_year: np.ndarray,
    current: np.ndarray,
    current_year: np.ndarray,
    target: np.ndarray,
    target_year: np.ndarray,
    sign: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Actual and required annual rates (in the improving direction) and their ratio.

    ``sign`` is +1 for ↑ indicators, −1 for ↓. actual = sign·(current − baseline)/(t_cur − t_base);
    required = sign·(target − baseline)/(t_target − t_base); ratio = actual/required (NaN where
    the required rate is not positive or no time has elapsed).
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        elapsed = np.asarray(current_year, float) - np.asarray(baseline_year, float)
        span = np.asarray(target_year, float) - np.asarray(baseline_year, float)
        actual = sign * (current - baseline) / np.where(elapsed > 0, elapsed, np.nan)
        required = sign * (target - baseline) / np.where(span > 0, span, np.nan)
        ratio = actual / np.where(required > 0, required, np.nan)
    return actual, required, ratio


def classify(
    ratio: np.ndarray, achieved: np.ndarray, required: np.ndarray, actual: np.ndarray
) -> np.ndarray:
    """SDR arrow per series (object array of :class:`Arrow`), see the module docstring.

    A series whose baseline already met the target (required ≤ 0) but no longer does is
    deteriorating; one with no elapsed time (actual NaN) has insufficient data.
    """
    ratio = np.asarray(ratio, float)
    achieved = np.asarray(achieved, bool)
    out = np.full(ratio.shape, Arrow.insufficient_data, dtype=object)
    lost = ~achieved & (np.asarray(required) <= 0) & np.isfinite(actual)
    ok = np.isfinite(ratio)
    out[ok & (ratio < 0)] = Arrow.deteriorating
    out[ok & (ratio >= -TOLERANCE)] = Arrow.stagnating
    out[ok & (ratio >= 0.5 * (1 - TOLERANCE))] = Arrow.moderately_improving
    out[ok & (ratio >= 1 - TOLERANCE)] = Arrow.on_track
    out[lost] = Arrow.deteriorating
    out[achieved] = Arrow.maintaining
    return out


#: Statistics Canada / Open SDG bands of the ratio of observed to required compound growth
#: (target given) and of the observed compound growth (no target), before the limit scaling.
STATCAN_RATIO = (0.95, 0.60, 0.0)
STATCAN_GROWTH = (0.015, 0.005, 0.0)
STATCAN_LIMIT_EXPONENT = 4.44
STATCAN_ZERO = 0.001  # a base or target of 0 is replaced by 0.001 (growth of 0 is undefined)


def cagr(now: np.ndarray, base: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Compound annual growth rate ``(now/base)^(1/years) − 1`` (NaN for no elapsed time or
    values of opposite sign)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        q = np.asarray(now, float) / np.asarray(base, float)
        y = np.where(np.asarray(years, float) > 0, years, np.nan)
        return np.where(q >= 0, np.power(np.abs(q), 1.0 / y) - 1.0, np.nan)


def statcan_progress(
    baseline: np.ndarray,
    baseline_year: np.ndarray,
    current: np.ndarray,
    current_year: np.ndarray,
    target: np.ndarray,
    target_year: np.ndarray,
    sign: np.ndarray,
    limit: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Statistics Canada progress measure (as in Open SDG ``sdg-build`` ProgressMeasure).

    Observed growth ``CAGR_o = (y_i/y_0)^(1/(t_i − t_0)) − 1``. With a target:
    ``R = s·d·CAGR_o/|CAGR_T|``, ``CAGR_T = (y_T/y_0)^(1/(t_T − t_0)) − 1`` (d = +1 for ↑,
    −1 for ↓; s = −1 when the base is negative), bands 95 % / 60 % / 0. Without a target:
    ``s·d·CAGR_o`` against 1.5 % / 0.5 % / 0, the positive thresholds multiplied by
    ``C = 1 − (y_0/L)^4.44`` (y_0 ≤ L), ``1 − ((2L − y_0)/L)^4.44`` (L < y_0 < 2L), else 1, where
    L is the natural limit in the improving direction (e.g. 100 % for ↑ shares).

    Returns (observed CAGR, required CAGR, the progress value R or s·d·CAGR_o, the band
    thresholds high/med per row as a (G, 2) array).
    """
    base = np.where(baseline == 0, STATCAN_ZERO, baseline)
    tgt = np.where(target == 0, STATCAN_ZERO, target)
    s = np.where(base < 0, -1.0, 1.0)
    observed = cagr(current, base, current_year - baseline_year)
    required = cagr(tgt, base, target_year - baseline_year)
    has_target = np.isfinite(target)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = s * sign * observed / np.abs(required)
    value = np.where(has_target, ratio, s * sign * observed)
    b, lim = np.abs(base), np.abs(limit)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        c = np.where(
            b >= 2 * lim,
            1.0,
            np.where(
                b <= lim,
                1.0 - (b / lim) ** STATCAN_LIMIT_EXPONENT,
                1.0 - ((2 * lim - b) / lim) ** STATCAN_LIMIT_EXPONENT,
            ),
        )
    c = np.where(np.isfinite(limit), np.clip(c, 0.0, 1.0), 1.0)
    high = np.where(has_target, STATCAN_RATIO[0], STATCAN_GROWTH[0] * c)
    med = np.where(has_target, STATCAN_RATIO[1], STATCAN_GROWTH[1] * c)
    return observed, required, value, np.stack([high, med], axis=1)


def classify_statcan(value: np.ndarray, bands: np.ndarray, achieved: np.ndarray) -> np.ndarray:
    """Statistics Canada category per series as an :class:`Arrow`: target achieved
    (maintaining), ≥ high on track, ≥ med moderately improving (acceleration needed), ≥ 0
    limited progress (stagnating), < 0 deterioration; NaN value: insufficient data."""
    value = np.asarray(value, float)
    out = np.full(value.shape, Arrow.insufficient_data, dtype=object)
    ok = np.isfinite(value)
    out[ok & (value < 0)] = Arrow.deteriorating
    out[ok & (value >= -TOLERANCE)] = Arrow.stagnating
    out[ok & (value >= bands[:, 1] * (1 - TOLERANCE))] = Arrow.moderately_improving
    out[ok & (value >= bands[:, 0] * (1 - TOLERANCE))] = Arrow.on_track
    out[np.asarray(achieved, bool)] = Arrow.maintaining
    return out


@dataclass(frozen=True)
class TheilSen:
    """Per-series Theil–Sen fit: slope, intercept, slope CI, medians of x and y, points used."""

    slope: np.ndarray
    intercept: np.ndarray
    low_slope: np.ndarray
    high_slope: np.ndarray
    x_median: np.ndarray
    y_median: np.ndarray
    n: np.ndarray

    def at(self, x: np.ndarray | float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Projection at ``x``: point, lower and upper ends.

        The ends pivot the slope CI about the medians (the ``separate`` intercept's anchor);
        they express slope uncertainty only, not a prediction interval for a single year.
        """
        dx = np.asarray(x, float) - self.x_median
        point = self.y_median + self.slope * dx
        a = self.y_median + self.low_slope * dx
        b = self.y_median + self.high_slope * dx
        return point, np.fmin(a, b), np.fmax(a, b)


def theil_sen(x: np.ndarray, y: np.ndarray, confidence: float = 0.95) -> TheilSen:
    """Theil–Sen fits of every row of ``y`` (G × T, NaN = missing) on ``x`` (G × T or T).

    Equals ``scipy.stats.theilslopes(y_row, x_row, confidence)`` row by row on the non-missing
    points (Sen 1968, eq. 2.6 for the CI, with the tie corrections on x and y). Rows with fewer
    than 2 points give NaN. x values within a row must be distinct or missing.
    """
    y = np.atleast_2d(np.asarray(y, float))
    x = np.broadcast_to(np.asarray(x, float), y.shape).copy()
    x[np.isnan(y)] = np.nan
    y = np.where(np.isnan(x), np.nan, y)
    g, t = y.shape
    i, j = np.triu_indices(t, k=1)
    dx = x[:, j] - x[:, i]
    dy = y[:, j] - y[:, i]
    with np.errstate(invalid="ignore", divide="ignore"):
        slopes = np.where(dx != 0, dy / np.where(dx != 0, dx, np.nan), np.nan)
    slopes = np.sort(slopes, axis=1)  # NaN last
    nt = np.sum(~np.isnan(slopes), axis=1)
    n = np.sum(~np.isnan(y), axis=1)
    empty = nt == 0
    safe = np.where(empty[:, None], 0.0, slopes)
    with warnings.catch_warnings():  # all-NaN rows give NaN, silently
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(slopes, axis=1)
        x_med = np.nanmedian(x, axis=1)
        y_med = np.nanmedian(y, axis=1)
    alpha = 1.0 - confidence if confidence > 0.5 else confidence
    z = norm.ppf(alpha / 2.0)
    sigsq = (n * (n - 1) * (2 * n + 5) - _ties(x) - _ties(y)) / 18.0
    sigma = np.sqrt(np.maximum(sigsq, 0.0))
    ru = np.minimum(np.round((nt - z * sigma) / 2.0).astype(int), nt - 1)
    rl = np.maximum(np.round((nt + z * sigma) / 2.0).astype(int) - 1, 0)
    ru = np.clip(ru, 0, max(slopes.shape[1] - 1, 0))
    rl = np.clip(rl, 0, max(slopes.shape[1] - 1, 0))
    if slopes.shape[1]:
        low = np.take_along_axis(safe, rl[:, None], axis=1)[:, 0]
        high = np.take_along_axis(safe, ru[:, None], axis=1)[:, 0]
    else:
        low = high = np.full(g, np.nan)
    low = np.where(empty, np.nan, low)
    high = np.where(empty, np.nan, high)
    return TheilSen(med, y_med - med * x_med, low, high, x_med, y_med, n)


def _ties(v: np.ndarray) -> np.ndarray:
    """Σ over tie groups of k(k−1)(2k+5) per row: each member of a group of k adds (k−1)(2k+5)."""
    eq = v[:, :, None] == v[:, None, :]  # NaN never equal
    k = eq.sum(axis=2).astype(float)
    return np.where(np.isnan(v), 0.0, (k - 1) * (2 * k + 5)).sum(axis=1)
