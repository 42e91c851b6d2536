"""Carbon and energy dual control: intensities at constant prices, reductions, caps, shares.

Methods in :mod:`.dual_control` (national 单位GDP二氧化碳排放降低 / 单位GDP能耗降低 formula,
[@fyp14:intensity] [@gf2021-33:energy]), fuel CO2 from caller-supplied factors in
:mod:`.fuels` [@ipcc-2006:v2-2.1], explicit unit scales in :mod:`.units`. The documents were
not re-read for Meili: the citation file marks these entries as from memory (unconfirmed).
"""

from __future__ import annotations

from meili.standards.carbon.dual_control import (
    CapCheck,
    annual_average_reduction,
    cap_check,
    chain_index,
    co2_intensity,
    energy_intensity,
    gdp_constant_from_deflator,
    gdp_constant_from_volume_index,
    intensity_reduction,
    non_fossil_share,
)
from meili.standards.carbon.fuels import emission_factors, fuel_co2
from meili.standards.carbon.units import to_10k_yuan, to_t, to_tce

__all__ = [
    "CapCheck",
    "annual_average_reduction",
    "cap_check",
    "chain_index",
    "co2_intensity",
    "emission_factors",
    "energy_intensity",
    "fuel_co2",
    "gdp_constant_from_deflator",
    "gdp_constant_from_volume_index",
    "intensity_reduction",
    "non_fossil_share",
    "to_10k_yuan",
    "to_t",
    "to_tce",
]
