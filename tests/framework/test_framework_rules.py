"""Target rules: each kind on hand-made cases, boundaries, and property tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from meili.framework.rules import EvalContext, Evidence, Rule, Status, describe, evaluate

RULE = TypeAdapter(Rule)


def rule(data: dict) -> Rule:
    return RULE.validate_python(data)


GE90 = {"kind": "threshold", "op": "≥", "value": 90, "unit": "%"}


def test_threshold_boundary_is_met() -> None:
    assert evaluate(rule(GE90), EvalContext(value=90, unit="%")).status is Status.met
    assert evaluate(rule(GE90), EvalContext(value=89.99, unit="%")).status is Status.not_met


def test_threshold_reason_in_words() -> None:
    r = rule({"kind": "threshold", "op": "<=", "value": 28, "unit": "µg/m³"})
    v = evaluate(r, EvalContext(value=27.3, unit="µg/m³", label_zh="PM2.5 年均浓度"))
    assert v.status is Status.met
    assert v.reason_zh == "PM2.5 年均浓度 27.3 µg/m³ ≤ 28 µg/m³，达标"
    assert v.reason_en == "27.3 µg/m³ ≤ 28 µg/m³: met"
    v = evaluate(r, EvalContext(value=30, unit="µg/m³"))
    assert v.status is Status.not_met and "未达标" in v.reason_zh


def test_missing_value_is_not_evaluable() -> None:
    v = evaluate(rule(GE90), EvalContext(unit="%"))
    assert v.status is Status.not_evaluable
    assert "无法评价" in v.reason_zh


def test_unit_conversion_and_mismatch() -> None:
    r = rule({"kind": "threshold", "op": "<=", "value": 28, "unit": "ug/m3"})
    assert evaluate(r, EvalContext(value=0.0273, unit="mg/m³")).status is Status.met
    assert evaluate(r, EvalContext(value=0.0281, unit="mg/m3")).status is Status.not_met
    v = evaluate(r, EvalContext(value=27, unit="%"))
    assert v.status is Status.not_evaluable and "cannot be converted" in v.reason_en
    assert evaluate(r, EvalContext(value=27)).status is Status.not_evaluable
    frac = rule(GE90)
    assert evaluate(frac, EvalContext(value=0.9, unit="fraction")).status is Status.met


def test_delta_minus_one_exactly_is_not_met_for_greater_than() -> None:
    r = rule({"kind": "delta", "op": ">", "value": -1, "base_year": 2020})
    assert evaluate(r, EvalContext(value=65.2, year=2024, series={2020: 66.2})).status is (
        Status.not_met
    )
    assert evaluate(r, EvalContext(value=65.3, year=2024, series={2020: 66.2})).status is (
        Status.met
    )
    assert evaluate(r, EvalContext(value=65.3, year=2024)).status is Status.not_evaluable


def test_delta_against_baseline_and_percent() -> None:
    r = rule({"kind": "delta", "op": "≥", "value": 0, "unit": "km²", "base": "baseline"})
    ctx = EvalContext(value=1000, unit="km²", baseline=1000, baseline_year=2022)
    assert evaluate(r, ctx).status is Status.met
    assert evaluate(r, EvalContext(value=999, unit="km²", baseline=1000)).status is Status.not_met
    p = rule(
        {"kind": "delta", "op": "<=", "value": 0, "base": "previous_year", "change": "percent"}
    )
    assert evaluate(p, EvalContext(year=2024, series={2023: 200, 2024: 190})).status is Status.met
    assert evaluate(p, EvalContext(year=2024, series={2023: 200, 2024: 201})).status is (
        Status.not_met
    )
    with pytest.raises(ValidationError):
        rule({"kind": "delta", "op": ">", "value": -1, "base_year": 2020, "base": "baseline"})


def test_trend_per_direction() -> None:
    up = rule({"kind": "trend", "require": "improving"})
    series = {2022: 80.0, 2023: 82.0, 2024: 85.0}
    assert evaluate(up, EvalContext(series=series, direction="up")).status is Status.met
    assert evaluate(up, EvalContext(series=series, direction="down")).status is Status.not_met
    stable = rule({"kind": "trend", "require": "non_worsening", "years": 2})
    flat = {2022: 80.0, 2023: 80.0, 2024: 80.0}
    assert evaluate(stable, EvalContext(series=flat, direction="up")).status is Status.met
    assert evaluate(up, EvalContext(series=flat, direction="up")).status is Status.not_met
    assert evaluate(up, EvalContext(series={2024: 1.0}, direction="up")).status is (
        Status.not_evaluable
    )
    assert evaluate(up, EvalContext(series=series, direction="neutral")).status is (
        Status.not_evaluable
    )


def test_compound_higher_task_and_any() -> None:
    r = rule(
        {
            "kind": "all",
            "rules": [
                {"kind": "higher_task"},
                {"kind": "any", "rules": [GE90, {"kind": "trend", "require": "improving"}]},
            ],
        }
    )
    zh, en = describe(r)
    assert zh == "完成上级下达的任务，且 （≥ 90% 或 持续改善）"
    assert "or improving" in en
    improving = {2023: 80.0, 2024: 85.0}
    base = {"unit": "%", "direction": "up", "year": 2024}
    ok = EvalContext(value=85, series=improving, higher_task_completed=True, **base)
    assert evaluate(r, ok).status is Status.met
    high = EvalContext(value=92, series={2023: 95.0}, higher_task_completed=True, **base)
    assert evaluate(r, high).status is Status.met
    failed_task = EvalContext(value=95, higher_task_completed=False, **base)
    assert evaluate(r, failed_task).status is Status.not_met
    unknown_task = EvalContext(value=95, **base)
    assert evaluate(r, unknown_task).status is Status.not_evaluable
    low_flat = EvalContext(value=85, series={2023: 85.0}, higher_task_completed=True, **base)
    assert evaluate(r, low_flat).status is Status.not_met
    low_no_series = EvalContext(value=85, higher_task_completed=True, **base)
    assert evaluate(r, low_no_series).status is Status.not_evaluable


def test_differentiated_by_region() -> None:
    r = rule(
        {
            "kind": "differentiated",
            "by": "region",
            "cases": {
                "east": {"kind": "threshold", "op": ">=", "value": 60, "unit": "%"},
                "west": {"kind": "threshold", "op": ">=", "value": 30, "unit": "%"},
            },
            "default": {"kind": "threshold", "op": ">=", "value": 40, "unit": "%"},
        }
    )
    assert evaluate(r, EvalContext(value=45, unit="%", region="east")).status is Status.not_met
    assert evaluate(r, EvalContext(value=45, unit="%", region="west")).status is Status.met
    assert evaluate(r, EvalContext(value=45, unit="%", region="central")).status is Status.met
    v = evaluate(r, EvalContext(value=45, unit="%"))
    assert v.status is Status.not_evaluable
    assert "东部 ≥ 60%" in describe(r)[0]
    with pytest.raises(ValidationError):
        rule({"kind": "differentiated", "by": "region", "cases": {"north": GE90}})


def test_differentiated_by_terrain_and_province() -> None:
    t = rule({"kind": "differentiated", "by": "terrain", "cases": {"mountain": GE90}})
    assert evaluate(t, EvalContext(value=95, unit="%", terrain="mountain")).status is Status.met
    assert evaluate(t, EvalContext(value=95, unit="%", terrain="plain")).status is (
        Status.not_evaluable
    )
    p = rule({"kind": "differentiated", "by": "province", "cases": {"33": GE90}})
    assert evaluate(p, EvalContext(value=95, unit="%", province="330000")).status is Status.met


def test_qualitative_needs_reviewed_evidence() -> None:
    r = rule({"kind": "state", "state": "established", "min_evidence": 1})
    assert evaluate(r, EvalContext()).status is Status.not_evaluable
    pending = (Evidence("agreement.pdf", "pending"),)
    assert evaluate(r, EvalContext(evidence=pending)).status is Status.not_evaluable
    unsigned = (Evidence("agreement.pdf", "approved", reviewer=None),)
    assert evaluate(r, EvalContext(evidence=unsigned)).status is Status.not_evaluable
    rejected = (Evidence("agreement.pdf", "rejected", reviewer="li"),)
    assert evaluate(r, EvalContext(evidence=rejected)).status is Status.not_met
    approved = (Evidence("agreement.pdf", "approved", reviewer="li"),)
    v = evaluate(r, EvalContext(evidence=approved))
    assert v.status is Status.met and "已建立" in v.reason_zh
    two = rule({"kind": "state", "state": "implemented", "min_evidence": 2})
    assert evaluate(two, EvalContext(evidence=approved)).status is Status.not_met


def test_veto() -> None:
    r = rule(
        {
            "kind": "veto",
            "effect": "no_top_grade",
            "condition": {"kind": "threshold", "op": ">", "value": 0, "unit": "count"},
        }
    )
    v = evaluate(r, EvalContext(value=1, unit="count"))
    assert v.status is Status.not_met and v.veto == "no_top_grade"
    assert "一票否决" in v.reason_zh
    v = evaluate(r, EvalContext(value=0, unit="count"))
    assert v.status is Status.met and v.veto is None
    assert evaluate(r, EvalContext(unit="count")).status is Status.not_evaluable
    inside = rule({"kind": "all", "rules": [r.model_dump()]})
    assert evaluate(inside, EvalContext(value=2, unit="count")).veto == "no_top_grade"


def test_unknown_kind_is_rejected() -> None:
    with pytest.raises(ValidationError):
        rule({"kind": "magic", "value": 1})


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(value=finite, target=finite)
def test_threshold_ge_met_iff_value_ge_target(value: float, target: float) -> None:
    r = rule({"kind": "threshold", "op": ">=", "value": target})
    assert evaluate(r, EvalContext(value=value)).met == (value >= target)


@given(value=finite, target=finite)
def test_threshold_lt_is_complement_of_ge(value: float, target: float) -> None:
    ge = evaluate(
        rule({"kind": "threshold", "op": ">=", "value": target}), EvalContext(value=value)
    )
    lt = evaluate(rule({"kind": "threshold", "op": "<", "value": target}), EvalContext(value=value))
    assert ge.met != lt.met


@given(
    start=finite, steps=st.lists(st.floats(min_value=0.01, max_value=100), min_size=1, max_size=6)
)
def test_trend_on_strictly_monotone_series(start: float, steps: list[float]) -> None:
    series, value = {2020: start}, start
    for i, step in enumerate(steps, start=2021):
        value += step
        series[i] = value
    years = len(steps)
    improving = rule({"kind": "trend", "require": "improving", "years": years})
    non_worse = rule({"kind": "trend", "require": "non_worsening", "years": years})
    if all(series[y] > series[y - 1] for y in range(2021, 2021 + years)):
        assert evaluate(improving, EvalContext(series=series, direction="up")).met
        assert evaluate(non_worse, EvalContext(series=series, direction="up")).met
        assert not evaluate(improving, EvalContext(series=series, direction="down")).met


def test_composite_reasons_are_one_flat_sentence() -> None:
    # issue 11 item 6: reasons used to nest as "[…；[[缺少数值，无法评价]；…]，无法评价]，无法评价"
    nested = rule(
        {
            "kind": "all",
            "rules": [
                {"kind": "higher_task"},
                {"kind": "any", "rules": [GE90, {"kind": "trend", "require": "improving"}]},
            ],
        }
    )
    ctx = EvalContext(unit="%", label_zh="优良天数比例", label_en="good days", direction="up")
    v = evaluate(nested, ctx)
    assert v.status is Status.not_evaluable
    assert v.reason_zh == "优良天数比例 缺少上级任务完成情况；缺少数值；缺少时间序列，无法评价"
    assert v.reason_en == (
        "good days higher-level task status unknown; no value; no series: not evaluable"
    )
    assert not any(c in v.reason_zh + v.reason_en for c in "[]")
    # a part whose status differs from the whole keeps its own word, still flat
    ctx = EvalContext(
        value=92, unit="%", year=2024, series={2023: 93}, direction="up", higher_task_completed=True
    )
    v = evaluate(nested, ctx)
    assert v.status is Status.met
    assert v.reason_zh.endswith("，达标") and "未持续改善，未达标" in v.reason_zh
    assert "[" not in v.reason_zh
