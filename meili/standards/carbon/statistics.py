"""Dual-control indicators from reported statistical values (the ``stats`` dataset).

Input rows: ``area_code`` (zone code or GB/T 2260 division code), ``year``, ``indicator``,
``value``, ``unit``, ``source``. Indicator codes read here (units from
:mod:`meili.standards.carbon.units`; a quantity without a unit, or with an unknown one, is an
error):

============================ ============ ====================================================
code                         unit e.g.    meaning
============================ ============ ====================================================
``co2_emissions``            万吨 (t …)   CO2 emissions (required, base year and year)
``gdp_constant``             亿元 (元 …)  GDP at base-year prices (可比价)
``gdp_current``              亿元         GDP at current prices, used with ``gdp_deflator``
``gdp_deflator``             index        GDP price index, any fixed base; base year missing → 100
``energy_consumption``       万tce        total energy consumption (optional)
``non_fossil_energy``        万tce        non-fossil energy consumption (optional, year)
``co2_cap``                  万吨         CO2 emissions cap of the year (optional)
============================ ============ ====================================================

GDP of a year at base-year prices: ``gdp_constant`` if given; else the base year's
``gdp_current``; else ``gdp_current × deflator_base / deflator_year``.
Reductions are (1 − I_t / I_base) × 100 (:func:`.dual_control.intensity_reduction`)
[@fyp14:intensity] [@nbs:gdp-index] (from memory, unconfirmed).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from meili.errors import Location, UserError
from meili.standards.carbon.dual_control import (
    cap_check,
    co2_intensity,
    energy_intensity,
    intensity_reduction,
    non_fossil_share,
)
from meili.standards.carbon.units import ENERGY_TCE, MASS_T, MONEY_10K_YUAN

STANDARD: Final = (
    "单位GDP二氧化碳排放降低/单位GDP能耗降低 (1 − I_t/I_base)×100, 可比价; "
    '《"十四五"规划和2035年远景目标纲要》; 国发〔2021〕33号'
)
#: indicator code → (unit table or None for a dimensionless index, reference unit)
INDICATORS: Final[dict[str, tuple[dict[str, float] | None, str]]] = {
    "co2_emissions": (MASS_T, "t"),
    "gdp_constant": (MONEY_10K_YUAN, "万元"),
    "gdp_current": (MONEY_10K_YUAN, "万元"),
    "gdp_deflator": (None, "index"),
    "energy_consumption": (ENERGY_TCE, "tce"),
    "non_fossil_energy": (ENERGY_TCE, "tce"),
    "co2_cap": (MASS_T, "t"),
}
INDEX_UNITS: Final = frozenset({"", "index", "指数", "1"})


def _where(file: str | None, rows: pd.DataFrame, i: int, column: str | None = None) -> Location:
    line = rows["line"].iloc[i] if "line" in rows else None
    return Location(file, row=None if line is None or pd.isna(line) else int(line), column=column)


def to_reference_units(rows: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """Rows of known indicators with ``ref_value`` in t / 万元 / tce (deflator as given).

    Raises a one-line :class:`UserError` (file/row) for a missing value, missing or unknown unit.
    """
    rows = rows[rows["indicator"].isin(list(INDICATORS))].reset_index(drop=True)
    scale = np.full(len(rows), np.nan)
    unit = rows["unit"].astype("string").fillna("").str.strip()
    for code, (table, _) in INDICATORS.items():
        mask = (rows["indicator"] == code).to_numpy()
        if not mask.any():
            continue
        if table is None:
            ok = unit[mask].isin(list(INDEX_UNITS)).to_numpy()
            scale[mask] = np.where(ok, 1.0, np.nan)
        else:
            scale[mask] = unit[mask].map(table).astype(float).to_numpy()
    missing_value = rows["value"].isna().to_numpy()
    if missing_value.any():
        i = int(np.flatnonzero(missing_value)[0])
        raise UserError(f"no value for {rows['indicator'].iloc[i]}", _where(file, rows, i, "value"))
    bad = np.isnan(scale)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        code, u = rows["indicator"].iloc[i], unit.iloc[i]
        table = INDICATORS[code][0]
        known = ", ".join(table) if table else ", ".join(sorted(INDEX_UNITS - {""}))
        what = "missing unit" if not u else f"unknown unit {u!r}"
        raise UserError(f"{what} for {code} (known: {known})", _where(file, rows, i, "unit"))
    dup = rows.duplicated(["area_code", "year", "indicator"], keep="first").to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise UserError(
            f"{rows['indicator'].iloc[i]} of {rows['area_code'].iloc[i]} in "
            f"{rows['year'].iloc[i]} is given twice",
            _where(file, rows, i),
        )
    return rows.assign(ref_value=rows["value"].astype(float).to_numpy() * scale)


def dual_control(
    rows: pd.DataFrame,
    base_year: int,
    year: int,
    *,
    zone: str | None = None,
    file: str | None = None,
) -> pd.DataFrame:
    """CO2 intensity and its reduction vs the base year, energy intensity reduction, non-fossil
    share and cap check per area (one row each). Intensities in t/万元 (= 万吨/亿元).

    Raises :class:`UserError` when CO2 or GDP of either year is missing for an area.
    """
    if zone is not None:
        rows = rows[rows["area_code"].astype(str) == zone]
        if rows.empty:
            raise UserError(f"no statistics for zone {zone!r}", Location(file))
    rows = rows[rows["year"].isin([base_year, year])]
    conv = to_reference_units(rows, file)
    if conv.empty:
        raise UserError(f"no statistics for {base_year} or {year}", Location(file))
    wide = conv.pivot(index="area_code", columns=["indicator", "year"], values="ref_value")

    def get(code: str, y: int) -> pd.Series:
        key = (code, y)
        return wide[key] if key in wide.columns else pd.Series(np.nan, index=wide.index)

    for code in ("co2_emissions",):
        for y in (base_year, year):
            _require(get(code, y), code, y, file)
    gdp_base = get("gdp_constant", base_year).fillna(get("gdp_current", base_year))
    defl_base = get("gdp_deflator", base_year).fillna(100.0)
    from_deflator = get("gdp_current", year) * defl_base / get("gdp_deflator", year)
    gdp_now = get("gdp_constant", year).fillna(from_deflator)
    _require(gdp_base, "gdp_constant (or gdp_current)", base_year, file)
    _require(gdp_now, "gdp_constant (or gdp_current + gdp_deflator)", year, file)
    method = np.where(get("gdp_constant", year).notna(), "gdp_constant", "gdp_current/gdp_deflator")
    co2_b, co2_t = get("co2_emissions", base_year), get("co2_emissions", year)
    ci_b = co2_intensity(co2_b, "t", gdp_base, "万元")
    ci_t = co2_intensity(co2_t, "t", gdp_now, "万元")
    en_b, en_t = get("energy_consumption", base_year), get("energy_consumption", year)
    ei_b = energy_intensity(en_b, "tce", gdp_base, "万元")
    ei_t = energy_intensity(en_t, "tce", gdp_now, "万元")
    cap = get("co2_cap", year)
    check = cap_check(co2_t, cap)
    has_cap = cap.notna().to_numpy()
    out = pd.DataFrame(
        {
            "area_code": wide.index.astype(str),
            "base_year": base_year,
            "year": year,
            "co2_emissions_base_10kt": co2_b.to_numpy() / 1e4,
            "co2_emissions_10kt": co2_t.to_numpy() / 1e4,
            "gdp_constant_base_100m_yuan": gdp_base.to_numpy() / 1e4,
            "gdp_constant_100m_yuan": gdp_now.to_numpy() / 1e4,
            "gdp_method": method,
            "co2_intensity_base_t_per_10k_yuan": ci_b,
            "co2_intensity_t_per_10k_yuan": ci_t,
            "co2_intensity_reduction_pct": intensity_reduction(ci_t, ci_b),
            "energy_intensity_base_tce_per_10k_yuan": ei_b,
            "energy_intensity_tce_per_10k_yuan": ei_t,
            "energy_intensity_reduction_pct": intensity_reduction(ei_t, ei_b),
            "non_fossil_share_pct": non_fossil_share(
                get("non_fossil_energy", year), "tce", en_t, "tce"
            ),
            "co2_cap_10kt": cap.to_numpy() / 1e4,
            "cap_met": pd.array(np.where(has_cap, check.met, None), dtype="boolean"),
            "cap_margin_10kt": np.where(has_cap, check.margin / 1e4, np.nan),
            "standard": STANDARD,
        }
    )
    return out.reset_index(drop=True)


def _require(values: pd.Series, code: str, year: int, file: str | None) -> None:
    miss = values.isna()
    if miss.any():
        area = values.index[miss.to_numpy()][0]
        raise UserError(f"missing {code} for {area} in {year}", Location(file))
