"""Indicator values with lineage, target verdicts, progress and frozen rounds, end to end.

The air numbers are hand-checked: constant hourly values make every HJ 663 statistic equal
to that constant, and a zone's daily value is the mean of its cities' values.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from meili.assess.explain import with_explanations
from meili.assess.rounds import diff_rounds, list_rounds, load_round, run_round
from meili.config import settings
from meili.db.session import session
from meili.errors import StoreDamaged, UserError
from meili.ingest import ingest_paths
from meili.methods import open_context
from meili.methods.air import year_statistics
from meili.registry.units import national_units, zone_units

SITES = [  # code, city, prefecture, control, pm25
    ("H1", "杭州", "杭州市", False, 30.0),
    ("H2", "杭州", "杭州市", True, 100.0),  # 对照点: left out of the city mean
    ("N1", "宁波", "宁波市", False, 50.0),
]


def _air_lake(year: int, end: str | None = None) -> None:
    lake = settings().lake_dir
    hours = pd.date_range(f"{year}-01-01 01:00", end or f"{year + 1}-01-01 00:00", freq="h")
    frames = []
    for code, _, _, _, pm25 in SITES:
        frames.append(
            pd.DataFrame(
                {
                    "site_code": code,
                    "time": hours,
                    "pm25": pm25,
                    "pm10": 60.0,
                    "so2": 8.0,
                    "no2": 30.0,
                    "co": 0.7,
                    "o3": 90.0,
                    "day": (hours - pd.Timedelta(hours=1)).normalize(),
                    "batch_id": f"air-{year}",
                }
            )
        )
    (lake / "air_hourly").mkdir(parents=True, exist_ok=True)
    pd.concat(frames).to_parquet(lake / "air_hourly" / f"{year}.parquet", index=False)
    sites = pd.DataFrame(
        {
            "site_code": [s[0] for s in SITES],
            "name": [s[0] for s in SITES],
            "city": [s[1] for s in SITES],
            "province": "浙江省",
            "prefecture": [s[2] for s in SITES],
            "control": [s[3] for s in SITES],
        }
    )
    (lake / "air_sites").mkdir(parents=True, exist_ok=True)
    sites.to_parquet(lake / "air_sites" / "sites.parquet", index=False)


def _stats(tmp_path: Path, rows: list[tuple[str, int, str, float, str]], name: str) -> None:
    path = tmp_path / name
    frame = pd.DataFrame(rows, columns=["area_code", "year", "indicator", "value", "unit"])
    frame["source"] = "test ledger"
    frame.to_csv(path, index=False)
    (result,) = ingest_paths("stats", [path])
    assert result.ok and result.rows_landed == len(rows), result


@pytest.fixture
def assessed(store: Path, tmp_path: Path) -> dict:
    _air_lake(2019)
    _stats(
        tmp_path,
        [
            ("P-330000", 2017, "glc.nev_share_new_vehicles", 20.0, "%"),
            ("P-330000", 2018, "glc.nev_share_new_vehicles", 30.0, "%"),
            ("P-330000", 2019, "glc.nev_share_new_vehicles", 40.0, "%"),
            ("330000", 2019, "sec.tailings_pond_supervision", 100.0, "%"),  # member division
            ("P-330000", 2019, "glc.water_use_per_gdp_reduction", 17.0, "%"),
            ("P-330000", 2019, "task:glc.water_use_per_gdp_reduction", 1.0, ""),  # 完成上级任务
            ("110000", 2019, "glc.nev_share_new_vehicles", 50.0, "%"),  # other provinces,
            ("120000", 2019, "glc.nev_share_new_vehicles", 30.0, "%"),  # for the national
            ("310000", 2019, "glc.nev_share_new_vehicles", 45.0, "%"),  # comparison
        ],
        "stats-2019.csv",
    )
    return run_round("t1", 2019, first_year=2017)


def test_values_carry_lineage_and_hand_checked_air(assessed: dict) -> None:
    _, values = load_round("t1", "values")
    v = values.set_index(["zone", "indicator", "year"])
    assert v.loc[("C-330100", "env.pm25_annual_mean", 2019), "value"] == pytest.approx(30.0)
    assert v.loc[("P-330000", "env.pm25_annual_mean", 2019), "value"] == pytest.approx(40.0)
    row = v.loc[("P-330000", "env.pm25_annual_mean", 2019)]
    assert row["status"] == "computed" and json.loads(row["batches"]) == ["air-2019"]
    assert row["framework"] == "meili-default@2026.1" and row["code_version"].startswith("meili")
    assert "HJ 663" in row["edition"]
    # PM2.5 30 → IAQI 43, PM10 60 → IAQI 55: every day is good (AQI ≤ 100)
    assert v.loc[("C-330100", "env.good_day_ratio", 2019), "value"] == 100.0
    tail = v.loc[("P-330000", "sec.tailings_pond_supervision", 2019)]
    assert tail["value"] == 100.0 and tail["status"] == "reported" and bool(tail["valid"])
    assert tail["stats_row"].startswith("stats 330000 2019 sec.tailings_pond_supervision")
    assert "member division 330000" in tail["stats_row"]
    assert json.loads(tail["batches"]) and row["lake_version"] == assessed["lake_version"]
    assert v.loc[("P-330000", "glc.nev_share_new_vehicles", 2018), "status"] == "reported"
    missing = v.loc[("P-350000", "glc.nev_share_new_vehicles", 2019)]
    assert np.isnan(missing["value"]) and missing["status"] == "missing"
    assert "glc.nev_share_new_vehicles" in missing["reason_en"] and missing["reason_zh"]
    assert "air-2019" in assessed["input_batches"]


def test_verdicts_in_words(assessed: dict) -> None:
    _, verdicts = load_round("t1", "verdicts")
    v = verdicts.set_index(["zone", "indicator"])
    nev = v.loc[("P-330000", "glc.nev_share_new_vehicles")]
    assert nev["status"] == "not_met" and "40" in nev["reason_zh"] and "45" in nev["reason_en"]
    # a mining-only indicator: whether Zhejiang has mines has no source at hand (to confirm on
    # the zone), so it is not evaluable, never judged on the filed value alone
    tailings = v.loc[("P-330000", "sec.tailings_pond_supervision")]
    assert tailings["status"] == "not_evaluable" and "set mining" in tailings["reason_en"]
    # ≤ 28 with the higher-level task: 30 fails the threshold, so the whole rule fails
    assert v.loc[("C-330100", "env.pm25_annual_mean"), "status"] == "not_met"
    assert v.loc[("P-350000", "glc.nev_share_new_vehicles"), "status"] == "not_evaluable"
    # "完成上级下达的任务，且 ≥ 16%": the task flag filed as task:<indicator> makes it judgeable
    assert v.loc[("P-330000", "glc.water_use_per_gdp_reduction"), "status"] == "met"


NEV = "glc.nev_share_new_vehicles"


def test_progress_arrow_from_the_series(assessed: dict) -> None:
    _, progress = load_round("t1", "progress")
    assert set(progress["method"]) == {"sdr", "statcan"}  # one row per method
    assert not progress.duplicated(["zone", "indicator", "method", "basis"]).any()
    sdr = progress[(progress["method"] == "sdr") & (progress["basis"] == "value")]
    [p] = [r for _, r in sdr.iterrows() if r["zone"] == "P-330000" and r["indicator"] == NEV]
    # the framework's programme baseline is 2024 (the year before the pilot started): data of
    # 2017–2019 give no baseline value, so no arrow — never the zone's first year instead
    assert p["baseline_year"] == 2024 and np.isnan(p["baseline"]) and p["current_year"] is pd.NA
    assert p["arrow"] == "insufficient_data"
    # 45 % is the national 2027 anchor (美丽中国建设意见): a national reference, not the
    # zone's target, since the zone is assigned none
    assert np.isnan(p["target"]) and p["national_reference"] == 45.0
    assert "national anchor" in p["target_note_en"]
    assert assessed["progress_default_method"] == "sdr"


def test_zones_are_placed_among_all_units_of_their_kind(assessed: dict) -> None:
    _, table = load_round("t1", "comparison")
    t = table.set_index(["zone", "indicator"])
    nev = t.loc[("P-330000", "glc.nev_share_new_vehicles")]
    # 北京 50 > 上海 45 > 浙江 40 (the zone's own value) > 天津 30: third of four provinces
    assert (nev["rank"], nev["n"]) == (3, 4)
    assert nev["percentile"] == pytest.approx(100 * (4 - 3) / (4 - 1))
    assert nev["comparison"] == "national:provinces31" and not nev["top"]
    pm = t.loc[("C-330100", "env.pm25_annual_mean")]
    # among the cities with data: 杭州 30 beats 宁波 50 (lower is better); 2 of 337 cities
    # ranked is below the coverage minimum (75 %): first, but not 前列
    assert (pm["rank"], pm["n"], pm["group_size"], bool(pm["top"])) == (1, 2, 337, False)
    assert pm["coverage"] == pytest.approx(2 / 337, abs=1e-4) and bool(pm["valid"])
    assert pm["status"] == "computed" and json.loads(pm["batches"]) == ["air-2019"]
    # one row per zone × indicator, every compared zone's value the value its verdict used
    assert not table.duplicated(["zone", "indicator"]).any()
    _, verdicts = load_round("t1", "verdicts")
    both = table.merge(verdicts, on=["zone", "indicator"], suffixes=("", "_verdict"))
    assert (both["value"] == both["value_verdict"]).all()
    # provinces: 浙江 among all 31 (北京, 天津, 上海 and 浙江 have NEV values: 4 of 31)
    assert nev["group_size"] == 31 and nev["coverage"] == pytest.approx(4 / 31, abs=1e-4)
    # the explanation (--explain, ?explain=true) says the group, n, coverage and rule
    said = with_explanations("comparison", table).set_index(["zone", "indicator"])
    en = said.loc[("P-330000", "glc.nev_share_new_vehicles"), "explain_en"]
    assert "national:provinces31" in en and "31 units in the group, 4 with a ranked value" in en
    assert "rank 3 of 4" in en and "no top or leading below 75 % coverage" in en
    assert (
        "组内 31 个单位，4 个有可排名的值"
        in said.loc[("P-330000", "glc.nev_share_new_vehicles"), "explain_zh"]
    )
    assert pm["comparison"] == "national:cities337"


def test_rounds_are_immutable_checked_and_comparable(assessed: dict, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="immutable"):
        run_round("t1", 2019)
    _stats(
        tmp_path, [("P-330000", 2019, "glc.nev_share_new_vehicles", 46.0, "%")], "stats-2019.csv"
    )  # a corrected file: new version of the same source
    run_round("t2", 2019, first_year=2017)
    changed = diff_rounds("t1", "t2")
    row = changed[
        (changed["zone"] == "P-330000") & (changed["indicator"] == "glc.nev_share_new_vehicles")
    ]
    assert row["status_t1"].item() == "not_met" and row["status_t2"].item() == "met"
    assert [r["round"] for r in list_rounds()] == ["t1", "t2"]
    _, before = load_round("t1", "verdicts")  # the first round still says what it said
    assert (before["status"] != "").all()
    path = settings().home / "rounds" / "t1" / "verdicts.parquet"
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(StoreDamaged, match="changed after publication"):
        load_round("t1", "verdicts")


def test_assess_cli(assessed: dict, capsys) -> None:
    from meili.cli.main import main

    main(["assess", "zone", "P-330000", "--round", "t1", "--format", "json"])
    payload = json.loads(capsys.readouterr().out)
    assert payload["zone"] == "P-330000"
    rec = {r["indicator"]: r for r in payload["records"]}
    assert rec["glc.nev_share_new_vehicles"]["status"] == "not_met"
    main(
        [
            "assess",
            "compare",
            "--indicator",
            "env.pm25_annual_mean",
            "--round",
            "t1",
            "--format",
            "json",
        ]
    )
    table = json.loads(capsys.readouterr().out)["records"]
    assert {r["zone"] for r in table} >= {"P-330000"}
    with pytest.raises(SystemExit) as exit_:
        main(["assess", "zone", "NOPE", "--round", "t1"])
    assert exit_.value.code == 3


def test_a_short_year_gives_no_annual_air_values(store: Path) -> None:
    _air_lake(2019, end="2019-02-01 00:00")  # January only
    run_round("jan", 2019, first_year=2019)
    _, values = load_round("jan", "values")
    _, verdicts = load_round("jan", "verdicts")
    v = values.set_index(["zone", "indicator", "year"])
    judged = verdicts.set_index(["zone", "indicator"])
    for code, shown in (("env.pm25_annual_mean", 30.0), ("env.good_day_ratio", 100.0)):
        row = v.loc[("C-330100", code, 2019)]
        # kept for display, flagged invalid with the reason (GB 3095 Table 4), never judged
        assert row["value"] == shown and row["status"] == "computed" and not row["valid"]
        assert "daily-count minimum" in row["reason_en"] and "月份" in row["reason_zh"]
        verdict = judged.loc[("C-330100", code)]
        assert verdict["status"] == "not_evaluable"
        # shown, not hidden: the verdict holds the same value, flagged, with the reason
        assert verdict["value"] == shown and not verdict["valid"]
        assert verdict["reason_zh"].startswith("不满足 GB 3095 数据有效性要求，仅供参考")
        assert "for reference only" in verdict["reason_en"] and "324" in verdict["reason_en"]
    # the comparison shows the same value, flagged as its verdict's, and does not rank it
    _, table = load_round("jan", "comparison")
    pm = table.set_index(["zone", "indicator"]).loc[("C-330100", "env.pm25_annual_mean")]
    assert pm["value"] == 30.0 and not pm["valid"] and pd.isna(pm["rank"])
    assert not pm["top"] and not pm["leading"] and pm["n"] == 0
    assert pm["validity_zh"] == "不满足 GB 3095 数据有效性要求，仅供参考"
    assert "daily-count minimum" in pm["reason_en"]


def test_no_day_is_counted_twice(store: Path) -> None:
    _air_lake(2019)
    with session() as s:
        zones = zone_units(s)
        nat = [u for t in ("city", "province") for u in national_units(s, t)]
    # 北京 is a province and a city of the national sets; 杭州 a city and the zone C-330100
    ctx = open_context(zones=zones, peers=nat, year=2019)
    stats = year_statistics(ctx, 2019, [*zones, *nat])
    assert not stats.index.duplicated().any()
    assert (stats["days"] <= 365).all() and (stats["valid_days"] <= stats["days"]).all()
    # a full constant year: 杭州, 宁波 and 浙江 (their day means) each have exactly 365 days
    assert stats.loc[["330100", "330200", "zone:330000"], "days"].tolist() == [365] * 3
    assert stats.loc["zone:330000", "pm25"] == pytest.approx(40.0)


def test_municipalities_are_ranked_as_provinces_and_as_cities(assessed: dict) -> None:
    _, table = load_round("t1", "comparison")
    # every zone × indicator once; n never above the group (31 provinces, 337 cities)
    assert not table.duplicated(["zone", "indicator"]).any()
    sizes = {"national:provinces31": 31, "national:cities337": 337}
    for where, size in sizes.items():
        mine = table[table["comparison"] == where]
        assert (mine["n"] <= size).all() and (mine["group_size"] == size).all()


def test_live_zone_and_national_group_commands(assessed: dict, capsys) -> None:
    from cli_support import one_line_error, run

    code, out, err = run(["assess", "zone", "P-330000", "--year", "2019", "-f", "json"], capsys)
    assert code == 0, err
    live = {r["indicator"]: r for r in json.loads(out)["records"]}
    _, frozen = load_round("t1", "verdicts")
    frozen = frozen[frozen["zone"] == "P-330000"].set_index("indicator")
    assert {k: v["status"] for k, v in live.items()} == frozen["status"].to_dict()
    args = ["assess", "compare", "--indicator", "glc.nev_share_new_vehicles", "--year", "2019",
            "--group", "provinces31", "-f", "json"]  # fmt: skip
    code, out, err = run(args, capsys)
    assert code == 0, err
    recs = json.loads(out)["records"]
    ranked = [(r["code"], r["rank"], r["n"]) for r in recs if r["rank"] is not None]
    assert ranked == [("110000", 1, 3), ("310000", 2, 3), ("120000", 3, 3)]
    assert len(recs) == 31 and recs[0]["name"] == "北京市"
    assert "unit" not in recs[0]  # issue 11 item 6: the division code is named ``code``
    code, _, err = run(["assess", "zone", "P-330000"], capsys)
    assert "--round NAME or --year Y" in one_line_error(code, err)
