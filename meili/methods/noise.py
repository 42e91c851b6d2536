"""Noise indicators of zones: night-time compliance of functional-zone monitoring points.

A thin adapter over :mod:`meili.engine.noise` and GB 3096-2008 Table 1 [@gb3096-2008:t1]
[@gb3096-2008:hours] (the class 4b night limit and the day/night hours are unconfirmed, see
:mod:`meili.standards.noise.gb3096`): 达标率 = compliant / valid night measurements × 100 over
every point of the unit's members in the year, all zone classes together. A point is placed
in a unit by its ``area_code`` (GB/T 2260 code of its city or county).
"""

from __future__ import annotations

import pandas as pd

from meili.engine.noise import STANDARD, noise_measurements
from meili.methods.context import RunContext
from meili.methods.lineage import reason
from meili.methods.registry import Method, Request, missing, register, result_frame
from meili.registry.divisions import contains
from meili.standards.noise import compliance_rates


def year_measurements(ctx: RunContext, year: int) -> tuple[pd.DataFrame, list[str]] | None:
    """The year's noise measurements (long: point, area_code, zone class, period, leq) and the
    batches read; None when the lake holds no noise data (once per context and year)."""

    def read() -> tuple[pd.DataFrame, list[str]] | None:
        if not ctx.has("noise"):
            return None
        con = ctx.sql()
        cols = {r[0] for r in con.execute("DESCRIBE noise").fetchall()}
        if "area_code" not in cols:
            return pd.DataFrame(), []
        long = noise_measurements(con, f"{year}-01-01", f"{year}-12-31", by="area_code")
        long = long[long["leq"].notna() & long["area_code"].notna()]
        batches = con.execute(
            "SELECT DISTINCT batch_id FROM noise WHERE year(time) = ?", [year]
        ).fetchall()
        return long, sorted(r[0] for r in batches)

    return ctx.memo(("noise.year", year), read)


def night_compliance(ctx: RunContext, req: Request) -> pd.DataFrame:
    """Night-time compliance rate (%) of the unit's functional-zone points, all classes."""
    rows: list[dict[str, object]] = []
    for year in req.years:
        got = year_measurements(ctx, year)
        if got is None:
            why = reason("no_dataset", dataset="noise", version=ctx.lake_version)
            rows += [missing(u.code, year, why) for u in req.units]
            continue
        long, batches = got
        if "area_code" not in long:
            rows += [missing(u.code, year, reason("noise_no_area")) for u in req.units]
            continue
        night = long[long["period"] == "night"]
        areas = night["area_code"].astype(str).unique()
        placed = pd.DataFrame(
            [
                (u.code, a)
                for u in req.units
                for a in areas
                if any(contains(m, a) for m in u.members)
            ],
            columns=["unit", "area_code"],
        )
        joined = night.assign(area_code=night["area_code"].astype(str)).merge(
            placed, on="area_code"
        )
        rates = (
            compliance_rates(joined, by="unit").xs(("night", "all"), level=("period", "zone_class"))
            if len(joined)
            else pd.DataFrame(columns=["rate_pct"])
        )
        for u in req.units:
            if u.code in rates.index:
                rows.append(
                    {
                        "zone": u.code,
                        "year": year,
                        "value": float(rates.loc[u.code, "rate_pct"]),
                        "batches": batches,
                        "edition": STANDARD,
                    }
                )
            else:
                rows.append(missing(u.code, year, reason("noise_no_points", year=year)))
    return result_frame(rows)


register(
    Method(
        "noise.night_compliance",
        "声环境功能区夜间达标率",
        "night-time compliance of noise functional zones",
        ("gb3096-2008:t1", "gb3096-2008:hours"),
        ("lake:noise",),
        "%",
        "computed",
        night_compliance,
    )
)
