"""City water-quality index CWQI, 《城市地表水环境质量排名技术规定（试行）》(环办监测〔2017〕51号).

As summarised in standards.md §7 (formula [V1], city weighting and change rate [M]):

* indicators: the 21 routine GB 3838-2002 Table 1 items (no temperature, TN, fecal coliform);
* CWQI(i) = C(i)/C_s(i), C = period-mean concentration, C_s = Class Ⅲ limit (lake TP 0.05);
  DO: C_s/C = 5/C; pH: (7 − pH)/(7 − 6) if pH ≤ 7, else (pH − 7)/(9 − 7);
* river (or lake) CWQI = Σ CWQI(i) over the indicators;
* city CWQI = (CWQI_river·M_river + CWQI_lake·M_lake)/(M_river + M_lake), M = section counts;
* ΔCWQI = (CWQI_now − CWQI_base)/CWQI_base × 100 %;
* ranking ascending (smaller = better); equal values share the best rank ("min").

A DO of 0 gives CWQI(DO) = ∞ (the formula's limit: anoxic water ranks last).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from meili.standards.water.evaluation2011 import ROUTINE_ITEMS
from meili.standards.water.gb3838 import TABLE1, lake_mask, valid_values

PH_NEUTRAL: Final = 7.0
PH_LOW: Final = 6.0
PH_HIGH: Final = 9.0
DO_CLASS_III: Final = 5.0


def cwqi_items(frame: pd.DataFrame, waterbody: object = "river") -> pd.DataFrame:
    """CWQI(i) for each routine item column present — 环办监测〔2017〕51号 (standards.md §7)."""
    lake = lake_mask(waterbody, frame.index)
    out = {}
    for item in ROUTINE_ITEMS:
        if item not in frame.columns:
            continue
        c = valid_values(
            item, pd.to_numeric(frame[item], errors="coerce").to_numpy(np.float64, na_value=np.nan)
        )
        row = TABLE1[item]
        with np.errstate(divide="ignore"):
            if item == "ph":
                out[item] = np.where(
                    c <= PH_NEUTRAL,
                    (PH_NEUTRAL - c) / (PH_NEUTRAL - PH_LOW),
                    (c - PH_NEUTRAL) / (PH_HIGH - PH_NEUTRAL),
                )
                out[item] = np.where(np.isnan(c), np.nan, out[item])
            elif item == "do":
                out[item] = DO_CLASS_III / c
            else:
                cs = np.where(lake, (row.lake_limits or row.limits)[2], row.limits[2])
                out[item] = c / cs
    return pd.DataFrame(out, index=frame.index)


def cwqi(frame: pd.DataFrame, waterbody: object = "river") -> pd.Series:
    """Σ CWQI(i) per row over the items present (NaN where none) — 环办监测〔2017〕51号."""
    parts = cwqi_items(frame, waterbody)
    return parts.sum(axis=1, min_count=1).rename("cwqi")


def city_cwqi(
    sections: pd.DataFrame, by: str | list[str], waterbody: pd.Series | str = "river"
) -> pd.DataFrame:
    """River, lake and city CWQI per group of sections — 环办监测〔2017〕51号 (standards.md §7).

    ``sections``: one row per section with period-mean item columns. Per group, each item is
    averaged over its river (resp. lake) sections, summed to CWQI_river (CWQI_lake), and the
    city value weights them by the section counts M_river, M_lake.
    """
    keys = [by] if isinstance(by, str) else list(by)
    lake = pd.Series(lake_mask(waterbody, sections.index), index=sections.index)
    items = [c for c in ROUTINE_ITEMS if c in sections.columns]
    parts = []
    for is_lake, name in ((False, "river"), (True, "lake")):
        sub = sections[lake == is_lake]
        means = sub.groupby(keys, sort=True)[items].mean()
        value = cwqi(means, "lake" if is_lake else "river")
        count = sub.groupby(keys, sort=True).size()
        parts.append(pd.DataFrame({f"cwqi_{name}": value, f"m_{name}": count}))
    out = pd.concat(parts, axis=1)
    out[["m_river", "m_lake"]] = out[["m_river", "m_lake"]].fillna(0).astype(int)
    num = out["cwqi_river"].fillna(0) * out["m_river"] + out["cwqi_lake"].fillna(0) * out["m_lake"]
    m = out["m_river"] + out["m_lake"]
    out["cwqi"] = (num / m).where(m > 0)
    return out


def cwqi_change(now: object, base: object) -> pd.Series:
    """ΔCWQI in % = (CWQI_now − CWQI_base)/CWQI_base × 100 (negative = improved)."""
    n = pd.to_numeric(pd.Series(now), errors="coerce")
    b = pd.to_numeric(pd.Series(base), errors="coerce").set_axis(n.index)
    return ((n - b) / b.where(b != 0) * 100.0).rename("cwqi_change_pct")


def cwqi_rank(values: pd.Series, decimals: int | None = None) -> pd.Series:
    """Rank ascending (1 = best); ties share the best rank. ``decimals`` rounds first (as
    published values are compared), default exact. Missing values get no rank."""
    v = pd.to_numeric(values, errors="coerce")
    if decimals is not None:
        v = v.round(decimals)
    return v.rank(method="min", ascending=True, na_option="keep").astype("Int64")
