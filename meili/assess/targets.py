"""Evaluate every zone's indicator values against its targets: the framework's rules, or the
targets and baselines assigned to the zone (``assigned_targets``), within the indicator's
scope; each verdict carries its explanation (inputs, rule, method, standard) in zh and en."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from pydantic import TypeAdapter

from meili.assess.scope import applicability
from meili.framework import units
from meili.framework.rules import (
    EvalContext,
    Evidence,
    Rule,
    Status,
    Threshold,
    Veto,
    describe,
    evaluate,
)
from meili.framework.schema import Framework, Indicator
from meili.i18n import text
from meili.methods.context import empty_evidence, empty_targets
from meili.registry.units import ZoneUnit

VERDICT_COLUMNS = [
    "zone", "indicator", "year", "value", "unit", "binding", "target_area", "target_zh",
    "target_en", "status", "reason_zh", "reason_en", "veto", "framework", "target_source",
    "baseline_year", "baseline", "terrain", "explain_zh", "explain_en",
]  # fmt: skip
_RULE = TypeAdapter(Rule)


def _framework_of(frameworks: Framework | Mapping[str, Framework], zone: str) -> Framework | None:
    if isinstance(frameworks, Framework):
        return frameworks
    return frameworks.get(zone)


def _known(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def assigned_rule(ind: Indicator, row: Mapping[str, Any] | None) -> tuple[Rule, str, str]:
    """The rule a zone is judged by and where it comes from (zh, en).

    An assigned ``rule`` wins, then an assigned ``target_value`` (≥ for an ↑ indicator, ≤ for
    ↓, = for a neutral one, in the assigned unit or the indicator's); a veto is never replaced.
    """
    if row is None or isinstance(ind.target, Veto):
        return ind.target, "框架目标", "the framework's target"
    src = str(row.get("source") or "")
    zh, en = f"下达目标（{src}）", f"the assigned target ({src})"
    rule = row.get("rule")
    if isinstance(rule, str) and rule:
        rule = json.loads(rule)
    if isinstance(rule, dict) and rule:
        return _RULE.validate_python(rule), zh, en
    value = row.get("target_value")
    if not _known(value):
        return ind.target, "框架目标", "the framework's target"
    op = {"up": ">=", "down": "<=", "neutral": "="}[ind.direction]
    unit = row.get("unit") if _known(row.get("unit")) and row.get("unit") else ind.unit
    return Threshold(op=op, value=float(value), unit=unit), zh, en


def _evidence(frame: pd.DataFrame) -> tuple[Evidence, ...]:
    return tuple(
        Evidence(
            document=f"evidence {r.evidence_id}",
            status="approved" if r.status == "accepted" else "rejected",
            reviewer=r.reviewer,
            state=r.state if isinstance(r.state, str) and r.state else None,
        )
        for r in frame.itertuples(index=False)
    )


def _num(value: float | None, unit: str | None) -> str:
    return "—" if value is None else units.with_unit(value, unit)


def _explain(
    ind: Indicator,
    fw: Framework,
    ctx: EvalContext,
    lineage: Mapping[str, Any],
    target: tuple[str, str],
    source: tuple[str, str],
    scope: tuple[str, str],
    status: str,
    reason: tuple[str, str],
) -> tuple[str, str]:
    """How the verdict was reached: inputs, rule, method, standard clause, outcome."""
    method = lineage.get("method") or ind.method
    how_zh = f"方法 {method}"
    how_en = f"method {method}"
    if lineage.get("batches") not in (None, "", "[]"):
        how_zh += f"，数据批次 {lineage['batches']}"
        how_en += f", lake batches {lineage['batches']}"
    if lineage.get("stats_row"):
        how_zh += f"，统计行 {lineage['stats_row']}"
        how_en += f", stats row {lineage['stats_row']}"
    base_zh = base_en = ""
    if ctx.baseline is not None or ctx.baseline_year:
        b = _num(ctx.baseline, ctx.unit)
        base_zh = f"；基准 {ctx.baseline_year or ''} 年 {b}"
        base_en = f"; baseline {ctx.baseline_year or ''} {b}"
    std = ind.standard or "—"
    word_zh, word_en = text("verdicts", status, "zh"), text("verdicts", status, "en")
    zh = (
        f"输入：{ind.name_zh} {ctx.year} 年 {_num(ctx.value, ctx.unit)}（{how_zh}）{base_zh}；"
        f"规则：{target[0]}（{source[0]}，{fw.ref}）；适用范围：{scope[0]}；标准：{std}；"
        f"结论：{word_zh} — {reason[0]}"
    )
    en = (
        f"inputs: {ind.name_en} {ctx.year} {_num(ctx.value, ctx.unit)} ({how_en}){base_en}; "
        f"rule: {target[1]} ({source[1]}, {fw.ref}); scope: {scope[1]}; standard: {std}; "
        f"outcome: {word_en} — {reason[1]}"
    )
    return zh, en


def evaluate_targets(
    values: pd.DataFrame,
    framework: Framework | Mapping[str, Framework],
    zones: Sequence[ZoneUnit],
    year: int,
    tasks: Mapping[tuple[str, str], bool] | None = None,
    targets: pd.DataFrame | None = None,
    evidence: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """met / not_met / not_evaluable / not_applicable with reason and explanation, per zone ×
    indicator.

    ``values`` is the output of :func:`meili.assess.values.indicator_values`; ``framework``
    one framework or the framework in force per zone code. The series of earlier years
    feeds delta and trend rules; the baseline is the assigned baseline where ``targets``
    (the run context's assigned targets) gives one, else the value of the baseline year.
    ``tasks`` says, per (zone, indicator), whether the higher-level task was completed;
    ``evidence`` (accepted evidence) proves qualitative states. An indicator out of the
    zone's scope is not applicable (never not met); terrain and region come from the zone's
    attributes. One evaluation per zone × indicator (not per measurement).
    """
    tasks = tasks or {}
    targets = empty_targets() if targets is None else targets
    evidence = empty_evidence() if evidence is None else evidence
    assigned = {(r["zone_code"], r["indicator_code"]): r for r in targets.to_dict("records")}
    ev_groups = (
        {
            k: g
            for k, g in evidence[pd.to_numeric(evidence["year"]) <= year].groupby(
                ["zone_code", "indicator_code"]
            )
        }
        if len(evidence)
        else {}
    )
    by_zone = {z.code: z for z in zones}
    out = []
    for (zone_code, code), grp in values.groupby(["zone", "indicator"], sort=False):
        zone = by_zone.get(zone_code)
        fw = _framework_of(framework, zone_code)
        ind = fw.indicator(code) if fw is not None else None
        if ind is None or zone is None or fw is None:
            continue
        known = grp[grp["value"].notna()]
        series = dict(zip(known["year"].astype(int), known["value"].astype(float), strict=True))
        unit = grp["unit"].dropna().iloc[0] if grp["unit"].notna().any() else ind.unit
        now = grp[grp["year"] == year]
        lineage = now.iloc[0].to_dict() if len(now) else {}
        row = assigned.get((zone_code, code))
        rule, src_zh, src_en = assigned_rule(ind, row)
        base_year = ind.baseline_year
        baseline = None
        if row is not None and _known(row.get("baseline_year")):
            base_year = int(row["baseline_year"])
        if row is not None and _known(row.get("baseline_value")):
            baseline = float(row["baseline_value"])
        elif base_year:
            baseline = series.get(base_year)
        task = tasks.get((zone_code, code))
        ctx = EvalContext(
            value=series.get(year),
            unit=unit,
            direction=ind.direction,
            year=year,
            series={y: v for y, v in series.items() if y < year},
            baseline=baseline,
            baseline_year=base_year,
            higher_task_completed=task,
            evidence=_evidence(ev_groups[(zone_code, code)])
            if (zone_code, code) in ev_groups
            else (),
            region=zone.attribute("region").value,  # type: ignore[arg-type]
            terrain=zone.attribute("terrain").value,  # type: ignore[arg-type]
            province=zone.province,
            label_zh=ind.name_zh,
            label_en=ind.name_en,
        )
        scope = applicability(ind, zone)
        target_zh, target_en = describe(rule)
        veto = None
        if scope.applies is False:
            status = Status.not_applicable.value
            reason = (
                f"{ind.name_zh} 不适用（{scope.why_zh}）",
                f"{ind.name_en}: not applicable ({scope.why_en})",
            )
        elif scope.applies is None:
            status = Status.not_evaluable.value
            reason = (
                f"{ind.name_zh} 适用范围待核实（{scope.why_zh}），无法评价",
                f"{ind.name_en}: scope to confirm ({scope.why_en}): not evaluable",
            )
        else:
            verdict = evaluate(rule, ctx)
            status, veto = verdict.status.value, verdict.veto
            reason = (verdict.reason_zh, verdict.reason_en)
        explain_zh, explain_en = _explain(
            ind,
            fw,
            ctx,
            lineage,
            (target_zh, target_en),
            (src_zh, src_en),
            (scope.why_zh, scope.why_en),
            status,
            reason,
        )
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
                "status": status,
                "reason_zh": reason[0],
                "reason_en": reason[1],
                "veto": veto,
                "framework": fw.ref,
                "target_source": "assigned" if src_en != "the framework's target" else "framework",
                "baseline_year": base_year,
                "baseline": baseline,
                "terrain": ctx.terrain,
                "explain_zh": explain_zh,
                "explain_en": explain_en,
            }
        )
    return pd.DataFrame(out, columns=VERDICT_COLUMNS)
