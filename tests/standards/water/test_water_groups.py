"""Many sections (环办〔2011〕22号): class shares, status grade, < 5 sections rule, change."""

from __future__ import annotations

import pandas as pd
import pytest

from meili.standards.water import (
    change_by_class,
    change_by_shares,
    change_by_status,
    class_shares,
    group_status,
    status_from_shares,
)


def test_class_shares() -> None:
    cls = pd.Series(["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "劣Ⅴ", None])
    out = class_shares(cls)
    row = out.loc["all"]
    assert row["n_sections"] == 5
    assert row["share_I_III"] == pytest.approx(60.0)
    assert row["share_worse_V"] == pytest.approx(20.0)


@pytest.mark.parametrize(
    ("g", "d", "grade"),
    [
        (90.0, 0.0, "优"),
        (89.9, 0.0, "良好"),
        (75.0, 10.0, "良好"),
        (74.9, 19.9, "轻度污染"),
        (74.9, 20.0, "中度污染"),
        (50.0, 39.9, "中度污染"),
        (60.0, 40.0, "重度污染"),
        (10.0, 80.0, "重度污染"),
    ],
)
def test_status_boundaries(g: float, d: float, grade: str) -> None:
    assert status_from_shares([g], [d]).iloc[0] == grade


def test_group_status_uses_means_below_five_sections() -> None:
    s = pd.DataFrame(
        {
            "river": ["a"] * 3 + ["b"] * 5,
            "nh3n": [0.1, 0.2, 2.4, 0.1, 0.1, 0.1, 0.1, 3.0],
        }
    )
    out = group_status(s, "river")
    # a: mean NH3-N 0.9 → Ⅲ → 良好 (although one section is 劣Ⅴ)
    assert out.loc["a", "method"] == "mean" and out.loc["a", "class"] == "Ⅲ"
    assert out.loc["a", "status"] == "良好"
    # b: 5 sections, Ⅰ–Ⅲ 80 % → 良好 by shares
    assert out.loc["b", "method"] == "shares" and out.loc["b", "share_I_III"] == pytest.approx(80)
    assert out.loc["b", "status"] == "良好"


@pytest.mark.parametrize(
    ("g1", "d1", "g2", "d2", "verdict"),
    [
        (60, 10, 65, 5, "无明显变化"),  # ΔG − ΔD = 10
        (60, 10, 66, 5, "有所好转"),  # 11
        (60, 10, 70, 0, "有所好转"),  # 20
        (60, 10, 71, 0, "明显好转"),  # 21
        (70, 0, 60, 5, "有所变差"),  # −15
        (80, 0, 55, 5, "明显变差"),  # −30
    ],
)
def test_change_by_shares(g1: float, d1: float, g2: float, d2: float, verdict: str) -> None:
    out = change_by_shares([g1], [d1], [g2], [d2])
    assert out["change"].iloc[0] == verdict


def test_change_by_class_and_status() -> None:
    got = change_by_class(["Ⅰ", "Ⅲ", "Ⅲ", "Ⅴ", "Ⅱ"], ["Ⅱ", "Ⅱ", "Ⅴ", "Ⅲ", None])
    assert list(got[:4]) == ["无明显变化", "有所好转", "明显变差", "明显好转"]
    assert pd.isna(got.iloc[4])
    assert change_by_status(["良好"], ["中度污染"]).iloc[0] == "明显变差"
