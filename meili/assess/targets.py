"""Evaluate every zone's indicator values against the framework's target rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from meili.framework.rules import EvalContext, describe, evaluate
from meili.framework.schema import Framework
from meili.registry.units import ZoneUnit

VERDICT_COLUMNS = [
    "zone", "indicator", "year", "value", "unit", "binding", "target_area", "target_zh",
    "target_en", "status", "reason_zh", "reason_en", "veto",
]  # fmt: skip


def evaluate_targets(
    values: pd.DataFrame,
    framework: Framework,
    zones: Sequence[ZoneUnit],
    year: int,
    tasks: Mapping[tuple[str, str], bool] | None = None,
) -> pd.DataFrame:
    """met / not_met / not_evaluable with the reason in words, per zone × indicator.

    ``values`` is the output of :func:`meili.assess.values.indicator_values`; the series of
    earlier years feeds delta and trend rules; the baseline is the value of the indicator's
    ``baseline_year``. ``tasks`` says, per (zone, indicator), whether the higher-level task
    was completed (完成上级下达的任务); without it such rules are not evaluable. One evaluation
    per zone × indicator (not per measurement).
    """
    tasks = tasks or {}
    by_zone = {z.code: z for z in zones}
    out = []
    for (zone_code, code), grp in values.groupby(["zone", "indicator"], sort=False):
        ind = framework.indicator(code)
        zone = by_zone.get(zone_code)
        if ind is None or zone is None:
            continue
        known = grp[grp["value"].notna()]
        series = dict(zip(known["year"].astype(int), known["value"].astype(float), strict=True))
        unit = grp["unit"].dropna().iloc[0] if grp["unit"].notna().any() else ind.unit
        base_year = ind.baseline_year
        ctx = EvalContext(
            value=series.get(year),
            unit=unit,
            direction=ind.direction,
            year=year,
            series={y: v for y, v in series.items() if y < year},
            baseline=series.get(base_year) if base_year else None,
            baseline_year=base_year,
            higher_task_completed=tasks.get((zone_code, code)),
            region=zone.region,
            province=zone.province,
            label_zh=ind.name_zh,
            label_en=ind.name_en,
        )
        verdict = evaluate(ind.target, ctx)
        target_zh, target_en = describe(ind.target)
        out.append(
            {
                "zone": zone_code,
                "indicator": code,
                "year": year,
                "value": ctx.value,
                "unit": unit,
                "binding": ind.binding,
                "target_area": ind.target_area,
                "target_zh": target_zh,
                "target_en": target_en,
                "status": verdict.status.value,
                "reason_zh": verdict.reason_zh,
                "reason_en": verdict.reason_en,
                "veto": verdict.veto,
            }
        )
    return pd.DataFrame(out, columns=VERDICT_COLUMNS)
