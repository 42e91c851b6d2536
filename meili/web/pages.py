"""Server-rendered portal pages (zh-CN first, English alongside)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from meili import __version__
from meili.db.session import session
from meili.registry.zones import (
    STATUS_NAMES,
    TIER_NAMES,
    Tier,
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
