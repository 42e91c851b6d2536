"""Server-rendered portal pages: the home page with the national map, and zone pages.

zh-CN first with an English switch on every page (:mod:`meili.web.portal`); charts and the
map are drawn by the bundled Apache ECharts (``static/vendor/echarts``), and each has a table
beside it. Rounds are read only once published (:mod:`meili.web.published`).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from meili import i18n
from meili.assess.progress import DEFAULT_METHOD
from meili.assess.rounds import numeric_target
from meili.db.session import session
from meili.framework.store import get_framework
from meili.output import records
from meili.registry.units import zone_units
from meili.registry.zones import (
    STATUS_NAMES,
    TIER_NAMES,
    Tier,
    get_zone,
    list_zones,
    member_names,
    zone_record,
)
from meili.web import cases, geo
from meili.web.portal import display_policy, render
from meili.web.published import latest_tables, published
from meili.workflow import documents, evidence, ledger
from meili.workflow.roles import ANONYMOUS

router = APIRouter()
ZoneCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
TIER_COLOURS = {"region": "#1b6e8f", "province": "#1b7f4b", "city": "#b35c00", "county": "#8e3b8e"}

#: Verdict → (zh, en), from the catalogue (``verdicts``).
STATUS_LABELS = {
    key: (words["zh"], words["en"]) for key, words in i18n.catalogue()["verdicts"].items()
}


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An error as a page (the portal's pages never answer with a bare 500)."""
    return render(request, "error.html", {"status": status, "message": message}, status)


def _names() -> dict[str, Any]:
    return {
        "status_names": {k.value: v for k, v in STATUS_NAMES.items()},
        "tier_names": {k.value: v for k, v in TIER_NAMES.items()},
        "labels": STATUS_LABELS,
        "tier_colours": TIER_COLOURS,
    }


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home_page(request: Request) -> HTMLResponse:
    """The national map of pilot zones by tier, headline figures and the zone list."""
    with session() as s:
        zones = list_zones(s)
        names = member_names(s, zones)
        zrecords = [zone_record(z, names) for z in zones]
        fw = get_framework(s)
    pub = published()
    meta, tables = latest_tables(pub, tables=("verdicts",))
    verdicts = tables.get("verdicts", pd.DataFrame())
    counts = verdicts["status"].value_counts().to_dict() if "status" in verdicts else {}
    judged = int(counts.get("met", 0) + counts.get("not_met", 0))
    figures = {
        "zones": len(zrecords),
        "by_tier": {t.value: sum(r["tier"] == t.value for r in zrecords) for t in Tier},
        "members": len({m for r in zrecords for m in r["members"]}),
        "indicators": len(fw.indicators),
        "round": meta,
        "met": int(counts.get("met", 0)),
        "judged": judged,
        "met_share": round(100 * counts.get("met", 0) / judged, 1) if judged else None,
        "cases": len(cases.public_cases()),
    }
    groups = [(t.value, [r for r in zrecords if r["tier"] == t.value]) for t in Tier]
    return render(
        request,
        "home.html",
        {"groups": groups, "count": len(zrecords), "figures": figures, "source": geo.source()}
        | _names(),
    )


@router.get("/geo/portal-map.json", include_in_schema=False)
def portal_map() -> Response:
    """The home page's map: provinces and every pilot zone (display only, see NOTICE)."""
    with session() as s:
        units = zone_units(s)
    body = json.dumps(geo.portal_map(units), ensure_ascii=False, separators=(",", ":"))
    return Response(body, media_type="application/geo+json")


def _plan(s: Any, code: str) -> dict[str, Any] | None:
    """The content of the zone's newest approved plan (public), or None."""
    docs = documents.listing(s, ANONYMOUS, kind="plan", zone=code, state="approved", limit=100)
    for doc in reversed(docs):
        versions = documents.versions(s, doc)
        if versions:
            return dict(versions[-1].content or {})
    return None


def _public_work(s: Any, code: str) -> tuple[list[dict], list[dict]]:
    """The zone's ledger items and its accepted evidence, without names of people."""
    items = [ledger.record(i) for i in ledger.items(s, ANONYMOUS, code)]
    for item in items:
        item.pop("lock", None)
    accepted = evidence.inbox(s, ANONYMOUS, status="accepted", zone=code, limit=200)
    keep = ("id", "indicator", "year", "state", "title", "description")
    return items, [{k: evidence.record(e)[k] for k in keep} for e in accepted]


def _areas(fw: Any, tables: dict[str, pd.DataFrame], lang: str) -> list[dict[str, Any]]:
    """Target areas with their indicator rows: value, target, verdict, arrow, rank."""
    verdicts = tables.get("verdicts", pd.DataFrame())
    if verdicts.empty:
        return []
    rows = verdicts.copy()
    progress = tables.get("progress", pd.DataFrame())
    wanted = ["indicator", "arrow", "arrow_symbol", "arrow_zh", "arrow_en", "distance_pct"]
    if not progress.empty and "method" in progress:
        progress = progress[progress["method"] == DEFAULT_METHOD]
    if not progress.empty and "basis" in progress:
        progress = progress[progress["basis"] == "value"]
    if not progress.empty and "indicator" in progress:
        rows = rows.merge(
            progress[[c for c in wanted if c in progress]], on="indicator", how="left"
        )
    comparison = tables.get("comparison", pd.DataFrame())
    wanted = ["indicator", "rank", "n", "percentile", "band_zh", "band_en", "top", "group_size"]
    wanted += ["coverage"]
    if not comparison.empty and "indicator" in comparison:
        comp = comparison[[c for c in wanted if c in comparison]].drop_duplicates("indicator")
        rows = rows.merge(comp, on="indicator", how="left")
    ind = {i.code: i for i in fw.indicators}
    out = []
    for area in fw.target_areas:
        items = []
        for r in records(rows[rows["target_area"] == area.code]):
            i = ind.get(r["indicator"])
            r["name"] = (i.name_zh, i.name_en) if i else (r["indicator"], r["indicator"])
            r["method"] = i.method if i else None
            items.append(r)
        if items:
            out.append({"area": area, "items": items})
    return out


def _trends(fw: Any, values: pd.DataFrame, verdicts: pd.DataFrame) -> list[dict[str, Any]]:
    """Per indicator with at least one value: years, values and the numeric target."""
    if values.empty or "value" not in values:
        return []
    ind = {i.code: i for i in fw.indicators}
    out = []
    data = values.dropna(subset=["value"]).sort_values(["indicator", "year"])
    for code, grp in data.groupby("indicator", sort=False):
        i = ind.get(str(code))
        out.append(
            {
                "indicator": str(code),
                "name_zh": i.name_zh if i else str(code),
                "name_en": i.name_en if i else str(code),
                "unit": str(grp["unit"].iloc[0]) if "unit" in grp else "",
                "years": [int(y) for y in grp["year"]],
                "values": [float(v) for v in grp["value"]],
                "target": numeric_target(i.target) if i else None,
            }
        )
    return out


@router.get("/zones/{code}", response_class=HTMLResponse, include_in_schema=False)
def zone_page(request: Request, code: ZoneCode) -> HTMLResponse:
    """One zone: profile, specialty, each target area's indicators (target, value, verdict,
    progress arrow, method, national rank or band), trends, tasks and projects, accepted
    evidence and case stories, from the newest round published for it."""
    with session() as s:
        zone = get_zone(s, code)
        record = zone_record(zone, member_names(s, [zone]))
        fw = get_framework(s)
        plan = _plan(s, code)
        items, proofs = _public_work(s, code)
    pub = published()
    meta, tables = latest_tables(pub, zone=code)
    lang = "en" if request.query_params.get("lang") == "en" else "zh"
    trends = _trends(fw, tables.get("values", pd.DataFrame()), tables.get("verdicts"))
    return render(
        request,
        "zone.html",
        {
            "z": record,
            "round": meta,
            "problems": pub.problems,
            "areas": _areas(fw, tables, lang),
            "trends": trends,
            "trends_json": json.dumps(trends, ensure_ascii=False),
            "plan": plan,
            "tasks": [i for i in items if i["kind"] == "task"],
            "projects": [i for i in items if i["kind"] == "project"],
            "proofs": proofs,
            "cases": cases.public_cases(code),
            "display": display_policy(request),
        }
        | _names(),
    )
