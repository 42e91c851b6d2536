"""Progress of indicators toward their 2027 targets, for many zones × indicators at once.

Input is long data ``zone, indicator, year, value`` and a target table; output is one row per
zone × indicator with:

* the programme baseline (year and value): the year the target table gives (the framework's
  programme baseline, an indicator's own, or the zone's assigned one) — never the zone's first
  year with data, so every zone is measured from the same year; a missing baseline value
  gives no arrow (``insufficient_data``), not a later year instead;
* current (latest year with a value, and that value) and the number of values from the
  baseline year on (``n_points``): fewer than :data:`MIN_POINTS` give no arrow;
* distance travelled, ``(current − baseline) / (target − baseline) × 100`` — direction-free;
  ``distance_pct`` unclipped, ``distance_pct_clipped`` in [0, 100] for display;
* the arrow by one of two named methods (:data:`METHODS`, default :data:`DEFAULT_METHOD`):

  - ``sdr`` — UN SDSN *Sustainable Development Report* trend method (Sachs et al., SDR,
    Methodology "Trends"): observed linear pace since the baseline against the linear pace
    needed to reach the target by the target year, bands at 100 % and 50 %, "maintaining"
    once the target is met (:func:`meili.assess.trend.classify`); no target, no arrow
    (``no_target``);
  - ``statcan`` — Statistics Canada's SDG progress measure as used by Open SDG (compound
    growth ratio, bands at 95 % and 60 %; without a numeric target, fixed growth thresholds
    1.5 % / 0.5 % a year scaled near the natural limit)
    (:func:`meili.assess.trend.statcan_progress`);

* ``missed`` when the target year has come and the verdict of the whole rule (``status``,
  when the target table gives it) is not met — an arrow never says on track then;
* a Theil–Sen projection to the target year over the values from the baseline year on, with
  the interval from the slope's confidence interval, bounded to the indicator's possible range
  (``low``/``high``: e.g. 0–100 for shares), and for binding (约束性) indicators an early
  warning that never contradicts the arrow: ``reaches`` needs the arrow on track (or
  maintaining) and the whole interval at the target; ``likely_miss`` needs the arrow off track
  and none of the interval at the target; every other case (the pace and the projection
  disagree, or the interval straddles the target) is ``at_risk``.

"Reaches" and "achieved" allow the relative tolerance of :mod:`meili.assess.trend` (1e-9 of
max(1, |target|)) so that exactly linear constructed series are not lost to rounding.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from meili.assess.trend import (
    ARROWS,
    TOLERANCE,
    Arrow,
    classify,
    classify_statcan,
    rate_ratio,
    statcan_progress,
    theil_sen,
)
from meili.errors import UserError

DEFAULT_TARGET_YEAR = 2027
KEYS = ["zone", "indicator"]
#: An arrow needs at least this many values from the baseline year to the current year (the
#: baseline, one year between and the current year): one change between two years is a
#: difference, not a trend.
MIN_POINTS = 3
Method = Literal["sdr", "statcan"]
#: method → (name zh, name en, citation)
METHODS: dict[str, tuple[str, str, str]] = {
    "sdr": (
        "可持续发展报告（SDR）趋势法",
        "SDR trend method",
        "Sachs et al., Sustainable Development Report, Methodology: trends (SDSN)",
    ),
    "statcan": (
        "加拿大统计局进展测度（Open SDG）",
        "Statistics Canada progress measure (Open SDG)",
        "Statistics Canada, SDG progress measurement methodology (Open SDG progress measure)",
    ),
}
DEFAULT_METHOD: Method = "sdr"

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
    method: str = DEFAULT_METHOD,
    confidence: float = 0.95,
    min_points: int = MIN_POINTS,
) -> pd.DataFrame:
    """Progress, arrow, projection and early warning per zone × indicator.

    ``data``: columns zone, indicator, year, value (one value per zone × indicator × year).
    ``targets``: columns indicator (and optionally zone, for zone-specific rows), direction
    (``up``/``down``), target (NaN: no numeric target), baseline_year; optional target_year
    (else ``target_year``), baseline (an assigned baseline value, else the value of the
    baseline year), binding (bool), low/high (the indicator's range), status (the verdict of
    the current year), note_zh/note_en (what the target leaves out), national (a national
    reference figure).
    """
    if method not in METHODS:
        raise UserError(f"progress method must be one of {', '.join(METHODS)}, got {method!r}")
    wide, years = _wide(data)
    keys = wide.index.to_frame(index=False)
    tg = _targets(keys, targets, target_year)
    values = wide.to_numpy(dtype=float)
    g = len(keys)
    rows = np.arange(g)
    has = ~np.isnan(values)

    base_year = tg["baseline_year"].to_numpy(dtype=float)
    pos = np.minimum(np.searchsorted(years, np.nan_to_num(base_year, nan=-1.0)), len(years) - 1)
    base_col = np.where(years[pos] == base_year, pos, -1)
    observed_base = np.where(base_col >= 0, values[rows, np.maximum(base_col, 0)], np.nan)
    assigned = tg["baseline"].to_numpy(dtype=float)
    baseline = np.where(np.isfinite(assigned), assigned, observed_base)

    after = has & (years[None, :] > np.where(np.isnan(base_year), np.inf, base_year)[:, None])
    last = np.where(after.any(axis=1), values.shape[1] - 1 - np.argmax(after[:, ::-1], axis=1), -1)
    current_year = np.where(last >= 0, years[np.maximum(last, 0)], np.nan)
    current = np.where(last >= 0, values[rows, np.maximum(last, 0)], np.nan)
    n_points = after.sum(axis=1) + np.isfinite(baseline)
    enough = (n_points >= min_points) & np.isfinite(baseline) & np.isfinite(current)

    target = tg["target"].to_numpy(dtype=float)
    t_year = tg["target_year"].to_numpy(dtype=float)
    sign = tg["direction"].map({"up": 1.0, "down": -1.0}).to_numpy(dtype=float)
    low = tg["low"].to_numpy(dtype=float)
    high = tg["high"].to_numpy(dtype=float)

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        gap = target - baseline
        distance = np.where(gap != 0, (current - baseline) / gap * 100.0, np.nan)
    tol = TOLERANCE * np.fmax(1.0, np.abs(target))  # see meili.assess.trend
    achieved = np.isfinite(target) & (sign * (current - target) >= -tol)
    status = tg["status"].astype(object).to_numpy()
    whole_met = status != "not_met"

    if method == "sdr":
        actual, required, ratio = rate_ratio(
            baseline, base_year, current, current_year, target, t_year, sign
        )
        arrows = classify(ratio, achieved & whole_met, required, actual)
        arrows[~np.isfinite(target)] = Arrow.no_target
    else:
        limit = np.where(sign > 0, high, low)
        actual, required, ratio, bands = statcan_progress(
            baseline, base_year, current, current_year, target, t_year, sign, limit
        )
        arrows = classify_statcan(ratio, bands, achieved & whole_met)
    # at the number but the whole rule not met (e.g. the higher-level task): the pace is on
    # track, the verdict names what else is missing; never "maintaining"
    arrows[achieved & ~whole_met] = Arrow.on_track
    arrows[~enough] = Arrow.insufficient_data
    missed = enough & (status == "not_met") & (current_year >= t_year)
    arrows[missed] = Arrow.missed

    in_window = has & (years[None, :] >= np.where(np.isnan(base_year), np.inf, base_year)[:, None])
    fit = theil_sen(years, np.where(in_window, values, np.nan), confidence)
    point, p_low, p_high = (
        np.clip(a, np.nan_to_num(low, nan=-np.inf), np.nan_to_num(high, nan=np.inf))
        for a in fit.at(t_year)
    )
    best = np.where(sign > 0, p_high, p_low)
    worst = np.where(sign > 0, p_low, p_high)
    outlook = np.full(g, "insufficient_data", dtype=object)
    ok = enough & np.isfinite(target) & np.isfinite(sign)
    pace_ok = np.isin(arrows.astype(str), [Arrow.on_track, Arrow.maintaining])
    outlook[ok] = "at_risk"  # the arrow and the projection disagree
    outlook[ok & ~pace_ok & (sign * (best - target) < -tol)] = "likely_miss"
    outlook[ok & pace_ok & (sign * (worst - target) >= -tol)] = "reaches"
    binding = tg["binding"].to_numpy(dtype=bool)
    warn = binding & np.isin(outlook, ["at_risk", "likely_miss"])

    return keys.assign(
        method=method,
        direction=tg["direction"].to_numpy(),
        binding=binding,
        baseline_year=_int(base_year),
        baseline=baseline,
        current_year=_int(current_year),
        current=current,
        n_points=n_points,
        min_points=min_points,
        target_year=_int(t_year),
        target=target,
        target_note_zh=tg["note_zh"].to_numpy(),
        target_note_en=tg["note_en"].to_numpy(),
        national_reference=tg["national"].to_numpy(dtype=float),
        low=low,
        high=high,
        distance_pct=distance,
        distance_pct_clipped=np.clip(distance, 0.0, 100.0),
        achieved=achieved,
        verdict=status,
        actual_rate=actual,
        required_rate=required,
        rate_ratio=ratio,
        arrow=[str(a) for a in arrows],
        arrow_symbol=[ARROWS[a][0] for a in arrows],
        arrow_zh=[ARROWS[a][1] for a in arrows],
        arrow_en=[ARROWS[a][2] for a in arrows],
        slope=np.where(enough, fit.slope, np.nan),
        slope_low=np.where(enough, fit.low_slope, np.nan),
        slope_high=np.where(enough, fit.high_slope, np.nan),
        projection=np.where(enough, point, np.nan),
        projection_low=np.where(enough, p_low, np.nan),
        projection_high=np.where(enough, p_high, np.nan),
        outlook=outlook,
        warning=np.where(warn, outlook, None),
        warning_zh=np.where(warn, [OUTLOOKS[o][0] for o in outlook], None),
        warning_en=np.where(warn, [OUTLOOKS[o][1] for o in outlook], None),
    )


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
    missing = {"indicator", "direction", "target", "baseline_year"} - set(targets.columns)
    if missing:
        raise UserError(f"targets lack columns: {', '.join(sorted(missing))}")
    bad = set(targets["direction"].dropna()) - {"up", "down"}
    if bad:
        raise UserError(f"target direction must be up or down, got: {', '.join(map(str, bad))}")
    t = targets.copy()
    defaults = {
        "target_year": target_year,
        "baseline": np.nan,
        "low": np.nan,
        "high": np.nan,
        "national": np.nan,
        "status": None,
        "note_zh": "",
        "note_en": "",
        "binding": False,
    }
    for name, default in defaults.items():
        if name not in t.columns:
            t[name] = default
    t["target_year"] = t["target_year"].fillna(target_year)
    cols = ["direction", "target", "baseline_year", *defaults]
    on = KEYS if "zone" in t.columns else ["indicator"]
    if t.duplicated(on).any():
        raise UserError(f"more than one target per {' × '.join(on)}")
    merged = keys.merge(t[[*on, *cols]], on=on, how="left", validate="many_to_one")
    merged["binding"] = merged["binding"].astype("boolean").fillna(False).astype(bool)
    for name in ("note_zh", "note_en"):
        merged[name] = merged[name].fillna("").astype(str)
    return merged
