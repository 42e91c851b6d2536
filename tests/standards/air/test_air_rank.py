"""Composite index, main pollutant, ties and change rate; 《城市环境空气质量排名技术规定》."""

from __future__ import annotations

import pandas as pd
import pytest

from meili.standards.air.ranking import change_rate, composite_index, rank_cities


def test_composite_index_heyuan_worked_example() -> None:
    # standards.md §4: Heyuan, January 2023 → 2.84 (published)
    res = composite_index(
        {"so2": 5, "no2": 14, "pm10": 48, "pm25": 30, "co_p95": 1.0, "o3_8h_p90": 98}
    ).iloc[0]
    assert res["composite_index"] == pytest.approx(2.84, abs=0.01)
    assert res["I_pm25"] == pytest.approx(30 / 35)
    assert res["main_pollutant"] == "PM2.5"


def test_missing_term_gives_no_index() -> None:
    res = composite_index(
        {"so2": 5, "no2": 14, "pm10": 48, "pm25": None, "co_p95": 1.0, "o3_8h_p90": 98}
    ).iloc[0]
    assert pd.isna(res["composite_index"])


def test_ties_ranked_equal() -> None:
    idx = pd.Series([3.101, 2.5, 3.099, 4.0, None], index=list("abcde"))
    ranks = rank_cities(idx)  # 3.10 and 3.10 at the published precision → 并列
    assert ranks.tolist()[:4] == [2, 1, 2, 4]
    assert pd.isna(ranks["e"])
    assert rank_cities(idx, decimals=None).tolist()[:4] == [3, 1, 2, 4]


def test_change_rate() -> None:
    out = change_rate(pd.Series([4.4, 3.0]), pd.Series([4.0, 0.0]))
    assert out.iloc[0] == pytest.approx(10.0)
    assert pd.isna(out.iloc[1])
