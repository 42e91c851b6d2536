"""Invariants of scope and grading (issue 15): scope never produces "not met", a veto never
raises a grade, a cap only lowers one; the grading scheme is checked when a framework loads."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from meili.assess.grade import grade_zone
from meili.assess.scope import applicability
from meili.assess.targets import evaluate_targets
from meili.framework.grading import Grading
from meili.framework.loader import default_framework
from meili.framework.schema import Framework
from meili.registry.attributes import SCOPE_FLAGS, TERRAINS
from meili.registry.units import ZoneUnit

FW = default_framework()
SCOPED = [i for i in FW.indicators if i.scope.code != "all"]
# real GB/T 2260 codes: inland and coastal provinces, cities, counties, Hong Kong
MEMBERS = [
    "520000",
    "330000",
    "110000",
    "130000",
    "440000",
    "130100",
    "130200",
    "330100",
    "440300",
    "520102",
    "330523",
    "130202",
    "610000",
    "810000",
]

zones = st.builds(
    ZoneUnit,
    code=st.just("Z"),
    name_zh=st.just("区"),
    name_en=st.just("zone"),
    tier=st.sampled_from(["region", "province", "city", "county"]),
    members=st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=3, unique=True).map(tuple),
    province=st.none(),
    region=st.sampled_from([None, "east", "west"]),
    attributes=st.dictionaries(
        st.sampled_from([*SCOPE_FLAGS, "terrain"]),
        st.booleans(),
        max_size=3,
    ).map(lambda d: tuple(sorted((k, TERRAINS[0] if k == "terrain" else v) for k, v in d.items()))),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ind=st.sampled_from(SCOPED), zone=zones, value=st.floats(-10, 500), prev=st.floats(0, 500))
def test_scope_never_produces_not_met(ind, zone: ZoneUnit, value: float, prev: float) -> None:
    values = pd.DataFrame(
        {
            "zone": "Z",
            "indicator": ind.code,
            "year": [2021, 2022],
            "value": [prev, value],
            "unit": ind.unit,
        }
    )
    (row,) = evaluate_targets(values, FW, [zone], 2022).to_dict("records")
    applies = applicability(ind, zone).applies
    if applies is False:
        assert row["status"] == "not_applicable"
    elif applies is None:
        assert row["status"] == "not_evaluable"
    assert row["status"] != "not_met" or applies is True
    assert row["explain_zh"] and row["explain_en"]


STATUSES = ["met", "not_met", "not_evaluable", "not_applicable"]
verdict_rows = st.lists(
    st.tuples(
        st.sampled_from(FW.indicators),
        st.sampled_from(STATUSES),
        st.sampled_from([None, None, "no_top_grade", "fail_area"]),
    ),
    min_size=1,
    max_size=25,
    unique_by=lambda t: t[0].code,
)
schemes = st.builds(
    Grading,
    min_coverage=st.sampled_from([0.0, 0.3, 0.6]),
    binding_not_met=st.sampled_from(["fail", "pass", "none"]),
    binding_unknown=st.sampled_from(["pass", "none"]),
    veto=st.sampled_from(["good", "pass", "none"]),
    veto_unknown=st.sampled_from(["good", "none"]),
)


def _frame(rows, veto: bool) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "zone": "Z",
                "indicator": i.code,
                "status": s,
                "binding": i.binding,
                "target_area": i.target_area,
                "value": 1.0,
                "veto": v if veto else None,
            }
            for i, s, v in rows
        ]
    )


def _rank(fw: Framework, result: dict) -> int:
    return fw.scheme.rank(result["grade"]) if result["grade"] != "not_graded" else -1


@settings(max_examples=200, deadline=None)
@given(rows=verdict_rows, scheme=schemes)
def test_a_veto_never_raises_a_grade(rows, scheme: Grading) -> None:
    fw = FW.model_copy(update={"grading": scheme})
    without = grade_zone(_frame(rows, veto=False), fw)
    with_veto = grade_zone(_frame(rows, veto=True), fw)
    assert with_veto["score"] <= without["score"]
    if without["grade"] != "not_graded":
        assert _rank(fw, with_veto) >= _rank(fw, without)
    # caps only lower: the grade is never above the band the score reaches
    if with_veto["grade"] != "not_graded":
        by_score = next(b for b in scheme.bands if with_veto["score"] >= b.min_score)
        assert _rank(fw, with_veto) >= scheme.rank(by_score.code)
    assert 0 <= with_veto["score"] <= 100 and 0 <= with_veto["coverage"] <= 1


def test_grading_scheme_checked() -> None:
    with pytest.raises(ValidationError, match="ordered from the top grade down"):
        Grading(
            bands=[
                {"code": "a", "name_zh": "甲", "name_en": "a", "min_score": 0},
                {"code": "b", "name_zh": "乙", "name_en": "b", "min_score": 50},
            ]
        )
    with pytest.raises(ValidationError, match="veto: 'best' is not a band"):
        Grading(veto="best")
    with pytest.raises(ValidationError, match="min_score 0"):
        Grading(
            bands=[
                {"code": "a", "name_zh": "甲", "name_en": "a", "min_score": 80},
                {"code": "b", "name_zh": "乙", "name_en": "b", "min_score": 50},
            ]
        )


def test_bonus_item_must_name_an_indicator(tmp_path) -> None:
    from meili.errors import ValidationFailed
    from meili.framework.loader import default_framework_path, load_framework_file

    text = default_framework_path().read_text("utf-8")
    path = tmp_path / "fw.yaml"
    path.write_text(text + "grading:\n  bonus:\n    - {indicator: no.such, points: 2}\n", "utf-8")
    with pytest.raises(ValidationFailed) as exc:
        load_framework_file(path, methods=None)
    assert "no indicator 'no.such' in the framework" in str(exc.value.problems[0])


def test_hand_worked_grade() -> None:
    """Default scheme: binding ×2, reference ×1. Binding met (2) + binding not met (2) +
    reference met (1) + reference not evaluable (1): coverage 5/6 = 83.3 % ≥ 60 %, score
    100 × 3/5 = 60 → 合格 by score; a binding indicator not met caps at 不合格."""
    codes = {
        "binding": [i for i in FW.indicators if i.binding == "binding" and i.weight == 1],
        "reference": [i for i in FW.indicators if i.binding == "reference"],
    }
    rows = [
        (codes["binding"][0], "met", None),
        (codes["binding"][1], "not_met", None),
        (codes["reference"][0], "met", None),
        (codes["reference"][1], "not_evaluable", None),
    ]
    got = grade_zone(_frame(rows, veto=False), FW)
    assert got["coverage"] == pytest.approx(5 / 6, abs=1e-6)
    assert got["score"] == pytest.approx(60.0)
    assert got["grade"] == "fail" and got["grade_zh"] == "不合格"
    assert "6 by score: pass (≥ 60)" in got["explain_en"]
    assert "at most fail, grade lowered" in got["explain_en"]
