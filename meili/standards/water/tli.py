"""Comprehensive trophic level index TLI(Σ) of lakes/reservoirs.

《湖泊（水库）富营养化评价方法及分级技术规定》(中国环境监测总站 总站生字〔2001〕090号), adopted by
环办〔2011〕22号 for lake nutrient status [@hbb2011-22:lake-nutrients] [@tli-2001:formula]:

* TLI(Σ) = Σ W_j·TLI(j), W_j = r_ij² / Σ r_ij² over the parameters used, r_ij = correlation of
  parameter j with chla for Chinese lakes: chla 1, TP 0.84, TN 0.82, SD −0.83, CODMn 0.83;
* TLI(chla) = 10(2.5 + 1.086 ln chla), TLI(TP) = 10(9.436 + 1.624 ln TP),
  TLI(TN) = 10(5.453 + 1.694 ln TN), TLI(SD) = 10(5.118 − 1.94 ln SD),
  TLI(CODMn) = 10(0.109 + 2.661 ln CODMn);
* units: chla mg/m³ (= µg/L; CNEMC files give mg/L, multiply by 1000), SD m, others mg/L.

Columns: ``chla, tp, tn, sd, codmn``.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

PARAMETERS: Final = ("chla", "tp", "tn", "sd", "codmn")
#: r_ij with chla (总站生字〔2001〕090号 表1, Chinese lakes).
CORRELATION: Final = {"chla": 1.0, "tp": 0.84, "tn": 0.82, "sd": -0.83, "codmn": 0.83}
#: (a, b) of TLI(j) = 10(a + b ln x).
COEFFICIENTS: Final = {
    "chla": (2.5, 1.086),
    "tp": (9.436, 1.624),
    "tn": (5.453, 1.694),
    "sd": (5.118, -1.94),
    "codmn": (0.109, 2.661),
}
#: Grades: TLI < 30 贫营养; 30 ≤ TLI ≤ 50 中营养; 50 < TLI ≤ 60 轻度富营养;
#: 60 < TLI ≤ 70 中度富营养; TLI > 70 重度富营养 [@tli-2001:grades] (bounds as printed in one
#: mirror; unconfirmed).
GRADES: Final = ("贫营养", "中营养", "轻度富营养", "中度富营养", "重度富营养")


def weights(parameters: tuple[str, ...] = PARAMETERS) -> dict[str, float]:
    """W_j = r_ij² / Σ r_ij² over ``parameters`` (总站生字〔2001〕090号 formula (2)).

    [@tli-2001:formula]
    """
    r2 = {p: CORRELATION[p] ** 2 for p in parameters}
    total = sum(r2.values())
    return {p: v / total for p, v in r2.items()}


def tli_components(frame: pd.DataFrame) -> pd.DataFrame:
    """TLI(j) of every parameter column present (NaN where the value is missing or ≤ 0)."""
    out = {}
    for p in PARAMETERS:
        if p not in frame.columns:
            continue
        x = pd.to_numeric(frame[p], errors="coerce").to_numpy(np.float64, na_value=np.nan)
        a, b = COEFFICIENTS[p]
        with np.errstate(divide="ignore", invalid="ignore"):
            out[p] = np.where(x > 0, 10.0 * (a + b * np.log(np.where(x > 0, x, 1.0))), np.nan)
    return pd.DataFrame(out, index=frame.index)


def tli(frame: pd.DataFrame, *, partial: bool = False) -> pd.Series:
    """TLI(Σ) per row — 总站生字〔2001〕090号 formula (1) [@tli-2001:formula].

    By default all five parameters are required (NaN otherwise). ``partial=True`` uses the
    parameters present in each row, re-weighting W_j over them as formula (2) defines.
    """
    comp = tli_components(frame).reindex(columns=list(PARAMETERS))
    r2 = np.array([CORRELATION[p] ** 2 for p in PARAMETERS])
    values = comp.to_numpy(np.float64)
    present = ~np.isnan(values)
    w = np.where(present, r2[None, :], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = (np.nan_to_num(values) * w).sum(axis=1) / w.sum(axis=1)
    need = present.all(axis=1) if not partial else present.any(axis=1)
    return pd.Series(np.where(need, total, np.nan), index=frame.index, name="tli")


def trophic_grade(values: object) -> pd.Series:
    """贫营养 / 中营养 / 轻度 / 中度 / 重度富营养 for TLI(Σ) values (grades as in ``GRADES``).

    [@tli-2001:grades] (bounds from one mirror; unconfirmed).
    """
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    v = pd.to_numeric(s, errors="coerce").to_numpy(np.float64, na_value=np.nan)
    grade = np.select([v < 30, v <= 50, v <= 60, v <= 70, v > 70], list(GRADES), default="")
    return pd.Series(grade, index=s.index, dtype="string").mask(np.isnan(v))


def is_eutrophic(values: object) -> pd.Series:
    """TLI(Σ) > 50 (富营养), boolean with NA for missing."""
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    v = pd.to_numeric(s, errors="coerce")
    return (v > 50).astype("boolean").mask(v.isna())
