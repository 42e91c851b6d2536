"""`meili assess run` for zones with air, water, noise and carbon data in the lake: every
indicator whose method exists is computed, with its lineage (issue 14, "done when").

Real data: the bundled CNEMC air days (2019-01-01…03) and surface-water month (2021-04,
Beijing–Tianjin–Hebei). Hand-made: 2022 water samples, noise and statistics whose values are
worked out by hand in the comments from GB 3838-2002 Table 1, GB 3096-2008 Table 1 and the
intensity formula (1 − I_t / I_base) × 100.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from cli_support import run

from meili.assess.rounds import load_round
from meili.engine.water import assess_period
from meili.ingest import ingest_paths
from meili.ingest.demo import ingest_demo_samples
from meili.lake.store import connect

ZONES = [
    ("C-110000", "北京市先行区", "Beijing", "110000"),
    ("C-130100", "石家庄市先行区", "Shijiazhuang", "130100"),
]


def _land(tmp: Path, kind: str, name: str, rows: list[dict]) -> None:
    path = tmp / name
    pd.DataFrame(rows).to_csv(path, index=False)
    (result,) = ingest_paths(kind, [path])
    assert result.ok and result.rows_landed == len(rows), result


def _water_2022(tmp: Path) -> None:
    _land(tmp, "water-sections", "sections.csv", [
        {"section": "S1", "province": "北京市", "city": "北京市", "waterbody_type": "river"},
        {"section": "S2", "province": "北京市", "city": "北京市", "waterbody_type": "river"},
        {"section": "S3", "province": "河北省", "city": "石家庄市", "waterbody_type": "river"},
    ])  # fmt: skip
    # GB 3838-2002 Table 1 (river): DO 7.0 < 7.5 and CODMn 3.0 > 2 → not Ⅰ; DO ≥ 6, CODMn
    # ≤ 4, NH3-N ≤ 0.5, TP ≤ 0.1 → Ⅱ. S2 has NH3-N 2.5 > 2.0 (the Ⅴ limit) → 劣Ⅴ.
    good = {"ph": 7.5, "do": 7.0, "codmn": 3.0, "nh3n": 0.3, "tp": 0.05}
    rows = []
    for section, province, nh3n in (("S1", "北京市", 0.3), ("S2", "北京市", 2.5),
                                     ("S3", "河北省", 0.3)):  # fmt: skip
        for time in ("2022-05-01 08:00", "2022-05-02 08:00"):
            rows.append({"section": section, "province": province, "basin": "海河流域",
                         "time": time, **good, "nh3n": nh3n})  # fmt: skip
    _land(tmp, "water-samples", "water-2022.csv", rows)


def _noise_2022(tmp: Path) -> None:
    # GB 3096-2008 Table 1 night limits: class 1 → 45, class 2 → 50 dB(A).
    # 北京 (110105): 44 ≤ 45 met, 47 > 45 not → 1/2 = 50 %.
    # 石家庄 (130102): 49 ≤ 50 met, 52 not, 48 met → 2/3 = 66.67 %.
    rows = [
        ("N1", "110105", "1", "2022-05-10 10:00", 52.0, 44.0),
        ("N2", "110105", "1", "2022-05-10 10:00", 53.0, 47.0),
        ("N3", "130102", "2", "2022-05-10 10:00", 56.0, 49.0),
        ("N4", "130102", "2", "2022-05-10 10:00", 57.0, 52.0),
        ("N5", "130102", "2", "2022-08-10 10:00", 55.0, 48.0),
    ]
    cols = ["point_code", "area_code", "zone_class", "time", "leq_day", "leq_night"]
    _land(tmp, "noise", "noise-2022.csv", [dict(zip(cols, r, strict=True)) for r in rows])


def _stats(tmp: Path) -> None:
    # C-110000: CO2 100 → 99 Mt, GDP (2020 prices) 1000 → 1100 亿元:
    #   I = 0.1 → 0.09 t/万元, reduction (1 − 0.09/0.1) × 100 = 10 %;
    #   energy 5000 → 5200 万tce: (1 − (5200/1100)/(5000/1000)) × 100 = 5.4545… %.
    rows = [
        ("C-110000", 2020, "co2_emissions", 100.0, "Mt CO2"),
        ("C-110000", 2022, "co2_emissions", 99.0, "Mt CO2"),
        ("C-110000", 2020, "gdp_constant", 1000.0, "亿元"),
        ("C-110000", 2022, "gdp_constant", 1100.0, "亿元"),
        ("C-110000", 2020, "energy_consumption", 5000.0, "万tce"),
        ("C-110000", 2022, "energy_consumption", 5200.0, "万tce"),
        ("C-110000", 2022, "env.urban_sewage_collection_rate", 72.5, "%"),
    ]
    cols = ["area_code", "year", "indicator", "value", "unit"]
    _land(tmp, "stats", "stats.csv",
          [dict(zip(cols, r, strict=True), source="hand-made") for r in rows])  # fmt: skip


@pytest.fixture
def round_all(store: Path, tmp_path: Path, capsys) -> pd.DataFrame:
    for code, zh, en, member in ZONES:
        args = ["zones", "add", "--code", code, "--name-zh", zh, "--name-en", en,
                "--tier", "city", "--members", member]  # fmt: skip
        assert run(args, capsys)[0] == 0
    assert all(r.ok for r in ingest_demo_samples())
    _water_2022(tmp_path)
    _noise_2022(tmp_path)
    _stats(tmp_path)
    code, _, err = run(["assess", "run", "--round", "all", "--year", "2022",
                        "--first-year", "2019"], capsys)  # fmt: skip
    assert code == 0, err
    return load_round("all", "values")[1].set_index(["zone", "indicator", "year"])


def test_every_domain_is_computed_with_its_lineage(round_all: pd.DataFrame) -> None:
    v = round_all

    def at(zone: str, ind: str, year: int = 2022) -> pd.Series:
        return v.loc[(zone, ind, year)]

    # water 2022: S1 Ⅱ and S2 劣Ⅴ in Beijing (by province); S3 Ⅱ in Shijiazhuang (by the
    # register's city); the region pools all three
    assert at("C-110000", "env.water_good_section_share")["value"] == pytest.approx(50.0)
    assert at("C-110000", "env.water_inferior_v_share")["value"] == pytest.approx(50.0)
    assert at("C-130100", "env.water_good_section_share")["value"] == pytest.approx(100.0)
    assert at("R-JJJ", "env.water_good_section_share")["value"] == pytest.approx(200 / 3)
    assert at("R-JJJ", "env.water_inferior_v_share")["value"] == pytest.approx(100 / 3)
    # noise 2022, night-time compliance
    assert at("C-110000", "env.noise_night_compliance")["value"] == pytest.approx(50.0)
    assert at("C-130100", "env.noise_night_compliance")["value"] == pytest.approx(200 / 3)
    # carbon and energy dual control against the 2020 base year
    assert at("C-110000", "glc.co2_intensity_reduction")["value"] == pytest.approx(10.0)
    assert at("C-110000", "glc.energy_intensity_reduction")["value"] == pytest.approx(
        (1 - (5200 / 1100) / (5000 / 1000)) * 100
    )
    assert at("C-110000", "glc.co2_total")["value"] == pytest.approx(99.0)
    for zone, ind in (("C-110000", "env.noise_night_compliance"),
                      ("C-110000", "glc.co2_intensity_reduction"),
                      ("C-130100", "env.water_good_section_share")):  # fmt: skip
        assert at(zone, ind)["valid"] and at(zone, ind)["status"] == "computed", (zone, ind)
    # a reported figure names its stats row
    nf = at("C-110000", "env.urban_sewage_collection_rate")
    assert (
        nf["status"] == "reported"
        and "stats C-110000 2022 env.urban_sewage_collection_rate" in nf["stats_row"]
    )
    # air on the real CNEMC days: computed, flagged (3 days fail the GB 3095 year rule)
    pm = at("C-110000", "env.pm25_annual_mean", 2019)
    assert pm["status"] == "computed" and not pm["valid"] and pm["value"] > 0
    assert "324" in pm["reason_en"] and json.loads(pm["batches"])
    rank = at("C-110000", "env.air_composite_index_rank", 2019)
    assert rank["status"] == "missing" and "not ranked" in rank["reason_en"]
    # CWQI of Beijing's sections: computed, flagged incomplete (5 of the 21 items)
    cw = at("C-110000", "env.cwqi")
    assert cw["status"] == "computed" and not cw["valid"] and "cod" in cw["reason_en"]
    # every computed value names its batches; every reported its row; every missing why
    computed = v[v["status"] == "computed"]
    assert computed["batches"].map(json.loads).map(len).gt(0).all()
    assert v.loc[v["status"] == "reported", "stats_row"].notna().all()
    missing = v[v["status"] == "missing"]
    assert (missing["reason_zh"] != "").all() and (missing["reason_en"] != "").all()


def test_computed_in_the_assessment_as_by_the_water_command(round_all: pd.DataFrame) -> None:
    # issue 14: `meili water period` computed Beijing's good share while the assessment said
    # "no value"; now both give the same number from the same lake (real CNEMC April 2021)
    groups = assess_period(connect(), "2021-01-01", "2021-12-31", by="province").groups
    beijing = groups.set_index("province").loc["北京市"]
    row = round_all.loc[("C-110000", "env.water_good_section_share", 2021)]
    assert row["status"] == "computed" and row["value"] == pytest.approx(beijing["share_I_III"])
    region = round_all.loc[("R-JJJ", "env.water_good_section_share", 2021)]
    assert region["status"] == "computed" and 0 <= region["value"] <= 100


def test_zone_command_shows_the_lineage(round_all: pd.DataFrame, capsys) -> None:
    code, out, err = run(["assess", "zone", "C-110000", "--round", "all", "-f", "json"], capsys)
    assert code == 0, err
    rec = {r["indicator"]: r for r in json.loads(out)["records"]}
    noise = rec["env.noise_night_compliance"]
    assert noise["method"] == "noise.night_compliance" and noise["value_status"] == "computed"
    assert noise["value"] == pytest.approx(50.0), noise
    assert json.loads(noise["batches"])
