"""Exact decimal arithmetic for the HJ 633 formula, vectorised on int64 fixed point.

Concentrations are held as integers of 1e-9 unit (nano-µg/m³, nano-mg/m³ for CO): a float
such as ``4.9`` becomes exactly ``4_900_000_000``, so the IAQI quotient of HJ 633-2012 §6.2 /
HJ 633-2026 §4.2.6 is a ratio of integers and its ceiling is exact (no ``math.ceil`` of a
float, the ceiling error found in aqi_hub 0.3.3). Inputs with more than 9 decimals are first
rounded to 9. [@hj633-2012:6.2] [@hj633-2026:4.2.6] [@hj633-2026:4.2.2] [@gbt8170:rounding]
(GB/T 8170 round-half-even is stated from memory: unconfirmed; its text would confirm it.)
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

SCALE: Final = 10**9
#: Above this a concentration cannot be in any HJ 633 table (largest breakpoint 3840);
#: it is kept out of the int64 conversion.
MAX_FIXED: Final = 1e6

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def to_fixed(values: FloatArray) -> IntArray:
    """Finite values in [0, MAX_FIXED] → int64 units of 1e-9; others → 0 (mask them first)."""
    ok = np.isfinite(values) & (values >= 0) & (values <= MAX_FIXED)
    scaled = np.multiply(values, SCALE)
    np.rint(scaled, out=scaled)
    with np.errstate(invalid="ignore", over="ignore"):
        fixed = scaled.astype(np.int64)  # NaN/inf/huge give garbage here, zeroed just below
    fixed[~ok] = 0
    return fixed


def round_half_even(fixed: IntArray, step: float | IntArray) -> IntArray:
    """GB/T 8170 rounding (四舍六入五成双) of fixed-point values to a multiple of ``step``.

    Exact on the decimal value: a tie is only an exact half of ``step``. Used for the input
    rounding of HJ 633-2026 §4.2.2 (integers; CO to 0.1 mg/m³).
    [@gbt8170:rounding] [@hj633-2026:4.2.2] (GB/T 8170 stated from memory: unconfirmed)
    """
    unit = np.rint(np.asarray(step, dtype=np.float64) * SCALE).astype(np.int64)
    q, r = np.divmod(fixed, unit)
    up = (2 * r > unit) | ((2 * r == unit) & (q % 2 == 1))
    return (q + up) * unit


def ceil_div(num: IntArray, den: IntArray) -> IntArray:
    """Exact integer ceiling of ``num / den`` for ``den > 0``."""
    return -((-num) // den)
