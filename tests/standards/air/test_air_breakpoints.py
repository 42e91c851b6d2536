"""Every HJ 633 breakpoint, and the values just below and above it, for both editions.

Tables typed from HJ 633-2012 Table 1 (PDF text layer) and HJ 633-2026 Table 3 (rendered PDF
page 3); expected values from an independent exact-fraction evaluation of formula (1).
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from meili.standards.air import iaqi

ROWS = [0, 50, 100, 150, 200, 300, 400, 500]
TABLE_2012 = {
    "SO2_24H": [0, 50, 150, 475, 800, 1600, 2100, 2620],
    "SO2_1H": [0, 150, 500, 650, 800],
    "NO2_24H": [0, 40, 80, 180, 280, 565, 750, 940],
    "NO2_1H": [0, 100, 200, 700, 1200, 2340, 3090, 3840],
    "PM10_24H": [0, 50, 150, 250, 350, 420, 500, 600],
    "CO_24H": [0, 2, 4, 14, 24, 36, 48, 60],
    "CO_1H": [0, 5, 10, 35, 60, 90, 120, 150],
    "O3_1H": [0, 160, 200, 300, 400, 800, 1000, 1200],
    "O3_8H": [0, 100, 160, 215, 265, 800],
    "PM25_24H": [0, 35, 75, 115, 150, 250, 350, 500],
}
TABLE_2026 = {
    **TABLE_2012,
    "PM10_24H": [0, 50, 120, 250, 350, 420, 500, 600],
    "PM25_24H": [0, 35, 60, 115, 150, 250, 350, 500],
}
TABLES = {"2012": TABLE_2012, "2026": TABLE_2026}


def reference(table: list[int], c: Fraction) -> int:
    """Exact formula (1) with ceiling, independent of Meili's code."""
    for i in range(1, len(table)):
        if c <= table[i]:
            lo, hi = table[i - 1], table[i]
            value = Fraction(ROWS[i] - ROWS[i - 1], hi - lo) * (c - lo) + ROWS[i - 1]
            return math.ceil(value)
    raise ValueError("above table")


CASES = [
    (edition, item, k)
    for edition, table in TABLES.items()
    for item, bps in table.items()
    for k in range(len(bps))
]


@pytest.mark.parametrize(("edition", "item", "k"), CASES)
def test_breakpoint_and_neighbours(edition: str, item: str, k: int) -> None:
    bps = TABLES[edition][item]
    step = Fraction(1, 10) if item.startswith("CO") else Fraction(1)
    bp = Fraction(bps[k])
    assert iaqi(item, [float(bp)], edition).iloc[0] == ROWS[k]
    if k > 0:
        below = bp - step
        assert iaqi(item, [float(below)], edition).iloc[0] == reference(bps, below)
        assert iaqi(item, [float(below)], edition).iloc[0] <= ROWS[k]
    if k < len(bps) - 1:
        above = bp + step
        assert iaqi(item, [float(above)], edition).iloc[0] == reference(bps, above)
        assert iaqi(item, [float(above)], edition).iloc[0] > ROWS[k]


@pytest.mark.parametrize("edition", ["2012", "2026"])
@pytest.mark.parametrize("item", list(TABLE_2012))
def test_one_step_above_the_table(edition: str, item: str) -> None:
    top = TABLES[edition][item][-1]
    step = 0.1 if item.startswith("CO") else 1
    got = iaqi(item, [top + step], edition)
    special = {("2026", "SO2_1H"): 200, ("2026", "O3_8H"): 300}
    if (edition, item) in special:
        assert got.iloc[0] == special[(edition, item)]
    else:  # 2012 SO2_1H/O3_8H: no IAQI from that value; others: above the table
        assert got.isna().iloc[0]
        if item not in ("SO2_1H", "O3_8H"):
            assert iaqi(item, [top + step], edition, above_table="cap").iloc[0] == 500


@pytest.mark.parametrize("item", ["PM10_1H", "PM25_1H"])
@pytest.mark.parametrize("edition", ["2012", "2026"])
def test_pm_one_hour_uses_daily_columns(item: str, edition: str) -> None:
    daily = item.replace("_1H", "_24H")
    values = [0, 10.5, 35, 61, 75, 119, 151, 333, 499]
    assert iaqi(item, values, edition).tolist() == iaqi(daily, values, edition).tolist()
