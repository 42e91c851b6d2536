"""``meili air``: HJ 663 assessment and composite-index ranking (环境空气质量评价与排名)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from meili.cli.common import OutOption, ResultFormat, ResultFormatOption, write_results
from meili.errors import Location, UserError

app = typer.Typer(
    help=(
        "Ambient air quality 环境空气质量: HJ 663 daily/period assessment of cities and sites "
        "and the composite-index ranking (城市环境空气质量排名). Reads the lake's air_hourly "
        "and air_sites datasets."
    ),
    no_args_is_help=True,
)


CitiesOpt = Annotated[
    str | None,
    typer.Option("--cities", help="Cities, comma-separated names or GB/T 2260 codes. 城市"),
]
GroupOpt = Annotated[
    str | None,
    typer.Option("--group", help="Comparison group: all, 168, 337, 2+26, a region or province."),
]
EngineOpt = Annotated[str, typer.Option("--engine", help="duckdb (default) or spark. 计算引擎")]
EditionOpt = Annotated[
    str | None,
    typer.Option("--edition", help="Force HJ 633 edition 2012 or 2026 (default: by date)."),
]


def _date(text: str | None, name: str) -> pd.Timestamp | None:
    if text is None:
        return None
    try:
        return pd.Timestamp(text)
    except (ValueError, TypeError):
        raise UserError(f"invalid date {text!r} (use YYYY-MM-DD)", Location(column=name)) from None


def _selection(cities: str | None, group: str | None, zone: str | None = None) -> Any:
    from meili.engine.air_period import Selection
    from meili.standards.air.cities import group_members

    if group:
        try:
            group_members(group)
        except KeyError as exc:
            raise UserError(str(exc.args[0]), Location(column="--group")) from None
    names = [c for c in (cities or "").split(",") if c.strip()] or None
    zones = {zone: names or []} if zone and names else {}
    return Selection(cities=names, group=group, zones=zones)


def _progress() -> Any:
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def _run(fn: Any, *args: Any, **kwargs: Any) -> Any:
    from meili.lake.store import connect, live_datasets

    if not {"air_hourly", "air_sites"} <= live_datasets(connect()):
        raise UserError("the lake has no air_hourly/air_sites data; run `meili ingest` first")
    with _progress() as prog:
        task = prog.add_task("air", total=None)
        kwargs["progress"] = lambda msg: prog.update(task, description=msg)
        try:
            return fn(*args, **kwargs)
        except ValueError as exc:
            raise UserError(str(exc)) from None


def _output(
    recs: list[dict[str, Any]], fmt: ResultFormat, out: Path | None, meta: dict[str, Any]
) -> None:
    write_results(recs, fmt, out, meta, sheet="air")


@app.command("daily")
def daily_cmd(
    start: Annotated[str | None, typer.Option("--from", help="First day YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day YYYY-MM-DD.")] = None,
    cities: CitiesOpt = None,
    group: GroupOpt = None,
    site_level: Annotated[bool, typer.Option("--site-level", help="One row per site.")] = False,
    engine: EngineOpt = "duckdb",
    edition: EditionOpt = None,
    fmt: ResultFormatOption = ResultFormat.table,
    out: OutOption = None,
) -> None:
    """Daily city (or site) concentrations and AQI; HJ 663 city means, HJ 633 daily AQI."""
    from meili.engine.air_period import daily
    from meili.lake.store import connect

    s, e = _date(start, "--from"), _date(end, "--to")
    if s is None or e is None:
        span = connect().sql("SELECT min(time), max(time) FROM air_hourly").fetchone()
        if span is None or span[0] is None:
            raise UserError("the lake has no air_hourly data; run `meili ingest` first")
        s = s if s is not None else (pd.Timestamp(span[0]) - pd.Timedelta(hours=1)).normalize()
        e = e if e is not None else (pd.Timestamp(span[1]) - pd.Timedelta(hours=1)).normalize()
    frame = _run(
        daily,
        s,
        e,
        _selection(cities, group),
        engine=engine,
        site_level=site_level,
        edition=edition,
    )
    cols = ["day", "city_code", "city_name"]
    if site_level:
        cols += ["site_code", "site_name", "control"]
    cols += ["pm25", "pm10", "so2", "no2", "co", "o3_8h", "o3_1h", "aqi", "primary", "level"]
    cols += ["aqi_complete", "edition", "invalid"]
    frame = frame.assign(day=frame["day"].dt.date.astype(str))
    from meili.engine.air_period import records

    recs = records(frame, cols)
    meta = {"from": s.date().isoformat(), "to": e.date().isoformat(), "engine": engine}
    _output(recs, fmt, out, meta)


IncompleteOpt = Annotated[
    bool,
    typer.Option(
        "--allow-incomplete",
        help="Keep statistics of periods below the GB 3095 data minimums, flagged "
        "complete=false (reference only). 数据不足时仍给出参考值（已标注）",
    ),
]


@app.command("period")
def period_cmd(
    start: Annotated[str, typer.Option("--from", help="First day YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last day YYYY-MM-DD.")],
    cities: CitiesOpt = None,
    group: GroupOpt = None,
    zone: Annotated[
        str | None, typer.Option("--zone", help="Also assess --cities together as this zone.")
    ] = None,
    engine: EngineOpt = "duckdb",
    limit_set: Annotated[
        str | None,
        typer.Option("--limits", help="GB 3095 limit set: 2012, 2026-transition, 2026-final."),
    ] = None,
    allow_incomplete: IncompleteOpt = False,
    fmt: ResultFormatOption = ResultFormat.table,
    out: OutOption = None,
) -> None:
    """Period statistics (HJ 663), compliance (GB 3095 Grade II), composite index and rank."""
    from meili.engine.air_period import period, records

    s, e = _date(start, "--from"), _date(end, "--to")
    assert s is not None and e is not None
    if e < s:
        raise UserError("--to is before --from", Location(column="--to"))
    frame = _run(
        period,
        s,
        e,
        _selection(cities, group, zone),
        engine=engine,
        limit_set=limit_set,
        allow_incomplete=allow_incomplete,
    )
    meta = {
        "from": s.date().isoformat(),
        "to": e.date().isoformat(),
        "engine": engine,
        "group": group or "all",
    }
    _output(records(frame), fmt, out, meta)


@app.command("rank")
def rank_cmd(
    year: Annotated[int, typer.Option("--year", help="Year to rank.")],
    group: GroupOpt = "168",
    cities: CitiesOpt = None,
    month: Annotated[int | None, typer.Option("--month", help="Rank one month.")] = None,
    engine: EngineOpt = "duckdb",
    allow_incomplete: IncompleteOpt = False,
    fmt: ResultFormatOption = ResultFormat.table,
    out: OutOption = None,
) -> None:
    """Composite-index ranking (城市环境空气质量排名) with change vs the previous year."""
    from meili.engine.air_period import RECORD_COLUMNS, rank_year, records

    start = end = None
    if month is not None:
        if not 1 <= month <= 12:
            raise UserError("--month must be 1..12", Location(column="--month"))
        start = pd.Timestamp(year, month, 1)
        end = start + pd.offsets.MonthEnd(0)
    frame = _run(
        rank_year,
        year,
        _selection(cities, group),
        engine=engine,
        start=start,
        end=end,
        allow_incomplete=allow_incomplete,
    )
    cols = [*RECORD_COLUMNS[:5], "composite_index_last", "change_pct", *RECORD_COLUMNS[5:]]
    meta = {"year": year, "month": month, "group": group or "all", "engine": engine}
    _output(records(frame, cols), fmt, out, meta)
