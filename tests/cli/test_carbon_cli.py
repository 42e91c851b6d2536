"""`meili carbon intensity` from a stats file and from the lake, on round numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import one_line_error, run

STATS = """area_code,year,indicator,value,unit,source
110000,2020,co2_emissions,10000,万吨,test
110000,2025,co2_emissions,9000,万吨,test
110000,2020,gdp_constant,20000,亿元,test
110000,2025,gdp_constant,25000,亿元,test
110000,2020,energy_consumption,8000,万tce,test
110000,2025,energy_consumption,8000,万吨标准煤,test
110000,2025,non_fossil_energy,2000,万tce,test
110000,2025,co2_cap,9500,万吨,test
"""
ARGS = ["carbon", "intensity", "--base-year", "2020", "--year", "2025"]


def stats_file(tmp_path: Path, text: str = STATS) -> Path:
    f = tmp_path / "stats.csv"
    f.write_text(text, encoding="utf-8")
    return f


def check(rec: dict) -> None:
    # I_2020 = 10000 万吨 / 20000 亿元 = 0.5 t/万元; I_2025 = 9000/25000 = 0.36
    assert rec["co2_intensity_base_t_per_10k_yuan"] == pytest.approx(0.5)
    assert rec["co2_intensity_t_per_10k_yuan"] == pytest.approx(0.36)
    # (1 − 0.36/0.5) × 100 = 28 %
    assert rec["co2_intensity_reduction_pct"] == pytest.approx(28.0)
    # energy 8000/20000 = 0.4 → 8000/25000 = 0.32: (1 − 0.8) × 100 = 20 %
    assert rec["energy_intensity_reduction_pct"] == pytest.approx(20.0)
    # non-fossil 2000/8000 = 25 %; cap 9500 ≥ 9000 → met, margin 500 万吨
    assert rec["non_fossil_share_pct"] == pytest.approx(25.0)
    assert rec["cap_met"] is True and rec["cap_margin_10kt"] == pytest.approx(500.0)
    assert "(1 − I_t/I_base)" in rec["standard"]


def test_intensity_from_file(home: Path, tmp_path: Path, capsys) -> None:
    code, out, err = run([*ARGS, "--file", str(stats_file(tmp_path)), "-f", "json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert len(data["records"]) == 1
    check(data["records"][0])
    assert data["units"]["co2"] == "万吨 CO2"


def test_intensity_with_deflator(home: Path, tmp_path: Path, capsys) -> None:
    # GDP 2025 at current prices 30000 亿元, deflator 100 → 120: 30000 × 100/120 = 25000
    text = STATS.replace(
        "110000,2025,gdp_constant,25000,亿元,test", "110000,2025,gdp_current,30000,亿元,test"
    )
    text += "110000,2020,gdp_deflator,100,index,test\n110000,2025,gdp_deflator,120,index,test\n"
    code, out, err = run([*ARGS, "--file", str(stats_file(tmp_path, text)), "-f", "json"], capsys)
    assert code == 0, err
    rec = json.loads(out)["records"][0]
    assert rec["gdp_constant_100m_yuan"] == pytest.approx(25000.0)
    assert rec["gdp_method"] == "gdp_current/gdp_deflator"
    check(rec)


def test_intensity_from_lake(home: Path, tmp_path: Path, capsys) -> None:
    from meili.ingest import ingest_paths

    assert all(r.ok for r in ingest_paths("stats", [stats_file(tmp_path)]))
    code, out, err = run([*ARGS, "--from-lake", "--zone", "110000", "-f", "json"], capsys)
    assert code == 0, err
    check(json.loads(out)["records"][0])
    code, out, _ = run([*ARGS, "--from-lake"], capsys)
    assert code == 0 and "110000" in out


def test_intensity_errors(home: Path, tmp_path: Path, capsys) -> None:
    f = stats_file(tmp_path)
    code, _, err = run(
        ["carbon", "intensity", "--base-year", "2019", "--year", "2025", "--file", str(f)], capsys
    )
    assert "missing co2_emissions for 110000 in 2019" in one_line_error(code, err)
    bad = stats_file(tmp_path, STATS.replace("万吨标准煤", "GJ"))
    code, _, err = run([*ARGS, "--file", str(bad)], capsys)
    line = one_line_error(code, err)
    assert "row 7" in line and "unknown unit 'GJ'" in line
    no_unit = stats_file(tmp_path, "area_code,year,indicator,value\n110000,2020,co2_emissions,1\n")
    code, _, err = run([*ARGS, "--file", str(no_unit)], capsys)
    line = one_line_error(code, err)
    assert "row 2" in line and "missing unit" in line
    no_col = stats_file(tmp_path, "year,indicator,value,unit\n2020,co2_emissions,1,万吨\n")
    code, _, err = run([*ARGS, "--file", str(no_col)], capsys)
    assert "area_code" in one_line_error(code, err)
    f = stats_file(tmp_path)
    code, _, err = run([*ARGS, "--file", str(f), "--zone", "999999"], capsys)
    assert "999999" in one_line_error(code, err)
    code, _, err = run(ARGS, capsys)
    assert "--from-lake" in one_line_error(code, err)
    code, _, err = run([*ARGS, "--from-lake"], capsys)
    assert "stats" in one_line_error(code, err)
