"""``meili noise``: GB 3096-2008 limits and functional-zone compliance rates (达标率)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from meili.cli.common import Shown, emit, listing, progress
from meili.engine.noise import STANDARD, compliance
from meili.lake.store import connect
from meili.output import records
from meili.standards.noise import limits_table

app = typer.Typer(
    help=(
        "Environmental noise 声环境: GB 3096-2008 limits by functional-zone class and day/night "
        "compliance rates from the lake's noise dataset."
    ),
    no_args_is_help=True,
)


class NoiseBy(StrEnum):
    zone_class = "zone_class"
    city = "city"


@app.command("limits")
@listing
def limits_cmd(shown: Shown) -> None:
    """GB 3096-2008 Table 1: L_Aeq limits in dB(A), day 06–22 h, night 22–06 h.

    环境噪声限值（昼间/夜间，dB(A)）。
    """
    frame = limits_table().reset_index()
    recs = [{**r, "unit": "dB(A)", "standard": STANDARD} for r in records(frame)]
    emit(recs, shown, meta={"standard": STANDARD}, sheet="limits")


@app.command("compliance")
@listing
def compliance_cmd(
    shown: Shown,
    start: Annotated[str | None, typer.Option("--from", help="Start YYYY-MM-DD. 起")] = None,
    end: Annotated[str | None, typer.Option("--to", help="End YYYY-MM-DD (inclusive). 止")] = None,
    by: Annotated[
        NoiseBy,
        typer.Option("--by", help="zone_class, or city (needs a city column). 分组"),
    ] = NoiseBy.zone_class,
) -> None:
    """Day and night compliance rates per zone class and overall (达标率 = 达标次数/有效次数).

    功能区声环境昼间、夜间达标率（分类别及总体）。GB 3096-2008.
    """
    with progress("noise 噪声"):
        frame = compliance(connect(), start, end, by=by.value)
    recs = [{**r, "standard": STANDARD} for r in records(frame)]
    meta = {"from": start, "to": end, "by": by.value, "standard": STANDARD}
    emit(
        recs,
        shown,
        meta=meta,
        sheet="compliance",
        empty=f"no valid noise measurements from {start or 'the first'} to {end or 'the last'}",
    )
