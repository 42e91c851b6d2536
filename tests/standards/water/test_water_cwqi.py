"""CWQI, 环办监测〔2017〕51号 as summarised in standards.md §7."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from meili.standards.water import city_cwqi, cwqi, cwqi_change, cwqi_items, cwqi_rank


def test_item_indices() -> None:
    f = pd.DataFrame(
        {
            "ph": [6.5, 8.0, 7.0],
            "do": [10.0, 5.0, 2.5],
            "nh3n": [0.5, 1.0, 2.0],
            "tp": [0.1, 0.2, 0.4],
            "codmn": [3.0, 6.0, 12.0],
        }
    )
    c = cwqi_items(f)
    assert list(c["ph"]) == pytest.approx([0.5, 0.5, 0.0])  # (7−6.5)/1, (8−7)/2
    assert list(c["do"]) == pytest.approx([0.5, 1.0, 2.0])  # 5/C
    assert list(c["nh3n"]) == pytest.approx([0.5, 1.0, 2.0])  # C/1.0
    assert list(c["tp"]) == pytest.approx([0.5, 1.0, 2.0])  # C/0.2 (river)
    assert list(c["codmn"]) == pytest.approx([0.5, 1.0, 2.0])  # C/6
    assert list(cwqi(f)) == pytest.approx([2.5, 4.5, 8.0])


def test_lake_tp_uses_0_05_and_reference_items_ignored() -> None:
    f = pd.DataFrame({"tp": [0.1], "tn": [3.0], "fecal_coliform": [1e6]})
    assert cwqi(f, "lake").iloc[0] == pytest.approx(2.0)
    assert cwqi(f, "river").iloc[0] == pytest.approx(0.5)


def test_city_weighting_by_section_counts() -> None:
    s = pd.DataFrame(
        {
            "city": ["x", "x", "x", "y"],
            "nh3n": [0.5, 1.5, 0.4, 1.0],
            "tp": [0.1, 0.3, 0.05, 0.2],
        }
    )
    wb = pd.Series(["river", "river", "lake", "river"])
    out = city_cwqi(s, "city", wb)
    # x rivers: mean NH3-N 1.0 → 1.0, mean TP 0.2 → 1.0 → 2.0; lake: 0.4 + 0.05/0.05 = 1.4
    assert out.loc["x", "cwqi_river"] == pytest.approx(2.0)
    assert out.loc["x", "cwqi_lake"] == pytest.approx(1.4)
    assert out.loc["x", "cwqi"] == pytest.approx((2.0 * 2 + 1.4 * 1) / 3)
    assert out.loc["y", "cwqi"] == pytest.approx(2.0) and out.loc["y", "m_lake"] == 0


def test_change_and_rank_with_ties() -> None:
    assert cwqi_change([4.5], [5.0]).iloc[0] == pytest.approx(-10.0)
    assert np.isnan(cwqi_change([1.0], [0.0]).iloc[0])
    r = cwqi_rank(pd.Series([3.2, 2.9, 3.2, np.nan, 4.0]))
    assert list(r[:3]) == [2, 1, 2] and pd.isna(r.iloc[3]) and r.iloc[4] == 4
    assert list(cwqi_rank(pd.Series([3.201, 3.204]), decimals=2)) == [1, 1]


def test_do_zero_is_worst_not_a_crash() -> None:
    assert np.isinf(cwqi(pd.DataFrame({"do": [0.0]})).iloc[0])
