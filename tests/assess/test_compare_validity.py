"""National comparison that counts right (issue 15 items 4, 6): invalid values shown and
flagged but not ranked unless asked, a coverage minimum before 前列/领先, improvement ranked
from a baseline, provinces from their cities, zone and division keys apart. Hand-made numbers.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meili.assess.aggregate import RULE_EN, fill_provinces
from meili.assess.compare import (
    INVALID_EN,
    INVALID_ZH,
    ComparePolicy,
    compare,
    division_key,
    zone_key,
)
from meili.assess.explain import explain_rank
from meili.assess.national import compare_group
from meili.bootstrap import site_register
from meili.engine.air_period import Selection, daily
from meili.ingest import ingest_paths
from meili.ingest.demo import demo_dir
from meili.registry.groups import group_members

PROVINCES = list(group_members("provinces31")["code"])


def _frame(values: dict[str, float], valid: dict[str, bool] | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit": list(values),
            "indicator": "pm25",
            "value": list(values.values()),
            "valid": [True if valid is None else valid.get(u, True) for u in values],
        }
    )


def test_an_invalid_value_is_shown_flagged_not_ranked_unless_asked() -> None:
    data = _frame({"A": 20.0, "B": 30.0, "C": 10.0}, valid={"C": False})
    t = compare(data, "down", policy=ComparePolicy(min_coverage=0)).table.set_index("unit")
    # C (10, the lowest) fails its validity rule: listed, not ranked; A 20 < B 30
    assert pd.isna(t.loc["C", "rank"]) and not t.loc["C", "valid"] and not t.loc["C", "top"]
    assert t.loc["C", "value"] == 10.0 and t.loc["C", "validity_zh"] == INVALID_ZH
    assert t.loc["C", "validity_en"] == INVALID_EN
    assert (t.loc["A", "rank"], t.loc["B", "rank"], t.loc["A", "n"]) == (1, 2, 2)
    asked = ComparePolicy(min_coverage=0, include_invalid=True)
    t = compare(data, "down", policy=asked).table.set_index("unit")
    # ranked when asked, still flagged and never 前列/领先
    assert (t.loc["C", "rank"], t.loc["A", "rank"], t.loc["B", "rank"]) == (1, 2, 3)
    assert not t.loc["C", "valid"] and not t.loc["C", "top"] and not t.loc["C", "leading"]
    assert "invalid values ranked too" in t.loc["C", "rule_en"]


def test_the_coverage_minimum_blocks_leading() -> None:
    four = _frame({p: float(i) for i, p in enumerate(PROVINCES[:4], 1)})
    t = compare(four, "down", group="provinces31").table.set_index("unit")
    first = t.loc[PROVINCES[0]]
    # rank 1 of 4 with values among 31: coverage 4/31 < 75 %: no 前列, no 领先
    assert (first["rank"], first["n"], first["group_size"]) == (1, 4, 31)
    assert first["coverage"] == pytest.approx(4 / 31, abs=1e-4)
    assert not t["top"].any() and not t["leading"].any()
    zh, en = explain_rank({**first.to_dict(), "unit": PROVINCES[0], "indicator": "pm25"})
    assert "31 units in the group, 4 with a ranked value" in en and "覆盖率" in zh
    assert "rank 1 of 4" in en and "75 % coverage" in en
    many = _frame({p: float(i) for i, p in enumerate(PROVINCES[:24], 1)})  # 24/31 = 77 %
    t = compare(many, "down", group="provinces31").table.set_index("unit")
    # ⌊0.2 × 24⌋ = 4 are 前列; 领先: the first 3 (rank ≤ 3, within 前列)
    assert t["top"].sum() == 4 and t["leading"].sum() == 3
    assert bool(t.loc[PROVINCES[0], "leading"])


def test_a_value_of_one_is_never_leading_the_country() -> None:
    t = compare(_frame({"110000": 30.0}), "down", group="provinces31").table
    assert (t["rank"].item(), t["n"].item()) == (1, 1) and not t["leading"].item()


def test_improvement_is_ranked_from_the_baseline() -> None:
    data = _frame({"A": 40.0, "B": 36.0, "C": 30.0, "D": 20.0}, valid={"D": True})
    data["baseline"] = [50.0, 40.0, 30.0, 25.0]
    data["baseline_valid"] = [True, True, True, False]
    t = compare(data, "down", policy=ComparePolicy(min_coverage=0)).table.set_index("unit")
    # ↓ indicator: (baseline − value)/baseline × 100: A 20 %, B 10 %, C 0 %, D 20 % (its
    # baseline invalid: shown, not ranked)
    assert t["change_pct"].to_dict() == pytest.approx({"A": 20.0, "B": 10.0, "C": 0.0, "D": 20.0})
    assert (t.loc["A", "change_rank"], t.loc["B", "change_rank"]) == (1, 2)
    assert t.loc["C", "change_rank"] == 3 and pd.isna(t.loc["D", "change_rank"])
    assert t.loc["A", "change_n"] == 3
    # by level D (20) leads; by improvement A does
    assert t.loc["D", "rank"] == 1 and t.loc["A", "rank"] == 4
    up = data.assign(value=[60.0, 44.0, 30.0, 20.0])
    t = compare(up, "up", policy=ComparePolicy(min_coverage=0)).table.set_index("unit")
    # ↑ indicator: (value − baseline)/baseline × 100: A 20 %, B 10 %
    assert t.loc["A", "change_pct"] == pytest.approx(20.0) and t.loc["A", "change_rank"] == 1


def test_unranked_display_has_no_ranks() -> None:
    data = _frame({"A": 1.0, "B": 2.0}).assign(baseline=[2.0, 2.0])
    t = compare(data, "down", policy=ComparePolicy(display="unranked")).table
    assert not {"rank", "percentile", "leading", "change_rank", "change_leading"} & set(t)
    assert "band_zh" in t


def test_a_province_is_the_mean_of_its_valid_cities() -> None:
    provinces = pd.DataFrame(
        {
            "zone": ["330000", "320000", "110000"],
            "indicator": "x",
            "value": [float("nan"), 9.0, float("nan")],
            "valid": [False, True, False],
        }
    )
    cities = pd.DataFrame(
        {
            "zone": ["330100", "330200", "330300", "320100", "110000"],
            "indicator": "x",
            "value": [30.0, 50.0, 1000.0, 1.0, 7.0],
            "valid": [True, True, False, True, True],
        }
    )
    out = fill_provinces(provinces, cities).set_index("zone")
    # 浙江: (30 + 50)/2, the invalid city left out; 江苏 keeps its own 9; 北京 (a
    # municipality) is not the mean of anything
    assert out.loc["330000", "value"] == 40.0 and out.loc["330000", "aggregated_from"] == 2
    assert bool(out.loc["330000", "valid"]) and out.loc["330000", "note"] == RULE_EN
    assert "unconfirmed" in RULE_EN
    assert out.loc["320000", "value"] == 9.0 and pd.isna(out.loc["320000", "aggregated_from"])
    assert pd.isna(out.loc["110000", "value"])


city_codes = st.sampled_from(["330100", "330200", "320100", "320200", "440100", "440300"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(city_codes, st.floats(0, 500), st.booleans()), max_size=12),
    city_codes,
    st.floats(0, 500),
)
def test_adding_a_city_never_changes_another_province(rows, new_city, new_value) -> None:
    provinces = pd.DataFrame(
        {
            "zone": ["330000", "320000", "440000"],
            "indicator": "x",
            "value": float("nan"),
            "valid": False,
        }
    )
    cities = pd.DataFrame(rows, columns=["zone", "value", "valid"]).drop_duplicates("zone")
    cities = cities.assign(indicator="x")
    before = fill_provinces(provinces, cities).set_index("zone")["value"]
    more = pd.concat(
        [
            cities[cities["zone"] != new_city],
            pd.DataFrame(
                {"zone": [new_city], "value": [new_value], "valid": [True], "indicator": "x"}
            ),
        ]
    )
    after = fill_provinces(provinces, more).set_index("zone")["value"]
    mine = new_city[:2] + "0000"
    others = [p for p in before.index if p != mine]
    pd.testing.assert_series_equal(before[others], after[others])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.booleans()), min_size=1, max_size=40))
def test_ranks_are_a_permutation_over_the_valid_values(rows) -> None:
    data = pd.DataFrame(
        {
            "unit": [f"u{i}" for i in range(len(rows))],
            "indicator": "x",
            "value": [float(v) for v, _ in rows],
            "valid": [ok for _, ok in rows],
        }
    )
    t = compare(data, "up", policy=ComparePolicy(min_coverage=0)).table
    ranked = t[t["rank"].notna()]
    assert set(ranked["unit"]) == set(data.loc[data["valid"], "unit"])
    n = len(ranked)
    assert (ranked["n"] == n).all() and len(t) == len(data)
    # ties share the minimum rank; the ranks are the positions 1..n, each used once when the
    # values differ
    order = ranked.sort_values("value", ascending=False)
    expected = order["value"].rank(method="min", ascending=False).astype(int).tolist()
    assert order["rank"].astype(int).tolist() == expected
    if ranked["value"].is_unique:
        assert sorted(ranked["rank"].astype(int)) == list(range(1, n + 1))


@given(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12))
def test_zone_and_division_keys_never_collide(a: str, b: str) -> None:
    assert zone_key(a) != division_key(b)
    assert zone_key(a) == zone_key(b) if a == b else zone_key(a) != zone_key(b)


@pytest.fixture
def real_days(store) -> None:
    """The bundled CNEMC real-time release, 2019-01-01…03 (all national sites)."""
    (sites,) = ingest_paths("air-sites", [site_register()])
    assert sites.ok, sites
    files = sorted(demo_dir().glob("china_sites_2019010*.csv.gz"))
    for result in ingest_paths("auto", files):
        assert result.ok, result


def test_provinces_on_real_data_are_shown_flagged_and_ranked_only_when_asked(real_days) -> None:
    table = compare_group("env.pm25_annual_mean", 2019, "provinces31").set_index("code")
    # every province has a value (3 days: far below 324, so none valid), shown and unranked
    assert len(table) == 31 and table["value"].notna().all()
    assert not table["valid"].any() and table["rank"].isna().all() and not table["top"].any()
    assert (table["validity_zh"] == "不满足 GB 3095 数据有效性要求，仅供参考").all()
    # 河北: each day the mean of its cities' day values (HJ 663 §3, city value by analogy),
    # then the mean of the days — recomputed here from the city days of the engine
    days = daily("2019-01-01", "2019-01-03", Selection(group="cities337"))
    hebei = days[days["city_code"].astype(str).str.startswith("13")]
    by_day = hebei.groupby("day")["pm25"].mean()
    assert table.loc["130000", "value"] == round(by_day.mean())
    asked = ComparePolicy(include_invalid=True)
    ranked = compare_group("env.pm25_annual_mean", 2019, "provinces31", asked)
    assert sorted(ranked["rank"].astype(int)) == sorted(
        ranked["value"].rank(method="min").astype(int)
    )
    assert ranked["n"].eq(31).all() and not ranked["top"].any() and not ranked["valid"].any()
    zh, en = explain_rank(ranked.iloc[0].to_dict())
    assert "31 units in the group, 31 with a ranked value" in en and "仅供参考" in zh
