"""The figures of a report: a completion chart per target area and for all targets, the
national percentiles, and the zone's map. Each figure is also a table in the report."""

from __future__ import annotations

from typing import Any

from meili.reports.charts import Figure, bar_chart, line_chart
from meili.reports.content import Report, num
from meili.reports.maps import zone_map

MAX_TRENDS = 12  # trend charts drawn (the progress table lists every indicator)


def _completion(report: Report, rows: list[dict[str, Any]], label: str) -> Figure | None:
    bars = [
        (
            str(report.p(*r["name"])),
            r.get("distance_pct_clipped"),
            num(r.get("distance_pct_clipped"))
            if r.get("distance_pct_clipped") is not None
            else report.t("not_evaluable"),
        )
        for r in rows
    ]
    return bar_chart(label, bars) if bars else None


def figures(report: Report) -> dict[str, Figure]:
    """``area:<code>``, ``progress``, ``trend:<indicator>``, ``comparison`` and ``map``
    figures (those with data)."""
    out: dict[str, Figure] = {}
    progress = {r["indicator"]: r for r in report.progress}
    for area in report.areas:
        rows = [progress[r["indicator"]] for r in area.rows if r["indicator"] in progress]
        label = report.t("area_chart", area=report.p(area.name_zh, area.name_en))
        fig = _completion(report, rows, label)
        if fig is not None:
            out[f"area:{area.code}"] = fig
    fig = _completion(report, report.progress, report.t("progress_chart"))
    if fig is not None:
        out["progress"] = fig
    trends = {t["indicator"]: t for t in report.trends}
    for r in report.progress[:MAX_TRENDS]:
        trend = trends.get(r["indicator"])
        if trend is None:
            continue
        target = (
            (int(r["target_year"]), float(r["target"]))
            if r.get("target") is not None and r.get("target_year") is not None
            else None
        )
        label = report.t("trend_chart", indicator=report.p(*trend["name"]), unit=trend["unit"])
        out[f"trend:{r['indicator']}"] = line_chart(
            label, trend["years"], trend["values"], target, unit=trend["unit"]
        )
    ranked = [r for r in report.comparison if r.get("percentile") is not None]
    if ranked:
        bars = [(str(report.p(*r["name"])), r["percentile"], num(r["percentile"])) for r in ranked]
        out["comparison"] = bar_chart(report.t("comparison_chart"), bars)
    fig = zone_map(report.members, report.t("map_label", zone=report.zone_name), report.lang)
    if fig is not None:
        out["map"] = fig
    return out
