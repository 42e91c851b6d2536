"""The progress table of a round: each zone × indicator measured from the programme baseline
toward the target of the rule its verdict uses (one truth), by both named methods.

Target year: the zone's assigned one, else the round's (2027). Baseline year: the zone's
assigned baseline (``meili zones targets import``), else the
indicator's ``baseline_year``, else the framework's programme ``baseline_year`` (the default
framework: 2024, the year before the pilot started). Target: :func:`meili.assess.goal.goal` of
:func:`meili.assess.targets.assigned_rule`, in the unit of the zone's values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from meili.assess.goal import Where, goal
from meili.assess.progress import METHODS, assess_progress
from meili.assess.relative import relative_progress
from meili.assess.targets import assigned_rule
from meili.framework.schema import Framework
from meili.methods.context import empty_targets
from meili.registry.units import ZoneUnit


def _known(v: object) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def progress_targets(
    values: pd.DataFrame,
    fws: Mapping[str, Framework],
    zones: Sequence[ZoneUnit],
    verdicts: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    target_year: int = 2027,
) -> pd.DataFrame:
    """One target row per zone × indicator with a value (see the module docstring)."""
    targets = empty_targets() if targets is None else targets
    assigned = {(r["zone_code"], r["indicator_code"]): r for r in targets.to_dict("records")}
    status = {}
    if verdicts is not None and len(verdicts):
        status = dict(zip(zip(verdicts["zone"], verdicts["indicator"], strict=True),
                          verdicts["status"], strict=True))  # fmt: skip
    by_zone = {z.code: z for z in zones}
    rows = []
    known = values[values["value"].notna()]
    for (zone_code, code), grp in known.groupby(["zone", "indicator"], sort=False):
        zone, fw = by_zone.get(zone_code), fws.get(zone_code)
        ind = fw.indicator(code) if fw is not None else None
        if zone is None or fw is None or ind is None or ind.direction not in ("up", "down"):
            continue
        row = assigned.get((zone_code, code))
        base_year = ind.baseline_year or fw.baseline_year
        base_value = None
        if row is not None and _known(row.get("baseline_year")):
            base_year = int(row["baseline_year"])
        if row is not None and _known(row.get("baseline_value")):
            base_value = float(row["baseline_value"])
        series = dict(zip(grp["year"].astype(int), grp["value"].astype(float), strict=True))
        unit = (
            grp["unit"].dropna().iloc[0]
            if "unit" in grp and grp["unit"].notna().any()
            else ind.unit
        )
        rule, _, src_en = assigned_rule(ind, row)
        year_due = target_year
        if row is not None and _known(row.get("target_year")):
            year_due = int(row["target_year"])
        where = Where(
            unit=unit,
            direction=ind.direction,
            region=zone.attribute("region").value,  # type: ignore[arg-type]
            terrain=zone.attribute("terrain").value,  # type: ignore[arg-type]
            province=zone.province,
            baseline=base_value if base_value is not None else series.get(base_year or -1),
            series=series,
        )
        g = goal(rule, ind, where, assigned=src_en != "the framework's target")
        low, high = ind.value_range
        rows.append(
            {
                "zone": zone_code,
                "indicator": code,
                "direction": ind.direction,
                "target": math.nan if g.value is None else g.value,
                "target_year": year_due,
                "baseline_year": math.nan if base_year is None else base_year,
                "baseline": math.nan if base_value is None else base_value,
                "binding": ind.binding == "binding",
                "low": math.nan if low is None else low,
                "high": math.nan if high is None else high,
                "national": math.nan if g.national is None else g.national,
                "status": status.get((zone_code, code)),
                "note_zh": g.note_zh,
                "note_en": g.note_en,
                "unit": unit,
                "aim": ind.relative_aim,
            }
        )
    return pd.DataFrame(rows)


def round_progress(
    values: pd.DataFrame,
    fws: Mapping[str, Framework],
    zones: Sequence[ZoneUnit],
    verdicts: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    target_year: int = 2027,
    percentiles: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The progress table of a round: every method of :data:`METHODS`, one row per zone ×
    indicator × method (column ``method``) × basis: ``value`` (the indicator's values, with
    their ``unit``), and for an indicator with a relative aim also ``percentile`` (the zone's
    percentiles in the comparison group, ``percentiles``: zone, indicator, year, percentile,
    n — :mod:`meili.assess.relative`)."""
    tg = progress_targets(values, fws, zones, verdicts, targets, target_year)
    if tg.empty:
        return pd.DataFrame()
    data = values.dropna(subset=["value"])
    keys = pd.MultiIndex.from_frame(tg[["zone", "indicator"]])
    data = data[pd.MultiIndex.from_frame(data[["zone", "indicator"]]).isin(keys)]
    data = data[["zone", "indicator", "year", "value"]]
    frames = [
        assess_progress(data, tg.drop(columns=["unit", "aim"]), target_year=target_year, method=m)
        for m in METHODS
    ]
    out = pd.concat(frames, ignore_index=True).assign(basis="value")
    out = out.merge(tg[["zone", "indicator", "unit"]], on=["zone", "indicator"], how="left")
    aimed = tg[tg["aim"].notna()]
    if percentiles is not None and len(percentiles) and len(aimed):
        cols = ["zone", "indicator", "aim", "baseline_year", "target_year", "binding", "status"]
        rel = [relative_progress(percentiles, aimed[cols], method=m) for m in METHODS]
        out = pd.concat([out, *[r for r in rel if len(r)]], ignore_index=True)
    return out
