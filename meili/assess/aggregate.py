"""A province's value from its member cities, where the province has none of its own.

Rule (Meili's, **unconfirmed**: the HJ 663 text on provincial values is not at hand): the
province value of an indicator and year is the arithmetic mean of its member cities' annual
values, valid cities only (a city value failing its data-validity rule is left out); a
municipality is its own city and keeps its own value. The value is flagged valid when at
least one member city is valid, and says how many cities it is the mean of
(``aggregated_from``) and that the rule is unconfirmed (``note``). A province with a value of
its own (e.g. the HJ 663 daily-mean air statistics of :mod:`meili.methods.air`) keeps it.
"""

from __future__ import annotations

import pandas as pd

RULE_ZH = "省级值 = 所辖城市年值的算术平均（仅有效城市；规则待确认，HJ 663 原文未核）"
RULE_EN = (
    "province value = mean of its member cities' valid annual values "
    "(rule unconfirmed: the HJ 663 text is not at hand)"
)


def province_of(city: str) -> str:
    """The province (GB/T 2260 ``xx0000``) of a division code."""
    return str(city)[:2] + "0000"


def fill_provinces(provinces: pd.DataFrame, cities: pd.DataFrame) -> pd.DataFrame:
    """``provinces`` (columns zone, indicator, value, valid, …; zone = province code) with each
    missing value replaced by the mean of its member cities' valid values in ``cities`` (same
    columns, zone = city code). Filled rows get ``aggregated_from`` (number of cities) and
    ``note``; every other row is returned unchanged."""
    out = provinces.copy()
    out["aggregated_from"] = pd.array([pd.NA] * len(out), dtype="Int64")
    if cities.empty or out.empty:
        return out
    good = cities[cities["value"].notna() & cities["valid"].eq(True)]
    good = good[~good["zone"].astype(str).str.endswith("0000")]  # municipalities stand alone
    means = (
        good.assign(province=good["zone"].map(province_of))
        .groupby(["province", "indicator"])["value"]
        .agg(["mean", "size"])
    )
    if means.empty:
        return out
    keys = pd.MultiIndex.from_arrays([out["zone"].astype(str), out["indicator"]])
    at = means.index.get_indexer(keys)
    hole = out["value"].isna().to_numpy() & (at >= 0)
    if not hole.any():
        return out
    out.loc[hole, "value"] = means["mean"].to_numpy()[at[hole]]
    out.loc[hole, "valid"] = True
    out.loc[hole, "aggregated_from"] = means["size"].to_numpy()[at[hole]]
    out.loc[hole, "note"] = RULE_EN
    for lang, text in (("zh", RULE_ZH), ("en", RULE_EN)):
        if f"reason_{lang}" in out:
            out.loc[hole, f"reason_{lang}"] = text
    if "status" in out:
        out.loc[hole, "status"] = "aggregated"
    return out
