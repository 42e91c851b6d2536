"""Public JSON API under ``/api/v1``: divisions, zones, the indicator framework, rounds.

Rounds are shown only once published (:mod:`meili.workflow.publication`): for every zone
by the Ministry, or for one zone by its approved self-assessment.

Every path parameter is checked (length and characters) before it reaches a query or the
file system; every error answers with a JSON body ``{"error": …}`` and a documented status:
400 bad request, 404 not found, 422 invalid parameter, 503 a damaged store (the body names
the file; run ``meili data check``). One damaged round does not hide the others.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from meili.assess.explain import with_explanations
from meili.assess.progress import DEFAULT_METHOD, METHODS
from meili.assess.rounds import TABLES, load_round, scan_rounds
from meili.db.session import session
from meili.errors import NotFoundError
from meili.framework.schema import Framework
from meili.framework.store import get_framework, zone_frameworks
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
from meili.workflow.publication import ALL, public_zones

PREFIX = "/api/v1"


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: str
    detail: list[dict[str, Any]] | None = None


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Bad request 请求有误"},
    404: {"model": ErrorBody, "description": "Not found 未找到"},
    422: {"model": ErrorBody, "description": "Invalid parameter 参数无效"},
    503: {
        "model": ErrorBody,
        "description": "The store is damaged 数据存储损坏 (run `meili data check`)",
    },
}

router = APIRouter(prefix=PREFIX, responses=ERRORS)

DivisionCode = Annotated[
    str, Path(pattern=r"^[0-9]{6}$", description="GB/T 2260 division code (6 digits)")
]
ZoneCode = Annotated[
    str,
    Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", description="Zone code, e.g. R-JJJ"),
]
IndicatorCode = Annotated[
    str,
    Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$", description="Indicator code"),
]
RoundName = Annotated[
    str,
    Path(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$", description="Round name (≤ 64 chars)"),
]
Version = Annotated[
    str | None, Query(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$", description="Version")
]
ProgressMethod = Literal["sdr", "statcan"]
RoundTable = Literal["values", "verdicts", "progress", "comparison", "grades"]
ZoneQuery = Query(
    None,
    pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
    description="The framework in force for this zone (default + its specialty indicators)",
)
assert set(RoundTable.__args__) == set(TABLES)  # type: ignore[attr-defined]
assert set(ProgressMethod.__args__) == set(METHODS)  # type: ignore[attr-defined]


def _records(items: list[dict[str, Any]], **meta: Any) -> dict[str, Any]:
    return {**meta, "count": len(items), "records": items}


@router.get("/divisions", summary="Administrative divisions 行政区划")
def divisions(
    level: Literal["province", "prefecture", "county"] | None = Query(
        None, description="province | prefecture | county"
    ),
    parent: str | None = Query(None, pattern=r"^[0-9]{6}$", description="Parent division code"),
    q: str | None = Query(
        None, min_length=1, max_length=64, description="Search by code or (partial) name"
    ),
    year: int | None = Query(None, ge=1980, le=2100, description="Divisions valid in this year"),
    limit: int = Query(1000, ge=1, le=5000),
) -> dict[str, Any]:
    with session() as s:
        if q:
            found = find_divisions(s, q, level=level, limit=limit)
        else:
            found = list_divisions(s, level=level, parent=parent, year=year)[:limit]
        return _records([division_record(d) for d in found])


@router.get("/divisions/{code}", summary="One division 单个行政区划")
def division(code: DivisionCode) -> dict[str, Any]:
    with session() as s:
        d = get_division(s, code)
        return {**division_record(d), "children": [division_record(c) for c in children(s, code)]}


@router.get("/divisions/{code}/boundary", summary="Boundary GeoJSON 边界")
def division_boundary(code: DivisionCode, simplified: bool = True) -> dict[str, Any]:
    return boundaries.boundary(code, simplified=simplified)


@router.get("/zones", summary="Pilot zones 先行区")
def zones(tier: Tier | None = None, status: Status | None = None) -> dict[str, Any]:
    with session() as s:
        found = list_zones(s, tier, status)
        names = member_names(s, found)
        return _records([zone_record(z, names) for z in found])


@router.get("/zones/{code}", summary="One pilot zone 单个先行区")
def zone(code: ZoneCode) -> dict[str, Any]:
    with session() as s:
        z = get_zone(s, code)
        return zone_record(z, member_names(s, [z]))


def _framework(version: str | None, zone: str | None) -> Framework:
    """The default framework (``version``), or the one in force for ``zone``."""
    with session() as s:
        if zone is None:
            return get_framework(s, version=version)
        get_zone(s, zone)  # 404 for an unknown zone
        return zone_frameworks(s, [zone], version)[zone]


@router.get("/framework", summary="Indicator framework 指标体系")
def framework(version: Version = None, zone: str | None = ZoneQuery) -> dict[str, Any]:
    fw = _framework(version, zone)
    return fw.model_dump(mode="json", exclude={"indicators"}) | {
        "indicator_count": len(fw.indicators)
    }


@router.get("/framework/indicators", summary="Indicators 指标")
def indicators(
    area: str | None = Query(None, max_length=64),
    measure: str | None = Query(None, max_length=64),
    tier: str | None = Query(None, max_length=64),
    version: Version = None,
    zone: str | None = ZoneQuery,
) -> dict[str, Any]:
    fw = _framework(version, zone)
    items = [
        i.model_dump(mode="json")
        for i in fw.indicators
        if (area is None or str(i.target_area) == area)
        and (measure is None or str(i.measure) == measure)
        and (tier is None or tier in [str(t) for t in i.tiers])
    ]
    return _records(items, framework=fw.code, version=fw.version)


@router.get("/framework/indicators/{code}", summary="One indicator 单项指标")
def indicator(
    code: IndicatorCode, version: Version = None, zone: str | None = ZoneQuery
) -> dict[str, Any]:
    fw = _framework(version, zone)
    for i in fw.indicators:
        if i.code == code:
            return i.model_dump(mode="json")
    raise NotFoundError(f"no indicator {code!r} in {fw.code}@{fw.version}")


def _published() -> dict[str, set[str]]:
    with session() as s:
        return public_zones(s)


@router.get("/rounds", summary="Published assessment rounds 已发布的评估轮次")
def rounds() -> dict[str, Any]:
    """Every readable round that is public (for every zone, or for the zones whose
    self-assessment wrapping it was approved: ``public_zones``); a damaged one is listed
    under ``problems`` (file, problem)."""
    good, bad = scan_rounds()
    published = _published()
    shown = [
        {**m, "public_zones": sorted(published[m["round"]])}
        for m in good
        if m["round"] in published
    ]
    problems = [{"file": exc.file, "problem": exc.problem} for exc in bad]
    return _records(shown, problems=problems)


@router.get("/rounds/{name}/{table}", summary="A table of a published round 评估结果")
def round_table(
    name: RoundName,
    table: RoundTable,
    zone: str | None = Query(None, max_length=64, description="Only this zone"),
    indicator: str | None = Query(None, max_length=128, description="Only this indicator"),
    limit: int = Query(1000, ge=1, le=100_000),
    explain: bool = Query(
        False, description="Add explain_zh / explain_en: how each row was reached 判定说明"
    ),
    method: ProgressMethod = Query(
        DEFAULT_METHOD,
        description=(
            "progress table: the arrow method, sdr (default; SDSN Sustainable Development "
            "Report trends) or statcan (Statistics Canada / Open SDG progress measure) 进展测度方法"
        ),
    ),
) -> dict[str, Any]:
    public = _published().get(name)
    if not public:
        raise NotFoundError(f"no published round {name!r}; see /api/v1/rounds")
    meta, frame = load_round(name, table)
    if ALL not in public and "zone" in frame:
        frame = frame[frame["zone"].isin(public)]
    if zone is not None and "zone" in frame:
        frame = frame[frame["zone"] == zone]
    if indicator is not None and "indicator" in frame:
        frame = frame[frame["indicator"] == indicator]
    if table == "progress" and "method" in frame:
        frame = frame[frame["method"] == method]
    frame = frame.head(limit)
    if explain:
        frame = with_explanations(table, frame)
    elif "explain_zh" in frame:
        frame = frame.drop(columns=["explain_zh", "explain_en"])
    rows = records(frame)
    return _records(
        rows,
        round=name,
        table=table,
        **({"method": method} if table == "progress" else {}),
        year=meta["year"],
        framework=meta["framework"],
        frameworks=meta.get("frameworks", {}),
    )
