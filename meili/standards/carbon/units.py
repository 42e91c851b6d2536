"""Explicit unit scales for carbon and energy statistics (万吨, 亿元, tce, 万tce …).

Each table maps a unit spelling to its size in the quantity's reference unit: t CO2 for
emissions, 10⁴ yuan (万元) for money, tce (吨标准煤) for energy. Anything not listed is refused.
[@nbs:coal-equivalent] (from memory, unconfirmed)
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from meili.errors import UserError

Array = npt.ArrayLike

# size of one unit in t (CO2 or any mass)
MASS_T: dict[str, float] = {
    "t": 1.0,
    "吨": 1.0,
    "10^4 t": 1e4,
    "万吨": 1e4,
    "Mt": 1e6,
    "10^8 t": 1e8,
    "亿吨": 1e8,
    # the same sizes named for CO2, as the indicator framework writes them (Mt CO2 …)
    "t CO2": 1.0,
    "10^4 t CO2": 1e4,
    "万吨 CO2": 1e4,
    "万吨CO2": 1e4,
    "万吨二氧化碳": 1e4,
    "Mt CO2": 1e6,
    "MtCO2": 1e6,
    "10^8 t CO2": 1e8,
    "亿吨 CO2": 1e8,
    "亿吨二氧化碳": 1e8,
}
# size of one unit in 10^4 yuan
MONEY_10K_YUAN: dict[str, float] = {
    "yuan": 1e-4,
    "元": 1e-4,
    "10^4 yuan": 1.0,
    "万元": 1.0,
    "10^8 yuan": 1e4,
    "亿元": 1e4,
}
# size of one unit in tce (tonne of standard coal equivalent, 29.3076 GJ; GB/T 2589)
ENERGY_TCE: dict[str, float] = {
    "kgce": 1e-3,
    "千克标准煤": 1e-3,
    "tce": 1.0,
    "吨标准煤": 1.0,
    "10^4 tce": 1e4,
    "万tce": 1e4,
    "万吨标准煤": 1e4,
    "10^8 tce": 1e8,
    "亿tce": 1e8,
    "亿吨标准煤": 1e8,
}


def scale(value: Array, unit: str, table: dict[str, float], what: str) -> np.ndarray:
    """``value`` in ``unit`` expressed in the table's reference unit (float array)."""
    key = unit.strip()
    if key not in table:
        known = ", ".join(table)
        raise UserError(f"unknown {what} unit {unit!r}; known: {known}")
    return np.asarray(value, dtype=float) * table[key]


def to_t(value: Array, unit: str) -> np.ndarray:
    """Mass in t (e.g. 万吨 × 10⁴)."""
    return scale(value, unit, MASS_T, "mass")


def to_10k_yuan(value: Array, unit: str) -> np.ndarray:
    """Money in 10⁴ yuan (e.g. 亿元 × 10⁴)."""
    return scale(value, unit, MONEY_10K_YUAN, "money")


def to_tce(value: Array, unit: str) -> np.ndarray:
    """Energy in tce (e.g. 万tce × 10⁴)."""
    return scale(value, unit, ENERGY_TCE, "energy")
