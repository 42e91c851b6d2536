"""Carbon and energy dual control (能耗双控 → 碳排放双控) from reported statistics.

Intensity indicators are quantity per 10⁴ yuan of GDP *at constant prices of the base year*
(可比价). Reductions follow the national assessment formula for 单位GDP二氧化碳排放降低 and
单位GDP能耗降低 — the binding 18 % and 13.5 % reductions of the 14th Five-Year Plan Outline
(《"十四五"规划和2035年远景目标纲要》), assessed under 《"十四五"节能减排综合工作方案》
(国发〔2021〕33号) for energy, are reductions of intensity at constant prices:

    reduction_t (%) = (1 − I_t / I_base) × 100

with I = quantity / GDP at the base year's prices. A positive value is a fall in intensity.
All inputs carry explicit units (:mod:`meili.standards.carbon.units`); every function is
vectorised over numpy arrays or pandas Series. [@fyp14:intensity] [@gf2021-33:energy]
[@nbs:gdp-index] [@nbs:coal-equivalent] — stated from memory, unconfirmed; the documents'
texts (the Outline's indicator table, the work plan, the NBS yearbook notes) would confirm.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from meili.standards.carbon.units import Array, to_10k_yuan, to_t, to_tce


def gdp_constant_from_deflator(
    gdp_current: Array, deflator_index: Array, base_index: float = 100.0
) -> np.ndarray:
    """GDP at base-year prices = GDP at current prices × base_index / deflator_index.

    ``deflator_index`` is the implicit GDP price deflator of each year with the base year =
    ``base_index``. The result keeps the unit of ``gdp_current``.
    """
    return np.asarray(gdp_current, float) * base_index / np.asarray(deflator_index, float)


def gdp_constant_from_volume_index(
    gdp_base_current: Array, volume_index: Array, base_index: float = 100.0
) -> np.ndarray:
    """GDP at base-year prices = base-year GDP (current prices) × GDP index / base_index.

    ``volume_index`` is the NBS 国内生产总值指数 with the base year = ``base_index`` (not the
    previous year: chain annual indices first with :func:`chain_index`). This is how NBS
    statistics compute 可比价 GDP.
    """
    return np.asarray(gdp_base_current, float) * np.asarray(volume_index, float) / base_index


def chain_index(annual_index: Array, base_index: float = 100.0) -> np.ndarray:
    """Chain annual indices (上年 = 100) into indices with the first year's *previous* year = 100.

    E.g. growth 105 then 104 → 105, 109.2.
    """
    return base_index * np.cumprod(np.asarray(annual_index, float) / 100.0)


def co2_intensity(co2: Array, co2_unit: str, gdp_constant: Array, gdp_unit: str) -> np.ndarray:
    """CO2 per GDP in t CO2 / 10⁴ yuan (万吨/亿元 gives the same number)."""
    return to_t(co2, co2_unit) / to_10k_yuan(gdp_constant, gdp_unit)


def energy_intensity(
    energy: Array, energy_unit: str, gdp_constant: Array, gdp_unit: str
) -> np.ndarray:
    """Energy consumption per GDP in tce / 10⁴ yuan (万tce/亿元 gives the same number)."""
    return to_tce(energy, energy_unit) / to_10k_yuan(gdp_constant, gdp_unit)


def intensity_reduction(intensity: Array, base_intensity: Array) -> np.ndarray:
    """Reduction versus the base year, % = (1 − I_t / I_base) × 100 (positive = lower)."""
    return (1.0 - np.asarray(intensity, float) / np.asarray(base_intensity, float)) * 100.0


def annual_average_reduction(cumulative_pct: Array, years: Array) -> np.ndarray:
    """Average annual reduction, % = (1 − (1 − R/100)^(1/years)) × 100 (geometric).

    E.g. an 18 % reduction over 5 years is about 3.89 % a year.
    """
    kept = 1.0 - np.asarray(cumulative_pct, float) / 100.0
    return (1.0 - kept ** (1.0 / np.asarray(years, float))) * 100.0


def non_fossil_share(
    non_fossil: Array, non_fossil_unit: str, total: Array, total_unit: str
) -> np.ndarray:
    """Non-fossil energy share of total energy consumption, %.

    Both amounts in standard coal equivalent converted by the same method (NBS statistics use
    the coal-equivalent method, 发电煤耗计算法, for primary electricity); no conversion of
    physical electricity is done here.
    """
    return to_tce(non_fossil, non_fossil_unit) / to_tce(total, total_unit) * 100.0


@dataclass(frozen=True)
class CapCheck:
    """Total against a cap (same unit): met where total ≤ cap; margin = cap − total."""

    met: np.ndarray
    margin: np.ndarray
    margin_pct: np.ndarray  # margin as % of the cap


def cap_check(total: Array, cap: Array) -> CapCheck:
    """Emissions (or energy) total against its cap; both in the same unit."""
    t = np.asarray(total, float)
    c = np.asarray(cap, float)
    margin = c - t
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = margin / c * 100.0
    return CapCheck(met=t <= c, margin=margin, margin_pct=pct)
