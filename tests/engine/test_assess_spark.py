"""`meili assess run --engine spark` gives the values of `--engine duckdb` (issue 14 item 3).

One zone per tier the data allow — a city (北京, 石家庄) with air (the bundled CNEMC days),
water (the bundled CNEMC month and hand-made 2022 samples), noise and carbon statistics —
assessed on both engines; every value row (value, validity, reasons, lineage) is the same.
The values themselves are checked against hand-worked numbers in
tests/assess/test_assess_all_domains.py and tests/methods/test_water_noise_methods.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from cli_support import run
from engine_support import assert_same

from meili.assess.rounds import load_round
from meili.ingest import ingest_paths
from meili.ingest.demo import ingest_demo_samples

ZONES = [
    ("C-110000", "北京市先行区", "Beijing", "110000"),
    ("C-130100", "石家庄市先行区", "Shijiazhuang", "130100"),
]
RIVER_II = {"ph": 7.5, "do": 7.0, "codmn": 3.0, "nh3n": 0.3, "tp": 0.05}


def _land(tmp: Path, kind: str, name: str, rows: list[dict]) -> None:
    path = tmp / name
    pd.DataFrame(rows).to_csv(path, index=False)
    (result,) = ingest_paths(kind, [path])
    assert result.ok and result.rows_landed == len(rows), result


def _data(tmp: Path) -> None:
    _land(tmp, "water-sections", "sections.csv", [
        {"section": "S1", "province": "北京市", "city": "北京市", "waterbody_type": "river"},
        {"section": "S2", "province": "北京市", "city": "北京市", "waterbody_type": "river"},
        {"section": "S3", "province": "河北省", "city": "石家庄市", "waterbody_type": "lake"},
    ])  # fmt: skip
    rows = []
    for section, province, nh3n in (("S1", "北京市", 0.3), ("S2", "北京市", 2.5),
                                     ("S3", "河北省", 0.3)):  # fmt: skip
        for time in ("2022-05-01 08:00", "2022-05-02 08:00"):
            rows.append({"section": section, "province": province, "basin": "海河流域",
                         "time": time, **RIVER_II, "nh3n": nh3n, "tn": 1.0,
                         "chla": 0.01, "sd": 1.2})  # fmt: skip
    _land(tmp, "water-samples", "water-2022.csv", rows)
    noise = [
        ("N1", "110105", "1", "2022-05-10 10:00", 52.0, 44.0),
        ("N2", "110105", "1", "2022-05-10 10:00", 53.0, 47.0),
        ("N3", "130102", "2", "2022-05-10 10:00", 56.0, 49.0),
        ("N4", "130102", "4a", "2022-08-10 10:00", 71.0, 52.0),
    ]
    cols = ["point_code", "area_code", "zone_class", "time", "leq_day", "leq_night"]
    _land(tmp, "noise", "noise.csv", [dict(zip(cols, r, strict=True)) for r in noise])
    stats = [
        ("C-110000", 2020, "co2_emissions", 100.0, "Mt CO2"),
        ("C-110000", 2022, "co2_emissions", 99.0, "Mt CO2"),
        ("C-110000", 2020, "gdp_constant", 1000.0, "亿元"),
        ("C-110000", 2022, "gdp_constant", 1100.0, "亿元"),
        ("C-110000", 2020, "energy_consumption", 5000.0, "万tce"),
        ("C-110000", 2022, "energy_consumption", 5200.0, "万tce"),
    ]
    cols = ["area_code", "year", "indicator", "value", "unit"]
    _land(tmp, "stats", "stats.csv",
          [dict(zip(cols, r, strict=True), source="hand-made") for r in stats])  # fmt: skip


def _values(name: str) -> pd.DataFrame:
    frame = load_round(name, "values")[1]
    keys = ["zone", "indicator", "year"]
    return frame.sort_values(keys).reset_index(drop=True)


@pytest.mark.slow
def test_assess_run_on_spark_gives_duckdb_values(
    spark: Any, store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for code, zh, en, member in ZONES:
        args = ["zones", "add", "--code", code, "--name-zh", zh, "--name-en", en,
                "--tier", "city", "--members", member]  # fmt: skip
        assert run(args, capsys)[0] == 0
    assert all(r.ok for r in ingest_demo_samples())
    _data(tmp_path)
    for engine in ("duckdb", "spark"):
        args = ["assess", "run", "--round", engine, "--year", "2022", "--first-year", "2019",
                "--engine", engine]  # fmt: skip
        code, _, err = run(args, capsys)
        assert code == 0, err
    duck, spark_ = _values("duckdb"), _values("spark")
    assert_same(duck, spark_, "assessment values")
    assert load_round("spark", "values")[0]["engine"] == "spark"
    v = duck.set_index(["zone", "indicator", "year"])
    computed = v[v["status"] == "computed"].reset_index()
    # every domain is computed for the zones on both engines
    for ind in ("env.pm25_annual_mean", "env.water_good_section_share", "env.cwqi",
                "env.noise_night_compliance", "glc.co2_intensity_reduction",
                "glc.energy_intensity_reduction"):  # fmt: skip
        assert ind in set(computed.loc[computed["zone"] == "C-110000", "indicator"]), ind
    # hand-worked: S1 Ⅱ, S2 劣Ⅴ (NH3-N 2.5 > 2.0) → 50 %; night 44 ≤ 45, 47 > 45 → 50 %;
    # CO2 intensity 0.1 → 0.09 t/万元 → 10 %
    assert v.loc[("C-110000", "env.water_good_section_share", 2022), "value"] == 50.0
    assert v.loc[("C-110000", "env.noise_night_compliance", 2022), "value"] == 50.0
    assert v.loc[("C-110000", "glc.co2_intensity_reduction", 2022), "value"] == pytest.approx(10)
