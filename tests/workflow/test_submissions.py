"""Data submission: the Excel template from the zone's framework, the upload through the
stats ingest, the validation report (sheet, row, column, reason), completeness and
timeliness per zone for the level above."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from cli_support import run
from openpyxl import load_workbook
from workflow_support import actor

from meili.db.session import session
from meili.lake.store import query
from meili.workflow import submissions
from meili.workflow.errors import Forbidden, Invalid


def _filled(zone: str, year: int, bad_row: int | None = None) -> tuple[bytes, dict[str, str]]:
    with session() as s:
        data = submissions.template(s, actor("zj"), zone, year)
    book = load_workbook(io.BytesIO(data))
    values = {}
    for sheet in book.worksheets[1:]:
        for row in sheet.iter_rows(min_row=2):
            code = row[2].value
            row[4].value = "不详" if row[0].row == bad_row and sheet is book.worksheets[1] else 61.5
            values[code] = row[4].value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), values


def test_template_from_the_framework(people: Path) -> None:
    with session() as s:
        data = submissions.template(s, actor("ca"), "X-330127", 2024)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == submissions.README
    assert "推动绿色低碳发展" in book.sheetnames and "因地制宜建设美丽乡村" in book.sheetnames
    sheet = book["推动绿色低碳发展"]
    assert [c.value for c in sheet[1]][:6] == submissions.HEADER[:6]
    row = [c.value for c in sheet[2]]
    assert row[0] == "X-330127" and row[1] == 2024 and row[5] == "%"
    assert "0–100" in row[7]
    rules = sheet.data_validations.dataValidation
    assert rules and rules[0].type == "decimal" and rules[0].formula2 == "100.0"


def test_upload_report_and_status(people: Path) -> None:
    data, values = _filled("X-330127", 2024, bad_row=3)
    with session(write=True) as s:
        submissions.set_period(s, actor("admin"), 2024, date(2099, 3, 31))
        sub = submissions.upload(s, actor("ca"), "X-330127", 2024, data, "淳安2024.xlsx")
        rec = submissions.record(sub)
    assert rec["status"] == "partial" and rec["rows_refused"] == 1
    [problem] = rec["problems"]
    assert (problem["sheet"], problem["row"], problem["column"]) == (
        "推动绿色低碳发展",
        3,
        "数值 value",
    )
    assert problem["reason_zh"] and problem["reason_en"]
    landed = query("SELECT indicator, value FROM stats WHERE area_code = 'X-330127'").fetchall()
    assert len(landed) == len(values) - 1 and all(v == 61.5 for _, v in landed)
    with session() as s:
        [mine] = submissions.status(s, actor("ca"), "X-330127", 2024)
        above = submissions.status(s, actor("zj"), "P-330000", 2024)
    assert mine["received"] == len(values) - 1 and mine["on_time"] is True
    assert mine["completeness"] == round(100 * (len(values) - 1) / mine["expected"], 1)
    by_zone = {r["zone"]: r for r in above}
    assert {"P-330000", "C-330100", "X-330127", "X-330523"} <= set(by_zone)
    assert by_zone["X-330523"]["received"] == 0 and by_zone["X-330523"]["on_time"] is False
    # the corrected workbook replaces the sheet's earlier version: now complete
    data, _ = _filled("X-330127", 2024)
    with session(write=True) as s:
        rec = submissions.record(
            submissions.upload(s, actor("ca"), "X-330127", 2024, data, "淳安2024-改.xlsx")
        )
    assert rec["status"] == "accepted" and rec["problems"] == []
    with session() as s:
        [mine] = submissions.status(s, actor("zj"), "X-330127", 2024)
    assert mine["completeness"] == 100.0 and mine["missing"] == []


def test_upload_refusals(people: Path) -> None:
    data, _ = _filled("X-330127", 2024)
    with session(write=True) as s, pytest.raises(Forbidden):
        submissions.upload(s, actor("hz"), "X-330127", 2024, data, "x.xlsx")
    with session(write=True) as s, pytest.raises(Invalid, match="not a PDF, DOCX or XLSX"):
        submissions.upload(s, actor("ca"), "X-330127", 2024, b"a,b\n1,2\n", "x.csv")
    blank, _ = _filled("X-330127", 2024)
    book = load_workbook(io.BytesIO(blank))
    for sheet in book.worksheets[1:]:
        for row in sheet.iter_rows(min_row=2):
            row[4].value = None
    out = io.BytesIO()
    book.save(out)
    with session(write=True) as s, pytest.raises(Invalid, match="no values filled in"):
        submissions.upload(s, actor("ca"), "X-330127", 2024, out.getvalue(), "x.xlsx")
    # a row of another zone or year is refused, not landed elsewhere
    book = load_workbook(io.BytesIO(data))
    book.worksheets[1]["A2"] = "X-330523"
    out = io.BytesIO()
    book.save(out)
    with session(write=True) as s:
        rec = submissions.record(
            submissions.upload(s, actor("ca"), "X-330127", 2024, out.getvalue(), "y.xlsx")
        )
    assert rec["problems"][0]["row"] == 2 and "not for X-330127" in rec["problems"][0]["reason_en"]
    assert query("SELECT count(*) FROM stats WHERE area_code = 'X-330523'").fetchone()[0] == 0


def test_submission_cli(people: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "t.xlsx"
    code, _, err = run(
        ["submissions", "template", "X-330127", "--year", "2024", "--out", str(out), "--as", "ca"],
        capsys,
    )
    assert code == 0, err
    book = load_workbook(out)
    book.worksheets[1]["E2"] = "abc"
    book.save(out)
    code, text, _ = run(
        ["submissions", "upload", "X-330127", str(out), "--year", "2024", "--as", "ca"], capsys
    )
    assert code == 1 and "row 2, column 数值 value" in text
    code, text, _ = run(
        ["submissions", "status", "P-330000", "--year", "2024", "--as", "zj", "-f", "json"], capsys
    )
    assert code == 0 and "X-330127" in {r["zone"] for r in json.loads(text)}
