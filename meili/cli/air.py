"""``meili air``: HJ 663 assessment and composite-index ranking (环境空气质量评价与排名)."""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
import typer

from meili.assess.compare import INVALID_EN, INVALID_ZH
from meili.cli.common import Shown, emit, listing, note
from meili.engine import get_engine
from meili.engine.air_period import (
    RECORD_COLUMNS,
    Selection,
    daily,
    load_sites,
    period,
    rank_year,
    records,
)
from meili.errors import Location, NotFoundError, ProblemsFound, UserError
from meili.lake.store import live_datasets
from meili.registry.groups import ALIAS_REASONS, group_members, group_name, short_name

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
    typer.Option(
        "--group",
        help="Comparison group: all, 168 (= key168), 337 (= cities337), 2+26, a region or a "
        "province. 比较组",
    ),
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


def _selection(cities: str | None, group: str | None, zone: str | None = None) -> Selection:
    if group and group.strip() != "all":
        if group.strip() in ALIAS_REASONS:
            note("；".join(ALIAS_REASONS[group.strip()]))
        group = group_name(group)
        try:
            group_members(group)
        except NotFoundError as exc:
            raise UserError(exc.message, Location(column="--group")) from None
    names = [c.strip() for c in (cities or "").replace("，", ",").split(",") if c.strip()]
    if names:
        _check_cities(names)
    zones = {zone: names} if zone and names else {}
    return Selection(cities=names or None, group=group, zones=zones)


def _check_cities(names: list[str]) -> None:
    """Refuse names no city of the site register answers to; name the ones left out."""
    _require_air()
    sites = load_sites(get_engine("duckdb"))
    known = set(sites["city_code"].dropna().astype(str)) | set(sites["city"].astype(str))
    shorts = set(sites["city_name"].dropna().map(short_name)) | set(sites["city"].map(short_name))
    unknown = [n for n in names if n not in known and short_name(n) not in shorts]
    n_cities = sites["key"].nunique()
    if len(unknown) == len(names):
        raise NotFoundError(
            f"no city {'、'.join(unknown)} in the air site register ({n_cities} cities); give "
            "names such as 北京市 or GB/T 2260 codes such as 110000",
            Location(column="--cities"),
        )
    if unknown:
        note(f"left out, not in the air site register: {'、'.join(unknown)}")


def _lake() -> Any:
    """A DuckDB connection to the lake the engines read (a snapshot at MEILI_LAKE_URL, or
    the local lake)."""
    return get_engine("duckdb").con


def _require_air() -> None:
    """The lake must hold hourly air data and a site register; say which is missing."""
    have = live_datasets(_lake())
    if "air_hourly" not in have:
        raise UserError(
            "the lake has no hourly air data (air_hourly); ingest some first, e.g. "
            "`meili ingest auto china_sites_20190101.csv`"
        )
    if "air_sites" not in have:
        raise UserError(
            "the lake has no air site register (air_sites); run `meili init` to add the "
            "bundled CNEMC list, or `meili ingest air-sites FILE`"
        )


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
    _require_air()
    with _progress() as prog:
        task = prog.add_task("air", total=None)
        kwargs["progress"] = lambda msg: prog.update(task, description=msg)
        try:
            return fn(*args, **kwargs)
        except ValueError as exc:
            raise UserError(str(exc)) from None


def _span() -> str:
    lo, hi = _lake().sql("SELECT min(time), max(time) FROM air_hourly").fetchone() or (None,) * 2
    return f"the lake's hourly air data span {lo} … {hi}" if lo is not None else "no hourly data"


def _incomplete(recs: list[dict[str, Any]]) -> str:
    """How many units have statistics below the GB 3095 Table 4 minimums, per pollutant."""
    counts: dict[str, int] = {}
    for r in recs:
        for pol in r.get("invalid") or {}:
            counts[pol] = counts.get(pol, 0) + 1
    if not counts:
        return ""
    per = ", ".join(f"{p} {n}" for p, n in sorted(counts.items(), key=lambda x: -x[1]))
    n = sum(1 for r in recs if r.get("invalid"))
    return (
        f"{n} of {len(recs)} units have statistics below the GB 3095 Table 4 data minimums "
        f"(units per pollutant: {per}): {INVALID_ZH} / {INVALID_EN}; see the invalid, "
        "complete and validity_zh/validity_en columns"
    )


DAILY_COLUMNS = ["day", "city_name", "aqi", "level", "primary", "pm25", "pm10", "o3_8h", "no2"]
PERIOD_COLUMNS = [
    "city_name", "composite_index", "rank", "main_pollutant", "pm25", "pm10", "o3_8h_p90",
    "good_ratio", "valid_days", "compliant", "complete",
]  # fmt: skip
RANK_COLUMNS = [
    "rank", "city_name", "composite_index", "change_pct", "main_pollutant", "pm25",
    "o3_8h_p90", "good_ratio", "valid_days", "complete",
]  # fmt: skip


def _flag_incomplete(recs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each record below the GB 3095 Table 4 minimums says so in zh and en (shown, flagged)."""
    for r in recs:
        bad = r.get("complete") is False
        r["validity_zh"] = INVALID_ZH if bad else ""
        r["validity_en"] = INVALID_EN if bad else ""
    return recs


@app.command("daily")
@listing
def daily_cmd(
    shown: Shown,
    start: Annotated[str | None, typer.Option("--from", help="First day YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day YYYY-MM-DD.")] = None,
    cities: CitiesOpt = None,
    group: GroupOpt = None,
    site_level: Annotated[bool, typer.Option("--site-level", help="One row per site.")] = False,
    engine: EngineOpt = "duckdb",
    edition: EditionOpt = None,
) -> None:
    """Daily city (or site) concentrations and AQI; HJ 663 city means, HJ 633 daily AQI."""

    s, e = _date(start, "--from"), _date(end, "--to")
    selection = _selection(cities, group)
    if s is None or e is None:
        span = _lake().sql("SELECT min(time), max(time) FROM air_hourly").fetchone()
        if span is None or span[0] is None:
            raise UserError("the lake has no air_hourly data; run `meili ingest` first")
        s = s if s is not None else (pd.Timestamp(span[0]) - pd.Timedelta(hours=1)).normalize()
        e = e if e is not None else (pd.Timestamp(span[1]) - pd.Timedelta(hours=1)).normalize()
    frame = _run(
        daily,
        s,
        e,
        selection,
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

    recs = records(frame, cols)
    meta = {"from": s.date().isoformat(), "to": e.date().isoformat(), "engine": engine}
    day_cols = [*DAILY_COLUMNS[:2], "site_code", "site_name", *DAILY_COLUMNS[2:]]
    emit(
        recs,
        shown,
        columns=day_cols if site_level else DAILY_COLUMNS,
        meta=meta,
        sheet="air",
        empty=f"no hourly data of the chosen cities from {meta['from']} to {meta['to']}; "
        + _span(),
    )


IncompleteOpt = Annotated[
    bool,
    typer.Option(
        "--allow-incomplete",
        help="Rank statistics of periods below the GB 3095 data minimums too, flagged "
        "complete=false (reference only); without it they are shown, flagged, unranked. "
        "数据不足的值一并排名（已标注，仅供参考）",
    ),
]


@app.command("period")
@listing
def period_cmd(
    shown: Shown,
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
) -> None:
    """Period statistics (HJ 663), compliance (GB 3095 Grade II), composite index and rank."""

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
        show_incomplete=True,
    )
    meta = {
        "from": s.date().isoformat(),
        "to": e.date().isoformat(),
        "engine": engine,
        "group": group or "all",
    }
    recs = _flag_incomplete(records(frame))
    if recs and (why := _incomplete(recs)):
        note(why)
    emit(
        recs,
        shown,
        columns=PERIOD_COLUMNS,
        meta=meta,
        sheet="air",
        empty=f"no hourly data of the chosen cities from {meta['from']} to {meta['to']}; "
        + _span(),
    )


@app.command("rank")
@listing
def rank_cmd(
    shown: Shown,
    year: Annotated[int, typer.Option("--year", help="Year to rank.")],
    group: GroupOpt = "168",
    cities: CitiesOpt = None,
    month: Annotated[int | None, typer.Option("--month", help="Rank one month.")] = None,
    engine: EngineOpt = "duckdb",
    allow_incomplete: IncompleteOpt = False,
) -> None:
    """Composite-index ranking (城市环境空气质量排名) with change vs the previous year."""

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
        show_incomplete=True,
    )
    cols = [*RECORD_COLUMNS[:5], "composite_index_last", "change_pct", *RECORD_COLUMNS[5:]]
    meta = {"year": year, "month": month, "group": group or "all", "engine": engine}
    recs = _flag_incomplete(records(frame, cols))
    emit(
        recs,
        shown,
        columns=RANK_COLUMNS,
        meta=meta,
        sheet="air",
        empty=f"no hourly data of the chosen cities in {year}; " + _span(),
    )
    ranked = sum(r.get("rank") is not None for r in recs)
    if recs and not ranked:
        hint = "" if allow_incomplete else "; --allow-incomplete ranks the reference values"
        raise ProblemsFound(f"no city ranked: {_incomplete(recs) or 'no composite index'}{hint}")
    if recs and ranked < len(recs):
        why = _incomplete(recs) or "no composite index"
        note(f"{len(recs) - ranked} of {len(recs)} cities not ranked: {why}")
