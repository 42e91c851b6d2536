"""How each arrow and rank of a round was reached, in zh and en, from the row's own columns
(verdicts and grades carry their explanation from :mod:`meili.assess.targets` and
:mod:`meili.assess.grade`). A column a table lacks is left out of the sentence, never invented.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from meili.framework import units


def _has(row: Mapping[str, Any], key: str) -> bool:
    v = row.get(key)
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def _n(row: Mapping[str, Any], key: str) -> str:
    return units.num(float(row[key])) if _has(row, key) else "—"


def explain_progress(row: Mapping[str, Any]) -> tuple[str, str]:
    """The trend arrow: baseline → current against the target, the rate rule (SDR)."""
    zh = [
        f"输入：基准 {row.get('baseline_year', '—')} 年 {_n(row, 'baseline')}，"
        f"当前 {row.get('current_year', '—')} 年 {_n(row, 'current')}，"
        f"目标 {row.get('target_year', '—')} 年 {_n(row, 'target')}"
    ]
    en = [
        f"inputs: baseline {row.get('baseline_year', '—')} {_n(row, 'baseline')}, "
        f"current {row.get('current_year', '—')} {_n(row, 'current')}, "
        f"target {row.get('target_year', '—')} {_n(row, 'target')}"
    ]
    if _has(row, "distance_pct"):
        zh.append(f"完成进度 (当前−基准)/(目标−基准) = {_n(row, 'distance_pct')}%")
        en.append(f"distance (current−baseline)/(target−baseline) = {_n(row, 'distance_pct')} %")
    if _has(row, "rate_ratio"):
        zh.append(
            f"方法：可持续发展报告（SDR）趋势法，实际年均变化 {_n(row, 'actual_rate')} / "
            f"所需 {_n(row, 'required_rate')} = {_n(row, 'rate_ratio')}"
        )
        en.append(
            f"method: SDR trend, actual yearly change {_n(row, 'actual_rate')} / required "
            f"{_n(row, 'required_rate')} = {_n(row, 'rate_ratio')}"
        )
    zh.append(f"结论：{row.get('arrow_symbol', '')} {row.get('arrow_zh', row.get('arrow', ''))}")
    en.append(f"outcome: {row.get('arrow_symbol', '')} {row.get('arrow_en', row.get('arrow', ''))}")
    if _has(row, "warning_zh"):
        zh.append(f"预警：{row['warning_zh']}（Theil–Sen 外推 {_n(row, 'projection')}）")
        en.append(f"warning: {row['warning_en']} (Theil–Sen projection {_n(row, 'projection')})")
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
