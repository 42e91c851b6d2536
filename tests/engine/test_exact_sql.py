"""Order-independent means and the HJ 663 percentile in SQL (meili.engine.exact_sql)."""

from __future__ import annotations

import math
from fractions import Fraction

import duckdb
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from meili.engine import exact_sql
from meili.standards.air.percentile import percentile

# concentrations as published: whole µg/m³, or CO in 0.1 / 0.001 mg/m³ steps
steps = st.sampled_from([1, 10, 1000])
values = st.lists(st.integers(0, 20_000), min_size=1, max_size=400)


def _fetch(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, sql: str) -> tuple:
    con.register("t", frame)
    got = con.sql(f"SELECT {sql} FROM t").fetchone()
    con.unregister("t")
    assert got is not None
    return got


@settings(max_examples=60, deadline=None)
@given(values, steps, st.randoms(use_true_random=False))
def test_measurement_means_are_exact_decimal_means_in_any_row_order(
    counts: list[int], step: int, rnd: object
) -> None:
    """Published decimals (k/step) summed in 10⁻⁹ units: the mean is their exact decimal
    mean, correctly rounded, whatever the order of the rows (DuckDB with 2 threads)."""
    con = duckdb.connect()
    con.execute("SET threads = 2")
    x = np.array(counts, dtype=float) / step
    want = float(Fraction(sum(counts), step * len(counts)))  # ints: exact, then rounded once
    shuffled = list(x)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    sql = f"{exact_sql.sum_sql('x')}, count(x)"
    for frame in (pd.DataFrame({"x": x}), pd.DataFrame({"x": shuffled})):
        total, n = _fetch(con, frame, sql)
        assert exact_sql.mean(np.array([total]), np.array([n]))[0] == want


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_subnormal=False), min_size=1, max_size=400),
    st.randoms(use_true_random=False),
)
def test_mean_sql_is_order_independent_and_within_an_ulp(xs: list[float], rnd: object) -> None:
    """Any doubles (daily means): the same bits in any row order, within two units in the
    last place of their exact mean (the exact sum rounded once, then divided by n)."""
    con = duckdb.connect()
    con.execute("SET threads = 2")
    exact = sum(Fraction(v) for v in xs) / len(xs)
    shuffled = list(xs)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    sql = exact_sql.mean_sql("x")
    (first,) = _fetch(con, pd.DataFrame({"x": xs}), sql)
    (second,) = _fetch(con, pd.DataFrame({"x": shuffled}), sql)
    assert first == second
    tiny = sum(Fraction(2) ** -74 for v in xs if 0 < abs(v) < 2**-22) / len(xs)  # below 2⁻²²
    assert abs(Fraction(first) - exact) <= 2 * Fraction(math.ulp(float(exact))) + tiny


def test_numpy_mean_finishes_sql_sums_like_sql() -> None:
    con = duckdb.connect()
    frame = pd.DataFrame({"x": [0.1, 0.2, 0.3, 2.4, 1.7, np.nan]})
    total, n = _fetch(con, frame, f"{exact_sql.sum_sql('x')}, count(x)")
    assert total == 4_700_000_000  # 0.1 + 0.2 + 0.3 + 2.4 + 1.7 in units of 1e-9, exactly
    assert exact_sql.mean(np.array([total]), np.array([n]))[0] == 0.94
    assert np.isnan(exact_sql.mean(np.array([np.nan]), np.array([0]))[0])  # no values
    (whole,) = _fetch(con, frame, exact_sql.mean_sql("x"))
    exact = sum(Fraction(v) for v in [0.1, 0.2, 0.3, 2.4, 1.7]) / 5  # 0.94 + 2.8e-17
    assert abs(Fraction(whole) - exact) <= Fraction(math.ulp(0.94))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.integers(0, 500).map(lambda v: v / 12)), min_size=1, max_size=120
    ),
    st.sampled_from([0.90, 0.95, 0.98]),
)
def test_percentile_sql_equals_the_hj663_rule_bit_for_bit(xs: list[float | None], p: float) -> None:
    """``percentile_sql`` = :func:`meili.standards.air.percentile.percentile` exactly, NULLs
    skipped, no value → NULL (and ties, X(s) = X(s+1), give X(s) itself)."""
    frame = pd.DataFrame({"key": "a", "x": pd.array(xs, dtype="Float64")})
    frame = pd.concat([frame, pd.DataFrame({"key": ["b"], "x": pd.array([1.0], "Float64")})])
    parts, value = exact_sql.percentile_sql("x", p)
    aggs = ", ".join(f"{agg} AS {name}" for agg, name in parts)
    sql = (
        f"WITH parts AS (SELECT key, {aggs} FROM t GROUP BY key) "
        f"SELECT key, {value} AS q FROM parts ORDER BY key"
    )
    con = duckdb.connect()
    con.register("t", frame)
    got = con.sql(sql).df().set_index("key")["q"]
    want = percentile(np.array([np.nan if v is None else v for v in xs], dtype=float), p)
    if np.isnan(want):
        assert pd.isna(got["a"])
    else:
        assert got["a"] == want
    assert got["b"] == 1.0
