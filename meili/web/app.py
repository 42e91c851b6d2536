"""The FastAPI application: API under /api, OpenAPI docs at /docs (served offline), portal pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from meili import __version__
from meili.errors import MeiliError, NotFoundError
from meili.web import api, pages

HERE = Path(__file__).parent


def create_app() -> FastAPIOffline:
    """Build the app. Docs assets are bundled (no CDN), so it works without internet."""
    app = FastAPIOffline(
        title="Meili 美丽 API",
        version=__version__,
        description=(
            "Read-only API of the Beautiful China Pilot Zones platform "
            "(美丽中国先行区平台只读接口): divisions, zones, indicator framework."
        ),
    )

    @app.exception_handler(MeiliError)
    async def _meili_error(_request: Request, exc: MeiliError) -> JSONResponse:
        code = 404 if isinstance(exc, NotFoundError) else 400
        return JSONResponse({"error": str(exc)}, status_code=code)

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
