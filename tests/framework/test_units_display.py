"""Display of measured values in verdict sentences: rounded, never equal to a target the value
failed; targets shown exactly."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from meili.framework import units


def test_measured_rounds_long_values() -> None:
    assert units.measured(80.95238095238095) == "80.95"
    assert units.measured(0.028333333) == "0.0283"
    assert units.measured(-3.14159) == "−3.14"
    assert units.measured(35.0) == "35"
    # one more place until it differs from the target it failed
    assert units.measured(89.9999, against=90) == "89.9999"
    assert units.measured(90.004, against=90) == "90.004"
    assert units.measured(90.0, against=90) == "90"
    assert units.with_unit(80.95238095238095, "%", against=90) == "80.95%"
    assert units.with_unit(0.0285, "mg/m³") == "0.0285 mg/m³"  # a target: exact


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(finite, finite)
def test_measured_never_reads_as_a_different_target(value: float, target: float) -> None:
    text = units.measured(value, against=target)
    if value != target:
        assert text != units.num(target)
    shown = float(text.replace("−", "-"))
    assert math.isclose(shown, value, rel_tol=1e-2, abs_tol=0.005 + 1e-9)
