"""``meili carbon``: dual-control indicators (碳排放双控) from reported statistical values."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from meili.cli.common import Shown, emit, listing, note, progress
from meili.db.models import Zone
from meili.db.session import session
from meili.errors import Location, NotFoundError, UserError
from meili.ingest.rows import read_rows
from meili.methods import open_context
from meili.methods.reported import stats_table
from meili.output import records
from meili.standards.carbon.statistics import STANDARD, dual_control

app = typer.Typer(
    help=(
        "Carbon and energy dual control 碳排放双控: CO2 intensity and its reduction, energy "
        "intensity reduction, non-fossil share and cap check from statistics (stats dataset)."
    ),
    no_args_is_help=True,
)


@app.command("intensity")
@listing
def intensity_cmd(
    shown: Shown,
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
) -> None:
    """CO2 intensity vs the base year, energy intensity reduction, non-fossil share, cap check.

    单位GDP二氧化碳排放及其较基年降低率 (1 − I_t/I_基)×100（可比价）、单位GDP能耗降低率、
    非化石能源占比、排放总量与上限。Indicator codes: co2_emissions, gdp_constant |
    gdp_current + gdp_deflator, energy_consumption, non_fossil_energy, co2_cap
    (see meili.standards.carbon.statistics).
    """
    if (file is None) == (not from_lake):
        raise UserError("give either --file FILE or --from-lake", Location(column="--file"))
    if year <= base_year:
        raise UserError("--year must be after --base-year", Location(column="--year"))
    with progress("carbon 碳排放"):
        if file is not None:
            rows = read_rows(file, "stats")
        else:
            rows = stats_table(open_context())
            if not len(rows):
                raise UserError("the lake has no stats data; run `meili ingest stats FILE`")
        notes: list[str] = []
        if zone is not None:
            rows = _zone_rows(rows, zone, str(file) if file is not None else "lake:stats", notes)
        frame = dual_control(rows, base_year, year, file=str(file) if file is not None else None)
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
        "notes": notes,
    }
    for line in notes:
        note(line)
    emit(recs, shown, columns=cols, meta=meta, sheet="carbon")


def _zone_rows(rows: pd.DataFrame, zone: str, source: str, notes: list[str]) -> pd.DataFrame:
    """The rows of ``zone``: filed under its own code, or — for a zone of one member
    division — under that division's code (as the assessment reads them; they are then
    shown under the zone's code)."""
    codes = rows["area_code"].astype(str)
    if (codes == zone).any():
        return rows[codes == zone]
    members = _members(zone)
    if len(members) == 1 and (codes == members[0]).any():
        notes.append(f"{zone}: statistics reported for its member division {members[0]}")
        return rows[codes == members[0]].assign(area_code=zone)
    also = f" or its member division {members[0]}" if len(members) == 1 else ""
    raise NotFoundError(f"no statistics for {zone}{also}", Location(source))


def _members(zone: str) -> list[str]:
    """Member division codes of a registered zone ([] when ``zone`` is no zone code)."""
    with session() as s:
        found = s.get(Zone, zone)
        return [m.division_code for m in found.members] if found is not None else []
