"""Roll-up consistency county → city → province of reported (stats) values."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from meili.assess.rollup import canonical_unit, is_additive, rollup, rollup_check

DIVISIONS = pd.DataFrame(
    [
        ("330000", "浙江省", "province", None),
        ("330100", "杭州市", "prefecture", "330000"),
        ("330200", "宁波市", "prefecture", "330000"),
        ("330102", "上城区", "county", "330100"),
        ("330105", "拱墅区", "county", "330100"),
    ],
    columns=["code", "name", "level", "parent_code"],
)


def _check(rows: list[tuple[str, str, float, str]], **kw) -> pd.DataFrame:
    values = pd.DataFrame(rows, columns=["area_code", "indicator", "value", "unit"])
    return rollup_check(values, DIVISIONS, **kw).set_index(["parent", "indicator"])


def test_sum_of_children_passes_and_five_percent_off_is_flagged() -> None:
    out = _check(
        [
            ("330000", "co2", 100.0, "Mt CO2"),
            ("330100", "co2", 60.0, "Mt CO2"),
            ("330200", "co2", 40.0, "MtCO2"),  # yearbook spelling of the same unit
            ("330000", "water", 105.0, "亿立方米"),  # 5 above the sum 100
            ("330100", "water", 60.0, "10^8 m³"),
            ("330200", "water", 400000.0, "10^4 m³"),  # = 40 × 10^8 m³
        ]
    )
    ok = out.loc[("330000", "co2")]
    assert ok["status"] == "ok" and ok["children"] == 2 and ok["children_sum"] == 100
    bad = out.loc[("330000", "water")]
    assert bad["status"] == "mismatch" and bad["difference"] == pytest.approx(5)
    assert bad["relative_difference"] == pytest.approx(5 / 105)  # relative to the parent
    assert "1.0%" in bad["reason"]
    loose = _check(
        [
            ("330000", "water", 105.0, "10^8 m³"),
            ("330100", "water", 60.0, "10^8 m³"),
            ("330200", "water", 40.0, "10^8 m³"),
        ],
        tolerance=0.05,
    )
    assert loose.loc[("330000", "water"), "status"] == "ok"


def test_missing_child_is_reported() -> None:
    out = _check([("330100", "waste", 10.0, "万吨"), ("330102", "waste", 6.0, "万吨")])
    row = out.loc[("330100", "waste")]
    assert row["status"] == "incomplete" and row["missing_children"] == "330105"
    assert (row["children"], row["reported"]) == (2, 1)
    assert row["reason"] == "1 of 2 children missing" and row["difference"] == 4


def test_shares_are_not_checkable_never_guessed() -> None:
    out = _check(
        [
            ("330000", "share", 50.0, "%"),
            ("330100", "share", 40.0, "%"),
            ("330200", "share", 60.0, "%"),
        ]
    )
    row = out.loc[("330000", "share")]
    assert row["status"] == "not_checkable" and "not additive" in row["reason"]
    assert pd.isna(row["children_sum"]) and pd.isna(row["difference"])
    assert is_additive(canonical_unit("万tce")) and not is_additive(canonical_unit("µg/m3"))


def test_nothing_to_compare_gives_no_row() -> None:
    out = _check([("330000", "co2", 100.0, "Mt CO2"), ("999999", "co2", 1.0, "Mt CO2")])
    assert out.empty


def test_rollup_from_the_lake_and_cli(store: Path, tmp_path: Path) -> None:
    from meili.cli.assess_index import register_index
    from meili.db.session import session
    from meili.ingest import ingest_paths
    from meili.registry.division_store import children

    with session() as s:
        cities = [d.code for d in children(s, "330000")]
    rows = [("330000", 2019, "glc.co2_total", 100.0, "Mt CO2")]
    rows += [(c, 2019, "glc.co2_total", 100.0 / len(cities), "Mt CO2") for c in cities]
    rows += [
        ("330000", 2019, "env.good_day_ratio", 90.0, "%"),
        ("330100", 2019, "env.good_day_ratio", 80.0, "%"),
    ]
    path = tmp_path / "stats-rollup.csv"
    frame = pd.DataFrame(rows, columns=["area_code", "year", "indicator", "value", "unit"])
    frame.assign(source="test ledger").to_csv(path, index=False)
    (result,) = ingest_paths("stats", [path])
    assert result.ok, result
    out = rollup(2019).set_index(["parent", "indicator"])
    assert out.loc[("330000", "glc.co2_total"), "status"] == "ok"
    assert out.loc[("330000", "glc.co2_total"), "children"] == len(cities)
    assert out.loc[("330000", "env.good_day_ratio"), "status"] == "not_checkable"

    app = typer.Typer()
    register_index(app)
    run = CliRunner().invoke(
        app, ["rollup", "--year", "2019", "--indicator", "glc.co2_total", "--format", "json"]
    )
    assert run.exit_code == 0, run.output
    recs = json.loads(run.output)["records"]
    assert [(r["parent"], r["status"]) for r in recs] == [("330000", "ok")]
