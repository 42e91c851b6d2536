"""Rendering of the public portal's pages: language, words and the shared page context.

zh-CN first; ``?lang=en`` (kept in the same cookie as the workflow pages) switches every
page to English. Words come from the catalogue's ``portal`` section (then ``ui``); names
that exist in both languages in the data (zones, indicators, areas) are chosen by
:func:`pick`. The display policy of national comparisons (ranked, or bands only in the
manner of the NDRC 2020 scheme) is ``MEILI_PORTAL_DISPLAY`` (``ranked`` by default), and
any page can be viewed unranked with ``?view=unranked``.
"""

from __future__ import annotations

import math
import os
from pathlib import Path as FilePath
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from meili import __version__, i18n
from meili.web import geo
from meili.web.pages_workflow import LANG_COOKIE, lang_of

HERE = FilePath(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
DISPLAYS = ("ranked", "unranked")


def display_policy(request: Request) -> str:
    """``ranked`` or ``unranked``: the page's ``?view=``, else the portal's policy."""
    wanted = request.query_params.get("view") or os.environ.get("MEILI_PORTAL_DISPLAY")
    return wanted if wanted in DISPLAYS else "ranked"


def word(key: str, lang: str, **values: object) -> str:
    """The catalogue's word for ``key`` (section ``portal``, else ``ui``)."""
    section = "portal" if i18n.lookup("portal", key) else "ui"
    return i18n.text(section, key, lang, **values)  # type: ignore[arg-type]


def pick(zh: Any, en: Any, lang: str) -> Any:
    """The zh or en one of two names (the other when the wanted one is empty)."""
    return (en or zh) if lang == "en" else (zh or en)


def number(value: Any, digits: int = 4) -> str:
    """A value for a page: up to ``digits`` significant digits; ``—`` when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, int | float):
        return f"{value:.{digits}g}"
    return str(value)


def lang_href(request: Request, lang: str) -> str:
    """This page's address with ``lang`` switched (other parameters kept)."""
    params = dict(request.query_params)
    params["lang"] = "en" if lang == "zh" else "zh"
    return str(request.url.path) + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """A portal page in the caller's language."""
    lang = lang_of(request)

    def t(key: str, **values: object) -> str:
        return word(key, lang, **values)

    def p(zh: Any, en: Any) -> Any:
        return pick(zh, en, lang)

    page = templates.TemplateResponse(
        request,
        name,
        {
            "t": t,
            "p": p,
            "num": number,
            "lang": lang,
            "lang_href": lang_href(request, lang),
            "version": __version__,
            "path": request.url.path,
            "map_notice": geo.NOTICE[lang],
            **context,
        },
        status_code=status,
    )
    if request.query_params.get("lang") in ("zh", "en"):
        page.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return page
