"""Server-rendered portal pages (zh-CN first, English alongside)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from meili import __version__
from meili.assess.rounds import list_rounds, load_round
from meili.db.session import session
from meili.framework.schema import TargetAreaDef
from meili.framework.store import get_framework
from meili.output import records
from meili.registry.zones import (
    STATUS_NAMES,
    TIER_NAMES,
    Tier,
    get_zone,
    list_zones,
    member_names,
    zone_record,
)

router = APIRouter()
templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def zones_page(request: Request) -> HTMLResponse:
    """All pilot zones, grouped by tier. 先行区名录。"""
    with session() as s:
        zones = list_zones(s)
        names = member_names(s, zones)
        records = [zone_record(z, names) for z in zones]
    groups = [(TIER_NAMES[t], [r for r in records if r["tier"] == t.value]) for t in Tier]
    return templates.TemplateResponse(
        request,
        "zones.html",
        {
            "groups": groups,
            "count": len(records),
            "version": __version__,
            "status_names": {k.value: v for k, v in STATUS_NAMES.items()},
        },
    )


STATUS_LABELS = {
    "met": ("达标", "met"),
    "not_met": ("未达标", "not met"),
    "not_evaluable": ("无法判定", "not evaluable"),
}


@router.get("/zones/{code}", response_class=HTMLResponse, include_in_schema=False)
def zone_page(request: Request, code: str) -> HTMLResponse:
    """One zone: members, themes and its results in the latest assessment round."""
    with session() as s:
        zone = get_zone(s, code)
        record = zone_record(zone, member_names(s, [zone]))
        fw = get_framework(s)
    rounds = list_rounds()
    latest = rounds[-1] if rounds else None
    areas: list[tuple[TargetAreaDef | None, list[dict]]] = []
    if latest:
        _, verdicts = load_round(latest["round"], "verdicts")
        _, comparison = load_round(latest["round"], "comparison")
        rows = verdicts[verdicts["zone"] == code]
        if not comparison.empty:
            comp = comparison[comparison["zone"] == code][["indicator", "rank", "n"]]
            rows = rows.merge(comp, on="indicator", how="left")
        names = {i.code: (i.name_zh, i.name_en) for i in fw.indicators}
        for area in fw.target_areas:
            items = [
                {**r, "name": names.get(r["indicator"], (r["indicator"], r["indicator"]))}
                for r in records(rows[rows["target_area"] == area.code])
            ]
            if items:
                areas.append((area, items))
    return templates.TemplateResponse(
        request,
        "zone.html",
        {
            "z": record,
            "round": latest,
            "areas": areas,
            "labels": STATUS_LABELS,
            "version": __version__,
            "status_names": {k.value: v for k, v in STATUS_NAMES.items()},
            "tier_names": {k.value: v for k, v in TIER_NAMES.items()},
        },
    )
