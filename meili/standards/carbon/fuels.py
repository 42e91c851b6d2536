"""CO2 from energy consumption by fuel, with emission factors supplied as data.

Tier 1 method of the IPCC 2006 Guidelines (Vol. 2, ch. 2, eq. 2.1), also used by the NDRC
《省级温室气体清单编制指南（试行）》(2011):

    CO2 (t) = Σ_fuel AD × NCV × CC × OF × 44/12

AD activity data in a physical unit (t, 10⁴ m³ …), NCV net calorific value in GJ per that unit
(× 10⁻³ → TJ), CC carbon content in t C / TJ, OF oxidation fraction. A factor row may instead
give ``ef_t_co2_per_unit`` directly. No factors are shipped: Chinese statistics report fuels
in physical units whose calorific values differ from IPCC defaults, so the caller supplies the
factors with their ``source`` (e.g. IPCC 2006 Table 1.2/1.3 defaults, or the NDRC guideline's
provincial values). [@ipcc-2006:v2-2.1] [@ndrc-2011:energy] (from memory, unconfirmed; the
Guidelines' text would confirm)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from meili.errors import UserError

C_TO_CO2 = 44.0 / 12.0


def emission_factors(factors: pd.DataFrame) -> pd.Series:
    """t CO2 per physical unit, indexed by (fuel, unit), from NCV·CC·OF or a direct factor."""
    need = {"fuel", "unit", "source"}
    if need - set(factors.columns):
        raise UserError(f"emission factors lack columns: {', '.join(sorted(need - set(factors)))}")
    if factors["source"].isna().any() or (factors["source"].astype(str).str.strip() == "").any():
        raise UserError("every emission factor needs its source")
    ef = pd.Series(np.nan, index=factors.index)
    if "ef_t_co2_per_unit" in factors.columns:
        ef = factors["ef_t_co2_per_unit"].astype(float)
    if {"ncv_gj_per_unit", "carbon_t_per_tj"} <= set(factors.columns):
        of = factors["oxidation"].astype(float) if "oxidation" in factors else 1.0
        derived = (
            factors["ncv_gj_per_unit"].astype(float)
            * 1e-3
            * factors["carbon_t_per_tj"].astype(float)
            * of
            * C_TO_CO2
        )
        ef = ef.fillna(derived)
    if ef.isna().any():
        bad = ", ".join(factors.loc[ef.isna(), "fuel"].astype(str))
        raise UserError(f"no emission factor (direct or NCV × carbon content) for: {bad}")
    if factors.duplicated(["fuel", "unit"]).any():
        raise UserError("more than one emission factor per fuel and unit")
    return pd.Series(ef.to_numpy(), index=pd.MultiIndex.from_frame(factors[["fuel", "unit"]]))


def fuel_co2(activity: pd.DataFrame, factors: pd.DataFrame) -> pd.DataFrame:
    """``activity`` (fuel, unit, amount, any other columns) with ``ef_t_co2_per_unit`` and
    ``co2_t`` added. Every (fuel, unit) must have a factor; units are never guessed."""
    ef = emission_factors(factors)
    keys = pd.MultiIndex.from_frame(activity[["fuel", "unit"]])
    found = ef.reindex(keys).to_numpy()
    if np.isnan(found).any():
        miss = sorted({f"{f} ({u})" for (f, u), v in zip(keys, found, strict=True) if np.isnan(v)})
        raise UserError(f"no emission factor for: {', '.join(miss)}")
    out = activity.copy()
    out["ef_t_co2_per_unit"] = found
    out["co2_t"] = out["amount"].astype(float).to_numpy() * found
    return out
