"""Order-independent means and the HJ 663 percentile in SQL (meili.engine.exact_sql)."""

from __future__ import annotations

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


def _mean(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> float:
    con.register("t", frame)
    got = con.sql(f"SELECT {exact_sql.mean_sql('x')} AS m FROM t").fetchone()
    con.unregister("t")
    assert got is not None
    return float(got[0])


@settings(max_examples=60, deadline=None)
@given(values, steps, st.randoms(use_true_random=False))
def test_mean_is_the_exact_decimal_mean_in_any_row_order(
    counts: list[int], step: int, rnd: object
) -> None:
    """The mean of decimal values (k/step) is their exact mean, correctly rounded, whatever
    the order of the rows (DuckDB with 2 threads)."""
    con = duckdb.connect()
    con.execute("SET threads = 2")
    x = np.array(counts, dtype=float) / step
    want = float(Fraction(sum(counts), step * len(counts)))  # ints: exact, then rounded once
    shuffled = list(x)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert _mean(con, pd.DataFrame({"x": x})) == want
    assert _mean(con, pd.DataFrame({"x": shuffled})) == want


def test_numpy_mean_finishes_sql_sums_like_sql() -> None:
    con = duckdb.connect()
    x = np.array([0.1, 0.2, 0.3, 2.4, 1.7, np.nan])
    frame = pd.DataFrame({"x": x})
    con.register("t", frame)
    total, n = con.sql(f"SELECT {exact_sql.sum_sql('x')}, count(x) FROM t").fetchone()
    assert total == 4_700_000_000  # 0.1 + 0.2 + 0.3 + 2.4 + 1.7 in units of 1e-9, exactly
    assert exact_sql.mean(np.array([total]), np.array([n]))[0] == _mean(con, frame) == 0.94
    assert np.isnan(exact_sql.mean(np.array([np.nan]), np.array([0]))[0])  # no values


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
