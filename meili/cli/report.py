"""``meili report``: a zone's self-assessment report (自评估报告) as HTML, PDF or Word."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from meili.cli.common import note
from meili.reports.write import ReportFormat, write_report


def report_cmd(
    zone: Annotated[str, typer.Argument(help="Zone code. 先行区代码")],
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="html, pdf or docx. 报告格式")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write. 输出文件")],
    round_name: Annotated[
        str | None,
        typer.Option("--round", help="Assessment round (default: the zone's latest). 评估轮次"),
    ] = None,
    lang: Annotated[
        str, typer.Option("--lang", help="zh (default) or en. 报告语言", case_sensitive=False)
    ] = "zh",
    template: Annotated[
        Path | None,
        typer.Option("--template", help="Word template (.docx) for --format docx. Word 模板"),
    ] = None,
) -> None:
    """Write a zone's self-assessment report: summary, target areas with tables, charts and
    a map, progress to 2027, national comparison, tasks and evidence, the bureau's narrative
    and an annex on data lineage. 生成先行区自评估报告。"""
    if lang.lower() not in ("zh", "en"):
        raise typer.BadParameter("zh or en", param_hint="--lang")
    if template is not None and fmt is not ReportFormat.docx:
        raise typer.BadParameter("a template is for --format docx", param_hint="--template")
    report = write_report(
        zone, output, fmt, round_name=round_name, lang=lang.lower(), template=template
    )
    note(f"wrote {fmt.value} report of {zone} (round {report.round['round']}) to {output}")


def register(root: typer.Typer) -> None:
    root.command("report")(report_cmd)
