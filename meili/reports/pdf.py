"""A report as PDF: the HTML laid out by WeasyPrint (Pango/HarfBuzz), CJK fonts embedded as
subsets so the Chinese text stays selectable and searchable.

Refused in one line when fontconfig finds no CJK font (:func:`meili.reports.fonts.
require_cjk`). WeasyPrint subsets fonts with HarfBuzz's subsetter when ``libharfbuzz-subset``
is loaded (fast), else with fontTools (slow for CJK fonts): :func:`subsetter` says which.
"""

from __future__ import annotations

from meili.errors import UserError
from meili.reports.charts import Figure
from meili.reports.content import Report
from meili.reports.fonts import FontCheck, cjk_fonts, require_cjk
from meili.reports.html import render_html

try:  # WeasyPrint loads Pango and HarfBuzz when imported; without them only PDF is lost
    from weasyprint import HTML
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    MISSING = ""
except OSError as exc:  # pragma: no cover - a machine without Pango
    HTML = harfbuzz = harfbuzz_subset = None
    MISSING = str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def subsetter() -> str:
    """``harfbuzz`` when WeasyPrint subsets fonts with HarfBuzz, else ``fonttools``."""
    if harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0):
        return "harfbuzz"
    return "fonttools"


def render_pdf(report: Report, figs: dict[str, Figure], check: FontCheck = cjk_fonts) -> bytes:
    """The report's PDF bytes (a :class:`~meili.errors.UserError` without CJK fonts)."""
    if HTML is None:
        raise UserError(
            f"PDF reports need Pango (Debian packages libpango-1.0-0, libpangoft2-1.0-0): {MISSING}"
        )
    require_cjk(check)
    html = render_html(report, figs, pdf=True)
    return HTML(string=html).write_pdf()
