"""Composite index of zones: hand-checked goalposts, aggregation, coverage, weights, ranks,
Monte Carlo rank intervals, and one end-to-end run through a frozen round and the CLI.

Worked example (3 zones × 4 indicators, areas X = {i1, i2}, Y = {i3, i4}):

    indicator  dir   target         A    B    C    low (worst observed)
    i1         up    100           40   70  100    40
    i2         down  10            30   20   50    50
    i3         up    50            50   30   10    10
    i4         down  none → best 2  4    2    8     8

Goalposts (x − low)/(target − low)·100:
    i1: A 0,   B 30/60 = 50,    C 100
    i2: A −20/−40 = 50, B −30/−40 = 75, C 0
    i3: A 100, B 20/40 = 50,    C 0
    i4: A −4/−6 = 66.667, B 100, C 0
Arithmetic, equal weights: X = A 25, B 62.5, C 50; Y = A 83.333, B 75, C 0;
    overall = A 54.1667, B 68.75, C 25 → ranks B 1, A 2, C 3.
Geometric: scores mapped to [1, 100] (s' = 1 + 0.99 s): i1 A 1, B 50.5, C 100; i2 A 50.5,
    B 75.25, C 1; i3 A 100, B 50.5, C 1; i4 A 67, B 100, C 1.
    X = A √(1·50.5) = 7.1063, B √(50.5·75.25) = 61.6452, C √100 = 10;
    Y = A √(100·67) = 81.8535, B √(50.5·100) = 71.0634, C 1;
    overall = A (1·50.5·100·67)^¼ = 24.1180, B (50.5·75.25·50.5·100)^¼ = 66.1869, C 100^¼.
Framework weights (i1 weighs 3): X = A (0·3 + 50)/4 = 12.5, B (150 + 75)/4 = 56.25,
    C 300/4 = 75; overall = A 47.9167, B 65.625, C 37.5.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from meili.assess.zone_index import IndexSpec, composite_index, zone_index
from meili.errors import UserError

VALUES = {"i1": [40, 70, 100], "i2": [30, 20, 50], "i3": [50, 30, 10], "i4": [4, 2, 8]}
META = pd.DataFrame(
    [
        ("i1", "X", "up", 3.0, 100.0),
        ("i2", "X", "down", 1.0, 10.0),
        ("i3", "Y", "up", 1.0, 50.0),
        ("i4", "Y", "down", 1.0, np.nan),
    ],
    columns=["indicator", "area", "direction", "weight", "target"],
)


def _values(extra: dict[str, list[float]] | None = None) -> pd.DataFrame:
    zones = "ABC" + "".join(extra or {})
    cols = {i: v + [extra[z][k] for z in (extra or {})] for k, (i, v) in enumerate(VALUES.items())}
    rows = [(z, i, v[k]) for i, v in cols.items() for k, z in enumerate(zones)]
    return pd.DataFrame(rows, columns=["zone", "indicator", "value"])


def _table(result) -> pd.DataFrame:
    return result.scores.pivot(index="zone", columns="component", values="score")


def test_goalposts_arithmetic_hand_checked() -> None:
    result = composite_index(_values(), META)
    norm = result.normalised.set_index(["zone", "indicator"])["score"]
    assert norm[("B", "i1")] == pytest.approx(50) and norm[("A", "i2")] == pytest.approx(50)
    assert norm[("A", "i4")] == pytest.approx(200 / 3)
    t = _table(result)
    assert t.loc[["A", "B", "C"], "X"].tolist() == pytest.approx([25, 62.5, 50])
    assert t.loc[["A", "B", "C"], "Y"].tolist() == pytest.approx([250 / 3, 75, 0])
    assert t.loc[["A", "B", "C"], "overall"].tolist() == pytest.approx([54.1666667, 68.75, 25])
    ranks = result.scores.query("component == 'overall'").set_index("zone")["rank"]
    assert ranks.to_dict() == {"A": 2, "B": 1, "C": 3}
    gp = result.goalposts.set_index("indicator")
    assert gp.loc["i4", "target"] == 2 and gp.loc["i4", "target_source"] == "best observed"
    assert gp.loc["i2", "low"] == 50 and gp.loc["i2", "low_source"] == "worst observed"


def test_geometric_hand_checked() -> None:
    t = _table(composite_index(_values(), META, IndexSpec(aggregate="geometric")))
    assert t.loc[["A", "B", "C"], "X"].tolist() == pytest.approx([7.1063352, 61.6451539, 10])
    assert t.loc[["A", "B", "C"], "Y"].tolist() == pytest.approx([81.8535277, 71.0633520, 1])
    expected = [(50.5 * 100 * 67) ** 0.25, (50.5 * 75.25 * 50.5 * 100) ** 0.25, 100**0.25]
    assert t.loc[["A", "B", "C"], "overall"].tolist() == pytest.approx(expected)
    with pytest.raises(UserError, match="positive"):
        composite_index(_values(), META, IndexSpec(aggregate="geometric", normalise="zscore"))


def test_framework_weights_and_given_low_benchmark() -> None:
    t = _table(composite_index(_values(), META, IndexSpec(weights="framework")))
    assert t.loc[["A", "B", "C"], "X"].tolist() == pytest.approx([12.5, 56.25, 75])
    assert t.loc[["A", "B", "C"], "overall"].tolist() == pytest.approx([47.9166667, 65.625, 37.5])
    # low benchmark 0 for i1: A 40/100 = 40, B 70, C 100
    r = composite_index(_values(), META, IndexSpec(low={"i1": 0.0}))
    norm = r.normalised.set_index(["zone", "indicator"])["score"]
    assert norm[("A", "i1")] == pytest.approx(40) and norm[("B", "i1")] == pytest.approx(70)
    with pytest.raises(UserError, match="not worse"):
        composite_index(_values(), META, IndexSpec(low={"i2": 5.0}))


def test_other_normalisations_run_through_the_engine() -> None:
    # min-max: i4 (8 − x)/6 gives A 66.667 as goalposts; i2 (50 − x)/30: A 66.667, B 100
    t = _table(composite_index(_values(), META, IndexSpec(normalise="minmax")))
    assert t.loc["A", "X"] == pytest.approx((0 + 200 / 3) / 2)
    z = _table(composite_index(_values(), META, IndexSpec(normalise="zscore")))
    assert z["overall"].mean() == pytest.approx(0)  # equal weights: mean of z-scores is 0
    d = _table(composite_index(_values(), META, IndexSpec(normalise="distance")))
    assert d.loc["B", "overall"] == pytest.approx(68.75)  # low = worst observed: as goalposts


def test_coverage_rule_gives_no_score_with_the_reason() -> None:
    values = _values()
    values = values[~((values["zone"] == "A") & (values["indicator"] == "i2"))]
    s = composite_index(values, META).scores.set_index(["zone", "component"])
    assert np.isnan(s.loc[("A", "X"), "score"]) and np.isnan(s.loc[("A", "overall"), "score"])
    assert s.loc[("A", "X"), "reason"] == "only 1 of 2 indicators present (coverage < 67%)"
    assert s.loc[("A", "overall"), "reason"] == "no score for X"
    assert s.loc[("A", "Y"), "score"] == pytest.approx(250 / 3)
    assert np.isnan(s.loc[("A", "overall"), "rank"]) and s.loc[("B", "overall"), "rank"] == 1
    loose = composite_index(values, META, IndexSpec(coverage=0.5)).scores
    a = loose.set_index(["zone", "component"]).loc[("A", "X"), "score"]
    assert a == pytest.approx(0)  # i1 alone (worst observed is still C's 50 for i2)


def test_ties_share_the_minimum_rank() -> None:
    result = composite_index(_values({"D": [70, 20, 30, 2]}), META)  # D = B
    ranks = result.scores.query("component == 'overall'").set_index("zone")["rank"]
    assert ranks.to_dict() == {"B": 1, "D": 1, "A": 3, "C": 4}


def test_monte_carlo_is_seeded_and_intervals_contain_the_rank() -> None:
    values = _values({"D": [90, 22, 20, 5]})
    spec = IndexSpec(draws=300, seed=7)
    one, two = composite_index(values, META, spec), composite_index(values, META, spec)
    pd.testing.assert_frame_equal(one.uncertainty, two.uncertainty)
    u = one.uncertainty.set_index("zone")
    det = one.scores.query("component == 'overall'").set_index("zone")["rank"]
    assert (u["rank"] == det.reindex(u.index)).all()
    assert ((u["p5"] <= u["rank"]) & (u["rank"] <= u["p95"])).all()
    assert (u.loc["D", "p5"], u.loc["A", "p95"]) == (2, 3)  # D and A swap under some choices
    assert np.isfinite(u.loc["D", ["s_normalisation", "s_weights", "s_aggregation"]]).all()
    other = composite_index(values, META, IndexSpec(draws=300, seed=8)).uncertainty
    assert not other.equals(one.uncertainty)
    wide = one.wide()
    assert list(wide["zone"]) == ["B", "D", "A", "C"] and "p95" in wide


# ---- end to end: a frozen round, then the CLI ------------------------------------------


def _stats(tmp_path: Path, rows: list[tuple[str, int, str, float, str]]) -> None:
    from meili.ingest import ingest_paths

    path = tmp_path / "stats-index.csv"
    frame = pd.DataFrame(rows, columns=["area_code", "year", "indicator", "value", "unit"])
    frame["source"] = "test ledger"
    frame.to_csv(path, index=False)
    (result,) = ingest_paths("stats", [path])
    assert result.ok and result.rows_landed == len(rows), result


@pytest.fixture
def round_r1(store: Path, tmp_path: Path) -> dict:
    from meili.assess.rounds import run_round

    rows = []
    for zone, (nev, nonfossil, tailings, hazardous) in {
        "P-330000": (40.0, 20.0, 100.0, 90.0),
        "P-350000": (30.0, 25.0, 80.0, 95.0),
    }.items():
        rows += [
            (zone, 2019, "glc.nev_share_new_vehicles", nev, "%"),
            (zone, 2019, "glc.nonfossil_share", nonfossil, "%"),
            (zone, 2019, "sec.tailings_pond_supervision", tailings, "%"),
            (zone, 2019, "sec.hazardous_waste_tracking_coverage", hazardous, "%"),
        ]
    _stats(tmp_path, rows)
    return run_round("r1", 2019, first_year=2019)


def test_index_of_a_round_and_cli(round_r1: dict) -> None:
    # goalposts (targets 45, 25, 100, 95; lows = worst observed 30, 20, 80, 90):
    # P-330000: nev 10/15 = 66.667, nonfossil 0 → green 33.333; tailings 100, hazardous 0 → 50
    # P-350000: nev 0, nonfossil 100 → green 50; tailings 0, hazardous 100 → 50
    _, result = zone_index("r1", "province")
    t = _table(result)
    assert t.loc["P-330000", "green_lowcarbon"] == pytest.approx(100 / 3)
    assert t.loc["P-330000", "overall"] == pytest.approx((100 / 3 + 50) / 2)
    assert t.loc["P-350000", "overall"] == pytest.approx(50)
    assert set(t.columns) == {"green_lowcarbon", "ecological_security", "overall"}
    assert "env.pm25_annual_mean" in result.dropped  # no value for any province zone

    from meili.cli.assess_index import register_index

    app = typer.Typer()
    register_index(app)
    run = CliRunner().invoke(
        app, ["index", "--round", "r1", "--tier", "province", "--format", "json"]
    )
    assert run.exit_code == 0, run.output
    payload = json.loads(run.output)
    recs = {r["zone"]: r for r in payload["records"]}
    assert recs["P-350000"]["rank"] == 1 and recs["P-330000"]["rank"] == 2
    run = CliRunner().invoke(
        app,
        ["index", "--round", "r1", "--tier", "province", "--draws", "50", "--format", "csv"],
    )
    assert run.exit_code == 0, run.output
    assert "p95" in run.output.splitlines()[0]
    with pytest.raises(UserError, match="no zone of tier"):
        zone_index("r1", "nope")
