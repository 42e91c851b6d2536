"""Property tests (hypothesis): exactness, monotonicity, bounds, level consistency."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meili.standards.air import BREAKPOINTS, aqi, iaqi, level_of
from meili.standards.air.hj633_tables import IAQI_ROWS
from meili.standards.air.hj633_tables import ITEMS as ALL_ITEMS

ITEMS = list(BREAKPOINTS["2012"])
editions = st.sampled_from(["2012", "2026"])
items = st.sampled_from(ITEMS)


def exact(edition: str, item: str, c: Decimal) -> int | None:
    if edition == "2026":  # GB/T 8170, HJ 633-2026 §4.2.2
        c = c.quantize(Decimal("0.1") if item.startswith("CO") else Decimal(1), ROUND_HALF_EVEN)
    table = BREAKPOINTS[edition][item]
    f = Fraction(c)
    for i in range(1, len(table)):
        if f <= table[i]:
            v = Fraction(IAQI_ROWS[i] - IAQI_ROWS[i - 1], table[i] - table[i - 1])
            return math.ceil(v * (f - table[i - 1]) + IAQI_ROWS[i - 1])
    return None


@settings(max_examples=300, deadline=None)
@given(editions, items, st.integers(min_value=0, max_value=4_000_000))
def test_matches_exact_decimal_reference(edition: str, item: str, milli: int) -> None:
    c = Decimal(milli) / 1000  # three decimals
    want = exact(edition, item, c)
    got = iaqi(item, [float(c)], edition).iloc[0]
    if want is None:  # above the table: a special rule or missing
        assert got is not None
    else:
        assert got == want


@settings(max_examples=100, deadline=None)
@given(editions, items, st.lists(st.floats(0, 5000, allow_nan=False), min_size=2, max_size=50))
def test_monotone_and_non_negative(edition: str, item: str, values: list[float]) -> None:
    xs = np.sort(np.asarray(values))
    got = iaqi(item, xs, edition, above_table="cap").to_numpy(dtype=float, na_value=np.nan)
    if edition == "2012" and item in ("SO2_1H", "O3_8H"):
        got = got[xs <= 800]  # above 800: no IAQI from this value (notes 2, 3)
    assert np.all(got >= 0)
    assert np.all(np.diff(got) >= 0)
    assert np.all(got <= 500)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 700, allow_nan=False), min_size=1, max_size=20), editions)
def test_level_consistent_with_aqi(values: list[float], edition: str) -> None:
    data = {"PM25_24H": values, "PM10_24H": values}
    out = aqi(data, edition, indicators=list(data), above_table="cap")
    bounds = [50, 100, 150, 200, 300]
    for a, lv in zip(out["AQI"].tolist(), out["level"].tolist(), strict=True):
        assert lv == 1 + sum(a > b for b in bounds)
    assert (level_of(out["AQI"])["level"].to_numpy() == out["level"].to_numpy()).all()
    assert (out["primary"].isna() == (out["AQI"] <= 50)).all()


@pytest.mark.parametrize("edition", ["2012", "2026"])
@pytest.mark.parametrize("item", ALL_ITEMS)
def test_float_path_equals_exact_fixed_point(item: str, edition: str) -> None:
    """The fast float path flags every value whose ceiling it could get wrong."""
    from meili.standards.air.hj633_tables import BREAKPOINTS, TABLE_OF
    from meili.standards.air.subindex import _exact, iaqi_values

    rng = np.random.default_rng(7)
    bps = np.asarray(BREAKPOINTS[edition][TABLE_OF.get(item, item)], dtype=float)
    top = bps[-1]
    values = np.concatenate(
        [
            rng.uniform(0, top * 1.05, 200_000),
            np.round(rng.uniform(0, top, 50_000), 1),  # one-decimal data, many ties
            np.round(rng.uniform(0, top, 50_000), 2),
            np.arange(0, int(top) + 2, dtype=float),  # every integer, breakpoints included
            np.repeat(bps, 3) + np.tile([-1e-9, 0.0, 1e-9], len(bps)),
            (np.arange(0, int(top) * 10 + 10) + 0.5) / 10,  # 2026 rounding ties (CO: 0.05)
        ]
    )
    values = values[values >= 0]
    got, missing = iaqi_values(item, values, edition, above_table="cap")
    want, over = _exact(item, values, edition)
    ok = ~missing & ~over
    assert np.array_equal(got[ok], want[ok])
