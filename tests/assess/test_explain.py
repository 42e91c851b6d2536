"""Explanations of arrows and ranks (issue 15 item 7), from the rows' own columns."""

from __future__ import annotations

import math

import pandas as pd

from meili.assess.explain import explain_progress, explain_rank, with_explanations


def test_arrow_explained_from_its_inputs() -> None:
    # baseline 20 (2017) → 40 (2019), target 45 in 2027: (40 − 20) / (45 − 20) = 80 %
    row = {
        "baseline_year": 2017,
        "baseline": 20.0,
        "current_year": 2019,
        "current": 40.0,
        "target_year": 2027,
        "target": 45.0,
        "distance_pct": 80.0,
        "actual_rate": 10.0,
        "required_rate": 2.5,
        "rate_ratio": 4.0,
        "arrow": "on_track",
        "arrow_symbol": "↑",
        "arrow_zh": "达成/正常推进",
        "arrow_en": "on track or achieved",
        "warning_zh": None,
    }
    zh, en = explain_progress(row)
    assert "基准 2017 年 20" in zh and "目标 2027 年 45" in zh and "= 80%" in zh
    assert "actual yearly change 10 / required 2.5 = 4" in en
    assert en.endswith("outcome: ↑ on track or achieved")


def test_rank_explained_and_a_missing_column_left_out() -> None:
    row = {
        "indicator": "eco.forest_cover",
        "value": 66.0,
        "comparison": "national:cities337",
        "rank": 3,
        "n": 337,
        "percentile": 99.4,
        "top": True,
        "leading": False,
        "note": "一票否决 veto (sec.major_env_incidents): not leading",
    }
    zh, en = explain_rank(row)
    assert "第 3 / 337 名" in zh and "全国领先：否" in zh
    assert "rank 3 of 337" in en and "note: 一票否决 veto" in en
    zh, en = explain_rank({"indicator": "x", "value": math.nan, "comparison": "zones:region"})
    assert "rank" not in en and "值 —" in zh


def test_tables_gain_explain_columns() -> None:
    frame = pd.DataFrame([{"indicator": "x", "value": 1.0, "rank": 1, "n": 2}])
    out = with_explanations("comparison", frame)
    assert list(out.columns[-2:]) == ["explain_zh", "explain_en"]
    assert with_explanations("values", frame) is frame
