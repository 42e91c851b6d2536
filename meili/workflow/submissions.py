"""Data submission by bureaus (数据报送): an Excel template from the zone's framework, the
upload through the ``stats`` ingest, a validation report back, completeness and timeliness.

The template has one sheet per target area listing the indicators whose values the zone
reports (not those the platform computes from monitoring data, nor states proven by
evidence), with Chinese headers, the unit and the allowed values, and a data-validation
rule on the value column. An upload is checked like an attachment (content, size, zip
bomb, macros); each sheet goes to the existing ``stats`` ingest as its own source
(``<zone>-<year>-<area>``, so a corrected upload replaces the earlier one as a new
version); refused rows come back as (sheet, row, column, reason), with the sheet's own
row numbers.
"""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import Session

from meili.db.audit import append, utc
from meili.db.models import DataSubmission, SubmissionPeriod, Zone
from meili.errors import NotFoundError
from meili.framework.schema import AREA_NAMES, Framework, Indicator
from meili.ingest.pipeline import ingest_paths
from meili.lake.quarantine import quarantine_rows
from meili.methods import find
from meili.workflow import attachments
from meili.workflow.accounts import now
from meili.workflow.errors import Invalid
from meili.workflow.frameworks import zone_framework
from meili.workflow.hierarchy import zone_tree
from meili.workflow.permissions import Resource, allowed, require
from meili.workflow.roles import Actor

HEADER = [
    "区划代码 area_code",
    "年份 year",
    "指标代码 indicator",
    "指标名称 name",
    "数值 value",
    "单位 unit",
    "数据来源 source",
    "填报说明 allowed values",
]
INGESTED = 7  # the first seven columns are read (the last one is a help text)
#: the ingest's column → the template's header (to name columns in the report)
COLUMN_HEADER = {
    "area_code": HEADER[0],
    "year": HEADER[1],
    "indicator": HEADER[2],
    "value": HEADER[4],
    "unit": HEADER[5],
    "source": HEADER[6],
}
README = "填报说明 README"


def reported_indicators(fw: Framework, tier: str) -> list[Indicator]:
    """The indicators a zone of ``tier`` files itself: numbers whose registered method is of
    kind ``reported`` (not computed from the lake or from stats inputs, not states)."""
    return [
        i
        for i in fw.indicators
        if tier in i.tiers and i.computable and (m := find(i.method)) and m.kind == "reported"
    ]


def _allowed(ind: Indicator) -> tuple[str, float | None, float | None]:
    if ind.unit == "%":
        return "0–100 的数值 a number from 0 to 100", 0.0, 100.0
    if ind.unit in ("count", "个", "项"):
        return "非负整数 a whole number ≥ 0", 0.0, None
    return f"非负数值，单位 {ind.unit} a number ≥ 0 in {ind.unit}", 0.0, None


def template(session: Session, actor: Actor, zone: str, year: int) -> bytes:
    """The zone's submission workbook for ``year`` (XLSX bytes)."""
    z = session.get(Zone, zone)
    if z is None:
        raise NotFoundError(f"no zone with code {zone!r}")
    require(session, actor, "data.read", Resource("data", zone))
    fw = zone_framework(session, zone)
    items = reported_indicators(fw, z.tier)
    book = Workbook()
    info = book.active
    info.title = README
    lines = [
        f"{z.name_zh}（{zone}）{year} 年数据报送模板 — {z.name_en}, data for {year}",
        f"指标体系 framework: {fw.ref}",
        "目标领域 target areas: "
        + "; ".join(
            f"{AREA_NAMES[a][0]} {AREA_NAMES[a][1]}"
            for a in dict.fromkeys(i.target_area for i in items)
        ),
        "每个目标领域一张表：填写“数值”列，单位须与“单位”列一致；不要改动代码列。",
        "One sheet per target area: fill in the value column in the unit shown; keep the codes.",
        "上传：meili submissions upload，或网页“数据报送”。Upload with the CLI or the web page.",
    ]
    for r, text in enumerate(lines, start=1):
        info.cell(r, 1, text)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E3F3EA")
    by_area: dict[str, list[Indicator]] = {}
    for ind in items:
        by_area.setdefault(ind.target_area, []).append(ind)
    for area, inds in by_area.items():
        sheet = book.create_sheet(AREA_NAMES.get(area, (area, area))[0][:31])
        sheet.append(HEADER)
        for cell in sheet[1]:
            cell.font, cell.fill = bold, fill
        for ind in inds:
            help_text, _, _ = _allowed(ind)
            sheet.append(
                [
                    zone,
                    year,
                    ind.code,
                    f"{ind.name_zh} {ind.name_en}",
                    None,
                    ind.unit,
                    "",
                    help_text,
                ]
            )
        for ind_row, ind in enumerate(inds, start=2):
            _, low, high = _allowed(ind)
            rule = DataValidation(
                type="decimal",
                operator="between" if high is not None else "greaterThanOrEqual",
                formula1=str(low),
                formula2=str(high) if high is not None else None,
                allow_blank=True,
                showErrorMessage=True,
                error=_allowed(ind)[0],
            )
            sheet.add_data_validation(rule)
            rule.add(f"E{ind_row}")
        sheet.freeze_panes = "A2"
        for col, width in zip("ABCDEFGH", (14, 8, 22, 40, 12, 14, 20, 36), strict=True):
            sheet.column_dimensions[col].width = width
        sheet.sheet_properties.tabColor = "1B7F4B"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheets(data: bytes, name: str) -> list[tuple[str, list[tuple[int, list[str]]]]]:
    """(sheet, [(sheet row, the first seven cells)]) of each filled sheet of an upload."""
    book = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    out = []
    for sheet in book.worksheets:
        if sheet.title == README:
            continue
        rows = []
        for r, values in enumerate(sheet.iter_rows(max_col=INGESTED, values_only=True), start=1):
            cells = ["" if v is None else str(v).strip() for v in values]
            cells += [""] * (INGESTED - len(cells))
            if r > 1 and not cells[4]:
                continue  # no value given: not submitted (completeness counts it missing)
            rows.append((r, cells))
        if len(rows) > 1:
            out.append((sheet.title, rows))
    if not out:
        raise Invalid(f"{name}: no values filled in (fill the 数值 value column)")
    return out


def upload(
    session: Session, actor: Actor, zone: str, year: int, data: bytes, filename: str
) -> DataSubmission:
    """Ingest a filled template; the submission records what landed and what was refused."""
    z = session.get(Zone, zone)
    if z is None:
        raise NotFoundError(f"no zone with code {zone!r}")
    require(session, actor, "data.submit", Resource("data", zone))
    label = attachments.check(data, filename).filename
    if not label.endswith(".xlsx"):
        raise Invalid(f"{label}: upload the XLSX template")
    fw = zone_framework(session, zone)
    expected = [i.code for i in reported_indicators(fw, z.tier)]
    sheets = _sheets(data, label)
    problems: list[dict[str, Any]] = []
    landed: set[str] = set()
    counts = {"read": 0, "landed": 0, "refused": 0}
    batches: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for title, rows in sheets:
            where: dict[int, tuple[int, str]] = {}  # CSV line → (sheet row, indicator)
            path = Path(tmp) / f"{zone}-{year}-{title}.csv"
            with path.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(["area_code", "year", "indicator", "value", "unit", "source"])
                for sheet_row, cells in rows[1:]:
                    if cells[0] != zone or cells[1] != str(year):
                        problems.append(
                            _problem(
                                title,
                                sheet_row,
                                "区划代码 area_code / 年份 year",
                                f"该行不属于 {zone} {year} 年",
                                f"the row is not for {zone} {year}",
                            )
                        )
                        counts["refused"] += 1
                        continue
                    writer.writerow([*cells[:3], *cells[4:7]])
                    where[len(where) + 2] = (sheet_row, cells[2])
            if not where:
                continue
            (result,) = ingest_paths("stats", [path], user=actor.username)
            counts["read"] += result.rows_read
            if result.status == "failed":
                problems.append(
                    _problem(
                        title,
                        None,
                        None,
                        result.error or "无法读取",
                        result.error or "the sheet cannot be read",
                    )
                )
                counts["refused"] += len(where)
                continue
            refused: set[int] = set()
            if result.batch_id:
                batches.append(result.batch_id)
                for q in quarantine_rows(result.batch_id).itertuples():
                    sheet_row = where.get(int(q.row), (int(q.row), ""))[0]
                    problems.append(
                        _problem(
                            title,
                            sheet_row,
                            COLUMN_HEADER.get(q.column, q.column),
                            q.reason_zh or q.reason_en,
                            q.reason_en,
                        )
                    )
                    refused.add(int(q.row))
            counts["refused"] += len(refused)
            good = {code for line, (_, code) in where.items() if line not in refused}
            counts["landed"] += len(good)
            landed |= good
    status = "accepted" if not problems else ("partial" if landed else "rejected")
    sub = DataSubmission(
        zone_code=zone,
        year=year,
        framework_ref=fw.ref,
        filename=label,
        status=status,
        rows_read=counts["read"],
        rows_landed=counts["landed"],
        rows_refused=counts["refused"],
        expected=expected,
        landed=sorted(landed),
        problems=problems,
        batches=batches,
        submitted_by=actor.username,
        submitted_at=now(),
    )
    session.add(sub)
    session.flush()
    append(
        session,
        actor.username,
        "submit",
        "data",
        sub.id,
        zone=zone,
        year=year,
        status=status,
        landed=len(landed),
        refused=len(problems),
        batches=batches,
    )
    return sub


def _problem(sheet: str, row: int | None, column: str | None, zh: str, en: str) -> dict[str, Any]:
    return {"sheet": sheet, "row": row, "column": column, "reason_zh": zh, "reason_en": en}


def set_period(session: Session, actor: Actor, year: int, due_on: date) -> SubmissionPeriod:
    """Set when a year's data are due (the Ministry's administrators)."""
    require(session, actor, "users.manage", Resource("data", None, label="reporting periods"))
    row = session.get(SubmissionPeriod, year)
    before = row.due_on.isoformat() if row else None
    if row is None:
        row = SubmissionPeriod(year=year, due_on=due_on, created_by=actor.username)
        session.add(row)
    row.due_on = due_on
    session.flush()
    append(
        session,
        actor.username,
        "set_period",
        "data",
        year,
        before={"due_on": before},
        after={"due_on": due_on.isoformat()},
    )
    return row


def status(session: Session, actor: Actor, zone: str, year: int) -> list[dict[str, Any]]:
    """Completeness and timeliness of each zone's submissions for ``year``: the zone and
    every zone within it that the actor may read (what the level above sees)."""
    tree = zone_tree(session)
    if zone not in tree.tiers:
        raise NotFoundError(f"no zone with code {zone!r}")
    due = session.get(SubmissionPeriod, year)
    out = []
    for z in [zone, *tree.below(zone)]:
        if not allowed(session, actor, "data.read", Resource("data", z)):
            continue
        subs = list(
            session.scalars(
                select(DataSubmission)
                .where(DataSubmission.zone_code == z, DataSubmission.year == year)
                .order_by(DataSubmission.id)
            )
        )
        fw = zone_framework(session, z)
        expected = [i.code for i in reported_indicators(fw, tree.tiers[z])]
        landed = {code for s in subs for code in s.landed} & set(expected)
        first_ok = next((s for s in subs if s.landed), None)
        on_time = None
        if due is not None:
            on_time = first_ok is not None and utc(first_ok.submitted_at).date() <= due.due_on
        out.append(
            {
                "zone": z,
                "name_zh": tree.names[z][0],
                "tier": tree.tiers[z],
                "year": year,
                "submissions": len(subs),
                "expected": len(expected),
                "received": len(landed),
                "completeness": round(100 * len(landed) / len(expected), 1) if expected else None,
                "due_on": due.due_on.isoformat() if due else None,
                "first_at": utc(first_ok.submitted_at).isoformat(timespec="seconds") + "Z"
                if first_ok
                else None,
                "on_time": on_time,
                "missing": sorted(set(expected) - landed),
            }
        )
    return out


def record(sub: DataSubmission) -> dict[str, Any]:
    return {
        "id": sub.id,
        "zone": sub.zone_code,
        "year": sub.year,
        "framework": sub.framework_ref,
        "filename": sub.filename,
        "status": sub.status,
        "rows_read": sub.rows_read,
        "rows_landed": sub.rows_landed,
        "rows_refused": sub.rows_refused,
        "landed": sub.landed,
        "expected": sub.expected,
        "problems": sub.problems,
        "batches": sub.batches,
        "submitted_by": sub.submitted_by,
        "submitted_at": utc(sub.submitted_at).isoformat(timespec="seconds") + "Z",
    }
