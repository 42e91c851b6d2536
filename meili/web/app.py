"""The FastAPI application: API under /api/v1, OpenAPI docs at /docs (served offline), pages.

Errors never answer 500 for a known cause: a user error is 400, a missing thing 404, an
invalid parameter 422 and a damaged store 503, each with a JSON body ``{"error": …}`` (an
HTML page for the portal). The paths of the first API (``/api/…``) redirect (308) to
``/api/v1/…``.

Public reads are answered from memory while the store is unchanged
(:mod:`meili.web.cache`): under load they cost about what a static file does. Served by
``meili serve`` (uvicorn, one worker by default); ``benchmarks/bench_api.py`` measures it.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from meili import __version__
from meili.errors import MeiliError, NotFoundError, StoreDamaged
from meili.web import (
    api,
    api_accounts,
    api_data,
    api_plans,
    api_work,
    pages,
    pages_data,
    pages_indicators,
    pages_reports,
    pages_workflow,
)
from meili.web.cache import PublicReadCache

HERE = Path(__file__).parent


def _status(exc: MeiliError) -> int:
    if isinstance(exc, StoreDamaged):
        return 503
    if isinstance(exc, NotFoundError):
        return 404
    return getattr(exc, "http_status", 400)


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api")


def create_app() -> FastAPIOffline:
    """Build the app. Docs assets are bundled (no CDN), so it works without internet."""
    app = FastAPIOffline(
        title="Meili 美丽 API",
        version=__version__,
        description=(
            "API of the Beautiful China Pilot Zones platform (美丽中国先行区平台接口): public "
            "reads of divisions, zones, the indicator framework and published rounds; the "
            "programme's workflow (plans and tiered review, self-assessments, evidence, data "
            "submission, ledger, audit) for signed-in users with a bearer token from "
            "`POST /api/v1/auth/token`. Writes name the version they read (`If-Match` or "
            '`version`). Errors answer with a JSON body `{"error": …}`: 400 bad request, 401 '
            "not signed in, 403 not allowed, 404 not found, 409 conflict, 412 stale If-Match, "
            "422 invalid parameter, 428 version required, 429 throttled, 503 a damaged store "
            "(run `meili data check`)."
        ),
    )

    @app.exception_handler(MeiliError)
    async def _meili_error(request: Request, exc: MeiliError):  # type: ignore[no-untyped-def]
        code = _status(exc)
        if _wants_html(request):
            if code == 401:
                return RedirectResponse(f"/signin?next={request.url.path}", status_code=303)
            return pages.error_page(request, code, str(exc))
        headers = {"WWW-Authenticate": "Bearer"} if code == 401 else None
        return JSONResponse({"error": str(exc)}, status_code=code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):  # type: ignore[no-untyped-def]
        detail = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        where = "; ".join(f"{'.'.join(d['loc'])}: {d['msg']}" for d in detail[:3])
        if _wants_html(request):
            return pages.error_page(request, 422, f"invalid parameter ({where})")
        return JSONResponse(
            {"error": f"invalid parameter ({where})", "detail": detail}, status_code=422
        )

    app.include_router(api.router)
    app.include_router(api_accounts.router)
    app.include_router(api_plans.router)
    app.include_router(api_work.router)
    app.include_router(api_data.router)

    @app.get("/api/{rest:path}", include_in_schema=False)
    def _first_api(rest: str, request: Request) -> RedirectResponse:
        """The paths of the first API moved under /api/v1 (permanent redirect)."""
        if rest == "v1" or rest.startswith("v1/"):
            raise NotFoundError(f"no API path /api/{rest[:200]}")
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"{api.PREFIX}/{rest}{query}", status_code=308)

    app.include_router(pages.router)
    app.include_router(pages_reports.router)
    app.include_router(pages_workflow.router)
    app.include_router(pages_indicators.router)
    app.include_router(pages_data.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    portal = ("/", "/zones/*", "/geo/*", "/indicators*", "/rankings*", "/cases*", "/data")
    app.add_middleware(PublicReadCache, prefix=api.PREFIX + "/", pages=portal)
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    return app


__all__ = ["HTMLResponse", "create_app"]
