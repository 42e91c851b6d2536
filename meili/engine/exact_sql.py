"""SQL aggregates that every engine computes to the same bits: sums, means, percentiles.

A floating-point ``sum`` or ``avg`` depends on the order in which rows are added, and
DuckDB (its threads) and Spark (its partitions) add them in different orders: CO daily
means of 0.1 mg/m³ steps, and period means, came out a unit in the last place apart. So
every sum here is a sum of whole numbers, exact in any order:

- measurements (:func:`sum_sql`, :func:`mean`): published values are decimals (whole
  µg/m³, CO in 0.1 or 0.001 mg/m³), counted in units of 10⁻⁹ (``round(x · 10⁹)``): the
  sum of a day is the exact decimal sum while it stays below 2⁵³ (values below
  10⁶ µg/m³ do), and the mean that sum divided once by n · 10⁹, the same correctly
  rounded quotient in SQL or numpy. One multiply and one rounding per value, in the scan.
- computed values (:func:`mean_sql`, e.g. a year of daily means, which are not short
  decimals): each double x is split exactly into whole multiples of 2⁻²⁴ and of 2⁻⁷⁴
  (x = a·2⁻²⁴ + b·2⁻⁷⁴, a = ⌊x·2²⁴⌋; exact for 2⁻²² ≤ |x| < 2²⁹, and to 2⁻⁷⁴ below),
  both summed as integers; mean = (Σa·2⁻²⁴ + Σb·2⁻⁷⁴)/n in double arithmetic, the same
  operations on every engine (the exact sum rounded once, then divided by n).

NULLs are skipped, as by ``sum``. Percentiles (:func:`percentile_sql`): DuckDB's
``quantile_cont`` and Spark's ``percentile`` interpolate differently in the last bit (on the
2019 national year, where X(s) = X(s+1), DuckDB returned a neighbour of X(s)), so the
HJ 663 rule is spelt out.
"""

from __future__ import annotations

import numpy as np

#: Units per 1 of a measurement (10⁻⁹ µg/m³, 10⁻⁹ mg/m³ for CO).
SCALE = 1_000_000_000
_HIGH = 2**24  # whole multiples of 2⁻²⁴ …
_LOW = 2**50  # … and of 2⁻⁷⁴ = 2⁻²⁴ · 2⁻⁵⁰ (the remainder, below 2⁻²⁴, times 2⁷⁴)

Aggregate = tuple[str, str]  # (SQL aggregate expression, column name)


def units_sql(expr: str) -> str:
    """SQL: the measurement ``expr`` in whole units of 10⁻⁹ (a double), ready to be summed."""
    return f"round(({expr}) * {SCALE})"


def sum_sql(expr: str) -> str:
    """SQL aggregate: the exact sum of ``expr`` in units of 10⁻⁹ (:func:`mean` finishes it)."""
    return f"sum({units_sql(expr)})"


def mean(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Means from :func:`sum_sql` totals and value counts (NaN where the count is 0)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(total, dtype=np.float64) / (np.asarray(count) * float(SCALE))


def mean_sql(expr: str) -> str:
    """SQL aggregate: the mean of the non-NULL doubles ``expr``, the same bits on every
    engine (order-independent integer sums of an exact split of each value)."""
    high = f"CAST({_HIGH} AS DOUBLE)"
    a = f"floor(({expr}) * {high})"
    b = f"round((({expr}) - {a} / {high}) * {high} * CAST({_LOW} AS DOUBLE))"
    whole = f"CAST(CAST(sum(CAST({a} AS BIGINT)) AS BIGINT) AS DOUBLE)"
    rest = f"CAST(CAST(sum(CAST({b} AS BIGINT)) AS BIGINT) AS DOUBLE)"
    return f"(({whole} + {rest} / CAST({_LOW} AS DOUBLE)) / {high}) / count({expr})"


def percentile_sql(column: str, p: float) -> tuple[list[Aggregate], str]:
    """HJ 663 percentile of ``column`` in plain SQL, the same bits on every engine.

    [@hj663:percentile]: sort the n valid values, k = 1 + (n − 1)p, s = ⌊k⌋,
    X_p = X(s) + (X(s+1) − X(s))(k − s), in the order of operations of
    :func:`meili.standards.air.percentile.percentile` (the result equals it bit for bit).
    Returns the aggregates to put in a ``GROUP BY`` (the sorted valid values ``_l_<column>``
    and their number ``_n_<column>``) and the percentile over them, for an outer query::

        WITH parts AS (SELECT key, <aggregate> AS <name>, … FROM t GROUP BY key)
        SELECT key, <value> AS p95 FROM parts
    """
    c = column
    parts = [
        (f"list_sort(array_agg({c}) FILTER (WHERE {c} IS NOT NULL))", f"_l_{c}"),
        (f"count({c})", f"_n_{c}"),
    ]
    k = f"(1 + CAST(_n_{c} - 1 AS DOUBLE) * CAST({p!r} AS DOUBLE))"
    s = f"CAST(floor({k}) AS BIGINT)"  # 0 when there is no value: the item is NULL
    x, y = f"_l_{c}[{s}]", f"_l_{c}[{s} + 1]"
    value = f"CASE WHEN {k} = floor({k}) THEN {x} ELSE {x} + ({y} - {x}) * ({k} - floor({k})) END"
    return parts, value
