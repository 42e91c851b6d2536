"""National comparison: ranks, ties, direction, percentile, groups, policies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from meili.assess.compare import ComparePolicy, compare
from meili.errors import UserError


def _values(values: dict[str, float | None], indicator: str = "x") -> pd.DataFrame:
    return pd.DataFrame(
        {"unit": list(values), "indicator": indicator, "value": list(values.values())}
    )


def _by_unit(values: dict[str, float | None], direction: str = "up", **kw: object) -> pd.DataFrame:
    return compare(_values(values), direction, **kw).table.set_index("unit")  # type: ignore[arg-type]


def test_ties_minimum_rank_and_percentile() -> None:
    # ↑: 9 > 7 = 7 > 5 → ranks 1, 2, 2, 4; n = 4; percentile 100·(4 − r)/3 = 100, 66.7, 66.7, 0
    t = _by_unit({"a": 9, "b": 7, "c": 7, "d": 5})
    assert t["rank"].to_dict() == {"a": 1, "b": 2, "c": 2, "d": 4}
    assert t["percentile"].to_dict() == pytest.approx(
        {"a": 100, "b": 200 / 3, "c": 200 / 3, "d": 0}
    )


def test_direction_down_ranks_ascending() -> None:
    t = _by_unit({"a": 9, "b": 7, "c": 5}, "down")
    assert t["rank"].to_dict() == {"c": 1, "b": 2, "a": 3}


def test_directions_per_indicator() -> None:
    data = pd.concat([_values({"a": 1, "b": 2}, "pm25"), _values({"a": 1, "b": 2}, "forest")])
    t = compare(data, {"pm25": "down", "forest": "up"}).table.set_index(["indicator", "unit"])
    assert t.loc[("pm25", "a"), "rank"] == 1
    assert t.loc[("forest", "b"), "rank"] == 1
    with pytest.raises(UserError, match="direction"):
        compare(data, {"pm25": "down"})


def test_single_unit_and_all_tied() -> None:
    one = _by_unit({"a": 3})
    assert (one.loc["a", "rank"], one.loc["a", "percentile"]) == (1, 100.0)
    assert one.loc["a", "top"] and one.loc["a", "leading"]
    tied = _by_unit({u: 5.0 for u in "abcde"})
    assert set(tied["rank"]) == {1}
    assert set(tied["percentile"]) == {100.0}
    assert tied["top"].all()


def test_missing_values_excluded_and_reported() -> None:
    c = compare(_values({"a": 3, "b": None, "c": 1, "d": float("nan")}), "up")
    assert c.table["unit"].tolist() == ["a", "c"]
    assert set(c.table["n"]) == {2}
    assert c.excluded.to_dict("records") == [
        {"unit": "b", "indicator": "x", "reason": "missing_value"},
        {"unit": "d", "indicator": "x", "reason": "missing_value"},
    ]


def test_top_and_leading_thresholds_31() -> None:
    # 31 units, values 31..1 → ranks 1..31. 前列: rank ≤ ⌊0.2·31⌋ = 6; 领先: rank ≤ 3 (⌊3.1⌋ = 3).
    t = _by_unit({f"u{i:02d}": float(31 - i) for i in range(31)})
    assert t.loc[t["top"], "rank"].tolist() == [1, 2, 3, 4, 5, 6]
    assert t.loc[t["leading"], "rank"].tolist() == [1, 2, 3]
    # bands: quintile cuts ⌊0.2·31⌋ = 6, ⌊12.4⌋ = 12, ⌊18.6⌋ = 18, ⌊24.8⌋ = 24, 31
    assert t.groupby("band")["rank"].max().tolist() == [6, 12, 18, 24, 31]
    assert t.loc["u00", "band_zh"] == "前20%"
    assert t.loc["u30", "band_zh"] == "80%–100%"
    assert t.loc["u07", "band_en"] == "20–40%"


def test_leading_large_group_and_tie_at_cut() -> None:
    # 50 units: 领先 = top 10 % = rank ≤ 5 (more than 3); 前列 = rank ≤ 10.
    t = _by_unit({f"u{i:02d}": float(50 - i) for i in range(50)})
    assert t["leading"].sum() == 5
    # a tie across the 前列 cut-off: ranks 10, 10, 10 all qualify
    vals = {f"u{i:02d}": float(50 - i) for i in range(50)}
    vals["u10"] = vals["u11"] = vals["u09"]
    t = _by_unit(vals)
    assert t.loc[["u09", "u10", "u11"], "rank"].tolist() == [10, 10, 10]
    assert t.loc[["u09", "u10", "u11"], "top"].all()
    assert t["top"].sum() == 12


def test_leading_needs_top_in_small_group() -> None:
    t = _by_unit({"a": 3, "b": 2, "c": 1})  # ⌊0.2·3⌋ = 0 → at least rank 1 is 前列
    assert t["top"].tolist() == [True, False, False]
    assert t["leading"].tolist() == [True, False, False]


def test_configurable_policy() -> None:
    policy = ComparePolicy(top_share=0.5, leading_share=None, leading_top_n=1)
    t = _by_unit({f"u{i}": float(10 - i) for i in range(10)}, policy=policy)
    assert t["top"].sum() == 5
    assert t["leading"].sum() == 1
    with pytest.raises(UserError):
        ComparePolicy(bands=(0.5, 0.4, 1.0))
    with pytest.raises(UserError):
        ComparePolicy(top_share=0)


def test_unranked_display() -> None:
    policy = ComparePolicy(display="unranked")
    t = compare(_values({"a": 3, "b": 2}), "up", policy=policy).table
    assert "rank" not in t.columns
    assert "percentile" not in t.columns
    assert "leading" not in t.columns
    assert t["band_zh"].tolist() == ["前20%", "80%–100%"]


def test_group_filter_matches_names_and_codes() -> None:
    data = _values({"北京": 30, "上海市": 28, "130000": 40, "山西": 35, "天津": None})
    c = compare(data, "down", group="east")
    t = c.table.set_index("code")
    assert t["rank"].to_dict() == {"310000": 1, "110000": 2, "130000": 3}
    reasons = c.excluded.groupby("reason")["unit"].apply(set).to_dict()
    assert reasons["not_in_group"] == {"山西"}
    assert reasons["missing_value"] == {"天津"}
    assert len(reasons["no_data"]) == 10 - 4  # 江苏 浙江 福建 山东 广东 海南


def test_explicit_group() -> None:
    c = compare(_values({"a": 1, "b": 2, "z": 3}), "up", group=["a", "b"])
    assert c.table["unit"].tolist() == ["b", "a"]
    assert c.excluded["reason"].tolist() == ["not_in_group"]


def test_percentile_bounds_random() -> None:
    rng = np.random.default_rng(3)
    vals = {f"u{i}": float(v) for i, v in enumerate(rng.integers(0, 5, 40))}
    t = _by_unit(vals)
    assert t["percentile"].between(0, 100).all()
    best = t["rank"] == 1
    assert (t.loc[best, "percentile"] == 100).all()
    # percentile = share of other units at least as good as: count directly
    v = pd.Series(vals)
    for unit, row in t.iterrows():
        share = ((v <= v[unit]).sum() - 1) / (len(v) - 1) * 100
        assert row["percentile"] == pytest.approx(share)


@settings(max_examples=100, deadline=None)
@given(hs.lists(hs.integers(-5, 5), min_size=1, max_size=30))
def test_property_direction_reverses_order(raw: list[int]) -> None:
    """↑ on x ranks like ↓ on −x; a strictly better value never ranks worse."""
    vals = {f"u{i:02d}": float(v) for i, v in enumerate(raw)}
    up = _by_unit(vals, "up")
    down = _by_unit({u: -v for u, v in vals.items()}, "down")
    assert up["rank"].to_dict() == down["rank"].sort_index().reindex(up.index).to_dict()
    v = pd.Series(vals)
    r = up["rank"].reindex(v.index)
    better = v.to_numpy()[:, None] > v.to_numpy()[None, :]
    assert (r.to_numpy()[:, None] < r.to_numpy()[None, :])[better].all()
    assert up["percentile"].between(0, 100).all()
