"""GB 3838-2002 Table 1 (basic items) as versioned data, and the single-factor class of each item.

GB 3838-2002 §3 (five classes), Table 1 and §5.1 (single-factor assessment), read in the
official scan [@gb3838-2002:3] [@gb3838-2002:t1] [@gb3838-2002:5.1]. DO Class Ⅰ is
"饱和率90%（或7.5）" [@gb3838-2002:t1-do]: met at 90 % saturation or 7.5 mg/L; the
saturation needs the water temperature (column ``temp_c``, °C) and is computed with the
Benson–Krause equation [@benson-krause:do-saturation].

Item codes (columns of every frame in :mod:`meili.standards.water`), all in mg/L except
pH (dimensionless) and fecal coliform (个/L):

``ph do codmn cod bod5 nh3n tp tn cu zn f se as hg cd cr6 pb cn volatile_phenol petroleum
las s2 fecal_coliform``.

Water temperature (Table 1 item 1) limits a man-made change, not a concentration, so it has no
class here. Classes are integers 1…6 (6 = 劣Ⅴ) internally and the labels ``Ⅰ Ⅱ Ⅲ Ⅳ Ⅴ 劣Ⅴ``
(Unicode Roman numerals U+2160…) outside.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd

EDITION: Final = "GB 3838-2002"
CLASS_LABELS: Final = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ")
WORSE_THAN_V: Final = 6
#: Relative tolerance for "at the limit": only absorbs binary floating-point error (e.g. a
#: mean of 0.1 and 0.2 must meet a 0.15 limit); it is not a rounding rule.
REL_TOL: Final = 1e-9

Direction = Literal["max", "min", "range"]
Waterbody = Literal["river", "lake"]


@dataclass(frozen=True)
class ItemLimits:
    """One row of GB 3838-2002 Table 1: limits for Classes Ⅰ…Ⅴ.

    [@gb3838-2002:t1]
    """

    code: str
    number: int  # 序号 in Table 1
    name_zh: str
    unit: str
    direction: Direction  # "max": ≤ limit; "min": ≥ limit (DO); "range": pH 6–9
    limits: tuple[float, ...]  # Classes Ⅰ…Ⅴ (pH: (low, high))
    lake_limits: tuple[float, ...] | None = None  # TP for lakes/reservoirs (湖、库)


#: GB 3838-2002 Table 1, read from the official scan (PDF page 5, "表1 地表水环境质量标准基本
#: 项目标准限值") [@gb3838-2002:t1]. DO Class Ⅰ is "饱和率90%（或7.5）": 7.5 mg/L here, and 90 %
#: of saturation where the temperature is known (:func:`do_saturation`).
TABLE1: Final[dict[str, ItemLimits]] = {
    row.code: row
    for row in (
        ItemLimits("ph", 2, "pH值", "无量纲", "range", (6.0, 9.0)),
        ItemLimits("do", 3, "溶解氧", "mg/L", "min", (7.5, 6.0, 5.0, 3.0, 2.0)),
        ItemLimits("codmn", 4, "高锰酸盐指数", "mg/L", "max", (2.0, 4.0, 6.0, 10.0, 15.0)),
        ItemLimits("cod", 5, "化学需氧量", "mg/L", "max", (15.0, 15.0, 20.0, 30.0, 40.0)),
        ItemLimits("bod5", 6, "五日生化需氧量", "mg/L", "max", (3.0, 3.0, 4.0, 6.0, 10.0)),
        ItemLimits("nh3n", 7, "氨氮", "mg/L", "max", (0.15, 0.5, 1.0, 1.5, 2.0)),
        ItemLimits(
            "tp",
            8,
            "总磷",
            "mg/L",
            "max",
            (0.02, 0.1, 0.2, 0.3, 0.4),
            lake_limits=(0.01, 0.025, 0.05, 0.1, 0.2),
        ),
        ItemLimits("tn", 9, "总氮", "mg/L", "max", (0.2, 0.5, 1.0, 1.5, 2.0)),
        ItemLimits("cu", 10, "铜", "mg/L", "max", (0.01, 1.0, 1.0, 1.0, 1.0)),
        ItemLimits("zn", 11, "锌", "mg/L", "max", (0.05, 1.0, 1.0, 2.0, 2.0)),
        ItemLimits("f", 12, "氟化物", "mg/L", "max", (1.0, 1.0, 1.0, 1.5, 1.5)),
        ItemLimits("se", 13, "硒", "mg/L", "max", (0.01, 0.01, 0.01, 0.02, 0.02)),
        ItemLimits("as", 14, "砷", "mg/L", "max", (0.05, 0.05, 0.05, 0.1, 0.1)),
        ItemLimits("hg", 15, "汞", "mg/L", "max", (0.00005, 0.00005, 0.0001, 0.001, 0.001)),
        ItemLimits("cd", 16, "镉", "mg/L", "max", (0.001, 0.005, 0.005, 0.005, 0.01)),
        ItemLimits("cr6", 17, "铬（六价）", "mg/L", "max", (0.01, 0.05, 0.05, 0.05, 0.1)),
        ItemLimits("pb", 18, "铅", "mg/L", "max", (0.01, 0.01, 0.05, 0.05, 0.1)),
        ItemLimits("cn", 19, "氰化物", "mg/L", "max", (0.005, 0.05, 0.2, 0.2, 0.2)),
        ItemLimits(
            "volatile_phenol", 20, "挥发酚", "mg/L", "max", (0.002, 0.002, 0.005, 0.01, 0.1)
        ),
        ItemLimits("petroleum", 21, "石油类", "mg/L", "max", (0.05, 0.05, 0.05, 0.5, 1.0)),
        ItemLimits("las", 22, "阴离子表面活性剂", "mg/L", "max", (0.2, 0.2, 0.2, 0.3, 0.3)),
        ItemLimits("s2", 23, "硫化物", "mg/L", "max", (0.05, 0.1, 0.2, 0.5, 1.0)),
        ItemLimits(
            "fecal_coliform",
            24,
            "粪大肠菌群",
            "个/L",
            "max",
            (200.0, 2000.0, 10000.0, 20000.0, 40000.0),
        ),
    )
}
ITEMS: Final = tuple(TABLE1)
EDITIONS: Final = {"2002": TABLE1, "GB 3838-2002": TABLE1}
#: Water temperature column (°C) used for the DO saturation of Class Ⅰ.
TEMPERATURE: Final = "temp_c"
#: DO Class Ⅰ: "饱和率90%" of GB 3838-2002 Table 1 item 3.
DO_CLASS_I_SATURATION: Final = 0.90
#: Benson & Krause (1984) fresh water at 1 atm: ln C* = Σ a_k / T^k, T in K, C* in mg/L.
_BENSON_KRAUSE: Final = (-139.34411, 1.575701e5, -6.642308e7, 1.243800e10, -8.621949e11)


def do_saturation(temp_c: object) -> np.ndarray:
    """Saturated DO (mg/L) of fresh water at 1 atm for water temperatures in °C.

    Benson & Krause (1984) [@benson-krause:do-saturation]: ln C* = −139.34411 +
    1.575701e5/T − 6.642308e7/T² + 1.243800e10/T³ − 8.621949e11/T⁴, T = t + 273.15 K
    (valid 0–40 °C; outside, and for missing temperatures, NaN). E.g. 20 °C → 9.09 mg/L.
    Salinity and altitude (pressure) are not corrected for: GB 3838 states no method.
    """
    t = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(temp_c)), errors="coerce"), float)
    kelvin = t + 273.15
    ln_c = sum(a / kelvin**k for k, a in enumerate(_BENSON_KRAUSE))
    out = np.exp(ln_c)
    out[~((t >= 0) & (t <= 40))] = np.nan
    return out


def table1(edition: str = "2002") -> pd.DataFrame:
    """GB 3838-2002 Table 1 as a frame (one row per item, columns Ⅰ…Ⅴ; TP lake row ``tp_lake``).

    [@gb3838-2002:t1]
    """
    rows = []
    for row in limits_of(edition).values():
        rng = (f"{row.limits[0]:g}–{row.limits[1]:g}",) * 5
        lim = row.limits if row.direction != "range" else rng
        rows.append(
            {
                "item": row.code,
                "name_zh": row.name_zh,
                "unit": row.unit,
                "direction": row.direction,
                **dict(zip(CLASS_LABELS[:5], lim, strict=True)),
            }
        )
        if row.lake_limits is not None:
            rows.append(
                {
                    "item": f"{row.code}_lake",
                    "name_zh": f"{row.name_zh}（湖、库）",
                    "unit": row.unit,
                    "direction": row.direction,
                    **dict(zip(CLASS_LABELS[:5], row.lake_limits, strict=True)),
                }
            )
    return pd.DataFrame(rows).set_index("item")


def limits_of(edition: str = "2002") -> dict[str, ItemLimits]:
    """The Table 1 rows of a GB 3838 edition (only ``"2002"`` exists); ``ValueError`` otherwise.

    [@gb3838-2002:t1]
    """
    try:
        return EDITIONS[str(edition)]
    except KeyError:
        raise ValueError(f"unknown GB 3838 edition {edition!r}; use '2002'") from None


def lake_mask(waterbody: object, index: pd.Index) -> np.ndarray:
    """Boolean array: row is a lake/reservoir (湖、库) — GB 3838-2002 Table 1 item 8 note.

    ``waterbody`` is ``"river"``/``"lake"`` (``"reservoir"``, ``"湖"``, ``"库"`` also mean lake)
    or a Series of those aligned on ``index``; an unknown word raises ``ValueError``.
    [@gb3838-2002:t1]
    """
    if isinstance(waterbody, pd.Series):
        words = waterbody.reindex(index).astype("string").str.strip().str.lower()
    else:
        words = pd.Series(
            [str(waterbody).strip().lower()] * len(index), index=index, dtype="string"
        )
    lake = words.isin(list(_LAKE_WORDS))
    river = words.isin(list(_RIVER_WORDS))
    bad = ~(lake | river) & words.notna()
    if bad.any():
        raise ValueError(f"unknown waterbody {words[bad].iloc[0]!r}; use 'river' or 'lake'")
    return lake.fillna(False).to_numpy(dtype=bool)


_LAKE_WORDS: Final = frozenset(
    {"lake", "reservoir", "lake/reservoir", "湖", "库", "湖库", "湖泊", "水库"}
)
_RIVER_WORDS: Final = frozenset({"river", "河", "河流", "江", "canal", "渠"})


def valid_values(item: str, values: np.ndarray) -> np.ndarray:
    """Values with impossible ones set to NaN: negative concentrations, pH outside 0–14.

    Impossible values are never classified (they are data errors, not pollution); the parse
    layer (:mod:`meili.standards.water.parse`) reports them with a reason.
    """
    v = np.asarray(values, dtype=np.float64).copy()
    bad = ~np.isfinite(v) | ((v < 0) & (item != TEMPERATURE))  # water may be just below 0 °C
    if item == "ph":
        bad |= v > 14
    v[bad] = np.nan
    return v


def item_class(
    item: str,
    values: object,
    lake: object = False,
    edition: str = "2002",
    temperature: object = None,
) -> np.ndarray:
    """Single-factor class 1…6 (6 = 劣Ⅴ, NaN = missing) of one item, GB 3838-2002 Table 1.

    [@gb3838-2002:t1]. ≤ items: the best class whose limit the value does not exceed, so a
    limit shared by several classes (COD Ⅰ = Ⅱ = 15) gives the better class. DO (item 3) is
    ≥; its Class Ⅰ is met at 7.5 mg/L or, where ``temperature`` (°C, per value) is known, at
    90 % of saturation [@gb3838-2002:t1-do] — whichever is met first ("或"). pH (item 2):
    6–9 for all classes, so inside → Ⅰ, outside → 劣Ⅴ. TP (item 8) uses the 湖、库 limits
    where ``lake``.
    """
    row = limits_of(edition)[item]
    v = valid_values(
        item,
        np.asarray(
            pd.to_numeric(pd.Series(np.atleast_1d(values)), errors="coerce"), dtype=np.float64
        ),
    )
    out = np.full(v.shape, np.nan)
    ok = ~np.isnan(v)
    if row.direction == "range":
        lo, hi = row.limits
        inside = (v >= lo * (1 - REL_TOL)) & (v <= hi * (1 + REL_TOL))
        out[ok] = np.where(inside[ok], 1.0, float(WORSE_THAN_V))
        return out
    lim = np.broadcast_to(np.asarray(row.limits, dtype=np.float64), (v.size, 5))
    if row.lake_limits is not None:
        is_lake = np.broadcast_to(np.asarray(lake, dtype=bool), v.shape)
        lim = np.where(is_lake[:, None], np.asarray(row.lake_limits)[None, :], lim)
    if row.direction == "max":
        failed = v[:, None] > lim * (1 + REL_TOL)
    else:  # "min": DO, higher is better
        failed = v[:, None] < lim * (1 - REL_TOL)
        if item == "do" and temperature is not None:  # Class Ⅰ also at 90 % saturation
            sat = DO_CLASS_I_SATURATION * do_saturation(
                np.broadcast_to(np.asarray(temperature, dtype=object), v.shape)
            )
            failed[:, 0] &= ~(v >= sat * (1 - REL_TOL))
    out[ok] = 1.0 + failed[ok].sum(axis=1)
    return out


def single_factor_classes(
    frame: pd.DataFrame,
    waterbody: object = "river",
    items: tuple[str, ...] | None = None,
    edition: str = "2002",
) -> pd.DataFrame:
    """Class 1…6 (Float64, NA = missing) of every Table 1 item column, GB 3838-2002 §5.1.

    [@gb3838-2002:5.1]. Columns of ``frame`` that are not item codes are ignored; ``items``
    restricts the items. A ``temp_c`` column (°C) lets DO meet Class Ⅰ at 90 % saturation.
    """
    lake = lake_mask(waterbody, frame.index)
    wanted = [c for c in (items or ITEMS) if c in frame.columns and c in limits_of(edition)]
    temp = frame[TEMPERATURE].to_numpy() if TEMPERATURE in frame.columns else None
    data = {c: item_class(c, frame[c].to_numpy(), lake, edition, temp) for c in wanted}
    return pd.DataFrame(data, index=frame.index, columns=wanted).astype("Float64")


def class_labels(numbers: object) -> pd.Series:
    """Labels ``Ⅰ…劣Ⅴ`` (string dtype, NA for missing) for class numbers 1…6."""
    s = pd.Series(numbers) if not isinstance(numbers, pd.Series) else numbers
    n = pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    ok = np.isfinite(n) & (n >= 1) & (n <= 6)
    labels = np.array(CLASS_LABELS, dtype=object)
    out = np.full(n.shape, None, dtype=object)
    out[ok] = labels[n[ok].astype(int) - 1]
    return pd.Series(out, index=s.index, dtype="string")


_LABEL_NUMBERS: Final = {
    **{lab: i + 1 for i, lab in enumerate(CLASS_LABELS)},
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "劣V": 6,
    "劣5": 6,
    "1": 1,
    "2": 2,
    "3": 3,
    "4": 4,
    "5": 5,
    "6": 6,
}


def class_numbers(labels: object) -> pd.Series:
    """Class numbers 1…6 (Float64, NA when not a class) from labels ``Ⅰ…劣Ⅴ`` or ASCII ``I…劣V``."""
    s = pd.Series(labels) if not isinstance(labels, pd.Series) else labels
    key = s.astype("string").str.strip().str.upper().str.replace("类", "", regex=False)
    return pd.to_numeric(key.map(_LABEL_NUMBERS), errors="coerce").astype("Float64")


def class_limit(item: str, klass: int, lake: bool = False, edition: str = "2002") -> float:
    """The Table 1 limit of ``item`` for class 1…5 (pH: raises — it is a range)."""
    row = limits_of(edition)[item]
    if row.direction == "range":
        raise ValueError("pH has the range 6–9 for every class, not a single limit")
    lim = row.lake_limits if (lake and row.lake_limits is not None) else row.limits
    return lim[int(klass) - 1]
