"""Sums and means in SQL that every engine computes to the same bits.

A floating-point ``sum`` or ``avg`` depends on the order in which rows are added, and
DuckDB (its threads) and Spark (its partitions) add them in different orders: a CO daily
mean of 0.1 mg/m³ steps came out one unit in the last place apart. Here each value is
first counted in units of 10⁻⁹ (``round(x · 10⁹)``, a whole number held as a double), so
the sum is a sum of whole numbers: exact, whatever the order, while it stays below 2⁵³
(every value of a day or a year of concentrations below 10⁶ µg/m³ does). The mean is
that sum divided once by n · 10⁹ (both exact), in SQL or in numpy: the same correctly
rounded quotient everywhere. Values are thereby read to 10⁻⁹ of their unit, far below
any published precision (HJ 663: whole µg/m³, CO 0.1 mg/m³). NULLs are skipped, as by
``sum``; NaN and infinities pass through as they would in ``sum``.
"""

from __future__ import annotations

import numpy as np

#: Units per 1 of a value (10⁻⁹ µg/m³, 10⁻⁹ mg/m³ for CO).
SCALE = 1_000_000_000


def units_sql(expr: str) -> str:
    """SQL: ``expr`` counted in whole units of 10⁻⁹ (a double), ready to be summed."""
    return f"round(({expr}) * {SCALE})"


def sum_sql(expr: str) -> str:
    """SQL aggregate: the exact sum of ``expr`` in units of 10⁻⁹ (:func:`mean` finishes it)."""
    return f"sum({units_sql(expr)})"


def mean_sql(expr: str) -> str:
    """SQL aggregate: the mean of the non-NULL ``expr``, the same bits on every engine."""
    return f"{sum_sql(expr)} / (count({expr}) * CAST({SCALE} AS DOUBLE))"


def mean(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Means from :func:`sum_sql` totals and value counts (NaN where the count is 0)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(total, dtype=np.float64) / (np.asarray(count) * float(SCALE))
