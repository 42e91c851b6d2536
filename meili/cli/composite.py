"""``meili composite``: build composite indicators from a pipeline file (综合指数构建)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer

from meili.assess.composite.io import read_coin, read_pipeline
from meili.assess.composite.runner import StepError, run_pipeline
from meili.assess.composite.uncertainty import run_uncertainty
from meili.cli.common import Shown, emit, listing
from meili.errors import Location, UserError

app = typer.Typer(
    help=(
        "Composite indicators 综合指数: run a pipeline (denominate, impute, screen, treat, "
        "normalise, aggregate, rank) on COINr-style iData/iMeta files; uncertainty and "
        "sensitivity analysis. 按流程文件构建综合指数并进行不确定性与敏感性分析。"
    ),
    no_args_is_help=True,
)

DataOption = Annotated[
    Path, typer.Option("--data", help="iData CSV: uCode, groups, denominators, indicators. 数据")
]
MetaOption = Annotated[
    Path,
    typer.Option("--meta", help="iMeta CSV: Level, iCode, Direction, Weight, Parent, Type. 元数据"),
]
PipelineOption = Annotated[
    Path, typer.Option("--pipeline", help="Pipeline YAML, e.g. examples/coinr-asem.yaml. 流程文件")
]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = frame.reset_index()
    return [
        {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
        for row in out.to_dict(orient="records")
    ]


def _load(data: Path, meta: Path, pipeline: Path):

    return read_coin(data, meta), read_pipeline(pipeline)


@app.command("build")
@listing
def build(
    shown: Shown,
    data: DataOption,
    meta: MetaOption,
    pipeline: PipelineOption,
    step: Annotated[
        str | None,
        typer.Option(
            "--step",
            help="Output this data set instead (e.g. Denominated, Imputed, "
            "Treated, Normalised, Aggregated). 输出中间数据集",
        ),
    ] = None,
) -> None:
    """Build the index: aggregates and rank per unit. 构建综合指数。"""

    coin, spec = _load(data, meta, pipeline)
    try:
        result = run_pipeline(coin, spec)
    except StepError as exc:
        raise UserError(str(exc), Location(file=str(pipeline))) from None
    if step is not None:
        if step not in result.datasets:
            raise UserError(
                f"unknown data set {step!r} (have: {', '.join(result.datasets)})",
                Location(column="--step"),
            )
        frame = result.datasets[step]
        frame.index.name = "uCode"
        emit(
            _records(frame),
            shown,
            meta={"pipeline": spec.name, "dataset": step},
            title=f"{spec.name}: {step}",
        )
        return
    table = result.results().sort_values(["Rank"], kind="stable", na_position="last")
    table.index.name = "uCode"
    emit(
        _records(table),
        shown,
        columns=["uCode", *table.columns],
        meta={"pipeline": spec.name, "dataset": next(reversed(result.datasets))},
        title=spec.name,
    )


@app.command("uncertainty")
@listing
def uncertainty(
    shown: Shown,
    data: DataOption,
    meta: MetaOption,
    pipeline: PipelineOption,
    draws: Annotated[
        int | None, typer.Option("--draws", min=2, help="Base sample size N (overrides YAML).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Random seed (overrides YAML).")
    ] = None,
) -> None:
    """Monte Carlo rank intervals and first-order sensitivity indices. 不确定性与敏感性分析。"""

    coin, spec = _load(data, meta, pipeline)
    if spec.uncertainty is None:
        raise UserError("the pipeline has no 'uncertainty' section", Location(file=str(pipeline)))
    ua = spec.uncertainty
    if draws is not None or seed is not None:
        ua = ua.model_copy(
            update={k: v for k, v in (("n_draws", draws), ("seed", seed)) if v is not None}
        )
    try:
        result = run_pipeline(coin, spec)
        if ua.start not in result.datasets:
            raise UserError(
                f"uncertainty.start: no data set {ua.start!r}", Location(file=str(pipeline))
            )
        out = run_uncertainty(result.datasets[ua.start], coin, ua)
    except (StepError, ValueError) as exc:
        raise UserError(str(exc), Location(file=str(pipeline))) from None
    table = out.summary().sort_values(["Nominal", "Median"], kind="stable")
    table.index.name = "uCode"
    emit(
        _records(table),
        shown,
        columns=["uCode", *table.columns],
        meta={
            "pipeline": spec.name,
            "n_draws": ua.n_draws,
            "seed": ua.seed,
            "estimator": ua.estimator,
            "n_runs": out.n_runs,
        },
        title=f"{spec.name}: uncertainty ({out.n_runs} runs)",
    )
