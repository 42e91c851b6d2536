"""Checks of records against the registry and frameworks, named by a kind's ``checks``.

``stats-registry`` (statistics rows):

- the area code is a division code (GB/T 2260, any year) or a registered pilot zone;
- the indicator is an indicator of the frameworks in force for the row's zone (the default
  framework, and a zone's specialty framework for that zone and its member divisions), a
  ``task:<indicator>`` row of one (value 1 or 0, no unit), or a statistical input a method
  reads (``co2_emissions``, ``gdp_constant`` …);
- the unit converts to the indicator's unit (the framework's conversion table; statistical
  inputs: the unit tables of their method);
- the year is not after the current year (Beijing time), except for caps set ahead.

A row failing any is quarantined with the reason (zh and en).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from meili.db.session import session
from meili.errors import UserError
from meili.framework.loader import regional_frameworks
from meili.framework.rules import TASK_PREFIX
from meili.framework.store import (
    default_framework,
    get_framework,
    list_frameworks,
    zone_framework,
)
from meili.framework.units import factor
from meili.ingest.extract import Extract, errors_frame
from meili.ingest.kinds import Kind
from meili.ingest.validate import beijing_now
from meili.registry.divisions import load_divisions
from meili.registry.zones import list_zones
from meili.standards.carbon.statistics import INDEX_UNITS, INDICATORS

Check = Callable[[Kind, Extract], list[pd.DataFrame]]
#: statistical inputs that may be set for years ahead (caps, plans)
AHEAD = frozenset({"co2_cap"})
TASK_UNITS = frozenset({"", "1", "是否", "bool"})
#: indicator units a row may leave blank (counts, ranks, states and plain indices)
DIMENSIONLESS = frozenset({"1", "count", "rank", "state"})


@dataclass(frozen=True)
class Registry:
    """What stats rows are checked against."""

    divisions: frozenset[str]
    zones: dict[str, tuple[str, ...]]  # zone code -> member division codes
    units: dict[str, dict[str, str]]  # area code -> indicator code -> unit (frameworks in force)
    frameworks: dict[str, str]  # area code -> the frameworks in force, for messages
    default_units: dict[str, str]
    default_name: str


def load_registry() -> Registry:
    """Divisions, zones and frameworks (zones and stored frameworks when the store is set up)."""
    divisions = frozenset(load_divisions()["code"].astype(str))
    try:
        with session() as s:
            zones = {z.code: tuple(m.division_code for m in z.members) for z in list_zones(s)}
            base = get_framework(s)
            specialties = [
                (r["zone"], get_framework(s, r["code"], r["version"]))
                for r in list_frameworks(s)
                if r["zone"]
            ]
            stored = {zone for zone, _ in specialties}  # else the bundled regional ones
            specialties += [
                (code, zone_framework(s, code))
                for code in regional_frameworks()
                if code in zones and code not in stored
            ]
    except UserError:  # the store is not initialised: the bundled framework, no zones
        zones, base, specialties = {}, default_framework(), []
    default_units = {i.code: i.unit for i in base.indicators}
    units: dict[str, dict[str, str]] = {}
    names: dict[str, str] = {}
    for zone, fw in specialties:
        for area in (zone, *zones.get(zone, ())):
            units.setdefault(area, dict(default_units)).update(
                {i.code: i.unit for i in fw.indicators}
            )
            names[area] = f"{names.get(area, base.ref)}, {fw.ref}"
    return Registry(divisions, zones, units, names, default_units, base.ref)


def stats_registry(
    kind: Kind, ext: Extract, registry: Registry | None = None
) -> list[pd.DataFrame]:
    """Problems of statistics rows against the registry and frameworks (see module doc)."""
    reg = registry or load_registry()
    f = ext.frame
    out: list[pd.DataFrame] = []
    area = f["area_code"].astype(object)
    present = area.notna().to_numpy()
    known_area = area.isin(reg.divisions) | area.isin(list(reg.zones))
    bad_area = present & ~known_area.to_numpy()
    if bad_area.any():
        recs = np.flatnonzero(bad_area)
        codes = area.iloc[recs].astype(str).to_numpy()
        out.append(errors_frame(recs, "area_code", "unknown_area", codes, code=codes))

    code = f["indicator"].astype(object).fillna("")
    is_task = code.str.startswith(TASK_PREFIX).to_numpy()
    base_code = np.where(is_task, code.str.slice(len(TASK_PREFIX)), code).astype(object)
    unit = f["unit"].astype(object).where(f["unit"].notna(), "").astype(str).str.strip()
    codes = pd.Series(base_code, index=f.index)
    target_s = codes.map(reg.default_units)
    for a, table in reg.units.items():  # areas with a specialty framework
        sel = (area == a).to_numpy()
        if sel.any():
            target_s[sel] = codes[sel].map(table)
    known = target_s.notna().to_numpy()
    target = target_s.to_numpy(dtype=object)
    stat_input = ~is_task & code.isin(list(INDICATORS)).to_numpy()
    bad_code = present & ~bad_area & (code != "").to_numpy() & ~known & ~stat_input
    if bad_code.any():
        recs = np.flatnonzero(bad_code)
        areas = area.iloc[recs].astype(str).to_numpy()
        out.append(
            errors_frame(
                recs,
                "indicator",
                "unknown_indicator",
                code.iloc[recs].to_numpy(),
                code=code.iloc[recs].to_numpy(),
                area=areas,
                frameworks=[reg.frameworks.get(a, reg.default_name) for a in areas],
            )
        )

    value = f["value"].astype(float)
    task = is_task & known
    bad_task = (
        task & (~unit.isin(TASK_UNITS) | (value.notna() & ~value.isin([0.0, 1.0]))).to_numpy()
    )
    if bad_task.any():
        recs = np.flatnonzero(bad_task)
        out.append(errors_frame(recs, "value", "task_not_boolean", value.iloc[recs].to_numpy()))

    measured = ~is_task & known
    convertible = (
        _per_pair(unit, target_s, lambda u, t: not isinstance(t, str) or factor(u, t) is not None)
        | ~measured
    )
    for missing, key in ((True, "missing_unit"), (False, "unit_not_convertible")):
        sel = measured & ~convertible & ((unit == "").to_numpy() == missing)
        if sel.any():
            recs = np.flatnonzero(sel)
            out.append(
                errors_frame(
                    recs,
                    "unit",
                    key,
                    unit.iloc[recs].to_numpy(),
                    unit=unit.iloc[recs].to_numpy(),
                    target=target[recs],
                    code=code.iloc[recs].to_numpy(),
                )
            )
    scales = {c: table for c, (table, _) in INDICATORS.items()}
    refs = {c: ref for c, (_, ref) in INDICATORS.items()}
    ok_input = (
        _per_pair(
            unit,
            code,
            lambda u, c: (
                c not in scales or (u in INDEX_UNITS if scales[c] is None else u in scales[c])
            ),
        )
        | ~stat_input
    )
    bad_input = stat_input & ~ok_input
    if bad_input.any():
        recs = np.flatnonzero(bad_input)
        u = unit.iloc[recs].to_numpy()
        out.append(
            errors_frame(
                recs,
                "unit",
                "unit_not_convertible",
                u,
                unit=[x or "—" for x in u],
                target=[refs[c] for c in code.iloc[recs]],
                code=code.iloc[recs].to_numpy(),
            )
        )

    this_year = beijing_now().year
    year = f["year"].astype("Float64")
    late = (year > this_year).fillna(False).to_numpy() & ~code.isin(list(AHEAD)).to_numpy()
    if late.any():
        recs = np.flatnonzero(late)
        out.append(
            errors_frame(
                recs,
                "year",
                "year_out_of_range",
                year.iloc[recs].astype(str).to_numpy(),
                year=year.iloc[recs].astype("Int64").astype(str).to_numpy(),
                first=1949,
                last=this_year,
            )
        )
    return out


def _per_pair(a: pd.Series, b: pd.Series, test: Callable[[object, object], bool]) -> np.ndarray:
    """``test`` of each row's (a, b), computed once per distinct pair."""
    pairs = pd.DataFrame({"a": a.to_numpy(dtype=object), "b": b.to_numpy(dtype=object)})
    uniq = pairs.drop_duplicates().reset_index(drop=True)
    uniq["ok"] = [bool(test(x, y)) for x, y in zip(uniq["a"], uniq["b"], strict=True)]
    return pairs.merge(uniq, on=["a", "b"], how="left")["ok"].to_numpy(dtype=bool)


CHECKS: dict[str, Check] = {"stats-registry": stats_registry}


def run_checks(kind: Kind, ext: Extract) -> list[pd.DataFrame]:
    """The problems found by every check the kind names."""
    found: list[pd.DataFrame] = []
    for name in kind.checks:
        found.extend(CHECKS[name](kind, ext))
    return found
