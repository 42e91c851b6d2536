"""Carbon / energy dual control: worked examples computed by hand in the comments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from meili.errors import UserError
from meili.standards.carbon import (
    annual_average_reduction,
    cap_check,
    chain_index,
    co2_intensity,
    energy_intensity,
    gdp_constant_from_deflator,
    gdp_constant_from_volume_index,
    intensity_reduction,
    non_fossil_share,
    to_10k_yuan,
    to_t,
    to_tce,
)


def test_unit_scales() -> None:
    assert to_t(3.5, "万吨") == 35_000
    assert to_t(2, "亿吨") == 2e8
    assert to_t(1, "Mt") == 1e6
    assert to_10k_yuan(1, "亿元") == 10_000
    assert to_10k_yuan(50_000, "元") == 5
    assert to_tce(2, "万tce") == 20_000
    assert to_tce(1500, "kgce") == 1.5
    with pytest.raises(UserError, match="unknown energy unit"):
        to_tce(1, "toe")


def test_deflate_gdp() -> None:
    # 2025 GDP 1 200 亿元 at current prices; deflator 2020 = 100 → 2025 = 120:
    # at 2020 prices 1 200 × 100/120 = 1 000 亿元.
    assert gdp_constant_from_deflator(1200, 120) == pytest.approx(1000)
    # base-year GDP 1 000 亿元, GDP index (2020 = 100) 2025 = 125.3 → 1 253 亿元.
    assert gdp_constant_from_volume_index(1000, 125.3) == pytest.approx(1253)
    # chaining annual indices 105, 104 → 105, 105 × 1.04 = 109.2
    assert chain_index([105, 104]) == pytest.approx([105, 109.2])


def test_co2_intensity_and_reduction() -> None:
    # base 2020: 5 000 万吨 CO2, GDP 2 500 亿元 → 5e7 t / 2.5e7 万元 = 2.0 t/万元
    # 2025: 4 920 万吨, GDP 3 000 亿元 (2020 prices) → 4.92e7/3e7 = 1.64 t/万元
    # reduction (1 − 1.64/2.0) × 100 = 18 %
    base = co2_intensity(5000, "万吨", 2500, "亿元")
    now = co2_intensity(4920, "10^4 t", 3000, "10^8 yuan")
    assert base == pytest.approx(2.0)
    assert now == pytest.approx(1.64)
    assert intensity_reduction(now, base) == pytest.approx(18.0)
    # same numbers in t and 万元
    assert co2_intensity(5e7, "t", 2.5e7, "万元") == pytest.approx(2.0)


def test_current_prices_must_be_deflated() -> None:
    # 2025 GDP 3 600 亿元 at current prices with deflator 120 (2020 = 100) = 3 000 at 2020
    # prices; using current prices would overstate the reduction: (1 − (4920/3600)/2) = 31.67 %.
    real = gdp_constant_from_deflator(3600, 120)
    ok = intensity_reduction(co2_intensity(4920, "万吨", real, "亿元"), 2.0)
    wrong = intensity_reduction(co2_intensity(4920, "万吨", 3600, "亿元"), 2.0)
    assert ok == pytest.approx(18.0)
    assert wrong == pytest.approx((1 - 4920 / 3600 / 2) * 100)


def test_energy_intensity_vectorised() -> None:
    # 3 zones: 1 000 万tce / 2 000 亿元 = 0.5 tce/万元; 865 / 2 000 = 0.4325; 600 / 1 000 = 0.6
    e = energy_intensity(
        np.array([1000, 865, 600]), "万吨标准煤", np.array([2000, 2000, 1000]), "亿元"
    )
    assert e == pytest.approx([0.5, 0.4325, 0.6])
    # reduction of 0.4325 vs 0.5: (1 − 0.865) × 100 = 13.5 %
    assert intensity_reduction(e[1], e[0]) == pytest.approx(13.5)
    s = pd.Series([1000.0, 865.0])
    assert intensity_reduction(s, 1000.0).tolist() == pytest.approx([0.0, 13.5])


def test_annual_average_reduction() -> None:
    # 18 % over 5 years: 0.82^(1/5) = exp(ln 0.82 / 5) = exp(−0.0396902) = 0.9610871
    # → 1 − 0.9610871 = 3.8913 %
    assert annual_average_reduction(18, 5) == pytest.approx(3.8913, abs=1e-4)
    # 19 % over 2 years: 1 − 0.81^0.5 = 10 %
    assert annual_average_reduction(19, 2) == pytest.approx(10.0)


def test_non_fossil_share() -> None:
    # 250 万tce of 1 亿tce: 2.5e6 / 1e8 = 2.5 %;  2 000 万tce / 1 亿tce = 20 %
    assert non_fossil_share(250, "万tce", 1, "亿tce") == pytest.approx(2.5)
    assert non_fossil_share(2000, "万tce", 1e4, "万tce") == pytest.approx(20.0)


def test_cap_check() -> None:
    # totals 95, 100, 104 万吨 against a cap of 100 万吨: margins 5, 0, −4 (5 %, 0 %, −4 %)
    c = cap_check([95, 100, 104], 100)
    assert c.met.tolist() == [True, True, False]
    assert c.margin.tolist() == [5, 0, -4]
    assert c.margin_pct.tolist() == pytest.approx([5, 0, -4])
