"""City water-quality index CWQI, 《城市地表水环境质量排名技术规定（试行）》(环办监测〔2017〕51号).

The document's text was not available to Meili's authors; the rules come
from secondary sources and are marked so in the citation file [@cwqi-2017:docno]:

* indicators: the 21 routine GB 3838-2002 Table 1 items (no temperature, TN, fecal coliform)
  [@cwqi-2017:items];
* CWQI(i) = C(i)/C_s(i), C = period-mean concentration, C_s = Class Ⅲ limit (lake TP 0.05);
  DO: C_s/C = 5/C; pH: (7 − pH)/(7 − 6) if pH ≤ 7, else (pH − 7)/(9 − 7); river (or lake)
  CWQI = Σ CWQI(i) over the indicators [@cwqi-2017:formula] (one source: unconfirmed);
* city CWQI = (CWQI_river·M_river + CWQI_lake·M_lake)/(M_river + M_lake), M = section
  counts [@cwqi-2017:city] (from memory: unconfirmed);
* ΔCWQI = (CWQI_now − CWQI_base)/CWQI_base × 100 % [@cwqi-2017:change] (unconfirmed);
* ranking ascending (smaller = better) [@cwqi-2017:rank]; equal values share the best rank.

What would confirm the unconfirmed rules: the text of 环办监测〔2017〕51号.

Variants (:data:`VARIANTS`): ``"full"`` is the method's item set; ``"automatic"`` is
Meili's automatic-station CWQI [@meili:cwqi-automatic] over the routine items automatic
stations measure (pH, DO, CODMn, NH3-N, TP) — not the method, and comparable only with
itself. A unit lacking an item of its variant is flagged incomplete (``complete`` False,
``missing_items``) and gets no rank: a unit that measures fewer items must not rank better.

A DO of 0 gives CWQI(DO) = ∞ (the formula's limit: anoxic water ranks last).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

import numpy as np
import pandas as pd

from meili.standards.water.evaluation2011 import ROUTINE_ITEMS
from meili.standards.water.gb3838 import TABLE1, lake_mask, valid_values

PH_NEUTRAL: Final = 7.0
PH_LOW: Final = 6.0
PH_HIGH: Final = 9.0
DO_CLASS_III: Final = 5.0

#: Named CWQI variants: their item sets.
VARIANTS: Final = MappingProxyType(
    {
        "full": ROUTINE_ITEMS,
        "automatic": ("ph", "do", "codmn", "nh3n", "tp"),
    }
)
DEFAULT_VARIANT: Final = "full"


def variant_items(variant: str = DEFAULT_VARIANT) -> tuple[str, ...]:
    """Items of a CWQI variant (:data:`VARIANTS`); ``ValueError`` if unknown."""
    try:
        return VARIANTS[variant]
    except KeyError:
        known = ", ".join(VARIANTS)
        raise ValueError(f"unknown CWQI variant {variant!r}; use one of {known}") from None


def cwqi_items(
    frame: pd.DataFrame, waterbody: object = "river", variant: str = DEFAULT_VARIANT
) -> pd.DataFrame:
    """CWQI(i) for each item of ``variant`` present in ``frame`` [@cwqi-2017:formula]."""
    lake = lake_mask(waterbody, frame.index)
    out = {}
    for item in variant_items(variant):
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


def cwqi(
    frame: pd.DataFrame, waterbody: object = "river", variant: str = DEFAULT_VARIANT
) -> pd.Series:
    """Σ CWQI(i) per row over the variant's items present (NaN where none) [@cwqi-2017:formula].

    See :func:`cwqi_table` for the completeness of each row.
    """
    parts = cwqi_items(frame, waterbody, variant)
    return parts.sum(axis=1, min_count=1).rename("cwqi")


def completeness(frame: pd.DataFrame, variant: str = DEFAULT_VARIANT) -> pd.DataFrame:
    """Per row: ``n_items`` (items of the variant with a value), ``complete`` and
    ``missing_items`` (';'-joined, in Table 1 order)."""
    items = variant_items(variant)
    have = pd.DataFrame(
        {
            i: (
                pd.to_numeric(frame[i], errors="coerce").notna()
                if i in frame.columns
                else pd.Series(False, index=frame.index)
            )
            for i in items
        },
        index=frame.index,
    )
    missing = pd.Series("", index=frame.index, dtype=object)
    for item in items:  # loop over ≤ 21 items, not rows
        missing = missing + np.where(have[item].to_numpy(), "", item + ";")
    return pd.DataFrame(
        {
            "n_items": have.sum(axis=1).astype(int),
            "complete": have.all(axis=1),
            "missing_items": missing.str.rstrip(";"),
        },
        index=frame.index,
    )


def cwqi_table(
    frame: pd.DataFrame, waterbody: object = "river", variant: str = DEFAULT_VARIANT
) -> pd.DataFrame:
    """CWQI per row with ``n_items``, ``complete``, ``missing_items`` and ``variant``."""
    out = completeness(frame, variant)
    out.insert(0, "cwqi", cwqi(frame, waterbody, variant))
    out["variant"] = variant
    return out


def city_cwqi(
    sections: pd.DataFrame,
    by: str | list[str],
    waterbody: pd.Series | str = "river",
    variant: str = DEFAULT_VARIANT,
) -> pd.DataFrame:
    """River, lake and city CWQI per group of sections [@cwqi-2017:formula] [@cwqi-2017:city].

    ``sections``: one row per section with period-mean item columns. Per group, each item is
    averaged over its river (resp. lake) sections, summed to CWQI_river (CWQI_lake), and the
    city value weights them by the section counts M_river, M_lake. ``complete`` is False when
    a part present lacks an item of ``variant`` (``missing_items`` names them).
    """
    keys = [by] if isinstance(by, str) else list(by)
    lake = pd.Series(lake_mask(waterbody, sections.index), index=sections.index)
    wanted = variant_items(variant)
    items = [c for c in wanted if c in sections.columns]
    parts, present = [], []
    for is_lake, name in ((False, "river"), (True, "lake")):
        sub = sections[lake == is_lake]
        means = sub.groupby(keys, sort=True)[items].mean()
        value = cwqi(means, "lake" if is_lake else "river", variant)
        count = sub.groupby(keys, sort=True).size()
        parts.append(pd.DataFrame({f"cwqi_{name}": value, f"m_{name}": count}))
        present.append(means.notna())
    out = pd.concat(parts, axis=1)
    out[["m_river", "m_lake"]] = out[["m_river", "m_lake"]].fillna(0).astype(int)
    num = out["cwqi_river"].fillna(0) * out["m_river"] + out["cwqi_lake"].fillna(0) * out["m_lake"]
    m = out["m_river"] + out["m_lake"]
    out["cwqi"] = (num / m).where(m > 0)
    missing = pd.Series("", index=out.index, dtype=object)
    for item in wanted:  # loop over ≤ 21 items, not rows
        lacks = np.zeros(len(out), dtype=bool)
        for have, n in zip(present, (out["m_river"], out["m_lake"]), strict=True):
            ok = np.zeros(len(out), dtype=bool)
            if item in have and len(have):
                at = have.index.get_indexer(out.index)
                ok = np.where(at >= 0, have[item].to_numpy(dtype=bool)[at], False)
            lacks |= (n.to_numpy() > 0) & ~ok
        missing = missing + np.where(lacks, item + ";", "")
    out["missing_items"] = missing.str.rstrip(";")
    out["complete"] = (out["missing_items"] == "") & (m > 0)
    out["variant"] = variant
    return out


def cwqi_change(now: object, base: object) -> pd.Series:
    """ΔCWQI in % = (CWQI_now − CWQI_base)/CWQI_base × 100 (negative = improved).

    [@cwqi-2017:change] (unconfirmed).
    """
    n = pd.to_numeric(pd.Series(now), errors="coerce")
    b = pd.to_numeric(pd.Series(base), errors="coerce").set_axis(n.index)
    return ((n - b) / b.where(b != 0) * 100.0).rename("cwqi_change_pct")


def cwqi_rank(
    values: pd.Series, decimals: int | None = None, complete: pd.Series | None = None
) -> pd.Series:
    """Rank ascending (1 = best) [@cwqi-2017:rank]; ties share the best rank.

    ``decimals`` rounds first (as published values are compared), default exact. Missing
    values get no rank, nor do rows whose ``complete`` is False (when given).
    """
    v = pd.to_numeric(values, errors="coerce")
    if complete is not None:
        v = v.where(complete.reindex(v.index).fillna(False).astype(bool))
    if decimals is not None:
        v = v.round(decimals)
    return v.rank(method="min", ascending=True, na_option="keep").astype("Int64")


def rank_cwqi(table: pd.DataFrame, decimals: int | None = None) -> pd.Series:
    """Rank the units of a CWQI table: only complete ones, all of one variant.

    ``table`` has ``cwqi``, ``complete`` and ``variant`` (from :func:`city_cwqi` or
    :func:`cwqi_table`); mixing variants raises ``ValueError`` — the variants differ in
    their items and are not comparable.
    """
    variants = set(table["variant"].dropna().unique())
    if len(variants) > 1:
        raise ValueError(f"cannot rank CWQI of different variants together: {sorted(variants)}")
    return cwqi_rank(table["cwqi"], decimals, table["complete"])
