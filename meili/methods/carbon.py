"""Carbon and energy dual control of zones from the statistics filed in the lake.

Thin adapters over :func:`meili.standards.carbon.statistics.dual_control`: CO2 and energy
intensity at base-year prices and their reduction against the indicator's base year,
(1 − I_t / I_base) × 100 [@fyp14:intensity] [@gf2021-33:energy] [@nbs:gdp-index] (from
memory, unconfirmed), and total CO2 emissions. Inputs are the ``stats`` rows
``co2_emissions``, ``gdp_constant`` (or ``gdp_current`` + ``gdp_deflator``) and
``energy_consumption`` of the zone (or of its one member division), read as
:mod:`meili.methods.reported` reads a reported value; each value names the rows it used.
The energy reduction is computed with the CO2 one (:func:`dual_control` needs
``co2_emissions``): a zone that files energy but no CO2 gets no energy value, and the reason
names the missing rows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from meili.errors import UserError
from meili.methods.context import RunContext
from meili.methods.lineage import reason
from meili.methods.registry import Method, Request, missing, register, result_frame
from meili.methods.reported import row_label, stats_rows
from meili.standards.carbon.statistics import INDICATORS, STANDARD, dual_control, to_reference_units

GDP = ("stats:gdp_constant", "stats:gdp_current", "stats:gdp_deflator")


def _lineage(rows: pd.DataFrame) -> tuple[list[str], str]:
    labels = [
        row_label(a, y, c, None, m)
        for a, y, c, m in zip(
            rows["area_code"], rows["year"], rows["indicator"], rows["member"], strict=True
        )
    ]
    return sorted(set(rows["batch_id"])), "; ".join(labels)


def _reduction(column: str) -> Callable[[RunContext, Request], pd.DataFrame]:
    """Compute function of a reduction against the indicator's baseline year."""

    def compute(ctx: RunContext, req: Request) -> pd.DataFrame:
        base = req.indicator.baseline_year
        rows: list[dict[str, object]] = []
        for year in req.years:
            if base is None or year <= base:
                what = f"no base year before {year}" if base is None else f"base year {base}"
                why = reason("carbon_inputs", what=what)
                rows += [missing(u.code, year, why) for u in req.units]
                continue
            found = stats_rows(ctx, req.units, list(INDICATORS), [base, year])
            none = reason("carbon_inputs", what=f"no co2_emissions or GDP for {base} and {year}")
            by_zone = dict(tuple(found.groupby("zone"))) if len(found) else {}
            for u in req.units:
                mine = by_zone.get(u.code)
                if mine is None:
                    rows.append(missing(u.code, year, none))
                    continue
                try:
                    out = dual_control(mine.assign(area_code=u.code), base, year)
                except UserError as exc:
                    rows.append(missing(u.code, year, reason("carbon_inputs", what=exc.message)))
                    continue
                value = float(out[column].iloc[0])
                if np.isnan(value):
                    what = f"energy_consumption of {base} and {year} (for {column})"
                    rows.append(missing(u.code, year, reason("carbon_inputs", what=what)))
                    continue
                batches, used = _lineage(mine)
                rows.append(
                    {
                        "zone": u.code,
                        "year": year,
                        "value": value,
                        "batches": batches,
                        "stats_row": used,
                        "edition": STANDARD,
                    }
                )
        return result_frame(rows)

    return compute


def co2_total(ctx: RunContext, req: Request) -> pd.DataFrame:
    """Total CO2 emissions of the year in Mt CO2, from the filed ``co2_emissions``."""
    found = stats_rows(ctx, req.units, ["co2_emissions"], req.years)
    rows: list[dict[str, object]] = []
    try:
        conv = to_reference_units(found.drop(columns="zone").assign(area_code=found["zone"]))
    except UserError as exc:
        why = reason("carbon_inputs", what=exc.message)
        return result_frame([missing(u.code, y, why) for u in req.units for y in req.years])
    have = {
        (z, int(y)): i for i, (z, y) in enumerate(zip(conv["area_code"], conv["year"], strict=True))
    }
    for u in req.units:
        for year in req.years:
            i = have.get((u.code, year))
            if i is None:
                what = f"no co2_emissions of {u.code} in {year}"
                rows.append(missing(u.code, year, reason("carbon_inputs", what=what)))
                continue
            batches, used = _lineage(found.iloc[[i]])
            rows.append(
                {
                    "zone": u.code,
                    "year": year,
                    "value": float(conv["ref_value"].iloc[i]) / 1e6,  # t → Mt
                    "batches": batches,
                    "stats_row": used,
                    "edition": STANDARD,
                }
            )
    return result_frame(rows)


register(
    Method(
        "carbon.co2_intensity_reduction",
        "单位 GDP 二氧化碳排放降低率",
        "reduction of CO2 emissions per unit of GDP",
        ("fyp14:intensity", "nbs:gdp-index"),
        ("stats:co2_emissions", *GDP),
        "%",
        "computed",
        _reduction("co2_intensity_reduction_pct"),
    )
)
register(
    Method(
        "energy.intensity_reduction",
        "单位 GDP 能耗降低率",
        "reduction of energy use per unit of GDP",
        ("gf2021-33:energy", "nbs:gdp-index", "nbs:coal-equivalent"),
        ("stats:energy_consumption", "stats:co2_emissions", *GDP),
        "%",
        "computed",
        _reduction("energy_intensity_reduction_pct"),
    )
)
register(
    Method(
        "carbon.co2_total",
        "二氧化碳排放总量",
        "total CO2 emissions",
        ("ndrc-2011:energy", "ipcc-2006:v2-2.1"),
        ("stats:co2_emissions",),
        "Mt CO2",
        "computed",
        co2_total,
    )
)
