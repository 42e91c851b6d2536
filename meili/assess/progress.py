"""Progress of indicators toward their targets, for many zones × indicators at once.

Input is long data ``zone, indicator, year, value`` and a target table; output is one row per
zone × indicator with:

* baseline (year and value) and current (latest year with a value, and that value);
* distance travelled, ``(current − baseline) / (target − baseline) × 100`` — the share of the
  baseline-to-target gap covered. The formula is direction-free: for a ↓ indicator both
  numerator and denominator are negative when improving. ``distance_pct`` is unclipped
  (negative = moved away, > 100 = beyond target); ``distance_pct_clipped`` is clipped to
  [0, 100] for display. When target = baseline the distance is undefined (NaN);
* the SDR trend arrow (:mod:`meili.assess.trend`);
* a Theil–Sen projection to the target year with the interval from the slope's confidence
  interval, and for binding (约束性) indicators an early warning: ``at_risk`` when only part of
  the interval reaches the target, ``likely_miss`` when none of it does.

"Reaches" and "achieved" allow the relative tolerance of :mod:`meili.assess.trend` (1e-9 of
max(1, |target|)) so that exactly linear constructed series are not lost to rounding.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from meili.assess.trend import ARROWS, TOLERANCE, classify, rate_ratio, theil_sen
from meili.errors import UserError

DEFAULT_TARGET_YEAR = 2027
KEYS = ["zone", "indicator"]

# outlook → (label zh, label en)
OUTLOOKS: dict[str, tuple[str, str]] = {
    "reaches": ("预计可达成", "projected to reach the target"),
    "at_risk": ("存在未达标风险", "at risk of missing the target"),
    "likely_miss": ("预计难以达成", "likely to miss the target"),
    "insufficient_data": ("数据不足", "insufficient data"),
}


def assess_progress(
    data: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    target_year: int = DEFAULT_TARGET_YEAR,
    confidence: float = 0.95,
    min_points: int = 3,
    rate: Literal["endpoint", "theil_sen"] = "endpoint",
) -> pd.DataFrame:
    """Progress, trend arrow, projection and early warning per zone × indicator.

    ``data``: columns zone, indicator, year, value (one value per zone × indicator × year).
    ``targets``: columns indicator (and optionally zone, for zone-specific targets), direction
    (``up``/``down``), target; optional target_year (else ``target_year``), baseline_year (else
    the zone's first year with a value), binding (bool, default False). The projection uses the
    years from the baseline year on and needs ``min_points`` values; fewer gives
    ``insufficient_data``.

    ``rate``: the actual annual rate of the arrow — ``endpoint`` (SDR: (current − baseline) /
    years elapsed) or ``theil_sen`` (the robust slope over the same years, less sensitive to
    a noisy first or last year; needs 2 values).
    """
    wide, years = _wide(data)
    keys = wide.index.to_frame(index=False)
    tg = _targets(keys, targets, target_year)
    values = wide.to_numpy(dtype=float)
    g = len(keys)
    rows = np.arange(g)
    has = ~np.isnan(values)
    yrs = np.broadcast_to(years, values.shape)

    first = np.where(has.any(axis=1), np.argmax(has, axis=1), -1)
    base_year = tg["baseline_year"].to_numpy(dtype=float)
    base_year = np.where(np.isnan(base_year) & (first >= 0), years[np.maximum(first, 0)], base_year)
    pos = np.minimum(np.searchsorted(years, np.nan_to_num(base_year, nan=-1.0)), len(years) - 1)
    base_col = np.where(years[pos] == base_year, pos, -1)
    baseline = np.where(base_col >= 0, values[rows, np.maximum(base_col, 0)], np.nan)

    last = np.where(has.any(axis=1), values.shape[1] - 1 - np.argmax(has[:, ::-1], axis=1), -1)
    current_year = np.where(last >= 0, years[np.maximum(last, 0)], np.nan)
    current = np.where(last >= 0, values[rows, np.maximum(last, 0)], np.nan)

    target = tg["target"].to_numpy(dtype=float)
    t_year = tg["target_year"].to_numpy(dtype=float)
    sign = tg["direction"].map({"up": 1.0, "down": -1.0}).to_numpy(dtype=float)

    with np.errstate(divide="ignore", invalid="ignore"):
        gap = target - baseline
        distance = np.where(gap != 0, (current - baseline) / gap * 100.0, np.nan)
    tol = TOLERANCE * np.fmax(1.0, np.abs(target))  # see meili.assess.trend
    achieved = sign * (current - target) >= -tol
    in_window = has & (yrs >= np.where(np.isnan(base_year), np.inf, base_year)[:, None])
    fit = theil_sen(years, np.where(in_window, values, np.nan), confidence)

    actual, required, ratio = rate_ratio(
        baseline, base_year, current, current_year, target, t_year, sign
    )
    if rate == "theil_sen":
        actual = sign * fit.slope
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = actual / np.where(required > 0, required, np.nan)
    elif rate != "endpoint":
        raise UserError(f"rate must be endpoint or theil_sen, got {rate!r}")
    arrows = classify(ratio, achieved, required, actual)
    point, low, high = fit.at(t_year)
    enough = fit.n >= min_points
    best = np.where(sign > 0, high, low)
    worst = np.where(sign > 0, low, high)
    outlook = np.full(g, "insufficient_data", dtype=object)
    ok = enough & np.isfinite(target) & np.isfinite(sign)
    outlook[ok & (sign * (best - target) < -tol)] = "likely_miss"
    outlook[ok & (sign * (best - target) >= -tol)] = "at_risk"
    outlook[ok & (sign * (worst - target) >= -tol)] = "reaches"
    binding = tg["binding"].to_numpy(dtype=bool)
    warn = binding & np.isin(outlook, ["at_risk", "likely_miss"])

    out = keys.assign(
        direction=tg["direction"].to_numpy(),
        binding=binding,
        baseline_year=_int(base_year),
        baseline=baseline,
        current_year=_int(current_year),
        current=current,
        target_year=_int(t_year),
        target=target,
        distance_pct=distance,
        distance_pct_clipped=np.clip(distance, 0.0, 100.0),
        achieved=achieved,
        actual_rate=actual,
        required_rate=required,
        rate_ratio=ratio,
        arrow=[str(a) for a in arrows],
        arrow_symbol=[ARROWS[a][0] for a in arrows],
        arrow_zh=[ARROWS[a][1] for a in arrows],
        arrow_en=[ARROWS[a][2] for a in arrows],
        n_points=fit.n,
        slope=np.where(enough, fit.slope, np.nan),
        slope_low=np.where(enough, fit.low_slope, np.nan),
        slope_high=np.where(enough, fit.high_slope, np.nan),
        projection=np.where(enough, point, np.nan),
        projection_low=np.where(enough, low, np.nan),
        projection_high=np.where(enough, high, np.nan),
        outlook=outlook,
        warning=np.where(warn, outlook, None),
        warning_zh=np.where(warn, [OUTLOOKS[o][0] for o in outlook], None),
        warning_en=np.where(warn, [OUTLOOKS[o][1] for o in outlook], None),
    )
    return out


def _int(a: np.ndarray) -> pd.Series:
    return pd.Series(a).round().astype("Int64")


def _wide(data: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    missing = {"zone", "indicator", "year", "value"} - set(data.columns)
    if missing:
        raise UserError(f"progress data lacks columns: {', '.join(sorted(missing))}")
    dup = data.duplicated(["zone", "indicator", "year"], keep=False)
    if dup.any():
        first = data.loc[dup].iloc[0]
        raise UserError(
            f"duplicate value for zone {first['zone']}, indicator {first['indicator']}, "
            f"year {first['year']}"
        )
    frame = data.assign(year=data["year"].astype(int), value=data["value"].astype(float))
    wide = frame.pivot(index=KEYS, columns="year", values="value").sort_index(axis=1)
    return wide, wide.columns.to_numpy(dtype=float)


def _targets(keys: pd.DataFrame, targets: pd.DataFrame, target_year: int) -> pd.DataFrame:
    missing = {"indicator", "direction", "target"} - set(targets.columns)
    if missing:
        raise UserError(f"targets lack columns: {', '.join(sorted(missing))}")
    bad = set(targets["direction"].dropna()) - {"up", "down"}
    if bad:
        raise UserError(f"target direction must be up or down, got: {', '.join(map(str, bad))}")
    t = targets.copy()
    for name, default in (("target_year", target_year), ("baseline_year", np.nan)):
        if name not in t.columns:
            t[name] = default
    t["target_year"] = t["target_year"].fillna(target_year)
    t["binding"] = t["binding"].fillna(False) if "binding" in t.columns else False
    cols = ["direction", "target", "target_year", "baseline_year", "binding"]
    on = KEYS if "zone" in t.columns else ["indicator"]
    if t.duplicated(on).any():
        raise UserError(f"more than one target per {' × '.join(on)}")
    merged = keys.merge(t[[*on, *cols]], on=on, how="left", validate="many_to_one")
    merged["binding"] = merged["binding"].astype("boolean").fillna(False).astype(bool)
    return merged
