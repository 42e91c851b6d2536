"""The zone page's report buttons: ``/zones/{code}/report.{html,pdf,docx}``.

The report is made from the newest round published for the zone (:mod:`meili.web.published`,
so nothing unpublished is shown) in the page's language, by the same code as
``meili report`` (:mod:`meili.reports`).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from meili.db.session import session
from meili.errors import NotFoundError
from meili.registry.zones import get_zone
from meili.reports.content import build
from meili.reports.write import MEDIA_TYPES, ReportFormat, render
from meili.web.pages_workflow import lang_of
from meili.web.published import published

router = APIRouter()
ZoneCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


@router.get("/zones/{code}/report.{ext}", include_in_schema=False)
def zone_report(request: Request, code: ZoneCode, ext: ReportFormat) -> Response:
    """The zone's self-assessment report on its newest published round."""
    with session() as s:
        get_zone(s, code)
    rounds = published().for_zone(code)
    if not rounds:
        raise NotFoundError(f"no published assessment round for zone {code} yet")
    lang = lang_of(request)
    report = build(code, rounds[-1]["round"], lang)
    body = render(report, ext)
    name = f"{code}-{report.round['round']}-{lang}.{ext.value}"
    headers = {}
    if ext is not ReportFormat.html:
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=MEDIA_TYPES[ext], headers=headers)
