"""``meili assess``: targets, progress and national comparison per zone; frozen rounds."""

from __future__ import annotations

from typing import Annotated

import typer

from meili.assess.rounds import diff_rounds, list_rounds, load_round, run_round
from meili.cli.assess_index import register_index
from meili.cli.common import (
    OutOption,
    ResultFormat,
    ResultFormatOption,
    write_results,
)
from meili.errors import NotFoundError, UserError
from meili.output import records

app = typer.Typer(
    help=(
        "Assessment 评估: indicator values, targets (达标判定), progress to 2027, national "
        "comparison, and immutable assessment rounds (评估轮次)."
    ),
    no_args_is_help=True,
)

RoundOpt = Annotated[str, typer.Option("--round", help="Round name, e.g. 2027-mid. 评估轮次")]


@app.command("run")
def run_cmd(
    round_name: RoundOpt,
    year: Annotated[int, typer.Option("--year", help="Assessment year. 评估年份")],
    first_year: Annotated[
        int | None, typer.Option("--first-year", help="First year of the series (default Y−5).")
    ] = None,
    target_year: Annotated[int, typer.Option("--target-year", help="Target year.")] = 2027,
) -> None:
    """Compute and freeze a round (values, verdicts, progress, comparison). 生成评估轮次。"""
    meta = run_round(round_name, year, first_year=first_year, target_year=target_year)
    files = ", ".join(f"{k} {v['rows']}" for k, v in meta["files"].items())
    typer.echo(
        f"round {meta['round']} frozen: framework {meta['framework']}, lake version "
        f"{meta['lake_version']}, {len(meta['input_batches'])} input batches; rows: {files}"
    )


@app.command("rounds")
def rounds_cmd(fmt: ResultFormatOption = ResultFormat.table, out: OutOption = None) -> None:
    """List the frozen rounds. 评估轮次列表。"""
    rows = [
        {k: m[k] for k in ("round", "year", "created", "framework", "code_version", "lake_version")}
        for m in list_rounds()
    ]
    write_results(rows, fmt, out, {"count": len(rows)}, sheet="rounds")


@app.command("zone")
def zone_cmd(
    zone: Annotated[str, typer.Argument(help="Zone code. 先行区代码")],
    round_name: RoundOpt,
    lang: Annotated[str, typer.Option("--lang", help="zh or en reasons.")] = "zh",
    fmt: ResultFormatOption = ResultFormat.table,
    out: OutOption = None,
) -> None:
    """Every indicator of one zone: value, target, verdict and reason. 先行区达标情况。"""
    meta, verdicts = load_round(round_name, "verdicts")
    rows = verdicts[verdicts["zone"] == zone]
    if rows.empty:
        raise NotFoundError(f"zone {zone!r} is not in round {round_name!r}")
    _, progress = load_round(round_name, "progress")
    if not progress.empty:
        keep = ["zone", "indicator", "arrow", "distance_pct", "warning"]
        rows = rows.merge(
            progress[[c for c in keep if c in progress]], how="left", on=["zone", "indicator"]
        )
    cols = ["indicator", "value", "unit", "binding", f"target_{lang}", "status", f"reason_{lang}"]
    cols += [c for c in ("arrow", "distance_pct", "warning") if c in rows]
    write_results(
        records(rows[cols]),
        fmt,
        out,
        {"zone": zone, "round": round_name, "year": meta["year"]},
        sheet="zone",
    )


@app.command("compare")
def compare_cmd(
    indicator: Annotated[str, typer.Option("--indicator", help="Indicator code. 指标代码")],
    round_name: RoundOpt,
    tier: Annotated[str | None, typer.Option("--tier", help="Only zones of this tier.")] = None,
    unranked: Annotated[
        bool, typer.Option("--unranked", help="Show bands, not ranks (不排名展示).")
    ] = False,
    fmt: ResultFormatOption = ResultFormat.table,
    out: OutOption = None,
) -> None:
    """Rank and percentile of every zone on one indicator (全国比较). 比较各先行区。"""
    meta, table = load_round(round_name, "comparison")
    if table.empty or indicator not in set(table["indicator"]):
        raise NotFoundError(f"no comparable values of {indicator!r} in round {round_name!r}")
    rows = table[table["indicator"] == indicator]
    if tier:
        rows = rows[rows["tier"] == tier]
    if unranked:
        rows = rows.drop(columns=[c for c in ("rank", "percentile") if c in rows])
    write_results(
        records(rows),
        fmt,
        out,
        {"indicator": indicator, "round": round_name, "year": meta["year"]},
        sheet="compare",
    )


@app.command("diff")
def diff_cmd(
    a: Annotated[str, typer.Argument(help="Earlier round.")],
    b: Annotated[str, typer.Argument(help="Later round.")],
    fmt: ResultFormatOption = ResultFormat.table,
    out: OutOption = None,
) -> None:
    """What changed between two rounds (values or verdicts). 比较两个评估轮次。"""
    if a == b:
        raise UserError("give two different rounds")
    rows = diff_rounds(a, b)
    write_results(records(rows), fmt, out, {"from": a, "to": b, "changed": len(rows)}, sheet="diff")


register_index(app)
