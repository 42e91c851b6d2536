"""Indicator pages and rankings, generated from the framework and the method registry.

An indicator page shows the framework's definition (unit, direction, target area and
measure, tiers, scope, binding, target rule, data source) and its method as registered —
name, kind, inputs, the compute function's docstring (the formula) and each cited clause
(standard, edition, clause, title) — so the methodology is written once, in the code. Its
values over all zones of the newest nationally published round come as a chart, a table
and a map, with downloads from the open-data API.

Rankings: each zone's composite index per tier (:func:`meili.assess.zone_index.zone_index`)
with the 5–95 % rank interval of its Monte Carlo (normalisation, weights, aggregation), and
per indicator the national comparison of the round; ``?view=unranked`` shows bands only.
"""

from __future__ import annotations

import inspect
import json
from functools import lru_cache
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from meili.assess.rounds import numeric_target
from meili.assess.zone_index import OVERALL, IndexSpec, zone_index
from meili.db.session import session
from meili.errors import MeiliError, NotFoundError
from meili.framework.rules import describe
from meili.framework.schema import AREA_NAMES, SCOPES
from meili.framework.store import get_framework
from meili.methods import find
from meili.output import records
from meili.registry.zones import TIER_NAMES, Tier, list_zones
from meili.web.portal import display_policy, render
from meili.web.published import public_table, published

router = APIRouter(include_in_schema=False)
IndicatorCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]
#: Monte Carlo draws of the rank intervals on the rankings page (seeded: the same every time)
DRAWS = 200


def method_doc(compute: object) -> str:
    """The docstring that says how ``compute`` works: its own, else that of the function
    that made it (a closure such as ``_statistic.<locals>.compute``), else its module's."""
    doc = inspect.getdoc(compute)
    if doc:
        return doc
    module = inspect.getmodule(compute)
    maker = getattr(compute, "__qualname__", "").split(".<locals>")[0]
    if module is not None and "." not in maker and maker != getattr(compute, "__name__", ""):
        doc = inspect.getdoc(getattr(module, maker, None))
    return doc or (inspect.getdoc(module) if module is not None else "") or ""


def method_record(method_id: str) -> dict[str, Any] | None:
    """The registered method as the page shows it; None when it is not registered."""
    m = find(method_id)
    if m is None:
        return None
    doc = method_doc(m.compute)
    return {
        "id": m.id,
        "name_zh": m.name_zh,
        "name_en": m.name_en,
        "kind": m.kind,
        "unit": m.unit,
        "inputs": list(m.inputs),
        "formula": doc,
        "citations": [
            {
                "id": c.id,
                "label": c.label(),
                "title_zh": c.title_zh,
                "title_en": c.title_en,
                "mark": c.mark,
                "confirmed": c.confirmed,
                "about": c.about,
            }
            for c in m.cited()
        ],
    }


@router.get("/indicators", response_class=HTMLResponse)
def indicators_page(request: Request) -> HTMLResponse:
    """Every framework indicator by target area."""
    with session() as s:
        fw = get_framework(s)
    areas = [(a, [i for i in fw.indicators if i.target_area == a.code]) for a in fw.target_areas]
    return render(request, "indicators.html", {"fw": fw, "areas": areas})


def _zone_values(code: str) -> tuple[dict | None, list[dict[str, Any]]]:
    """The indicator's values in the newest nationally published round, one row per zone."""
    pub = published()
    with session() as s:
        zones = {z.code: z for z in list_zones(s)}
    for meta in reversed(pub.national()):
        try:
            verdicts = public_table(meta, "verdicts")
            comparison = public_table(meta, "comparison")
        except MeiliError:
            continue
        rows = verdicts[verdicts["indicator"] == code]
        keep = ["zone", "rank", "n", "percentile", "band_zh", "band_en"]
        if not comparison.empty and "indicator" in comparison:
            comp = comparison[comparison["indicator"] == code]
            rows = rows.merge(comp[[c for c in keep if c in comp]], on="zone", how="left")
        out = []
        for r in records(rows):
            z = zones.get(r["zone"])
            r["name_zh"] = z.name_zh if z else r["zone"]
            r["name_en"] = z.name_en if z else r["zone"]
            r["tier"] = z.tier if z else ""
            out.append(r)
        return meta, out
    return None, []


@router.get("/indicators/{code}", response_class=HTMLResponse)
def indicator_page(request: Request, code: IndicatorCode) -> HTMLResponse:
    """One indicator: definition, formula, standard and clause, chart/table/map, downloads."""
    with session() as s:
        fw = get_framework(s)
    ind = fw.indicator(code)
    if ind is None:
        raise NotFoundError(f"no indicator {code!r} in {fw.ref}")
    meta, rows = _zone_values(code)
    target = numeric_target(ind.target)
    with_value = [r for r in rows if r.get("value") is not None]
    chart = {
        "labels": [r["zone"] for r in with_value],
        "values": [r["value"] for r in with_value],
        "unit": ind.unit,
        "target": target,
        "target_label": "target",
        "label": ind.name_en,
    }
    return render(
        request,
        "indicator.html",
        {
            "ind": ind,
            "fw": fw,
            "area": AREA_NAMES.get(ind.target_area, (ind.target_area, ind.target_area)),
            "scope": SCOPES.get(ind.scope.code, (ind.scope.code, ind.scope.code)),
            "rule": describe(ind.target),
            "method": method_record(ind.method),
            "round": meta,
            "rows": rows,
            "chart_json": json.dumps(chart, ensure_ascii=False),
            "map_values": {r["zone"]: r["value"] for r in with_value},
            "display": display_policy(request),
            "tier_names": {k.value: v for k, v in TIER_NAMES.items()},
        },
    )


@lru_cache(maxsize=32)
def _index(round_name: str, created: str, tier: str) -> pd.DataFrame:
    """The composite index of a tier with Monte Carlo rank intervals (kept per round)."""
    _, result = zone_index(round_name, tier, IndexSpec(draws=DRAWS, seed=1))
    return result.wide()


@router.get("/rankings", response_class=HTMLResponse)
def rankings_page(
    request: Request,
    tier: Tier = Query(Tier.province),
    indicator: str | None = Query(None, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$"),
) -> HTMLResponse:
    """Composite index per tier with rank intervals, or one indicator's comparison."""
    with session() as s:
        fw = get_framework(s)
        zones = {z.code: z for z in list_zones(s)}
    display = display_policy(request)
    pub = published()
    rounds = pub.national()
    meta = rounds[-1] if rounds else None
    table: list[dict[str, Any]] = []
    problem = None
    areas = [a.code for a in fw.target_areas]
    if meta is not None and indicator is None:
        try:
            wide = _index(meta["round"], str(meta["created"]), tier.value)
            table = records(wide)
        except MeiliError as exc:
            problem = str(exc)
    elif meta is not None and indicator is not None:
        if fw.indicator(indicator) is None:
            raise NotFoundError(f"no indicator {indicator!r} in {fw.ref}")
        comp = public_table(meta, "comparison")
        if not comp.empty:
            comp = comp[(comp["indicator"] == indicator)]
            table = records(comp.sort_values(["tier", "rank"], na_position="last"))
    if display == "unranked":  # no order that reads as a ranking
        table = sorted(table, key=lambda r: str(r.get("zone")))
    for r in table:
        z = zones.get(r.get("zone"))
        r["name_zh"] = z.name_zh if z else r.get("zone")
        r["name_en"] = z.name_en if z else r.get("zone")
    chart = None
    if indicator is None and table and display == "ranked":
        scored = [r for r in table if r.get(OVERALL) is not None]
        chart = {
            "labels": [r["zone"] for r in scored],
            "values": [r[OVERALL] for r in scored],
            "low": [r.get("p5") for r in scored] if scored and "p5" in scored[0] else None,
            "high": [r.get("p95") for r in scored] if scored and "p95" in scored[0] else None,
            "unit": "",
            "label": "overall",
            "band_label": "rank 5–95%",
        }
        if chart["low"] is not None:  # the interval is of ranks: draw ranks, not scores
            chart["values"] = [r.get("rank") for r in scored]
            chart["inverse"] = True
    return render(
        request,
        "rankings.html",
        {
            "fw": fw,
            "tier": tier.value,
            "tiers": [t.value for t in Tier],
            "tier_names": {k.value: v for k, v in TIER_NAMES.items()},
            "indicator": indicator,
            "round": meta,
            "table": table,
            "areas": areas,
            "area_names": AREA_NAMES,
            "problem": problem,
            "display": display,
            "draws": DRAWS,
            "chart_json": json.dumps(chart, ensure_ascii=False) if chart else None,
        },
    )
