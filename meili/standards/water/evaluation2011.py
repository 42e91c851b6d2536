"""Section (断面) evaluation by 《地表水环境质量评价办法（试行）》, 环办〔2011〕22号.

The method's text was not available to Meili's authors; each clause cites its entry in
the citation file, which says how it was checked:

* routine items: the 21 GB 3838-2002 Table 1 items other than water temperature, TN and
  fecal coliform; those three are reference items evaluated separately; TN only for
  lakes/reservoirs [@hbb2011-22:items] [@hbb2011-22:lake-tn];
* section class = worst single-factor class of the assessed items ("符合/劣于")
  [@hbb2011-22:section-class];
* 超标倍数 = (C − C_Ⅲ)/C_Ⅲ, none for temperature, pH and DO;
* main pollution indicators: when worse than Ⅲ, the 3 worst items by class, ties broken by
  the exceedance multiple; cyanide and heavy metals that exceed Ⅲ come first
  [@hbb2011-22:main-pollutants] [@hbb2011-22:priority];
* several measurements in a period: arithmetic mean of each item first, then classify
  [@hbb2011-22:statistics].
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from meili.standards.water.gb3838 import (
    TABLE1,
    TEMPERATURE,
    class_labels,
    class_limit,
    class_numbers,
    lake_mask,
    single_factor_classes,
    valid_values,
)

#: 环办〔2011〕22号 评价指标 [@hbb2011-22:items]: the 21 routine items
#: (GB 3838-2002 Table 1 minus temperature, TN, fecal coliform).
ROUTINE_ITEMS: Final = (
    "ph",
    "do",
    "codmn",
    "cod",
    "bod5",
    "nh3n",
    "tp",
    "cu",
    "zn",
    "f",
    "se",
    "as",
    "hg",
    "cd",
    "cr6",
    "pb",
    "cn",
    "volatile_phenol",
    "petroleum",
    "las",
    "s2",
)
#: Reference items evaluated on their own (water temperature has no class).
REFERENCE_ITEMS: Final = ("tn", "fecal_coliform")
#: Items without an exceedance multiple (环办〔2011〕22号; temperature has no column).
NO_MULTIPLE: Final = ("ph", "do")
#: Cyanide and heavy metals listed as main pollutants whenever they exceed Class Ⅲ
#: ("氰化物或铅、铬等重金属"). The heavy-metal set is Meili's reading of "等": Cu, Zn, Hg, Cd,
#: Cr(VI), Pb, plus the metalloid As [@hbb2011-22:priority] (from memory: unconfirmed).
PRIORITY_ITEMS: Final = ("cn", "hg", "cd", "cr6", "pb", "as", "cu", "zn")
#: Qualitative grade of a section class [@hbb2011-22:grades].
SECTION_GRADES: Final = ("优", "优", "良好", "轻度污染", "中度污染", "重度污染")
GRADE_COLOURS: Final = {
    "优": "blue",
    "良好": "green",
    "轻度污染": "yellow",
    "中度污染": "orange",
    "重度污染": "red",
}


def _items(frame: pd.DataFrame, items: tuple[str, ...]) -> list[str]:
    return [c for c in items if c in frame.columns]


def section_class_numbers(
    frame: pd.DataFrame, waterbody: object = "river", *, with_tn: bool = False
) -> pd.Series:
    """Class 1…6 (Float64, NA if no routine item) of each row.

    环办〔2011〕22号 断面水质评价 [@hbb2011-22:section-class] [@hbb2011-22:lake-tn].

    Worst single-factor class over the routine items present. ``with_tn=True`` adds TN for
    lake/reservoir rows only (the method's separate "含总氮" lake evaluation; TN is not assessed
    for rivers).
    """
    classes = single_factor_classes(frame, waterbody, (*ROUTINE_ITEMS, "tn"))
    if "tn" in classes.columns:
        lake = lake_mask(waterbody, frame.index)
        classes["tn"] = classes["tn"].where(pd.Series(lake & with_tn, index=frame.index))
    return classes.max(axis=1, skipna=True).astype("Float64")


def classify(
    frame: pd.DataFrame, waterbody: object = "river", *, with_tn: bool = False
) -> pd.Series:
    """Section class label ``Ⅰ Ⅱ Ⅲ Ⅳ Ⅴ 劣Ⅴ`` of each row (string dtype, NA where no item).

    环办〔2011〕22号 断面水质评价, single-factor method over the 21 routine items of GB 3838-2002
    Table 1; TP by river or 湖、库 limits per ``waterbody`` (scalar or per-row Series). Temperature,
    TN and fecal coliform are ignored unless ``with_tn`` (TN for lake rows only).
    [@hbb2011-22:section-class] [@gb3838-2002:5.1]
    """
    return class_labels(section_class_numbers(frame, waterbody, with_tn=with_tn))


def quality_grade(classes: object) -> pd.Series:
    """优/良好/轻度污染/中度污染/重度污染 for section classes.

    环办〔2011〕22号 断面水质定性评价 [@hbb2011-22:grades].
    """
    n = class_numbers(classes).to_numpy(dtype=np.float64, na_value=np.nan)
    ok = np.isfinite(n)
    out = np.full(n.shape, None, dtype=object)
    out[ok] = np.array(SECTION_GRADES, dtype=object)[n[ok].astype(int) - 1]
    idx = classes.index if isinstance(classes, pd.Series) else None
    return pd.Series(out, index=idx, dtype="string")


def _limits_frame(
    frame: pd.DataFrame, items: list[str], klass: pd.Series, lake: np.ndarray
) -> pd.DataFrame:
    """Per-row limit of each item for a per-row target class (1…5)."""
    out = {}
    k = klass.to_numpy(dtype=np.float64, na_value=np.nan)
    for item in items:
        row = TABLE1[item]
        table = np.array([row.limits, row.lake_limits or row.limits], dtype=np.float64)
        kk = np.nan_to_num(k, nan=1).astype(int).clip(1, 5) - 1
        lim = table[lake.astype(int), kk]
        lim[np.isnan(k)] = np.nan
        out[item] = lim
    return pd.DataFrame(out, index=frame.index, columns=items)


def exceedance_multiples(
    frame: pd.DataFrame,
    waterbody: object = "river",
    target: object = "Ⅲ",
    items: tuple[str, ...] = ROUTINE_ITEMS + REFERENCE_ITEMS,
) -> pd.DataFrame:
    """超标倍数 (C − C_s)/C_s per item where C exceeds the target-class limit C_s, else NaN.

    GB 3838-2002 §5.1 (state exceedance items and multiples); 环办〔2011〕22号 (C_s = Class Ⅲ for
    main pollutants; no multiple for temperature, pH, DO — those columns are left out).
    ``target`` is a class label/number, scalar or per-row Series.
    [@gb3838-2002:5.1] [@hbb2011-22:main-pollutants]
    """
    lake = lake_mask(waterbody, frame.index)
    cols = [c for c in _items(frame, items) if TABLE1[c].direction == "max"]
    klass = _target_series(target, frame.index)
    lim = _limits_frame(frame, cols, klass, lake)
    conc = pd.DataFrame(
        {
            c: valid_values(
                c,
                pd.to_numeric(frame[c], errors="coerce").to_numpy(
                    dtype=np.float64, na_value=np.nan
                ),
            )
            for c in cols
        },
        index=frame.index,
        columns=cols,
    )
    mult = (conc - lim) / lim
    return mult.where(conc > lim * (1 + 1e-9))


def _target_series(target: object, index: pd.Index) -> pd.Series:
    if isinstance(target, pd.Series):
        k = class_numbers(target.reindex(index))
    else:
        k = class_numbers(pd.Series([target] * len(index), index=index, dtype=object))
    if ((k < 1) | (k > 5)).any():
        raise ValueError("a target class must be Ⅰ…Ⅴ")
    return k


def main_pollutants(
    frame: pd.DataFrame, waterbody: object = "river", n: int = 3, *, with_tn: bool = False
) -> pd.DataFrame:
    """Main pollution indicators (主要污染指标) of sections worse than Ⅲ.

    环办〔2011〕22号 主要污染指标的确定 [@hbb2011-22:main-pollutants] [@hbb2011-22:priority]
    (the method's text was not read: one source and memory; what would confirm it: the full
    text of 环办〔2011〕22号). Items worse than Class Ⅲ are ranked by class (worst first), ties
    by 超标倍数 against Ⅲ (largest first; pH/DO, which have none, rank after items of the same
    class that do, then Table 1 order). Cyanide and heavy metals (``PRIORITY_ITEMS``) worse
    than Ⅲ come first ("优先作为主要污染指标"), among themselves by the same order, and are
    always kept; the others fill the list up to ``n``. With ``with_tn``, TN is assessed for
    lake/reservoir rows [@hbb2011-22:lake-tn] and can be a main pollutant there. Long frame:
    ``row`` (index label), ``rank``, ``item``, ``class`` (label), ``multiple``, ``reason``
    (``"priority"`` or ``"top"``). Sections not worse than Ⅲ give none.
    """
    candidates = (*ROUTINE_ITEMS, "tn") if with_tn else ROUTINE_ITEMS
    items = _items(frame, candidates)
    classes = single_factor_classes(frame, waterbody, candidates)
    mults = exceedance_multiples(frame, waterbody, "Ⅲ", candidates).reindex(columns=items)
    if "tn" in items:  # TN is assessed for lakes and reservoirs only
        lake = pd.Series(lake_mask(waterbody, frame.index), index=frame.index)
        classes["tn"] = classes["tn"].where(lake)
        mults["tn"] = mults["tn"].where(lake)
    cls = classes.reindex(columns=items).to_numpy(dtype=np.float64, na_value=np.nan)
    mult = mults.to_numpy(dtype=np.float64, na_value=np.nan)
    over = np.nan_to_num(cls, nan=0) > 3
    is_priority = np.isin(np.array(items, dtype=object), PRIORITY_ITEMS)[None, :]
    # sort key: exceeding priority items first, then class desc, multiple desc, Table 1 order
    order_in_table = np.broadcast_to(np.arange(len(items))[None, :], cls.shape)
    key_first = np.where(over & is_priority, 0, 1)
    key_class = np.where(over, -np.nan_to_num(cls, nan=0), np.inf)
    key_mult = np.where(np.isnan(mult), np.inf, -mult)
    order = np.lexsort((order_in_table, key_mult, key_class, key_first), axis=1)
    rows = np.arange(cls.shape[0])[:, None]
    over_sorted = over[rows, order]
    rank = np.cumsum(over_sorted, axis=1)
    names = np.array(items, dtype=object)[order]
    priority = np.isin(names, PRIORITY_ITEMS)
    keep = over_sorted & ((rank <= n) | priority)
    r, c = np.nonzero(keep)
    out = pd.DataFrame(
        {
            "row": frame.index.to_numpy()[r],
            "rank": rank[r, c],
            "item": names[r, c],
            "class": class_labels(cls[r, order[r, c]]).to_numpy(),
            "multiple": mult[r, order[r, c]],
            "reason": np.where(priority[r, c], "priority", "top"),
        }
    )
    return out.astype({"item": "string", "reason": "string", "class": "string"})


def meets_target(
    frame: pd.DataFrame, target: object, waterbody: object = "river", *, with_tn: bool = False
) -> pd.Series:
    """Section class meets its target class (水质目标达标), boolean (NA where no class).

    GB 3838-2002 §5.1: single-factor assessment against the class the water function requires;
    the section class is that of :func:`classify`. ``target`` scalar or per-row Series.
    [@gb3838-2002:5.1]
    """
    k = section_class_numbers(frame, waterbody, with_tn=with_tn)
    t = _target_series(target, frame.index)
    return (k <= t).astype("boolean")


def period_means(frame: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Arithmetic mean of each item per group — 环办〔2011〕22号 数据统计 (周、旬、月、季、年).

    Impossible values (negative, pH outside 0–14) are dropped first; means skip missing values.
    [@hbb2011-22:statistics] (one source: unconfirmed)
    """
    keys = [by] if isinstance(by, str) else list(by)
    items = [c for c in (*TABLE1, TEMPERATURE) if c in frame.columns and c not in keys]
    clean = pd.DataFrame(
        {
            c: valid_values(
                c,
                pd.to_numeric(frame[c], errors="coerce").to_numpy(
                    dtype=np.float64, na_value=np.nan
                ),
            )
            for c in items
        },
        index=frame.index,
    )
    for k in keys:
        clean[k] = frame[k].to_numpy()
    return clean.groupby(keys, sort=True, dropna=False)[items].mean()


def classify_period(
    frame: pd.DataFrame,
    by: str | list[str],
    waterbody: object = "river",
    *,
    with_tn: bool = False,
) -> pd.Series:
    """Class of each group from its period means: mean first, then classify.

    环办〔2011〕22号 数据统计 [@hbb2011-22:statistics] (one source: unconfirmed).

    ``waterbody``: scalar, or a per-row Series of ``frame`` (the first value of each group is used).
    """
    means = period_means(frame, by)
    if isinstance(waterbody, pd.Series):
        keys = [by] if isinstance(by, str) else list(by)
        wb = pd.concat([frame[keys], waterbody.rename("_wb")], axis=1)
        waterbody = wb.groupby(keys, sort=True, dropna=False)["_wb"].first().reindex(means.index)
    return classify(means, waterbody, with_tn=with_tn)


__all__ = [
    "NO_MULTIPLE",
    "PRIORITY_ITEMS",
    "REFERENCE_ITEMS",
    "ROUTINE_ITEMS",
    "class_limit",
    "classify",
    "classify_period",
    "exceedance_multiples",
    "main_pollutants",
    "meets_target",
    "period_means",
    "quality_grade",
    "section_class_numbers",
]
