"""Progress to 2027 (issue 15 item 5): the whole rule's target in the values' unit, the two
named methods against worked examples computed by hand, and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from meili.assess.explain import explain_progress
from meili.assess.goal import Where, goal
from meili.assess.progress import MIN_POINTS, assess_progress
from meili.assess.relative import place_percentile, place_rank, relative_progress
from meili.errors import UserError
from meili.framework.rules import AllOf, AnyOf, Delta, Differentiated, HigherTask, Threshold, Trend
from meili.framework.schema import Indicator

PM = Indicator(
    code="env.pm25",
    name_zh="PM2.5",
    name_en="PM2.5",
    unit="µg/m³",
    direction="down",
    target_area="environment_quality",
    measure="七",
    tiers=["city"],
    binding="binding",
    method="m",
    data_source="d",
    target=Threshold(op="<=", value=28, unit="µg/m³"),
)


def _where(**kw: object) -> Where:
    base = {"unit": "µg/m³", "direction": "down"}
    return Where(**{**base, **kw})  # type: ignore[arg-type]


# ---- the target of the whole rule ---------------------------------------------------------


def test_threshold_converted_to_the_values_unit() -> None:
    # 0.028 mg/m³ = 28 µg/m³ (factor 1000, meili.framework.units.FACTORS)
    g = goal(Threshold(op="<=", value=0.028, unit="mg/m³"), PM, _where(), assigned=True)
    assert g.value == pytest.approx(28.0)


def test_unknown_conversion_refused_with_reason() -> None:
    g = goal(Threshold(op="<=", value=28, unit="dB(A)"), PM, _where(), assigned=True)
    assert g.value is None
    assert "dB(A)" in g.note_en and "cannot be converted" in g.note_en
    assert "无法换算" in g.note_zh


def test_all_of_takes_the_most_demanding_and_names_the_rest() -> None:
    # ↓: ≤ 30 and ≤ 28 → 28 is the binding number; the higher-level task is named
    rule = AllOf(rules=[HigherTask(), Threshold(op="<=", value=30), Threshold(op="<=", value=28)])
    g = goal(rule, PM, _where(), assigned=True)
    assert g.value == 28
    assert "higher level" in g.note_en


def test_any_of_takes_the_least_demanding_and_names_the_alternative() -> None:
    # ↑ share: ≥ 25 or ≥ 20 → 20 suffices; "or improving" is the other path
    share = PM.model_copy(update={"unit": "%", "direction": "up"})
    rule = AnyOf(rules=[Threshold(op=">=", value=25), Threshold(op=">=", value=20), Trend()])
    g = goal(rule, share, _where(unit="%", direction="up"), assigned=True)
    assert g.value == 20
    assert g.note_en.startswith("or improving")


def test_differentiated_picks_the_zones_case() -> None:
    rule = Differentiated(
        by="terrain",
        cases={"mountain": Threshold(op=">=", value=60), "plain": Threshold(op=">=", value=20)},
    )
    forest = PM.model_copy(update={"unit": "%", "direction": "up"})
    w = _where(unit="%", direction="up", terrain="plain")
    assert goal(rule, forest, w, assigned=True).value == 20


def test_delta_versus_base_year_gives_a_level() -> None:
    # ≤ −10 % versus 2020 (value 40): 40 × 0.9 = 36
    rule = Delta(op="<=", value=-10, base_year=2020, change="percent")
    g = goal(rule, PM, _where(series={2020: 40.0}), assigned=True)
    assert g.value == pytest.approx(36.0)
    assert goal(Delta(op="<=", value=0, base="previous_year"), PM, _where(), True).value is None


def test_national_anchor_is_a_reference_not_the_zones_target() -> None:
    national = PM.model_copy(update={"target_scope": "national"})
    g = goal(national.target, national, _where(), assigned=False)
    assert g.value is None and g.national == 28
    assert "national anchor" in g.note_en
    # the zone's own plan sets it: then it is the target
    assert goal(national.target, national, _where(), assigned=True).value == 28


# ---- the two methods, worked by hand ---------------------------------------------------------


def _run(values: dict[int, float], **target: object) -> pd.Series:
    data = pd.DataFrame(
        {"zone": "Z", "indicator": "x", "year": list(values), "value": list(values.values())}
    )
    row = {"indicator": "x", "direction": "down", "target": 28.0, "baseline_year": 2024}
    row.update(target)
    method = str(row.pop("method", "sdr"))
    return assess_progress(data, pd.DataFrame([row]), method=method).iloc[0]


def test_sdr_worked_example() -> None:
    # PM2.5 40 (2024) → 37 (2025) → 34 (2026), target 28 by 2027.
    # observed pace (40 − 34)/2 = 3 a year; needed (40 − 28)/3 = 4 a year; 3/4 = 75 %:
    # between 50 % and 100 % → moderately improving.
    row = _run({2024: 40, 2025: 37, 2026: 34})
    assert (row["actual_rate"], row["required_rate"], row["rate_ratio"]) == (3.0, 4.0, 0.75)
    assert row["arrow"] == "moderately_improving"
    assert row["n_points"] == 3


def test_statcan_worked_example_with_target() -> None:
    # Same series. CAGR_o = (34/40)^(1/2) − 1 = 0.921954 − 1 = −0.078046;
    # CAGR_T = (28/40)^(1/3) − 1 = 0.887904 − 1 = −0.112096;
    # R = s·d·CAGR_o/|CAGR_T| = 1·(−1)·(−0.078046)/0.112096 = 0.69624 → 60 % ≤ R < 95 %:
    # progress made but acceleration needed.
    row = _run({2024: 40, 2025: 37, 2026: 34}, method="statcan")
    assert row["actual_rate"] == pytest.approx(-0.078046, abs=1e-6)
    assert row["required_rate"] == pytest.approx(-0.112096, abs=1e-6)
    assert row["rate_ratio"] == pytest.approx(0.69624, abs=1e-5)
    assert row["arrow"] == "moderately_improving"


def test_statcan_bands_differ_from_sdr() -> None:
    # 40 → 31 in 2 years, target 28 by 2027: SDR 4.5/4 = 112.5 % → on track.
    # StatCan: CAGR_o = (31/40)^(1/2) − 1 = −0.119633; R = 0.119633/0.112096 = 1.0672 → on track.
    # 40 → 35: SDR 2.5/4 = 62.5 % → moderately improving; StatCan CAGR_o = (35/40)^0.5 − 1 =
    # −0.064586, R = 0.57617 < 60 % → limited progress (stagnating).
    assert _run({2024: 40, 2025: 35, 2026: 31})["arrow"] == "on_track"
    assert _run({2024: 40, 2025: 35, 2026: 31}, method="statcan")["arrow"] == "on_track"
    assert _run({2024: 40, 2025: 38, 2026: 35})["arrow"] == "moderately_improving"
    row = _run({2024: 40, 2025: 38, 2026: 35}, method="statcan")
    assert row["rate_ratio"] == pytest.approx(0.57617, abs=1e-5)
    assert row["arrow"] == "stagnating"


def test_statcan_without_target_uses_fixed_growth_scaled_near_the_limit() -> None:
    # ↑ share, no target, 50 % → 51.5 % in 2 years: CAGR = (51.5/50)^(1/2) − 1 = 0.014889.
    # Limit 100: C = 1 − (50/100)^4.44 = 1 − 0.046 = 0.95400 → thresholds 1.431 % and 0.477 %;
    # 1.4889 % ≥ 1.431 % → on track. Without the limit (C = 1) 1.4889 % < 1.5 % → moderate.
    row = _run(
        {2024: 50, 2025: 51, 2026: 51.5},
        direction="up",
        target=math.nan,
        high=100.0,
        method="statcan",
    )
    assert row["actual_rate"] == pytest.approx(0.014889, abs=1e-6)
    assert row["arrow"] == "on_track"
    free = _run({2024: 50, 2025: 51, 2026: 51.5}, direction="up", target=math.nan, method="statcan")
    assert free["arrow"] == "moderately_improving"
    # SDR needs a target
    assert (
        _run({2024: 50, 2025: 51, 2026: 51.5}, direction="up", target=math.nan)["arrow"]
        == "no_target"
    )


def test_maintaining_above_the_target() -> None:
    assert _run({2024: 30, 2025: 27, 2026: 26})["arrow"] == "maintaining"
    assert _run({2024: 30, 2025: 27, 2026: 26}, method="statcan")["arrow"] == "maintaining"


def test_baseline_is_the_programme_year_not_the_first_year_with_data() -> None:
    # data from 2020, baseline 2024: the pace is measured from 2024 (40 → 34 over 2 years)
    row = _run({2020: 60, 2024: 40, 2025: 37, 2026: 34})
    assert (row["baseline_year"], row["baseline"], row["n_points"]) == (2024, 40, 3)
    # no value in the baseline year: no arrow, never a later year instead
    row = _run({2025: 37, 2026: 34, 2023: 41})
    assert row["arrow"] == "insufficient_data" and math.isnan(row["baseline"])
    # an assigned baseline value stands in for the baseline year
    row = _run({2025: 37, 2026: 34}, baseline=40.0)
    assert row["arrow"] == "moderately_improving" and row["n_points"] == 3


def test_one_or_two_points_give_no_arrow() -> None:
    assert MIN_POINTS == 3
    assert _run({2024: 40, 2026: 20})["arrow"] == "insufficient_data"
    assert _run({2024: 40})["arrow"] == "insufficient_data"


def test_missed_when_the_target_year_has_come_and_the_verdict_is_not_met() -> None:
    # numerically at 27 ≤ 28 but the whole rule (e.g. the higher-level task) is not met
    row = _run({2024: 30, 2025: 29, 2026: 27}, target_year=2026, status="not_met")
    assert row["arrow"] == "missed"


def test_projection_bounded_to_the_range() -> None:
    # share 10 → 50 → 90 (slope 40 a year): 2027 would be 130 %, bounded to 100
    row = _run({2024: 10, 2025: 50, 2026: 90}, direction="up", target=95.0, low=0.0, high=100.0)
    assert row["projection"] == 100.0 and row["projection_high"] == 100.0


def test_unknown_method_refused() -> None:
    with pytest.raises(UserError, match="progress method"):
        _run({2024: 40, 2025: 37, 2026: 34}, method="eurostat")


def test_arrow_explained_with_method_baseline_points_target_pace() -> None:
    row = _run({2024: 40, 2025: 37, 2026: 34}, method="statcan").to_dict()
    zh, en = explain_progress({**row, "unit": "µg/m³"})
    assert "Statistics Canada" in en and "baseline 2024 40 µg/m³" in en
    assert "3 points (at least 3)" in en and "target 2027 28 µg/m³" in en
    assert "ratio 0.6962" in en and "基准 2024 年 40 µg/m³" in zh and "数据点 3 个" in zh


# ---- properties ------------------------------------------------------------------------------

level = hs.floats(0, 100, allow_nan=False)
methods = hs.sampled_from(["sdr", "statcan"])


@settings(max_examples=150, deadline=None)
@given(hs.lists(level, min_size=1, max_size=6), level, hs.sampled_from(["up", "down"]), methods)
def test_projection_never_leaves_the_range(
    values: list[float], target: float, direction: str, method: str
) -> None:
    years = dict(zip(range(2024 - len(values) + 1, 2025), values, strict=True))
    years = {y + len(values) - 1: v for y, v in years.items()}
    row = _run(years, direction=direction, target=target, low=0.0, high=100.0, method=method)
    for key in ("projection", "projection_low", "projection_high"):
        assert np.isnan(row[key]) or 0.0 <= row[key] <= 100.0


@settings(max_examples=150, deadline=None)
@given(hs.lists(level, min_size=1, max_size=MIN_POINTS - 1), level, methods)
def test_fewer_than_min_points_never_give_an_arrow(
    values: list[float], target: float, method: str
) -> None:
    series = {2024 + i: v for i, v in enumerate(values)}
    assert _run(series, target=target, method=method)["arrow"] == "insufficient_data"


@settings(max_examples=150, deadline=None)
@given(hs.lists(level, min_size=3, max_size=5), level, hs.sampled_from(["up", "down"]), methods)
def test_never_on_track_when_the_verdict_is_not_met_in_the_target_year(
    values: list[float], target: float, direction: str, method: str
) -> None:
    series = {2024 + i: v for i, v in enumerate(values)}
    last = max(series)
    row = _run(series, direction=direction, target=target, target_year=last, status="not_met")
    assert row["arrow"] not in ("on_track", "maintaining")


@settings(max_examples=150, deadline=None)
@given(hs.lists(level, min_size=3, max_size=6), level, hs.sampled_from(["up", "down"]), methods)
def test_outlook_never_contradicts_the_arrow(
    values: list[float], target: float, direction: str, method: str
) -> None:
    series = {2024 + i - len(values) + 3: v for i, v in enumerate(values)}
    row = _run(
        series,
        direction=direction,
        target=target,
        baseline_year=min(series),
        binding=True,
        method=method,
    )
    on_pace = row["arrow"] in ("on_track", "maintaining")
    assert row["outlook"] != "reaches" or on_pace
    assert row["outlook"] != "likely_miss" or not on_pace


# ---- relative aims: a place in the group ------------------------------------------------------


def test_place_of_a_relative_aim() -> None:
    # 31 provinces: 前列 = rank ≤ ⌊0.2·31⌋ = 6 → percentile 100·(31 − 6)/30 = 83.33;
    # 领先 = rank ≤ max(3, ⌊0.1·31⌋ = 3) = 3 → 100·28/30 = 93.33; a group of 4: 前列 = rank 1
    assert (place_rank("top", 31), place_rank("leading", 31), place_rank("top", 4)) == (6, 3, 1)
    assert place_percentile("top", 31) == pytest.approx(250 / 3)
    assert place_percentile("leading", 31) == pytest.approx(280 / 3)


def test_relative_progress_is_the_change_of_the_percentile() -> None:
    # percentile 50 (2024) → 60 → 70 (2026) among 31; 前列 needs 83.33 by 2027:
    # observed 10 a year, needed (83.33 − 50)/3 = 11.11 a year → 90 % → moderately improving
    pct = pd.DataFrame(
        {"zone": "Z", "indicator": "x", "year": [2024, 2025, 2026], "percentile": [50.0, 60, 70]}
    ).assign(n=31)
    tg = pd.DataFrame(
        {"zone": ["Z"], "indicator": ["x"], "aim": ["top"], "baseline_year": [2024]}
    ).assign(target_year=2027)
    row = relative_progress(pct, tg, method="sdr").iloc[0]
    assert row["target"] == pytest.approx(250 / 3)
    assert row["rate_ratio"] == pytest.approx(10 / (100 / 9))
    assert row["arrow"] == "moderately_improving" and row["basis"] == "percentile"
    assert "rank ≤ 6 of 31" in row["target_note_en"] and row["group_n"] == 31


def test_at_the_number_but_the_rule_not_met_is_never_maintaining() -> None:
    # 25 ≤ 28 throughout, but the higher-level task of the rule is not done (verdict not met):
    # before the target year the pace is on track and the explanation says what is missing
    row = _run({2024: 25, 2025: 25, 2026: 25}, status="not_met")
    assert row["arrow"] == "on_track" and row["verdict"] == "not_met"
    zh, en = explain_progress(row.to_dict())
    assert "verdict is not met" in en and "判定未达标" in zh
    # in the target year itself: missed
    assert (
        _run({2024: 25, 2025: 25, 2026: 25}, status="not_met", target_year=2026)["arrow"]
        == "missed"
    )
