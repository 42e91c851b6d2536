"""Everyday use (issue 11): the store from the first command, the site register, empty
results that say why, exit codes of "nothing to compare", messages said once."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from cli_support import one_line_error, run
from openpyxl import load_workbook
from rich.cells import cell_len

from meili.cli.air import RANK_COLUMNS
from meili.cli.common import shown
from meili.cli.data import write_export
from meili.config import settings
from meili.ingest.demo import demo_dir

UCI = "PRSA_Data_Dongsi_20170101-20170228.csv"
CNEMC = "china_sites_20190101.csv.gz"


def test_home_is_per_user_unless_set_or_local(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.delenv("MEILI_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    elsewhere = tmp_path / "some-folder"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    cfg = settings()
    assert cfg.home == tmp_path / "xdg" / "meili" and cfg.home_source == "per-user data directory"
    code, out, _ = run(["data", "ls", "--format", "json"], capsys)
    assert code == 0 and not (elsewhere / ".meili").exists()  # nothing made in the folder
    assert [r["kind"] for r in json.loads(out)["records"]] == ["air-sites"]
    (elsewhere / ".meili").mkdir()  # a project-local store, used where it exists
    code, out, _ = run(["info", "--format", "json"], capsys)
    [fields] = json.loads(out)
    assert fields["home"] == str(elsewhere / ".meili") and fields["home_source"] == "./.meili"
    assert fields["initialised"] is False  # info describes, creates nothing


def test_first_command_finds_reference_data(home: Path, capsys) -> None:
    code, out, err = run(["regions", "find", "河源", "--format", "json"], capsys)
    assert code == 0, err
    assert json.loads(out)["records"][0]["code"] == "441600"
    code, out, _ = run(["zones", "list", "--tier", "region", "--format", "json"], capsys)
    assert json.loads(out)["count"] == 5


def test_bundled_site_register_then_the_users_overrides(home: Path, tmp_path: Path, capsys) -> None:
    code, _, err = run(["ingest", "auto", str(demo_dir() / UCI)], capsys)
    assert code == 0, err
    code, out, err = run(
        ["air", "period", "--from", "2017-01-01", "--to", "2017-01-31", "-f", "json"], capsys
    )
    assert code == 0, err  # the hourly data alone suffice: the register is bundled
    assert [r["city_name"] for r in json.loads(out)["records"]] == ["北京市"]
    mine = tmp_path / "my_sites.csv"  # the user's list moves 东四 (1003A) to 天津
    mine.write_text(
        "监测点编码,监测点名称,城市,经度,纬度,对照点,省级行政区,地级行政区\n"
        "1003A,东四,天津,116.4174,39.9289,N,天津市,天津市\n",
        encoding="utf-8",
    )
    code, _, err = run(["ingest", "air-sites", str(mine)], capsys)
    assert code == 0, err
    code, out, err = run(
        ["air", "daily", "--cities", "天津市", "--from", "2017-01-01", "--to", "2017-01-02",
         "-f", "json"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    assert {r["city_name"] for r in json.loads(out)["records"]} == {"天津市"}


def test_missing_air_data_is_named(home: Path, capsys) -> None:
    code, _, err = run(["air", "daily", "--from", "2019-01-01", "--to", "2019-01-01"], capsys)
    line = one_line_error(code, err)
    assert "no hourly air data (air_hourly)" in line and "air_sites" not in line


@pytest.fixture
def cnemc_day(home: Path, capsys) -> Path:
    code, _, err = run(["ingest", "auto", str(demo_dir() / CNEMC)], capsys)
    assert code == 0, err
    return home


def test_unknown_city_is_not_found(cnemc_day: Path, capsys) -> None:
    code, _, err = run(["air", "daily", "--cities", "不存在市"], capsys)
    assert code == 3 and "不存在市" in one_line_error(code, err)
    code, out, err = run(["air", "daily", "--cities", "北京市,不存在市", "-f", "json"], capsys)
    assert code == 0 and "left out, not in the air site register: 不存在市" in err
    assert {r["city_name"] for r in json.loads(out)["records"]} == {"北京市"}


def test_rank_with_no_valid_city_says_why(
    cnemc_day: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    code, out, err = run(["air", "rank", "--year", "2019"], capsys)
    line = one_line_error(code, err)
    assert code == 1 and line.startswith("error: no city ranked:")
    assert "below the GB 3095 Table 4 data minimums" in line and "--allow-incomplete" in line
    assert max(cell_len(x) for x in out.splitlines()) <= 120  # the default columns fit
    header = "\n".join(out.splitlines()[:5])
    assert "composite" in header and "o3_8h_p95" not in header and len(RANK_COLUMNS) <= 10
    assert ".0 " not in out  # integers (valid days) as integers
    code, out, err = run(["air", "rank", "--year", "2019", "--allow-incomplete"], capsys)
    assert code == 0 and "1 " in out


def test_empty_listing_says_why(store: Path, capsys) -> None:
    code, out, err = run(["zones", "list", "--tier", "region", "--status", "retired"], capsys)
    assert code == 0 and out == ""
    assert (
        err.strip() == "no results: none of the 11 registered zones has tier region and "
        "status retired"
    )


def test_assess_run_refuses_an_empty_lake_and_diff_says_nothing_to_compare(
    store: Path, capsys
) -> None:
    code, _, err = run(["assess", "run", "--round", "a", "--year", "2024"], capsys)
    assert code == 1 and "0 input batches" in one_line_error(code, err)
    for name in ("a", "b"):
        code, _, err = run(
            ["assess", "run", "--round", name, "--year", "2024", "--allow-empty"], capsys
        )
        assert code == 0, err
    code, out, err = run(["assess", "diff", "a", "b"], capsys)
    assert code == 1 and "nothing to compare" in one_line_error(code, err) and out == ""


def test_failed_file_reason_is_said_once(home: Path, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("area_code,year\n330000,2024\n", encoding="utf-8")
    code, out, err = run(["ingest", "stats", str(bad), "--columns", "file,message"], capsys)
    assert code == 1
    [message] = [x for x in out.splitlines() if "bad.csv" in x]
    reason = message.split("│")[2].strip()[:20]
    assert reason and reason not in err  # the table has it; stderr only sums up
    assert one_line_error(code, err).startswith("error: 1 of 1 files failed")


def test_zone_exists_message_names_the_zone(store: Path, capsys) -> None:
    args = ["zones", "add", "--code", "C-441600", "--name-zh", "河源", "--name-en", "Heyuan",
            "--tier", "city", "--members", "441600"]  # fmt: skip
    line = one_line_error(*run(args, capsys)[::2])
    assert "zone C-441600 exists already" in line and "column" not in line


def test_carbon_reads_mt_co2_and_the_zones_division(store: Path, tmp_path: Path, capsys) -> None:
    f = tmp_path / "c.csv"
    f.write_text(
        "area_code,year,indicator,value,unit\n"
        "330000,2020,co2_emissions,400,Mt CO2\n330000,2024,co2_emissions,420,Mt CO2\n"
        "330000,2020,gdp_constant,60000,亿元\n330000,2024,gdp_constant,70000,亿元\n",
        encoding="utf-8",
    )
    code, out, err = run(
        ["carbon", "intensity", "--file", str(f), "--base-year", "2020", "--year", "2024",
         "--zone", "P-330000", "-f", "json"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    [rec] = json.loads(out)["records"]
    # 420 Mt = 42,000 万吨; intensity 4.2e8 t / 7e8 万元 = 0.6 t/万元, base 4e8/6e8 = 0.6667
    assert rec["area_code"] == "P-330000" and rec["co2_emissions_10kt"] == pytest.approx(42000)
    assert rec["co2_intensity_t_per_10k_yuan"] == pytest.approx(0.6)
    assert rec["co2_intensity_reduction_pct"] == pytest.approx(10.0)
    assert "member division 330000" in err


def test_quarantine_export_bilingual_reasons_and_safe(tmp_path: Path, capsys) -> None:
    rows = pd.DataFrame(
        {
            "batch_id": ["b1"],
            "kind": ["stats"],
            "file": ["s.csv"],
            "row": [2],
            "column": ["value"],
            "reason": ["not a number"],
            "reason_zh": ["不是数值"],
            "reason_en": ["not a number"],
            "value": ["=HYPERLINK(1)"],
            "record": [json.dumps({"time": "2024", "value": "=HYPERLINK(1)"})],
        }
    )
    xlsx = tmp_path / "q.xlsx"
    write_export(rows, xlsx, shown())
    ws = load_workbook(xlsx)["quarantine"]
    header = [c.value for c in ws[1]]
    assert header[:2] == ["time", "value"]  # the source's own headers, to re-ingest
    ours = [
        "文件（file）",
        "行号（row）",
        "列（column）",
        "中文原因（reason in Chinese）",
        "英文原因（reason in English）",
    ]
    assert header[2:] == ours
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:G2"
    assert ws["B2"].value == "=HYPERLINK(1)" and ws["B2"].data_type == "s"
    csv = tmp_path / "q.csv"
    write_export(rows, csv, shown(lang="zh"))
    text = csv.read_text("utf-8")
    assert text.startswith("\ufefftime,value,文件,行号,列,中文原因\n")
    assert "'=HYPERLINK(1)" in text and "不是数值" in text and "not a number" not in text
