"""Benchmark: a zone's self-assessment report in HTML, PDF and Word, each beside a baseline
measured in the same run.

Sets up a fresh initialised store (the sample zones) with a published round whose tables
hold values for every indicator with a direction (the round the portal's tests use:
``tests/portal_support.py``), then times ``write_report`` (read the round, build, draw the
figures, render, write the file) for one province zone, and beside it:

* html: writing a static file of the same number of bytes;
* pdf: WeasyPrint laying out a static page of plain Chinese paragraphs of the same size as
  the report's HTML, in the same CJK font (what any PDF of that much text costs);
* docx: python-docx writing a document with as many plain paragraphs and table cells.

Prints medians (wall and CPU seconds), the ratios to the baselines, which font subsetter
WeasyPrint uses, and the goal: each report ≤ 5 s.
Usage: ``python benchmarks/bench_report.py [--runs N] [--zone CODE]``.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

GOAL_S = 5.0
ROOT = Path(__file__).resolve().parents[1]


def _timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``fn`` over ``runs`` calls."""
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--zone", default="P-330000")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MEILI_HOME"] = str(Path(tmp) / "home")
        os.environ.pop("MEILI_DATABASE_URL", None)
        sys.path.insert(0, str(ROOT / "tests"))
        from docx import Document
        from portal_support import populated_round
        from weasyprint import HTML

        from meili import bootstrap
        from meili.reports.content import build
        from meili.reports.figures import figures
        from meili.reports.html import render_html
        from meili.reports.pdf import subsetter
        from meili.reports.write import write_report

        bootstrap.initialise(samples=True, sites=False)
        populated_round("bench", 2024, every=True)
        out = Path(tmp) / "out"
        out.mkdir()
        report = build(args.zone, "bench")
        html_size = len(render_html(report, figures(report)).encode("utf-8"))
        rows = sum(len(a.rows) for a in report.areas) + len(report.progress)
        rows += len(report.comparison) + len(report.methods)
        write_report(args.zone, out / "warm.pdf", "pdf", round_name="bench")  # fonts loaded
        results = {}
        for fmt in ("html", "pdf", "docx"):
            target = out / f"report.{fmt}"
            results[fmt] = _timed(
                lambda fmt=fmt, target=target: write_report(
                    args.zone, target, fmt, round_name="bench"
                ),
                args.runs,
            )
            results[f"{fmt} bytes"] = (target.stat().st_size, 0.0)

        size = int(results["html bytes"][0])
        static = out / "static.html"
        results["html base"] = _timed(lambda: static.write_bytes(b"x" * size), args.runs)

        para = "<p>" + "美丽中国先行区建设自评估报告正文。" * 10 + "</p>\n"
        page = (
            "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><style>body{font-"
            "family:'Noto Sans CJK SC'}</style></head><body>"
            + para * max(1, html_size // len(para.encode("utf-8")))
            + "</body></html>"
        )
        results["pdf base"] = _timed(lambda: HTML(string=page).write_pdf(), args.runs)

        def plain_docx() -> None:
            doc = Document()
            for _ in range(len(report.areas) * 3 + 40):
                doc.add_paragraph("美丽中国先行区建设自评估报告正文。")
            table = doc.add_table(rows=rows, cols=6)
            for row in table.rows:
                for cell in row.cells:
                    cell.text = "12.345"
            doc.save(io.BytesIO())

        results["docx base"] = _timed(plain_docx, args.runs)

    print(f"zone             {args.zone}; {rows} table rows; {args.runs} runs each, medians")
    print(
        f"font subsetting  {subsetter()} (WeasyPrint; fonttools when libharfbuzz-subset is absent)"
    )
    worst = 0.0
    for fmt in ("html", "pdf", "docx"):
        wall, cpu = results[fmt]
        base, _ = results[f"{fmt} base"]
        worst = max(worst, wall)
        print(
            f"{fmt:<5} report     {wall:6.2f} s wall, {cpu:6.2f} s CPU, "
            f"{int(results[f'{fmt} bytes'][0]):>9,} bytes; baseline {base:7.3f} s; "
            f"ratio {wall / base:8.1f}"
        )
    print("baselines        html: a static file of the same size; pdf: WeasyPrint on plain "
          "Chinese text of the same HTML size; docx: python-docx, as many plain paragraphs "
          "and cells")  # fmt: skip
    worst_cpu = max(results[fmt][1] for fmt in ("html", "pdf", "docx"))
    verdict = "met" if worst <= GOAL_S else "NOT met"
    load = os.getloadavg()[0]
    print(
        f"goal             every report <= {GOAL_S:.0f} s: {verdict} (slowest {worst:.2f} s wall, "
        f"{worst_cpu:.2f} s CPU; load average {load:.1f} on {os.cpu_count()} CPUs: on a busy "
        "machine wall time exceeds CPU time)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
