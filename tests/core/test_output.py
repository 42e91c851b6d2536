"""Results for people and for machines: CSV (BOM, bilingual headers, formula guard), xlsx
(frozen header, filter, number formats, text never a formula), terminal tables (integers as
integers, rounding for display only, default columns that fit)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from cli_support import run
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from rich.cells import cell_len

from meili.cells import TRIGGERS, guard, risky, unguard
from meili.cli.common import emit, shown
from meili.output import View, display, kinds, render_csv, render_table, write_xlsx

RECS = [
    {"site_code": "1001A", "rank": 1.0, "aqi": 52.0, "percentile": 99.40119760479043, "x": "=1+1"},
    {"site_code": "1002A", "rank": None, "aqi": 101.0, "percentile": 12.5, "x": "-5"},
]


@given(st.text())
def test_guard_round_trips_and_leaves_nothing_to_run(text: str) -> None:
    assert unguard(guard(text)) == text
    safe = guard(text)
    assert not safe.startswith(TRIGGERS) or not risky(safe)


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),  # OWASP CSV injection: every trigger gets a leading quote
        ("+cmd", "'+cmd"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-5", "-5"),  # plain numbers stay numbers
        ("+1.5e3", "+1.5e3"),
        ("'=x", "''=x"),  # a quote already there is counted, so unguard gives it back
        ("北京", "北京"),
    ],
)
def test_guard_rule(cell: str, safe: str) -> None:
    assert guard(cell) == safe and unguard(safe) == cell


def test_csv_for_people_and_raw() -> None:
    people = render_csv(RECS, ["site_code", "rank", "percentile", "x"], "both").splitlines()
    assert people[0] == "站点编码（site code）,排名（rank）,百分位（percentile）,x"
    assert people[1] == "1001A,1,99.40119760479043,'=1+1"  # unrounded; integer as integer
    assert people[2] == "1002A,,12.5,-5"
    assert render_csv(RECS, ["site_code"], "en").splitlines()[0] == "site code"
    raw = render_csv(RECS, ["site_code", "x"], raw=True).splitlines()
    assert raw == ["site_code,x", "1001A,=1+1", "1002A,-5"]  # machines get the cells as is


def test_csv_bom_by_default(capsys) -> None:
    emit(RECS, shown("csv", columns="site_code"))
    assert capsys.readouterr().out.startswith("\ufeff站点编码")
    emit(RECS, shown("csv", columns="site_code", bom=False))
    assert capsys.readouterr().out.startswith("站点编码")
    emit(RECS, shown("csv", columns="site_code", raw=True))
    assert capsys.readouterr().out.startswith("site_code\n")


def test_xlsx_header_filter_formats_and_text(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    cols = ["site_code", "rank", "aqi", "percentile", "x"]
    write_xlsx(path, RECS, cols, "both", sheet="air", meta={"year": 2019})
    ws = load_workbook(path)["air"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:E3"
    assert [c.value for c in ws[1]] == [
        "站点编码（site code）", "排名（rank）", "AQI", "百分位（percentile）", "x",
    ]  # fmt: skip
    assert ws["B2"].value == 1 and ws["B2"].number_format == "0"
    assert ws["D2"].value == pytest.approx(99.40119760479043)  # the data keep every digit
    assert ws["D2"].number_format == "0.00"  # shown rounded
    assert ws["E2"].value == "=1+1" and ws["E2"].data_type == "s"
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no cell is a formula
    assert load_workbook(path)["meta"]["B2"].value == "2019"


def test_table_integers_and_rounding_for_display() -> None:
    ks = kinds(RECS, ["rank", "aqi", "percentile"])
    assert [display(r["aqi"], ks["aqi"]) for r in RECS] == ["52", "101"]
    assert display(1.0, ks["rank"]) == "1"
    assert [display(r["percentile"], ks["percentile"]) for r in RECS] == ["99.40", "12.50"]
    assert RECS[0]["percentile"] == 99.40119760479043  # rounding is display only
    text = render_table(RECS, ["rank", "aqi", "percentile"], "en", width=80)
    assert "52.0" not in text and "99.40" in text and "99.401" not in text


def test_columns_wide_and_unknown(capsys) -> None:
    recs = [{f"c{i}": i for i in range(30)}]
    emit(recs, View(), columns=["c0", "c1"])
    assert "c2" not in capsys.readouterr().out
    emit(recs, shown("table", wide=True), columns=["c0", "c1"])
    assert "c29" in capsys.readouterr().out
    emit(recs, shown("table", columns="c5,c7"), columns=["c0"])
    out = capsys.readouterr().out
    assert "c5" in out and "c7" in out and "c0" not in out
    emit(recs, shown("json", columns="c5"))
    assert json.loads(capsys.readouterr().out) == [{"c5": 5}]
    with pytest.raises(Exception, match="unknown column 'nope'"):
        emit(recs, shown("table", columns="nope"))


def test_default_table_fits_the_terminal(store: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    code, out, _ = run(["zones", "list"], capsys)
    assert code == 0 and max(cell_len(line.rstrip("\n")) for line in io.StringIO(out)) <= 100
