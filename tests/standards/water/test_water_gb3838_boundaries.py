"""Every GB 3838-2002 Table 1 class boundary: the value at each limit and just beyond it.

Limits typed from the official scan (GB_3838-2002.pdf, page 5, 表1), not from Meili's tables.
Expected classes: the best class whose limit the value meets (shared limits → better class).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from meili.standards.water import classify, item_class

# 表1 — Classes Ⅰ…Ⅴ, "≤" items.
TYPED_MAX = {
    "codmn": [2, 4, 6, 10, 15],
    "cod": [15, 15, 20, 30, 40],
    "bod5": [3, 3, 4, 6, 10],
    "nh3n": [0.15, 0.5, 1.0, 1.5, 2.0],
    "tp": [0.02, 0.1, 0.2, 0.3, 0.4],
    "tn": [0.2, 0.5, 1.0, 1.5, 2.0],
    "cu": [0.01, 1.0, 1.0, 1.0, 1.0],
    "zn": [0.05, 1.0, 1.0, 2.0, 2.0],
    "f": [1.0, 1.0, 1.0, 1.5, 1.5],
    "se": [0.01, 0.01, 0.01, 0.02, 0.02],
    "as": [0.05, 0.05, 0.05, 0.1, 0.1],
    "hg": [0.00005, 0.00005, 0.0001, 0.001, 0.001],
    "cd": [0.001, 0.005, 0.005, 0.005, 0.01],
    "cr6": [0.01, 0.05, 0.05, 0.05, 0.1],
    "pb": [0.01, 0.01, 0.05, 0.05, 0.1],
    "cn": [0.005, 0.05, 0.2, 0.2, 0.2],
    "volatile_phenol": [0.002, 0.002, 0.005, 0.01, 0.1],
    "petroleum": [0.05, 0.05, 0.05, 0.5, 1.0],
    "las": [0.2, 0.2, 0.2, 0.3, 0.3],
    "s2": [0.05, 0.1, 0.2, 0.5, 1.0],
    "fecal_coliform": [200, 2000, 10000, 20000, 40000],
}
TP_LAKE = [0.01, 0.025, 0.05, 0.1, 0.2]
DO = [7.5, 6, 5, 3, 2]


def _expected_max(limits: list[float], value: float) -> int:
    for k, lim in enumerate(limits, start=1):
        if value <= lim:
            return k
    return 6


CASES = [
    (item, k, lim) for item, limits in TYPED_MAX.items() for k, lim in enumerate(limits, start=1)
]


@pytest.mark.parametrize(("item", "k", "limit"), CASES)
def test_at_limit_and_just_above(item: str, k: int, limit: float) -> None:
    limits = TYPED_MAX[item]
    above = limit * (1 + 1e-6)
    got = item_class(item, [limit, above])
    assert got[0] == _expected_max(limits, limit)
    assert got[0] <= k  # shared limits give the better class
    assert got[1] == _expected_max(limits, above)
    assert got[1] > got[0]


@pytest.mark.parametrize(("k", "limit"), list(enumerate(TP_LAKE, start=1)))
def test_tp_lake_table(k: int, limit: float) -> None:
    got = item_class("tp", [limit, limit * (1 + 1e-6)], lake=True)
    assert got[0] == k
    assert got[1] == k + 1


def test_tp_river_vs_lake_same_value() -> None:
    # 0.05 mg/L: river Ⅱ (≤ 0.1), lake Ⅲ (≤ 0.05); 0.3: river Ⅳ, lake 劣Ⅴ (> 0.2)
    assert list(item_class("tp", [0.05, 0.3], lake=False)) == [2, 4]
    assert list(item_class("tp", [0.05, 0.3], lake=True)) == [3, 6]


@pytest.mark.parametrize(("k", "limit"), list(enumerate(DO, start=1)))
def test_do_is_higher_is_better(k: int, limit: float) -> None:
    got = item_class("do", [limit, limit * (1 - 1e-6), limit + 1])
    assert got[0] == k
    assert got[1] == k + 1
    assert got[2] <= k


def test_do_explicit_values() -> None:
    assert list(item_class("do", [9.0, 7.5, 7.4, 6.0, 5.5, 5.0, 4.0, 3.0, 2.5, 2.0, 1.9, 0.0])) == [
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
        5,
        5,
        6,
        6,
    ]


def test_ph_range() -> None:
    got = item_class("ph", [6.0, 5.99, 9.0, 9.01, 7.0, 0.0, 14.0, 14.5, -1.0])
    assert list(got[:7]) == [1, 6, 1, 6, 1, 6, 6]
    assert np.isnan(got[7]) and np.isnan(got[8])  # impossible pH is not classified


@pytest.mark.parametrize(
    ("item", "value", "label"),
    [
        ("cod", 15, "Ⅰ"),
        ("cod", 15.1, "Ⅲ"),
        ("cod", 40, "Ⅴ"),
        ("cod", 40.1, "劣Ⅴ"),
        ("cu", 0.011, "Ⅱ"),
        ("cu", 1.0, "Ⅱ"),
        ("cu", 1.01, "劣Ⅴ"),
        ("hg", 0.00005, "Ⅰ"),
        ("hg", 0.00006, "Ⅲ"),
        ("hg", 0.0002, "Ⅳ"),
        ("hg", 0.0011, "劣Ⅴ"),
        ("cd", 0.002, "Ⅱ"),
        ("cd", 0.006, "Ⅴ"),
        ("cn", 0.06, "Ⅲ"),
        ("cn", 0.21, "劣Ⅴ"),
        ("volatile_phenol", 0.003, "Ⅲ"),
        ("petroleum", 0.06, "Ⅳ"),
        ("las", 0.25, "Ⅳ"),
        ("f", 1.2, "Ⅳ"),
        ("se", 0.015, "Ⅳ"),
        ("as", 0.06, "Ⅳ"),
        ("zn", 1.5, "Ⅳ"),
        ("pb", 0.02, "Ⅲ"),
        ("cr6", 0.06, "Ⅴ"),
        ("s2", 0.3, "Ⅳ"),
        ("bod5", 3.5, "Ⅲ"),
        ("nh3n", 2.0, "Ⅴ"),
        ("nh3n", 2.01, "劣Ⅴ"),
        ("codmn", 15, "Ⅴ"),
        ("codmn", 16, "劣Ⅴ"),
    ],
)
def test_hand_typed_labels(item: str, value: float, label: str) -> None:
    assert classify(pd.DataFrame({item: [value]})).iloc[0] == label


def test_float_error_at_limit_is_absorbed() -> None:
    mean = (0.1 + 0.2) / 2  # 0.15000000000000002
    assert item_class("nh3n", [mean])[0] == 1
