"""Assigned targets from a file (``meili zones targets import``): CSV (UTF-8 or GBK) or XLSX.

Columns (English or Chinese headers): ``zone_code`` 先行区代码, ``indicator_code`` 指标代码,
``target_value`` 目标值, ``target_year`` 目标年份 (default 2027), ``baseline_year`` 基准年,
``baseline_value`` 基准值, ``unit`` 单位 (default: the indicator's), ``rule`` 规则 (a JSON
target rule of the framework's schema, optional). Every row is checked against the
registry and the zone's framework; any error and nothing is written (each error names file,
row and column). The rows are written by the one writer a plan's approval also uses, with
source ``import:<file name>``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from meili.db.assessment_inputs import TargetRow, write_assigned_targets
from meili.db.models import AssignedTarget, Zone
from meili.errors import Location, MeiliError, ValidationFailed
from meili.framework.rules import Rule
from meili.ingest.readers import open_source, read_table
from meili.workflow.frameworks import zone_framework
from meili.workflow.permissions import Resource, require
from meili.workflow.roles import Actor

HEADERS = {
    "zone_code": ("zone_code", "zone", "先行区代码", "先行区", "区划代码"),
    "indicator_code": ("indicator_code", "indicator", "指标代码", "指标"),
    "target_value": ("target_value", "target", "目标值"),
    "target_year": ("target_year", "目标年份", "目标年"),
    "baseline_year": ("baseline_year", "基准年", "基准年份"),
    "baseline_value": ("baseline_value", "基准值"),
    "unit": ("unit", "单位"),
    "rule": ("rule", "规则"),
}
REQUIRED = ("zone_code", "indicator_code")
_RULE = TypeAdapter(Rule)


def _columns(header: list[str], name: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for j, h in enumerate(header):
        key = h.strip().lower()
        for col, names in HEADERS.items():
            if key in names and col not in found:
                found[col] = j
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise ValidationFailed(
            f"{name}: missing column(s) {', '.join(missing)}",
            [MeiliError(f"missing column {c}", Location(name, 1, c)) for c in missing],
        )
    return found


def _number(text: str, where: Location, problems: list[MeiliError]) -> float | None:
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        problems.append(MeiliError(f"{text!r} is not a number", where))
        return None
    if not math.isfinite(value):
        problems.append(MeiliError(f"{text!r} is not a finite number", where))
        return None
    return value


def read_targets(session: Session, path: Path) -> list[TargetRow]:
    """The file's rows as targets, all checked (raises :class:`ValidationFailed`)."""
    name = path.name
    table = read_table(open_source(path))
    cols = _columns(table.header, name)
    problems: list[MeiliError] = []
    rows: list[TargetRow] = []
    seen: dict[tuple[str, str], int] = {}
    frameworks: dict[str, Any] = {}
    for i, line in enumerate(table.lines):
        cell = {c: str(table.cells.iat[i, j]).strip() for c, j in cols.items()}
        row = int(line)
        zone, code = cell["zone_code"], cell["indicator_code"]
        if session.get(Zone, zone) is None:
            problems.append(MeiliError(f"no zone {zone!r}", Location(name, row, "zone_code")))
            continue
        fw = frameworks.get(zone) or frameworks.setdefault(zone, zone_framework(session, zone))
        ind = fw.indicator(code)
        if ind is None:
            problems.append(
                MeiliError(
                    f"indicator {code!r} is not in {fw.ref}", Location(name, row, "indicator_code")
                )
            )
            continue
        if (zone, code) in seen:
            problems.append(
                MeiliError(
                    f"{zone} {code} is given twice (rows {seen[(zone, code)]} and {row})",
                    Location(name, row),
                )
            )
            continue
        seen[(zone, code)] = row
        before = len(problems)
        value = _number(cell.get("target_value", ""), Location(name, row, "target_value"), problems)
        base = _number(
            cell.get("baseline_value", ""), Location(name, row, "baseline_value"), problems
        )
        years = {}
        for col, default in (("target_year", 2027), ("baseline_year", None)):
            text = cell.get(col, "")
            if text == "":
                years[col] = default
            elif text.isdigit() and 1949 <= int(text) <= 2100:
                years[col] = int(text)
            else:
                problems.append(MeiliError(f"{text!r} is not a year", Location(name, row, col)))
        rule = None
        if cell.get("rule"):
            try:
                rule = _RULE.dump_python(
                    _RULE.validate_python(json.loads(cell["rule"])), mode="json", exclude_none=True
                )
            except (ValueError, ValidationError) as exc:
                first = str(exc).splitlines()[0][:200]
                problems.append(
                    MeiliError(f"not a target rule: {first}", Location(name, row, "rule"))
                )
        if value is None and rule is None and len(problems) == before:
            problems.append(
                MeiliError("give a target_value or a rule", Location(name, row, "target_value"))
            )
        if len(problems) > before:
            continue
        rows.append(
            TargetRow(
                zone_code=zone,
                indicator_code=code,
                framework_ref=fw.ref,
                target_value=value,
                rule=rule,
                baseline_year=years["baseline_year"],
                baseline_value=base,
                target_year=years["target_year"],
                unit=cell.get("unit") or ind.unit,
            )
        )
    if problems:
        raise ValidationFailed(f"{name}: {len(problems)} error(s); nothing was written", problems)
    return rows


def import_targets(
    session: Session, actor: Actor | None, path: Path, by: str
) -> list[AssignedTarget]:
    """Check and write a targets file (all or nothing); ``actor`` None: the operator."""
    rows = read_targets(session, path)
    if actor is not None:
        for zone in sorted({r.zone_code for r in rows}):
            require(session, actor, "targets.import", Resource("targets", zone))
    return write_assigned_targets(session, rows, source=f"import:{path.name}", approved_by=by)
