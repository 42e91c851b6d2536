"""``meili assess``: targets, progress and national comparison per zone; frozen rounds."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from meili.assess.compare import ComparePolicy
from meili.assess.explain import with_explanations
from meili.assess.national import compare_group
from meili.assess.progress import DEFAULT_METHOD, METHODS
from meili.assess.rounds import (
    compared_values,
    compute,
    diff_rounds,
    list_rounds,
    load_round,
    run_round,
)
from meili.cli.assess_index import register_index
from meili.cli.common import Shown, emit, listing, progress
from meili.engine import ENGINES
from meili.errors import Location, NotFoundError, ProblemsFound, UserError
from meili.output import HeaderLang, records

app = typer.Typer(
    help=(
        "Assessment 评估: indicator values, targets (达标判定), progress to 2027, national "
        "comparison, and immutable assessment rounds (评估轮次)."
    ),
    no_args_is_help=True,
)

RoundOpt = Annotated[str, typer.Option("--round", help="Round name, e.g. 2027-mid. 评估轮次")]
EngineOpt = Annotated[str, typer.Option("--engine", help="duckdb (default) or spark. 计算引擎")]
AsOfOpt = Annotated[
    int | None,
    typer.Option("--as-of", help="Read the lake as of this version (meili data ls). 数据湖版本"),
]


def _engine(name: str) -> str:
    if name not in ENGINES:
        raise UserError(
            f"unknown engine {name!r}; use one of {', '.join(ENGINES)}", Location(column="--engine")
        )
    return name


@app.command("run")
def run_cmd(
    round_name: RoundOpt,
    year: Annotated[int, typer.Option("--year", help="Assessment year. 评估年份")],
    first_year: Annotated[
        int | None, typer.Option("--first-year", help="First year of the series (default Y−5).")
    ] = None,
    target_year: Annotated[int, typer.Option("--target-year", help="Target year.")] = 2027,
    allow_empty: Annotated[
        bool,
        typer.Option(
            "--allow-empty", help="Freeze a round even when no lake batch feeds it. 允许空轮次"
        ),
    ] = False,
    engine: EngineOpt = "duckdb",
    as_of: AsOfOpt = None,
) -> None:
    """Compute and freeze a round (values, verdicts, progress, comparison). 生成评估轮次。

    Refused (exit 1) when no batch of the lake feeds it, unless --allow-empty. The round
    reads the lake as it is when the run starts (or --as-of an earlier version).
    """
    with progress(f"round {round_name} 评估轮次") as step:
        meta = run_round(
            round_name,
            year,
            first_year=first_year,
            target_year=target_year,
            allow_empty=allow_empty,
            engine=_engine(engine),
            as_of=as_of,
            progress=step,
        )
    files = ", ".join(f"{k} {v['rows']}" for k, v in meta["files"].items())
    specialty = sorted(set(meta.get("frameworks", {}).values()) - {meta["framework"]})
    also = f" (+ {', '.join(specialty)})" if specialty else ""
    typer.echo(
        f"round {meta['round']} frozen: framework {meta['framework']}{also}, lake version "
        f"{meta['lake_version']}, {len(meta['input_batches'])} input batches; rows: {files}"
    )


@app.command("rounds")
@listing
def rounds_cmd(shown: Shown) -> None:
    """List the frozen rounds. 评估轮次列表。"""
    rows = [
        {k: m[k] for k in ("round", "year", "created", "framework", "code_version", "lake_version")}
        for m in list_rounds()
    ]
    emit(
        rows,
        shown,
        meta={"count": len(rows)},
        sheet="rounds",
        empty="no round is frozen yet; `meili assess run --round NAME --year Y` makes one",
    )


ExplainOpt = Annotated[
    bool,
    typer.Option(
        "--explain", help="How each verdict, arrow and grade was reached. 说明判定依据与过程"
    ),
]


ProgressMethodOpt = Annotated[
    str,
    typer.Option(
        "--progress-method",
        help=(
            "Progress arrow method: sdr (default; SDSN Sustainable Development Report trends) "
            "or statcan (Statistics Canada / Open SDG progress measure). 进展测度方法"
        ),
    ),
]


def _method(method: str) -> str:
    if method not in METHODS:
        raise UserError(
            f"unknown progress method {method!r}; use one of {', '.join(METHODS)}",
            Location(column="--progress-method"),
        )
    return method


def progress_rows(trend: Any, method: str) -> Any:
    """The progress rows of one method (a round made before methods existed has one)."""
    if "basis" in trend:  # the value's progress; a relative aim's percentile rows: the API
        trend = trend[trend["basis"] == "value"]
    if "method" not in trend:
        return trend
    return trend[trend["method"] == method]


OptRound = Annotated[str | None, typer.Option("--round", help="A frozen round. 评估轮次（已冻结）")]
OptYear = Annotated[
    int | None, typer.Option("--year", help="Compute live for this year. 评估年份（实时计算）")
]


def _source(
    round_name: str | None, year: int | None, engine: str = "duckdb"
) -> tuple[dict[str, Any], Any]:
    """(metadata, table getter) of a frozen round or of a live computation for a year."""
    if (round_name is None) == (year is None):
        raise UserError("give either --round NAME or --year Y", Location(column="--round"))
    if round_name is not None:
        meta, _ = load_round(round_name, "verdicts")
        return {"round": round_name, "year": meta["year"]}, lambda t: load_round(round_name, t)[1]
    assert year is not None
    with progress(f"assessment {year} 评估") as step:
        computed, tables = compute(year, engine=_engine(engine), progress=step)
    live = {"round": None, "year": year, "live": True, "lake_version": computed["lake_version"]}
    return live, tables.__getitem__


@app.command("zone")
@listing
def zone_cmd(
    shown: Shown,
    zone: Annotated[str, typer.Argument(help="Zone code. 先行区代码")],
    round_name: OptRound = None,
    year: OptYear = None,
    engine: EngineOpt = "duckdb",
    explain: ExplainOpt = False,
    progress_method: ProgressMethodOpt = DEFAULT_METHOD,
) -> None:
    """Every indicator of one zone: value, target, verdict, reason, trend, and the zone's
    overall score and grade. 先行区达标情况与综合等级。"""
    _method(progress_method)  # a wrong method fails before computing
    meta, table = _source(round_name, year, engine)
    verdicts = table("verdicts")
    rows = verdicts[verdicts["zone"] == zone]
    if rows.empty:
        raise NotFoundError(f"zone {zone!r} is not assessed here; see `meili zones list`")
    trend = table("progress")
    langs = ["zh", "en"] if shown.view.lang is HeaderLang.both else [shown.view.lang.value]
    if not trend.empty:
        keep = ["zone", "indicator", "arrow", "distance_pct", "warning"]
        trend = progress_rows(trend[trend["zone"] == zone], progress_method)
        trend = with_explanations("progress", trend)
        meta = {**meta, "progress_method": progress_method}
        trend = trend.rename(columns={f"explain_{x}": f"arrow_explain_{x}" for x in ("zh", "en")})
        keep += [f"arrow_explain_{x}" for x in langs] if explain else []
        rows = rows.merge(
            trend[[c for c in keep if c in trend]], how="left", on=["zone", "indicator"]
        )
    grade = _grade(table, zone)
    if grade is not None:
        meta = {**meta, **{k: grade[k] for k in ("score", "grade", "grade_zh", "grade_en")}}
        if explain:
            meta |= {f"grade_explain_{x}": grade[f"explain_{x}"] for x in langs}
    values = table("values")
    lineage = [c for c in LINEAGE if c in values]
    mine = values[(values["zone"] == zone) & (values["year"] == meta["year"])]
    rows = rows.drop(columns=[c for c in lineage if c != "status" and c in rows])
    rows = rows.merge(
        mine[["indicator", *lineage]].rename(columns={"status": "value_status"}),
        how="left",
        on="indicator",
    )
    cols = ["indicator", "value", "unit", "binding"]
    cols += [f"target_{x}" for x in langs] + ["status"] + [f"reason_{x}" for x in langs]
    cols += [c for c in ("arrow", "distance_pct", "warning") if c in rows]
    cols += [c if c != "status" else "value_status" for c in lineage]
    table = ["indicator", "value", "unit", f"target_{langs[0]}", "status", f"reason_{langs[0]}"]
    if explain:
        cols += [c for x in langs for c in (f"explain_{x}", f"arrow_explain_{x}") if c in rows]
        table += [f"explain_{langs[0]}"]
    emit(records(rows[cols]), shown, columns=table, meta={"zone": zone, **meta}, sheet="zone")
    if grade is not None and shown.view.fmt.value == "table" and shown.out is None:
        typer.echo(f"{grade['grade_zh']} {grade['grade_en']} — {grade['score']:.2f}")
        if explain:
            for x in langs:
                typer.echo(grade[f"explain_{x}"])


def _grade(table: Any, zone: str) -> dict[str, Any] | None:
    """The zone's row of the grades table, or None (a round made before grades existed)."""
    try:
        grades = table("grades")
    except (KeyError, NotFoundError):
        return None
    mine = grades[grades["zone"] == zone]
    return None if mine.empty else mine.iloc[0].to_dict()


@app.command("grades")
@listing
def grades_cmd(
    shown: Shown,
    round_name: OptRound = None,
    year: OptYear = None,
    engine: EngineOpt = "duckdb",
    explain: ExplainOpt = False,
) -> None:
    """Each zone's overall score and grade (优秀/良好/合格/不合格) by its framework's scheme.
    综合得分与等级。"""
    meta, table = _source(round_name, year, engine)
    grades = table("grades")
    langs = ["zh", "en"] if shown.view.lang is HeaderLang.both else [shown.view.lang.value]
    cols = ["zone", "tier", "framework", "score", "coverage", "grade"]
    cols += [f"grade_{x}" for x in langs]
    cols += ["binding_not_met", "binding_unknown", "veto", "caps"]
    if explain:
        cols += [f"explain_{x}" for x in langs]
    shown_cols = ["zone", "score", "coverage", f"grade_{langs[0]}", "veto"]
    shown_cols += [f"explain_{langs[0]}"] if explain else []
    emit(
        records(grades[cols]),
        shown,
        columns=shown_cols,
        meta=meta,
        sheet="grades",
        empty="no zone is graded",
    )


#: The value's lineage shown beside each verdict (``status`` shown as ``value_status``).
LINEAGE = ["method", "status", "valid", "batches", "stats_row", "edition", "lake_version"]

COMPARE_COLUMNS = [
    "zone", "name", "tier", "value", "valid", "rank", "n", "coverage", "band_zh", "top",
    "leading", "change_pct", "change_rank", "validity_zh", "note",
]  # fmt: skip


@app.command("compare")
@listing
def compare_cmd(
    shown: Shown,
    indicator: Annotated[str, typer.Option("--indicator", help="Indicator code. 指标代码")],
    round_name: OptRound = None,
    year: OptYear = None,
    group: Annotated[
        str | None,
        typer.Option(
            "--group",
            help="With --year: rank all members of provinces31, east, central, west, "
            "northeast, key168 (= 168) or cities337 (= 337) (全国比较组).",
        ),
    ] = None,
    tier: Annotated[str | None, typer.Option("--tier", help="Only zones of this tier.")] = None,
    unranked: Annotated[
        bool, typer.Option("--unranked", help="Show bands, not ranks (不排名展示).")
    ] = False,
    include_invalid: Annotated[
        bool,
        typer.Option(
            "--include-invalid",
            help="With --group: rank values failing the data-validity rule too, flagged "
            "(不满足有效性要求的值一并排名，仅供参考).",
        ),
    ] = False,
    explain: ExplainOpt = False,
) -> None:
    """Rank and percentile on one indicator: the zones, or a national group (全国比较).

    Values failing the GB 3095 data-validity rule are listed, flagged and not ranked unless
    --include-invalid; no 前列/领先 below the coverage minimum (75 % of the group ranked).
    """
    policy = ComparePolicy(
        display="unranked" if unranked else "ranked", include_invalid=include_invalid
    )
    if include_invalid and group is None:
        raise UserError("--include-invalid needs --group (a round is frozen with its policy)")
    if group is not None:
        if year is None:
            raise UserError("--group needs --year", Location(column="--group"))
        with progress(f"{indicator} {year} 全国比较") as step:
            rows = compare_group(indicator, year, group, policy, progress=step)
        meta: dict[str, Any] = {"indicator": indicator, "year": year, "group": group}
    else:
        meta, table = _source(round_name, year)
        frame = table("comparison")
        if frame.empty or indicator not in set(frame["indicator"]):
            raise NotFoundError(f"no comparable values of {indicator!r} for the zones")
        rows = frame[frame["indicator"] == indicator]
        if tier:
            rows = rows[rows["tier"] == tier]
        if unranked:
            rows = rows.drop(columns=[c for c in ("rank", "percentile", "leading") if c in rows])
        meta = {"indicator": indicator, **meta}
    columns = COMPARE_COLUMNS
    if explain:
        rows = with_explanations("comparison", rows)
        lang = "en" if shown.view.lang is HeaderLang.en else "zh"
        columns = [*COMPARE_COLUMNS, f"explain_{lang}"]
    emit(
        records(rows),
        shown,
        columns=columns,
        meta=meta,
        sheet="compare",
        empty=f"no zone of tier {tier} has a comparable value" if tier else "no comparable value",
    )


@app.command("diff")
@listing
def diff_cmd(
    shown: Shown,
    a: Annotated[str, typer.Argument(help="Earlier round.")],
    b: Annotated[str, typer.Argument(help="Later round.")],
) -> None:
    """What changed between two rounds (values or verdicts). 比较两个评估轮次。

    Exits 1 when the rounds hold no value to compare.
    """
    if a == b:
        raise UserError("give two different rounds")
    rows = diff_rounds(a, b)
    compared = compared_values(a, b)
    if not compared:
        raise ProblemsFound(f"nothing to compare: rounds {a} and {b} hold no indicator values")
    emit(
        records(rows),
        shown,
        meta={"from": a, "to": b, "compared": compared, "changed": len(rows)},
        sheet="diff",
        empty=f"no value or verdict changed between {a} and {b} ({compared} compared)",
    )


register_index(app)
