"""The open-data page and the case library (典型案例) pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from meili.errors import NotFoundError
from meili.framework.schema import AREA_NAMES
from meili.web import cases, geo
from meili.web.api_data import LICENCE, catalogue_of_tables
from meili.web.portal import render

router = APIRouter(include_in_schema=False)
CaseId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


@router.get("/data", response_class=HTMLResponse)
def data_page(request: Request) -> HTMLResponse:
    """Every public table with its formats, round archives, conventions and licence."""
    return render(
        request,
        "data.html",
        {"cat": catalogue_of_tables(), "licence": LICENCE, "source": geo.source()},
    )


@router.get("/cases", response_class=HTMLResponse)
def cases_page(request: Request) -> HTMLResponse:
    """The published, reviewed case stories."""
    return render(request, "cases.html", {"cases": cases.public_cases(), "areas": AREA_NAMES})


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, case_id: CaseId) -> HTMLResponse:
    for case in cases.public_cases():
        if case.id == case_id:
            return render(request, "case.html", {"c": case, "areas": AREA_NAMES})
    raise NotFoundError(f"no published case {case_id!r}")
