"""A round's progress table from the default framework and assigned targets (hand-made series,
no lake): one programme baseline, the verdict's own rule as target, units, national anchors."""

from __future__ import annotations

import pandas as pd
import pytest

from meili.assess.progress_targets import round_progress
from meili.assess.targets import evaluate_targets
from meili.framework.loader import default_framework
from meili.methods.context import empty_targets
from meili.registry.units import ZoneUnit

PM = "env.pm25_annual_mean"
NEV = "glc.nev_share_new_vehicles"


def _zone(code: str) -> ZoneUnit:
    return ZoneUnit(code, code, code, "city", ("330100",), "330000", "east")


def _values(rows: list[tuple[str, str, int, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["zone", "indicator", "year", "value", "unit"])


@pytest.fixture
def case() -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    fw = default_framework()
    zones = [_zone("A"), _zone("B")]
    values = _values(
        [
            # A: PM2.5 2020 = 60 (before the baseline), 2024 = 40, 2025 = 37, 2026 = 34
            ("A", PM, 2020, 60.0, "µg/m³"),
            ("A", PM, 2024, 40.0, "µg/m³"),
            ("A", PM, 2025, 37.0, "µg/m³"),
            ("A", PM, 2026, 34.0, "µg/m³"),
            # B: the same series filed in mg/m³
            ("B", PM, 2024, 0.040, "mg/m³"),
            ("B", PM, 2025, 0.037, "mg/m³"),
            ("B", PM, 2026, 0.034, "mg/m³"),
            # A: new-energy vehicle share 2024–2026, 30 → 40 %
            ("A", NEV, 2024, 30.0, "%"),
            ("A", NEV, 2025, 35.0, "%"),
            ("A", NEV, 2026, 40.0, "%"),
        ]
    )
    targets = empty_targets()
    targets.loc[0] = {
        "zone_code": "A",
        "indicator_code": PM,
        "framework_ref": fw.ref,
        "rule": None,
        "baseline_year": None,
        "baseline_value": None,
        "target_year": 2027,
        "target_value": 0.031,  # the zone's plan: ≤ 31 µg/m³, filed in mg/m³
        "unit": "mg/m³",
        "source": "zone plan",
    }
    fws = {"A": fw, "B": fw}
    verdicts = evaluate_targets(values, fws, zones, 2026, targets=targets)
    out = round_progress(values, fws, zones, verdicts, targets)
    return out, verdicts, {"fw": fw}


def test_assigned_target_converted_and_used_like_the_verdict(case) -> None:
    out, verdicts, _ = case
    a = out[(out["zone"] == "A") & (out["indicator"] == PM)].set_index("method")
    # baseline: PM2.5's own baseline year in the framework, 2020, the same for every zone;
    # target 0.031 mg/m³ = 31 µg/m³ (the zone's plan, converted)
    assert (a.loc["sdr", "baseline_year"], a.loc["sdr", "baseline"]) == (2020, 60.0)
    assert a.loc["sdr", "target"] == pytest.approx(31.0)
    assert a.loc["sdr", "n_points"] == 4
    # SDR: observed (60 − 34)/6 = 4.3333 a year; needed (60 − 31)/7 = 4.1429; ratio 1.0460
    assert a.loc["sdr", "rate_ratio"] == pytest.approx(1.045977, abs=1e-6)
    assert a.loc["sdr", "arrow"] == "on_track"
    # StatCan: CAGR_o = (34/60)^(1/6) − 1 = −0.090321; CAGR_T = (31/60)^(1/7) − 1 = −0.090024;
    # R = 0.090321/0.090024 = 1.00331 ≥ 95 % → on track
    assert a.loc["statcan", "rate_ratio"] == pytest.approx(1.00331, abs=1e-5)
    assert a.loc["statcan", "arrow"] == "on_track"
    # the verdict judges the same assigned rule: 34 µg/m³ > 0.031 mg/m³ → not met
    v = verdicts.set_index(["zone", "indicator"]).loc[("A", PM)]
    assert v["status"] == "not_met" and v["target_source"] == "assigned"


def test_no_baseline_value_no_arrow_and_the_anchor_as_reference(case) -> None:
    out, _, _ = case
    b = out[(out["zone"] == "B") & (out["indicator"] == PM)]
    # B has no 2020 value: no arrow by either method (never B's first year instead)
    assert set(b["arrow"]) == {"insufficient_data"} and b["baseline"].isna().all()
    # no plan of its own: 28 µg/m³ (the 2027 national anchor) is a reference, in mg/m³
    assert b["target"].isna().all() and b["national_reference"].tolist() == pytest.approx(
        [0.028, 0.028]
    )
    assert set(b["unit"]) == {"mg/m³"}


def test_no_zone_target_sdr_says_so_statcan_uses_fixed_growth(case) -> None:
    out, _, _ = case
    nev = out[(out["zone"] == "A") & (out["indicator"] == NEV)].set_index("method")
    # baseline 2024 (the framework's programme year); 45 % is the national anchor, no target
    assert nev.loc["sdr", "baseline_year"] == 2024 and nev.loc["sdr", "national_reference"] == 45
    assert nev.loc["sdr", "arrow"] == "no_target"
    # StatCan without target: CAGR = (40/30)^(1/2) − 1 = 0.154701; limit 100 %:
    # C = 1 − 0.3^4.44 = 0.995231 → threshold 1.4928 %; 15.47 % ≥ it → on track
    assert nev.loc["statcan", "actual_rate"] == pytest.approx(0.154701, abs=1e-6)
    assert nev.loc["statcan", "arrow"] == "on_track"
    assert len(out) == 3 * 2  # A PM2.5, B PM2.5, A NEV × sdr, statcan
    assert nev.loc["sdr", "projection_high"] <= 100.0  # 30, 35, 40 → 2027 at most 100 %


def test_relative_aim_adds_percentile_rows() -> None:
    fw = default_framework()
    code = "glc.nonfossil_share"  # relative_aim: top (全国前列)
    values = _values([("A", code, y, v, "%") for y, v in ((2024, 20.0), (2025, 21), (2026, 22))])
    pct = pd.DataFrame(
        {"zone": "A", "indicator": code, "year": [2024, 2025, 2026], "percentile": [40.0, 60, 80]}
    ).assign(n=31)
    out = round_progress(values, {"A": fw}, [_zone("A")], percentiles=pct)
    rel = out[(out["basis"] == "percentile") & (out["method"] == "sdr")].iloc[0]
    # 前列 among 31 = rank ≤ 6 = percentile 83.33; pace 20 a year against (83.33 − 40)/3 =
    # 14.44 needed → 138 % → on track
    assert rel["target"] == pytest.approx(250 / 3) and rel["arrow"] == "on_track"
    assert rel["rate_ratio"] == pytest.approx(20 / (130 / 9))
    assert set(out["basis"]) == {"value", "percentile"} and len(out) == 4
