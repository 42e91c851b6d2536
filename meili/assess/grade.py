"""One overall result per zone and round: a score and a grade (优秀 / 良好 / 合格 / 不合格) by
the framework's grading scheme (:mod:`meili.framework.grading`, steps 1–7), each step
explained in zh and en."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence

import pandas as pd

from meili.framework.grading import NO_CAP, NOT_GRADED, Grading
from meili.framework.schema import Framework
from meili.registry.units import ZoneUnit

GRADE_COLUMNS = [
    "zone", "tier", "year", "framework", "score", "coverage", "grade", "grade_zh", "grade_en",
    "applicable", "judged", "met", "binding_not_met", "binding_unknown", "veto", "caps",
    "explain_zh", "explain_en",
]  # fmt: skip


def _pct(x: float) -> str:
    return f"{x:.1%}"


def _pts(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def grade_zone(verdicts: pd.DataFrame, fw: Framework) -> dict[str, object]:
    """Score and grade of one zone from its verdict rows (one row per indicator)."""
    scheme: Grading = fw.scheme
    zh: list[str] = [f"评分方案：{scheme.basis_zh}（{fw.ref}）"]
    en: list[str] = [f"scheme: {scheme.basis_en} ({fw.ref})"]
    rows = verdicts.copy()
    weights = {i.code: i.weight for i in fw.indicators}
    rows["w"] = [
        weights.get(c, 1.0) * scheme.weights.get(b, 1.0)
        for c, b in zip(rows["indicator"], rows["binding"], strict=True)
    ]
    # 1. applicable
    out_of_scope = rows[rows["status"] == "not_applicable"]
    rows = rows[rows["status"] != "not_applicable"]
    zh.append(
        f"1 适用指标 {len(rows)} 项（不适用 {len(out_of_scope)} 项不计入："
        f"{'、'.join(out_of_scope['indicator']) or '无'}）"
    )
    en.append(
        f"1 applicable indicators: {len(rows)} ({len(out_of_scope)} out of scope left out: "
        f"{', '.join(out_of_scope['indicator']) or 'none'})"
    )
    # 4 (first): a fail_area veto counts the area's indicators as not met
    fail_areas = set(rows.loc[rows["veto"] == "fail_area", "target_area"])
    met = rows["status"] == "met"
    if fail_areas:
        met &= ~rows["target_area"].isin(fail_areas)
    judged = rows["status"].isin(["met", "not_met"])
    w_all, w_judged, w_met = rows["w"].sum(), rows.loc[judged, "w"].sum(), rows.loc[met, "w"].sum()
    # 2–3. weights and coverage
    coverage = w_judged / w_all if w_all else 0.0
    zh.append(
        f"2 权重 = 指标权重 × 约束性 {_pts(scheme.weights['binding'])} / 参考性 "
        f"{_pts(scheme.weights['reference'])}；适用权重合计 {_pts(w_all)}"
    )
    en.append(
        f"2 weight = indicator weight × binding {_pts(scheme.weights['binding'])} / reference "
        f"{_pts(scheme.weights['reference'])}; applicable weight {_pts(w_all)}"
    )
    zh.append(
        f"3 覆盖率 = 已判定权重 {_pts(w_judged)} / {_pts(w_all)} = {_pct(coverage)}"
        f"（要求 ≥ {_pct(scheme.min_coverage)}）"
    )
    en.append(
        f"3 coverage = judged weight {_pts(w_judged)} / {_pts(w_all)} = {_pct(coverage)} "
        f"(required ≥ {_pct(scheme.min_coverage)})"
    )
    # 4. score
    score = 100.0 * w_met / w_judged if w_judged else 0.0
    veto_area = f"（{'、'.join(sorted(fail_areas))} 一票否决，按未达标计）" if fail_areas else ""
    veto_area_en = (
        f" ({', '.join(sorted(fail_areas))} vetoed: counted not met)" if fail_areas else ""
    )
    zh.append(
        f"4 得分 = 100 × 达标权重 {_pts(w_met)} / {_pts(w_judged)} = {_pts(score)}{veto_area}"
    )
    en.append(
        f"4 score = 100 × met weight {_pts(w_met)} / {_pts(w_judged)} = {_pts(score)}{veto_area_en}"
    )
    # 5. bonus and penalty
    by_code = rows.set_index("indicator")
    bonus = penalty = 0.0
    for kind, items in (("bonus", scheme.bonus), ("penalty", scheme.penalty)):
        for item in items:
            if item.indicator not in by_code.index:
                continue
            r = by_code.loc[item.indicator]
            if item.when == "value":
                v = r["value"]
                pts = (
                    0.0
                    if v is None or (isinstance(v, float) and math.isnan(v))
                    else item.points * float(v)
                )
            else:
                pts = item.points if r["status"] == item.when else 0.0
            if item.max_points is not None:
                pts = min(pts, item.max_points)
            if pts:
                sign = "+" if kind == "bonus" else "−"
                zh.append(
                    f"5 {'加分' if kind == 'bonus' else '扣分'}：{item.indicator} {sign}{_pts(pts)}"
                )
                en.append(f"5 {kind}: {item.indicator} {sign}{_pts(pts)}")
            if kind == "bonus":
                bonus += pts
            else:
                penalty += pts
    if bonus > scheme.max_bonus:
        zh.append(f"5 加分上限 {_pts(scheme.max_bonus)}")
        en.append(f"5 bonus capped at {_pts(scheme.max_bonus)}")
        bonus = scheme.max_bonus
    final = min(100.0, max(0.0, score + bonus - penalty))
    zh.append(
        f"5 最终得分 = {_pts(score)} + {_pts(bonus)} − {_pts(penalty)} → {_pts(final)}（限 0–100）"
    )
    en.append(
        f"5 final score = {_pts(score)} + {_pts(bonus)} − {_pts(penalty)} → {_pts(final)} (0–100)"
    )
    # 6. band
    band = next(b for b in scheme.bands if final >= b.min_score)
    zh.append(f"6 按分数：{band.name_zh}（≥ {_pts(band.min_score)} 分）")
    en.append(f"6 by score: {band.name_en} (≥ {_pts(band.min_score)})")
    # 7. caps
    binding = rows["binding"] == "binding"
    b_not_met = sorted(rows.loc[binding & (rows["status"] == "not_met"), "indicator"])
    b_unknown = sorted(rows.loc[binding & (rows["status"] == "not_evaluable"), "indicator"])
    triggered = sorted(rows.loc[rows["veto"].notna() & (rows["veto"] != ""), "indicator"])
    veto_rules = {i.code for i in fw.indicators if i.target.kind == "veto"}
    veto_unknown = sorted(
        rows.loc[
            rows["indicator"].isin(veto_rules) & (rows["status"] == "not_evaluable"), "indicator"
        ]
    )
    caps: list[str] = []
    rank = scheme.rank(band.code)
    for cap, hit, what_zh, what_en in (
        (scheme.binding_not_met, b_not_met, "约束性指标未达标", "binding indicator(s) not met"),
        (
            scheme.binding_unknown,
            b_unknown,
            "约束性指标无法评价",
            "binding indicator(s) not evaluable",
        ),
        (scheme.veto, triggered, "触发一票否决", "veto triggered"),
        (scheme.veto_unknown, veto_unknown, "否决条件无法判断", "veto condition unknown"),
    ):
        if cap == NO_CAP or not hit:
            continue
        capped = scheme.band(cap)
        lowered = scheme.rank(cap) > rank
        rank = max(rank, scheme.rank(cap))
        caps.append(cap)
        zh.append(
            f"7 {what_zh}（{'、'.join(hit)}）：最高 {capped.name_zh}"
            + ("，等级下调" if lowered else "，不影响")
        )
        en.append(
            f"7 {what_en} ({', '.join(hit)}): at most {capped.name_en}"
            + (", grade lowered" if lowered else ", no effect")
        )
    grade = scheme.bands[rank]
    code, name_zh, name_en = grade.code, grade.name_zh, grade.name_en
    if coverage < scheme.min_coverage:
        code, (name_zh, name_en) = "not_graded", NOT_GRADED
        zh.append(f"结果：覆盖率 {_pct(coverage)} 不足，{name_zh}（按已有数据为{grade.name_zh}）")
        en.append(
            f"result: coverage {_pct(coverage)} too low, {name_en} (data so far: {grade.name_en})"
        )
    else:
        zh.append(f"结果：{_pts(final)} 分，{name_zh}")
        en.append(f"result: {_pts(final)} points, {name_en}")
    return {
        "framework": fw.ref,
        "score": round(final, 4),
        "coverage": round(coverage, 6),
        "grade": code,
        "grade_zh": name_zh,
        "grade_en": name_en,
        "applicable": len(rows),
        "judged": int(judged.sum()),
        "met": int(met.sum()),
        "binding_not_met": json.dumps(b_not_met),
        "binding_unknown": json.dumps(b_unknown),
        "veto": json.dumps(triggered),
        "caps": json.dumps(caps),
        "explain_zh": "\n".join(zh),
        "explain_en": "\n".join(en),
    }


def grade_zones(
    verdicts: pd.DataFrame,
    frameworks: Framework | Mapping[str, Framework],
    zones: Sequence[ZoneUnit],
    year: int,
) -> pd.DataFrame:
    """One row per zone (columns :data:`GRADE_COLUMNS`), by each zone's framework."""
    out = []
    for zone in zones:
        fw = frameworks if isinstance(frameworks, Framework) else frameworks.get(zone.code)
        mine = verdicts[verdicts["zone"] == zone.code]
        if fw is None or mine.empty:
            continue
        out.append({"zone": zone.code, "tier": zone.tier, "year": year, **grade_zone(mine, fw)})
    return pd.DataFrame(out, columns=GRADE_COLUMNS)


def vetoed_zones(grades: pd.DataFrame) -> dict[str, str]:
    """Zone → the indicators whose veto was triggered (zones with none left out)."""
    if grades.empty:
        return {}
    return {
        z: ", ".join(json.loads(v))
        for z, v in zip(grades["zone"], grades["veto"], strict=True)
        if json.loads(v)
    }
