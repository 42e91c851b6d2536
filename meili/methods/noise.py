"""Noise indicators of zones: compliance of functional-zone monitoring points, by day and by
night, over all zone classes or one class (0, 1, 2, 3, 4a, 4b).

A thin adapter over :mod:`meili.engine.noise` and GB 3096-2008 Table 1 [@gb3096-2008:t1]
[@gb3096-2008:hours] (the class 4b night limit and the day/night hours are unconfirmed, see
:mod:`meili.standards.noise.gb3096`): 达标率 = compliant / valid measurements of the period
× 100 over every point of the unit's members in the year. A point is placed in a unit by its
``area_code`` (GB/T 2260 code of its city or county). The measurements are read on the run
context's engine (DuckDB or Spark: the same rows).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from meili.engine.noise import STANDARD, noise_batches, noise_measurements
from meili.methods.context import RunContext
from meili.methods.lineage import reason
from meili.methods.registry import Method, Request, missing, register, result_frame
from meili.registry.divisions import contains
from meili.standards.noise import compliance_rates
from meili.standards.noise.gb3096 import ZONE_CLASSES

PERIODS = {"day": ("昼间", "day-time"), "night": ("夜间", "night-time")}


def year_measurements(ctx: RunContext, year: int) -> tuple[pd.DataFrame, list[str]] | None:
    """The year's noise measurements (long: point, area_code, zone class, period, leq) and the
    batches read; None when the lake holds no noise data (once per context and year)."""

    def read() -> tuple[pd.DataFrame, list[str]] | None:
        if not ctx.has("noise"):
            return None
        eng = ctx.engine
        if "area_code" not in (eng.columns("noise") or []):
            return pd.DataFrame(), []
        start, end = f"{year}-01-01", f"{year}-12-31"
        long = noise_measurements(eng, start, end, by="area_code")
        long = long[long["leq"].notna() & long["area_code"].notna()]
        return long, noise_batches(eng, start, end)

    return ctx.memo(("noise.year", year), read)


def year_rates(ctx: RunContext, year: int, units: tuple) -> tuple[pd.DataFrame, list[str]] | None:
    """Compliance rates of ``units`` in ``year`` (index unit, period, zone class; once per
    context, year and unit set), the batches read; None without noise data, an empty frame
    when the points carry no ``area_code``."""

    def run() -> tuple[pd.DataFrame, list[str]] | None:
        got = year_measurements(ctx, year)
        if got is None:
            return None
        long, batches = got
        if "area_code" not in long:
            return pd.DataFrame(), batches
        codes = long["area_code"].astype(str)
        areas = codes.unique()
        placed = pd.DataFrame(
            [(u.code, a) for u in units for a in areas if any(contains(m, a) for m in u.members)],
            columns=["unit", "area_code"],
        )
        joined = long.assign(area_code=codes).merge(placed, on="area_code")
        if not len(joined):
            return pd.DataFrame(columns=["rate_pct"]), batches
        return compliance_rates(joined, by="unit"), batches

    return ctx.memo(("noise.rates", year, tuple(u.code for u in units)), run)


Compute = Callable[[RunContext, Request], pd.DataFrame]


def _compliance(period: str, zone_class: str = "all") -> Compute:
    """Compute function of the ``period`` compliance rate (%) of the unit's points of
    ``zone_class`` (``"all"``: every class together)."""

    def compute(ctx: RunContext, req: Request) -> pd.DataFrame:
        rows: list[dict[str, object]] = []
        for year in req.years:
            got = year_rates(ctx, year, req.units)
            if got is None:
                why = reason("no_dataset", dataset="noise", version=ctx.lake_version)
                rows += [missing(u.code, year, why) for u in req.units]
                continue
            rates, batches = got
            if rates.empty and "rate_pct" not in rates:
                rows += [missing(u.code, year, reason("noise_no_area")) for u in req.units]
                continue
            have = set(rates.index)
            for u in req.units:
                key = (u.code, period, zone_class)
                if key in have:
                    rows.append(
                        {
                            "zone": u.code,
                            "year": year,
                            "value": float(rates.loc[key, "rate_pct"]),
                            "batches": batches,
                            "edition": STANDARD,
                        }
                    )
                else:
                    why = reason(
                        "noise_no_class_points",
                        year=year,
                        period=PERIODS[period],
                        zone_class=_class_words(zone_class),
                    )
                    rows.append(missing(u.code, year, why))
        return result_frame(rows)

    return compute


def _class_words(zone_class: str) -> tuple[str, str]:
    return ("", "") if zone_class == "all" else (f"{zone_class}类", f"class {zone_class} ")


def night_compliance(ctx: RunContext, req: Request) -> pd.DataFrame:
    """Night-time compliance rate (%) of the unit's functional-zone points, all classes."""
    return _compliance("night")(ctx, req)


def day_compliance(ctx: RunContext, req: Request) -> pd.DataFrame:
    """Day-time compliance rate (%) of the unit's functional-zone points, all classes."""
    return _compliance("day")(ctx, req)


_CITED = ("gb3096-2008:t1", "gb3096-2008:hours")
register(
    Method(
        "noise.night_compliance",
        "声环境功能区夜间达标率",
        "night-time compliance of noise functional zones",
        _CITED,
        ("lake:noise",),
        "%",
        "computed",
        night_compliance,
    )
)
register(
    Method(
        "noise.day_compliance",
        "声环境功能区昼间达标率",
        "day-time compliance of noise functional zones",
        _CITED,
        ("lake:noise",),
        "%",
        "computed",
        day_compliance,
    )
)
for _zone in ZONE_CLASSES:  # 0, 1, 2, 3, 4a, 4b
    for _period, (_zh, _en) in PERIODS.items():
        register(
            Method(
                f"noise.{_period}_compliance_class_{_zone}",
                f"{_zone}类声环境功能区{_zh}达标率",
                f"{_en.replace('-', ' ')} compliance of class {_zone} noise functional zones",
                (*_CITED, "gb3096-2008:t1-4b") if _zone == "4b" else _CITED,
                ("lake:noise",),
                "%",
                "computed",
                _compliance(_period, _zone),
            )
        )
