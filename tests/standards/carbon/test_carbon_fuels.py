"""CO2 from fuel consumption with caller-supplied factors (IPCC 2006 Tier 1 form)."""

from __future__ import annotations

import pandas as pd
import pytest

from meili.errors import UserError
from meili.standards.carbon import emission_factors, fuel_co2

FACTORS = pd.DataFrame(
    {
        "fuel": ["gas", "coal", "diesel"],
        "unit": ["10^4 m3", "t", "t"],
        # constructed round numbers, not published defaults
        "ncv_gj_per_unit": [400.0, 20.0, None],
        "carbon_t_per_tj": [15.0, 27.0, None],
        "oxidation": [1.0, 0.9, None],
        "ef_t_co2_per_unit": [None, None, 3.1],
        "source": ["test", "test", "test"],
    }
)


def test_factor_from_ncv_and_carbon_content() -> None:
    ef = emission_factors(FACTORS)
    # gas: 400 GJ × 1e-3 TJ/GJ × 15 t C/TJ × 1.0 × 44/12 = 6 t C × 44/12 = 22 t CO2
    assert ef[("gas", "10^4 m3")] == pytest.approx(22.0)
    # coal: 20e-3 TJ × 27 × 0.9 = 0.486 t C × 44/12 = 1.782 t CO2
    assert ef[("coal", "t")] == pytest.approx(1.782)
    assert ef[("diesel", "t")] == 3.1


def test_fuel_co2_by_zone() -> None:
    activity = pd.DataFrame(
        {
            "zone": ["A", "A", "B"],
            "fuel": ["gas", "coal", "diesel"],
            "unit": ["10^4 m3", "t", "t"],
            "amount": [10.0, 1000.0, 100.0],
        }
    )
    out = fuel_co2(activity, FACTORS)
    # A: 10 × 22 + 1 000 × 1.782 = 220 + 1 782 = 2 002 t; B: 100 × 3.1 = 310 t
    assert out.groupby("zone")["co2_t"].sum().to_dict() == pytest.approx({"A": 2002.0, "B": 310.0})


def test_missing_factor_or_unit_mismatch_refused() -> None:
    activity = pd.DataFrame({"fuel": ["gas", "oil"], "unit": ["m3", "t"], "amount": [1.0, 1.0]})
    with pytest.raises(UserError, match=r"gas \(m3\), oil \(t\)"):
        fuel_co2(activity, FACTORS)


def test_factors_need_source_and_values() -> None:
    with pytest.raises(UserError, match="source"):
        emission_factors(FACTORS.assign(source=["test", None, "test"]))
    with pytest.raises(UserError, match="source"):
        emission_factors(FACTORS.drop(columns="source"))
    with pytest.raises(UserError, match="diesel"):
        emission_factors(FACTORS.assign(ef_t_co2_per_unit=None))
