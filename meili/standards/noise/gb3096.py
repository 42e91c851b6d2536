"""GB 3096-2008 《声环境质量标准》: limits by functional-zone class and point compliance.

The text of GB 3096-2008 was NOT available to Meili's authors; every
value below comes from secondary sources, and the citation file says how sure each is:

* classes 0–3 and 4a, Table 1 (L_Aeq dB(A), day/night): 0 50/40, 1 55/45, 2 60/50, 3 65/55,
  4a 70/55 — two or more sources agree, and they equal GB 3096-1993 [@gb3096-2008:t1];
* class 4b night limit 60 dB(A) (day 70): UNCONFIRMED, one public implementation plus
  memory [@gb3096-2008:t1-4b];
* day 06:00–22:00, night 22:00–06:00 unless the county-level government sets otherwise:
  UNCONFIRMED, from memory [@gb3096-2008:hours];
* night frequent or sudden noise, L_max ≤ limit + 15 dB(A): UNCONFIRMED for the 2008
  edition, from memory (the rule is in a reproduction of GB 3096-1993) [@gb3096-2008:lmax];
* not modelled: the 70/55 background for existing railway trunk lines in 4b
  [@gb3096-2008:rail-background].

What would confirm the unconfirmed values: the official GB 3096-2008 text — its Table 1
(the 4b row), its terms and definitions (昼间/夜间) and its clause on night-time sudden
noise (夜间突发噪声).
"""

from __future__ import annotations

from typing import Final, Literal

import numpy as np
import pandas as pd

EDITION: Final = "GB 3096-2008"
Period = Literal["day", "night"]
#: GB 3096-2008 Table 1 (class → (day, night) dB(A)) [@gb3096-2008:t1]; the 4b night value
#: 60 is unconfirmed [@gb3096-2008:t1-4b].
LIMITS: Final[dict[str, tuple[float, float]]] = {
    "0": (50.0, 40.0),
    "1": (55.0, 45.0),
    "2": (60.0, 50.0),
    "3": (65.0, 55.0),
    "4a": (70.0, 55.0),
    "4b": (70.0, 60.0),
}
ZONE_CLASSES: Final = tuple(LIMITS)
#: Day 06:00–22:00 (unconfirmed, [@gb3096-2008:hours]).
DAY_START_HOUR: Final = 6
NIGHT_START_HOUR: Final = 22
#: Night L_max margin 15 dB(A) (unconfirmed for 2008, [@gb3096-2008:lmax]).
NIGHT_LMAX_MARGIN: Final = 15.0


def limits_table() -> pd.DataFrame:
    """GB 3096-2008 Table 1 as a frame indexed by class, columns ``day``, ``night`` (dB(A)).

    [@gb3096-2008:t1] [@gb3096-2008:t1-4b] (the 4b night value is unconfirmed).
    """
    return pd.DataFrame.from_dict(LIMITS, orient="index", columns=["day", "night"]).rename_axis(
        "zone_class"
    )


def normalise_zone_class(zone_class: object) -> pd.Series:
    """Class strings ``0 1 2 3 4a 4b`` from ints, ``"4A"``, ``"4a类"``, ``"Ⅱ"``…; NA if unknown.

    Bare ``4`` (GB 3096-93 class 4) is ambiguous under the 2008 edition and gives NA.
    [@gb3096-2008:t1]
    """
    s = pd.Series(zone_class) if not isinstance(zone_class, pd.Series) else zone_class
    text = (
        s.astype("string")
        .str.strip()
        .str.lower()
        .str.replace("类", "", regex=False)
        .str.replace(r"\.0$", "", regex=True)
    )
    roman = {"ⅰ": "1", "ⅱ": "2", "ⅲ": "3", "i": "1", "ii": "2", "iii": "3", "〇": "0"}
    text = text.replace(roman)
    return text.where(text.isin(list(ZONE_CLASSES))).astype("string")


def period_of(timestamps: object) -> pd.Series:
    """``"day"`` (06:00–22:00) or ``"night"`` (22:00–06:00) — GB 3096-2008 昼间/夜间.

    UNCONFIRMED: the hours are from memory [@gb3096-2008:hours]; the text (terms and
    definitions) would confirm them. A local government may set other hours.
    """
    t = pd.Series(pd.to_datetime(timestamps, errors="coerce"))
    h = t.dt.hour
    out = np.where((h >= DAY_START_HOUR) & (h < NIGHT_START_HOUR), "day", "night")
    return pd.Series(out, index=t.index, dtype="string").mask(t.isna())


def noise_limit(zone_class: object, period: object) -> pd.Series:
    """Limit L_Aeq dB(A) per (class, period) — GB 3096-2008 Table 1; NaN if either is unknown.

    [@gb3096-2008:t1]; the class 4b night limit (60) is UNCONFIRMED [@gb3096-2008:t1-4b].
    """
    z = normalise_zone_class(zone_class)
    p = pd.Series(period) if not isinstance(period, pd.Series) else period
    if len(p) == 1 and len(z) > 1:
        p = pd.Series([p.iloc[0]] * len(z), index=z.index)
    p = (
        p.astype("string")
        .str.strip()
        .str.lower()
        .replace({"昼间": "day", "夜间": "night", "d": "day", "n": "night"})
    )
    day = z.map({k: v[0] for k, v in LIMITS.items()})
    night = z.map({k: v[1] for k, v in LIMITS.items()})
    pv = p.to_numpy(dtype=object)
    lim = np.where(
        pv == "day",
        day.to_numpy(np.float64, na_value=np.nan),
        np.where(pv == "night", night.to_numpy(np.float64, na_value=np.nan), np.nan),
    )
    return pd.Series(lim, index=z.index, name="limit_dba")


def is_compliant(leq: object, zone_class: object, period: object) -> pd.Series:
    """L_Aeq ≤ limit (达标) per point measurement — GB 3096-2008 Table 1 [@gb3096-2008:t1].

    Boolean with NA when the level is missing, negative or above 200 dB, or class/period unknown.
    """
    limit = noise_limit(zone_class, period)
    s = pd.Series(leq) if not isinstance(leq, pd.Series) else leq
    v = pd.to_numeric(s, errors="coerce").to_numpy(np.float64, na_value=np.nan)
    v = np.where((v < 0) | (v > 200), np.nan, v)
    lim = limit.to_numpy(np.float64)
    ok = pd.array(v <= lim, dtype="boolean")
    ok[np.isnan(v) | np.isnan(lim)] = pd.NA
    return pd.Series(ok, index=limit.index, name="compliant")


def night_lmax_compliant(lmax: object, zone_class: object) -> pd.Series:
    """Night frequent/sudden noise: L_max ≤ night limit + 15 dB(A) — GB 3096-2008.

    UNCONFIRMED: the 15 dB(A) margin is from memory for the 2008 edition (it is in a
    reproduction of GB 3096-1993) [@gb3096-2008:lmax]; the GB 3096-2008 clause on night-time
    sudden noise would confirm it.
    """
    limit = noise_limit(zone_class, "night")
    v = pd.to_numeric(pd.Series(lmax), errors="coerce").to_numpy(np.float64, na_value=np.nan)
    lim = limit.to_numpy(np.float64) + NIGHT_LMAX_MARGIN
    ok = pd.array(v <= lim, dtype="boolean")
    ok[np.isnan(v) | np.isnan(lim)] = pd.NA
    return pd.Series(ok, index=limit.index, name="lmax_compliant")


def compliance_rates(
    frame: pd.DataFrame,
    *,
    leq: str = "leq",
    zone_class: str = "zone_class",
    period: str = "period",
    by: str | list[str] | None = None,
) -> pd.DataFrame:
    """声环境功能区昼间/夜间达标率 (%) per class and overall, against GB 3096-2008 Table 1.

    [@gb3096-2008:t1]; 4b night and the day/night hours are unconfirmed (module docstring).

    Rate = compliant point-measurements / valid point-measurements × 100, for each
    (``by`` group, period, class) and for all classes (``zone_class == "all"``). Columns:
    ``n_measurements``, ``n_compliant``, ``rate_pct``. Invalid measurements are not counted.
    """
    ok = is_compliant(frame[leq], frame[zone_class], frame[period])
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    base = frame[keys].copy() if keys else pd.DataFrame(index=frame.index)
    base["period"] = (
        frame[period]
        .astype("string")
        .str.strip()
        .str.lower()
        .replace({"昼间": "day", "夜间": "night"})
    )
    base["zone_class"] = normalise_zone_class(frame[zone_class])
    base["valid"] = ok.notna()
    base["ok"] = ok.fillna(False).astype(bool)
    base = base[base["valid"]]
    per = base.groupby([*keys, "period", "zone_class"], sort=True)["ok"].agg(["size", "sum"])
    allz = base.groupby([*keys, "period"], sort=True)["ok"].agg(["size", "sum"])
    allz = allz.assign(zone_class="all").set_index("zone_class", append=True)
    out = pd.concat([per, allz]).sort_index()
    out.columns = ["n_measurements", "n_compliant"]
    out["n_compliant"] = out["n_compliant"].astype(int)
    out["rate_pct"] = out["n_compliant"] / out["n_measurements"] * 100.0
    return out
