"""Raw strings → numbers + flags (meili.standards.water.parse); bad input never raises."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meili.standards.water import classify, parse_series, parse_values


def test_markers_and_flags() -> None:
    raw = pd.DataFrame(
        {
            "ph": ["7.25", "15", "-1", "--", "*", "abc", None, " 8.0 "],
            "nh3n": ["0.01L", "<0.02", "＜0.04", "ND", "ND(0.05)", "0.5", "-0.3", ""],
        }
    )
    p = parse_values(raw)
    assert list(p.flags["ph"]) == [
        "ok",
        "ph_out_of_range",
        "negative",
        "missing",
        "not_measured",
        "unparseable",
        "missing",
        "ok",
    ]
    assert list(p.flags["nh3n"]) == [
        "below_detection",
        "below_detection",
        "below_detection",
        "below_detection_no_limit",
        "below_detection",
        "ok",
        "negative",
        "missing",
    ]
    assert p.values["ph"].iloc[0] == 7.25 and p.values["ph"].iloc[7] == 8.0
    assert p.values["ph"].iloc[1:7].isna().all()
    # default: half the detection limit
    assert list(p.values["nh3n"].iloc[[0, 1, 2, 4]]) == pytest.approx([0.005, 0.01, 0.02, 0.025])
    assert list(p.quarantine["ph"]) == [False, True, True, False, False, True, False, False]


@pytest.mark.parametrize(("policy", "value"), [("half", 0.005), ("limit", 0.01), ("zero", 0.0)])
def test_below_detection_policies(policy: str, value: float) -> None:
    v, f = parse_series(pd.Series(["0.01L"]), below_detection=policy)  # type: ignore[arg-type]
    assert v.iloc[0] == pytest.approx(value) and f.iloc[0] == "below_detection"
    v, _ = parse_series(pd.Series(["0.01L"]), below_detection="missing")
    assert np.isnan(v.iloc[0])
    with pytest.raises(ValueError):
        parse_series(pd.Series(["1"]), below_detection="bogus")  # type: ignore[arg-type]


def test_parsed_values_feed_classify() -> None:
    raw = pd.DataFrame({"ph": ["7.1", "--"], "nh3n": ["0.02L", "*"], "tp": ["0.12", "*"]})
    out = classify(parse_values(raw).values)
    assert out.iloc[0] == "Ⅲ" and pd.isna(out.iloc[1])


@settings(deadline=None)
@given(
    st.lists(
        st.one_of(st.text(max_size=8), st.floats(allow_nan=True), st.none()),
        min_size=1,
        max_size=20,
    )
)
def test_never_raises(cells: list[object]) -> None:
    raw = pd.DataFrame({"ph": pd.Series(cells, dtype=object), "tp": pd.Series(cells, dtype=object)})
    p = parse_values(raw)
    assert p.values.shape == raw.shape and p.flags.notna().all().all()
    classify(p.values)
