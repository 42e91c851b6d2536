"""One entry for every door: a zone's report in a format, as bytes or written to a file."""

from __future__ import annotations

import os
import tempfile
from enum import StrEnum
from pathlib import Path

from meili.errors import UserError
from meili.reports.content import Report, build
from meili.reports.figures import figures
from meili.reports.fonts import FontCheck, cjk_fonts, require_cjk
from meili.reports.html import render_html
from meili.reports.pdf import render_pdf
from meili.reports.word import render_docx


class ReportFormat(StrEnum):
    html = "html"
    pdf = "pdf"
    docx = "docx"


MEDIA_TYPES = {
    ReportFormat.html: "text/html; charset=utf-8",
    ReportFormat.pdf: "application/pdf",
    ReportFormat.docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def render(
    report: Report,
    fmt: ReportFormat | str,
    *,
    template: Path | None = None,
    font_check: FontCheck | None = None,
) -> bytes:
    """The report in ``fmt`` (html, pdf or docx) as bytes."""
    fmt = ReportFormat(fmt)
    if fmt is ReportFormat.pdf:
        return render_pdf(report, figures(report), font_check or cjk_fonts)
    if fmt is ReportFormat.docx:
        return render_docx(report, figures(report), template)
    return render_html(report, figures(report)).encode("utf-8")


def write_report(
    zone: str,
    output: Path,
    fmt: ReportFormat | str,
    *,
    round_name: str | None = None,
    lang: str = "zh",
    template: Path | None = None,
    font_check: FontCheck | None = None,
) -> Report:
    """Write ``zone``'s report to ``output`` (replaced in one rename); the report written.

    ``font_check`` lists the CJK fonts (default: fontconfig's, :func:`cjk_fonts`)."""
    fmt = ReportFormat(fmt)
    if fmt is ReportFormat.pdf:  # refused before any work when PDF cannot be made
        require_cjk(font_check or cjk_fonts)
    report = build(zone, round_name, lang)
    data = render(report, fmt, template=template, font_check=font_check)
    folder = output.parent if str(output.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, output)
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc.strerror or exc}") from None
    return report
