"""How each arrow and rank of a round was reached, in zh and en, from the row's own columns
(verdicts and grades carry their explanation from :mod:`meili.assess.targets` and
:mod:`meili.assess.grade`). A column a table lacks is left out of the sentence, never invented.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from meili.assess.progress import METHODS
from meili.framework import units


def _has(row: Mapping[str, Any], key: str) -> bool:
    v = row.get(key)
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def _n(row: Mapping[str, Any], key: str) -> str:
    return units.num(float(row[key])) if _has(row, key) else "—"


def _g(row: Mapping[str, Any], key: str) -> str:
    """A rate or ratio to 4 significant digits."""
    return units.num(float(f"{float(row[key]):.4g}")) if _has(row, key) else "—"


def explain_progress(row: Mapping[str, Any]) -> tuple[str, str]:
    """The arrow: method, programme baseline, points, target (and what it leaves out), pace,
    outcome, and the projection's warning."""
    method = str(row.get("method") or "sdr")
    m_zh, m_en, cite = METHODS.get(method, (method, method, ""))
    unit = row.get("unit") if isinstance(row.get("unit"), str) else None

    def v(key: str) -> str:
        return units.with_unit(float(row[key]), unit) if _has(row, key) else "—"

    zh = [f"方法：{m_zh}（{cite}）"]
    en = [f"method: {m_en} ({cite})"]
    zh.append(
        f"基准 {row.get('baseline_year', '—')} 年 {v('baseline')}，"
        f"当前 {row.get('current_year', '—')} 年 {v('current')}，"
        f"数据点 {row.get('n_points', '—')} 个（至少 {row.get('min_points', '—')} 个）"
    )
    en.append(
        f"baseline {row.get('baseline_year', '—')} {v('baseline')}, "
        f"current {row.get('current_year', '—')} {v('current')}, "
        f"{row.get('n_points', '—')} points (at least {row.get('min_points', '—')})"
    )
    if _has(row, "target"):
        zh.append(f"目标 {row.get('target_year', '—')} 年 {v('target')}")
        en.append(f"target {row.get('target_year', '—')} {v('target')}")
    else:
        zh.append("无本区数值目标")
        en.append("no numeric target for the zone")
    if row.get("target_note_zh"):
        zh.append(f"目标说明：{row['target_note_zh']}")
        en.append(f"target note: {row.get('target_note_en', '')}")
    if _has(row, "national_reference"):
        zh.append(f"全国参照 {v('national_reference')}")
        en.append(f"national reference {v('national_reference')}")
    if _has(row, "distance_pct"):
        zh.append(f"完成进度 (当前−基准)/(目标−基准) = {_n(row, 'distance_pct')}%")
        en.append(f"distance (current−baseline)/(target−baseline) = {_n(row, 'distance_pct')} %")
    if method == "statcan" and _has(row, "actual_rate"):
        pace_zh = f"实际年复合增长率 {_g(row, 'actual_rate')}"
        pace_en = f"observed compound annual growth {_g(row, 'actual_rate')}"
        if _has(row, "target"):
            pace_zh += (
                f"，所需 {_g(row, 'required_rate')}，比值 {_g(row, 'rate_ratio')}（分档 95%、60%）"
            )
            pace_en += (
                f", required {_g(row, 'required_rate')}, ratio {_g(row, 'rate_ratio')} "
                "(bands 95 %, 60 %)"
            )
        else:
            pace_zh += "（固定阈值 1.5%、0.5%，接近上下限时按比例缩小）"
            pace_en += " (fixed thresholds 1.5 %, 0.5 %, scaled near the natural limit)"
        zh.append(pace_zh)
        en.append(pace_en)
    elif _has(row, "rate_ratio"):
        zh.append(
            f"实际年均变化 {_g(row, 'actual_rate')} / 所需 {_g(row, 'required_rate')} "
            f"= {_g(row, 'rate_ratio')}（分档 100%、50%）"
        )
        en.append(
            f"actual yearly change {_g(row, 'actual_rate')} / required "
            f"{_g(row, 'required_rate')} = {_g(row, 'rate_ratio')} (bands 100 %, 50 %)"
        )
    zh.append(f"结论：{row.get('arrow_symbol', '')} {row.get('arrow_zh', row.get('arrow', ''))}")
    en.append(f"outcome: {row.get('arrow_symbol', '')} {row.get('arrow_en', row.get('arrow', ''))}")
    if row.get("verdict") == "not_met" and row.get("arrow") in ("on_track", "maintaining"):
        zh.append("当年判定未达标：规则的其他部分未满足（见判定说明）")
        en.append("this year's verdict is not met: other parts of the rule (see the verdict)")
    if _has(row, "warning_zh"):
        zh.append(f"预警：{row['warning_zh']}（Theil–Sen 外推 {v('projection')}）")
        en.append(f"warning: {row['warning_en']} (Theil–Sen projection {v('projection')})")
    return "；".join(zh), "; ".join(en)


def explain_rank(row: Mapping[str, Any]) -> tuple[str, str]:
    """A rank: the value and its validity, the comparison group, how many of the group have a
    ranked value (coverage), the rank rule, the 前列/领先 flags, and the improvement rank."""
    group = row.get("comparison", "—")
    zh = [f"输入：{row.get('indicator')} 值 {_n(row, 'value')}；比较组 {group}"]
    en = [f"inputs: {row.get('indicator')} value {_n(row, 'value')}; comparison set {group}"]
    if "valid" in row and _has(row, "valid") and not bool(row["valid"]):
        zh.append(str(row.get("validity_zh") or "不满足 GB 3095 数据有效性要求，仅供参考"))
        en.append(str(row.get("validity_en") or "does not meet the GB 3095 data-validity rule"))
    if _has(row, "group_size"):
        zh.append(
            f"组内 {int(row['group_size'])} 个单位，{_i(row, 'n')} 个有可排名的值"
            f"（覆盖率 {_pct(row, 'coverage')}）"
        )
        en.append(
            f"{int(row['group_size'])} units in the group, {_i(row, 'n')} with a ranked value "
            f"(coverage {_pct(row, 'coverage')})"
        )
    if _has(row, "rank"):
        zh.append(
            f"方法：按改善方向排序（并列取最小名次），第 {int(row['rank'])} / {_i(row, 'n')} 名，"
            f"百分位 {_n(row, 'percentile')}"
        )
        en.append(
            f"method: ordered by the direction of improvement (ties share the lowest rank), "
            f"rank {int(row['rank'])} of {_i(row, 'n')}, percentile {_n(row, 'percentile')}"
        )
    elif "rank" in row:
        zh.append("未排名")
        en.append("not ranked")
    if _has(row, "rule_zh"):
        zh.append(f"规则：{row['rule_zh']}")
        en.append(f"rule: {row.get('rule_en', row['rule_zh'])}")
    if "band_zh" in row and _has(row, "band_zh"):
        zh.append(f"分档：{row['band_zh']}")
        en.append(f"band: {row.get('band_en', row['band_zh'])}")
    for flag, fz, fe in (
        ("top", "全国前列", "among the leaders"),
        ("leading", "全国领先", "leading"),
    ):
        if flag in row and _has(row, flag):
            zh.append(f"{fz}：{'是' if bool(row[flag]) else '否'}")
            en.append(f"{fe}: {'yes' if bool(row[flag]) else 'no'}")
    if _has(row, "change_pct"):
        base = f"{row.get('baseline_year', '—')} 年 {_n(row, 'baseline')}"
        zh.append(f"改善幅度：相对基准 {base} 改善 {_n(row, 'change_pct')}%")
        en.append(
            f"improvement: {_n(row, 'change_pct')} % from baseline "
            f"{row.get('baseline_year', '—')} {_n(row, 'baseline')}"
        )
        if _has(row, "change_rank"):
            zh.append(
                f"改善幅度第 {int(row['change_rank'])} / {_i(row, 'change_n')} 名"
                f"（覆盖率 {_pct(row, 'change_coverage')}），"
                f"领先：{'是' if bool(row.get('change_leading')) else '否'}"
            )
            en.append(
                f"improvement rank {int(row['change_rank'])} of {_i(row, 'change_n')} "
                f"(coverage {_pct(row, 'change_coverage')}), "
                f"leading: {'yes' if bool(row.get('change_leading')) else 'no'}"
            )
    if _has(row, "note") and row["note"]:
        zh.append(f"说明：{row['note']}")
        en.append(f"note: {row['note']}")
    return "；".join(zh), "; ".join(en)


def _i(row: Mapping[str, Any], key: str) -> str:
    return str(int(float(row[key]))) if _has(row, key) else "—"


def _pct(row: Mapping[str, Any], key: str) -> str:
    return f"{units.num(100 * float(row[key]))}%" if _has(row, key) else "—"


def with_explanations(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (a round table) with ``explain_zh`` / ``explain_en`` columns."""
    if frame.empty or "explain_zh" in frame:
        return frame
    how = {"progress": explain_progress, "comparison": explain_rank}.get(table)
    if how is None:
        return frame
    texts = [how(r) for r in frame.to_dict("records")]
    return frame.assign(explain_zh=[t[0] for t in texts], explain_en=[t[1] for t in texts])
