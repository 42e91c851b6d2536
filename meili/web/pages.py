"""Server-rendered portal pages (zh-CN first, English alongside)."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from meili import __version__, i18n
from meili.assess.rounds import load_round, scan_rounds
from meili.db.session import session
from meili.errors import StoreDamaged
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
from meili.workflow.publication import is_public, public_zones

HERE = FilePath(__file__).parent
router = APIRouter()
templates = Jinja2Templates(directory=str(HERE / "templates"))
ZoneCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An error as a page (the portal's pages never answer with a bare 500)."""
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "message": message, "version": __version__},
        status_code=status,
    )


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


#: Verdict → (zh, en), from the catalogue (``verdicts``).
STATUS_LABELS = {
    key: (words["zh"], words["en"]) for key, words in i18n.catalogue()["verdicts"].items()
}


@router.get("/zones/{code}", response_class=HTMLResponse, include_in_schema=False)
def zone_page(request: Request, code: ZoneCode) -> HTMLResponse:
    """One zone: members, themes and its results in the latest readable round published
    for it; a damaged round is named on the page, and the one before it is shown."""
    with session() as s:
        zone = get_zone(s, code)
        record = zone_record(zone, member_names(s, [zone]))
        fw = get_framework(s)
    rounds, damaged = scan_rounds()
    with session() as s:
        published = public_zones(s)
    rounds = [m for m in rounds if is_public(published, m["round"], code)]
    problems = [exc.problem for exc in damaged]
    latest, verdicts, comparison = None, None, None
    for meta in reversed(rounds):
        try:
            _, verdicts = load_round(meta["round"], "verdicts")
            _, comparison = load_round(meta["round"], "comparison")
        except StoreDamaged as exc:
            problems.append(exc.problem)
            continue
        latest = meta
        break
    areas: list[tuple[TargetAreaDef | None, list[dict]]] = []
    if latest is not None and verdicts is not None and comparison is not None:
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
            "problems": problems,
            "areas": areas,
            "labels": STATUS_LABELS,
            "version": __version__,
            "status_names": {k.value: v for k, v in STATUS_NAMES.items()},
            "tier_names": {k.value: v for k, v in TIER_NAMES.items()},
        },
    )
