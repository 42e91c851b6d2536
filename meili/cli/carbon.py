"""``meili carbon``: dual-control indicators (碳排放双控) from reported statistical values."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from meili.cli.common import (
    OutOption,
    ResultFormat,
    ResultFormatOption,
    progress,
    write_results,
)
from meili.errors import Location, UserError
from meili.output import records

app = typer.Typer(
    help=(
        "Carbon and energy dual control 碳排放双控: CO2 intensity and its reduction, energy "
        "intensity reduction, non-fossil share and cap check from statistics (stats dataset)."
    ),
    no_args_is_help=True,
)


@app.command("intensity")
def intensity_cmd(
    base_year: Annotated[int, typer.Option("--base-year", help="Base year. 基年")],
    year: Annotated[int, typer.Option("--year", help="Assessed year. 评价年")],
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Stats CSV/XLSX: area_code,year,indicator,value,unit,source."),
    ] = None,
    from_lake: Annotated[
        bool, typer.Option("--from-lake", help="Read the lake's stats dataset. 读取数据湖")
    ] = False,
    zone: Annotated[
        str | None, typer.Option("--zone", help="Only this zone/division code. 先行区或区划代码")
    ] = None,
    fmt: ResultFormatOption = ResultFormat.table,
    out: OutOption = None,
) -> None:
    """CO2 intensity vs the base year, energy intensity reduction, non-fossil share, cap check.

    单位GDP二氧化碳排放及其较基年降低率 (1 − I_t/I_基)×100（可比价）、单位GDP能耗降低率、
    非化石能源占比、排放总量与上限。Indicator codes: co2_emissions, gdp_constant |
    gdp_current + gdp_deflator, energy_consumption, non_fossil_energy, co2_cap
    (see meili.standards.carbon.statistics).
    """
    from meili.standards.carbon.statistics import (
        STANDARD,
        dual_control,
        read_stats_file,
        read_stats_lake,
    )

    if (file is None) == (not from_lake):
        raise UserError("give either --file FILE or --from-lake", Location(column="--file"))
    if year <= base_year:
        raise UserError("--year must be after --base-year", Location(column="--year"))
    with progress("carbon 碳排放"):
        if file is not None:
            rows = read_stats_file(file)
        else:
            from meili.lake.store import connect

            rows = read_stats_lake(connect())
        frame = dual_control(
            rows, base_year, year, zone=zone, file=str(file) if file is not None else None
        )
    num = [c for c in frame.columns if frame[c].dtype.kind == "f"]
    frame[num] = frame[num].round(4)
    recs = records(frame)
    cols = [
        "area_code", "base_year", "year", "co2_intensity_t_per_10k_yuan",
        "co2_intensity_reduction_pct", "energy_intensity_reduction_pct", "non_fossil_share_pct",
        "co2_emissions_10kt", "co2_cap_10kt", "cap_met",
    ]  # fmt: skip
    meta = {
        "base_year": base_year,
        "year": year,
        "source": str(file) if file is not None else "lake:stats",
        "units": {
            "co2": "万吨 CO2",
            "gdp": "亿元 (base-year prices 可比价)",
            "intensity": "t CO2/万元, tce/万元",
        },
        "standard": STANDARD,
    }
    write_results(recs, fmt, out, meta, columns=cols, sheet="carbon")
