"""Read-only JSON API: divisions, zones and the indicator framework."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from meili.assess.rounds import list_rounds, load_round
from meili.db.session import session
from meili.errors import NotFoundError
from meili.framework.store import get_framework
from meili.output import records
from meili.registry import boundaries
from meili.registry.division_store import (
    children,
    division_record,
    find_divisions,
    get_division,
    list_divisions,
)
from meili.registry.zones import Status, Tier, get_zone, list_zones, member_names, zone_record

router = APIRouter(prefix="/api")


def _records(items: list[dict[str, Any]], **meta: Any) -> dict[str, Any]:
    return {**meta, "count": len(items), "records": items}


@router.get("/divisions", summary="Administrative divisions 行政区划")
def divisions(
    level: str | None = Query(None, description="province | prefecture | county"),
    parent: str | None = Query(None, description="Parent division code"),
    q: str | None = Query(None, description="Search by code or (partial) name"),
    year: int | None = Query(None, description="Divisions valid in this year"),
    limit: int = Query(1000, ge=1, le=5000),
) -> dict[str, Any]:
    with session() as s:
        if q:
            found = find_divisions(s, q, level=level, limit=limit)
        else:
            found = list_divisions(s, level=level, parent=parent, year=year)[:limit]
        return _records([division_record(d) for d in found])


@router.get("/divisions/{code}", summary="One division 单个行政区划")
def division(code: str) -> dict[str, Any]:
    with session() as s:
        d = get_division(s, code)
        return {**division_record(d), "children": [division_record(c) for c in children(s, code)]}


@router.get("/divisions/{code}/boundary", summary="Boundary GeoJSON 边界")
def division_boundary(code: str, simplified: bool = True) -> dict[str, Any]:
    return boundaries.boundary(code, simplified=simplified)


@router.get("/zones", summary="Pilot zones 先行区")
def zones(tier: Tier | None = None, status: Status | None = None) -> dict[str, Any]:
    with session() as s:
        found = list_zones(s, tier, status)
        names = member_names(s, found)
        return _records([zone_record(z, names) for z in found])


@router.get("/zones/{code}", summary="One pilot zone 单个先行区")
def zone(code: str) -> dict[str, Any]:
    with session() as s:
        z = get_zone(s, code)
        return zone_record(z, member_names(s, [z]))


@router.get("/framework", summary="Indicator framework 指标体系")
def framework(version: str | None = None) -> dict[str, Any]:
    with session() as s:
        fw = get_framework(s, version=version)
    return fw.model_dump(mode="json", exclude={"indicators"}) | {
        "indicator_count": len(fw.indicators)
    }


@router.get("/framework/indicators", summary="Indicators 指标")
def indicators(
    area: str | None = None,
    measure: str | None = None,
    tier: str | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    with session() as s:
        fw = get_framework(s, version=version)
    items = [
        i.model_dump(mode="json")
        for i in fw.indicators
        if (area is None or str(i.target_area) == area)
        and (measure is None or str(i.measure) == measure)
        and (tier is None or tier in [str(t) for t in i.tiers])
    ]
    return _records(items, framework=fw.code, version=fw.version)


@router.get("/framework/indicators/{code}", summary="One indicator 单项指标")
def indicator(code: str, version: str | None = None) -> dict[str, Any]:
    with session() as s:
        fw = get_framework(s, version=version)
    for i in fw.indicators:
        if i.code == code:
            return i.model_dump(mode="json")
    raise NotFoundError(f"no indicator {code!r} in {fw.code}@{fw.version}")


@router.get("/rounds", summary="Assessment rounds 评估轮次")
def rounds() -> dict[str, Any]:
    return _records(list_rounds())


@router.get("/rounds/{name}/{table}", summary="A table of a frozen round 评估结果")
def round_table(
    name: str,
    table: str,
    zone: str | None = Query(None, description="Only this zone"),
    indicator: str | None = Query(None, description="Only this indicator"),
    limit: int = Query(1000, ge=1, le=100_000),
) -> dict[str, Any]:
    meta, frame = load_round(name, table)
    if zone is not None and "zone" in frame:
        frame = frame[frame["zone"] == zone]
    if indicator is not None and "indicator" in frame:
        frame = frame[frame["indicator"] == indicator]
    rows = records(frame.head(limit))
    return _records(rows, round=name, table=table, year=meta["year"], framework=meta["framework"])
