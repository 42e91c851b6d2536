"""A report as one self-contained HTML page (figures inline as SVG; nothing fetched)."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from meili import __version__
from meili.registry.shapes import NOTICE
from meili.reports.charts import Figure, to_svg
from meili.reports.content import Report, num


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("meili.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: Report, figs: dict[str, Figure], *, pdf: bool = False) -> str:
    """The report's HTML; ``pdf``: with the page rules WeasyPrint lays it out by."""
    judged = report.counts.get("met", 0) + report.counts.get("not_met", 0)
    not_met = [x for a in report.areas for x in a.rows if x.get("status") == "not_met"]
    return (
        _env()
        .get_template("report.html")
        .render(
            r=report,
            figs=figs,
            svg={key: to_svg(fig) for key, fig in figs.items()},
            num=num,
            pdf=pdf,
            judged=judged,
            met_share=100 * report.counts.get("met", 0) / judged if judged else None,
            not_met=not_met,
            notice=NOTICE["en" if report.lang == "en" else "zh"],
            version=__version__,
        )
    )
