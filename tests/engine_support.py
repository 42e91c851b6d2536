"""Helpers for engine tests: results compared column by column, to the bit."""

from __future__ import annotations

import pandas as pd


def assert_same(a: pd.DataFrame, b: pd.DataFrame, what: str) -> None:
    """Same columns, dtypes and values, floats to the bit (NaN where NaN), column by column."""
    assert list(a.columns) == list(b.columns), what
    assert len(a) == len(b) > 0, what
    for col in a.columns:
        pd.testing.assert_series_equal(
            a[col], b[col], check_exact=True, check_names=False, obj=f"{what}: {col}"
        )
