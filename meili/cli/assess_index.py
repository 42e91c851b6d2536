"""``meili assess index`` and ``meili assess rollup``: composite index of zones, roll-up checks.

Registered on the ``assess`` group by :func:`register_index`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from meili.assess.rollup import rollup
from meili.assess.zone_index import IndexSpec, zone_index
from meili.cli.common import Shown, emit, listing
from meili.output import records


class NormaliseChoice(StrEnum):
    goalposts = "goalposts"
    minmax = "minmax"
    zscore = "zscore"
    distance = "distance"


class AggregateChoice(StrEnum):
    arithmetic = "arithmetic"
    geometric = "geometric"


class WeightsChoice(StrEnum):
    equal = "equal"
    framework = "framework"


@listing
def index_cmd(
    shown: Shown,
    round_name: Annotated[str, typer.Option("--round", help="Round name. 评估轮次")],
    tier: Annotated[
        str, typer.Option("--tier", help="Zones of this tier: region, province, city, county.")
    ],
    normalise: Annotated[
        NormaliseChoice, typer.Option("--normalise", help="Normalisation. 标准化方法")
    ] = NormaliseChoice.goalposts,
    aggregate: Annotated[
        AggregateChoice, typer.Option("--aggregate", help="Aggregation. 加总方法")
    ] = AggregateChoice.arithmetic,
    weights: Annotated[
        WeightsChoice, typer.Option("--weights", help="Indicator weights. 权重")
    ] = WeightsChoice.equal,
    coverage: Annotated[
        float,
        typer.Option("--coverage", help="Share of an area's indicators needed for its score."),
    ] = 0.67,
    year: Annotated[int | None, typer.Option("--year", help="Year (default: the round's).")] = None,
    draws: Annotated[
        int, typer.Option("--draws", help="Monte Carlo draws for rank intervals (0 = none).")
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 1,
) -> None:
    """Composite index of zones per target area and overall (综合指数). 先行区综合指数。"""

    spec = IndexSpec(
        normalise=normalise.value,  # type: ignore[arg-type]
        aggregate=aggregate.value,  # type: ignore[arg-type]
        weights=weights.value,  # type: ignore[arg-type]
        coverage=coverage,
        draws=draws,
        seed=seed,
    )
    meta, result = zone_index(round_name, tier, spec, year)
    emit(
        records(result.wide()),
        shown,
        meta={
            "round": round_name,
            "year": year or meta["year"],
            "tier": tier,
            "normalise": spec.normalise,
            "aggregate": spec.aggregate,
            "weights": spec.weights,
            "coverage": coverage,
            "draws": draws,
            "seed": seed,
            "indicators_without_data": ", ".join(result.dropped),
        },
        sheet="index",
        empty=f"no zone of tier {tier} in round {round_name}",
    )


@listing
def rollup_cmd(
    shown: Shown,
    year: Annotated[int, typer.Option("--year", help="Year of the reported values. 年份")],
    indicator: Annotated[
        str | None, typer.Option("--indicator", help="Only this indicator. 指标代码")
    ] = None,
    tolerance: Annotated[
        float, typer.Option("--tolerance", help="Relative tolerance (0.01 = 1 %).")
    ] = 0.01,
) -> None:
    """Parent value vs the sum of its children, county → city → province (逐级汇总校核)."""

    rows = rollup(year, indicator, tolerance)
    counts = rows["status"].value_counts().to_dict() if len(rows) else {}
    emit(
        records(rows),
        shown,
        meta={"year": year, "indicator": indicator or "all", "tolerance": tolerance, **counts},
        sheet="rollup",
        empty=f"no parent with reported children in {year}"
        + (f" for {indicator}" if indicator else ""),
    )


def register_index(app: typer.Typer) -> None:
    """Add the ``index`` and ``rollup`` commands to ``app`` (the ``assess`` group)."""
    app.command("index")(index_cmd)
    app.command("rollup")(rollup_cmd)
