"""Raw monitoring strings → numbers plus a per-cell flag, for ingestion and quarantine.

Markers (CNEMC releases and HJ 91.2-style lab reports):

* ``--``, empty, ``NA`` → ``missing``; ``*`` → ``not_measured`` (CNEMC: not measured / maintenance);
* ``0.01L``, ``<0.01``, ``＜0.01``, ``ND(0.01)`` → ``below_detection`` (detection limit 0.01);
  a bare ``ND``/``未检出`` → ``below_detection_no_limit`` (value missing);
* a negative number → ``negative``; pH outside 0–14 → ``ph_out_of_range``;
  anything else not a number → ``unparseable``. Flagged cells get NaN, except below-detection.

Below-detection values. GB 3838-2002 and the 2011 method (环办〔2011〕22号) are silent
[@meili:water-detection-limit]:
a 2016 review of the method (《环境监测管理与技术》2016(6)) lists the treatment of values below
the detection limit among the points the method leaves open. Meili's default is **half the
detection limit** (``"half"``), the usual convention of Chinese monitoring statistics, which keeps
a below-DL value in the best class whenever the DL itself is within Class Ⅰ (true for the usual
methods) and does not bias period means upward. ``"limit"`` (conservative), ``"zero"`` and
``"missing"`` are available; the flag always records that the value was below the DL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd

BelowDetection = Literal["half", "limit", "zero", "missing"]
FLAGS: Final = (
    "ok",
    "missing",
    "not_measured",
    "below_detection",
    "below_detection_no_limit",
    "negative",
    "ph_out_of_range",
    "unparseable",
)
MISSING_MARKERS: Final = frozenset({"", "--", "-", "—", "——", "NA", "N/A", "NAN", "NULL", "NONE"})
NOT_MEASURED_MARKERS: Final = frozenset({"*", "＊"})
ND_MARKERS: Final = frozenset({"ND", "N.D.", "未检出", "未检"})
_NUMBER: Final = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_DL_SUFFIX: Final = rf"^(?P<a>{_NUMBER})L$"
_DL_PREFIX: Final = rf"^(?:<|＜|﹤|ND\(|ND（)(?P<b>{_NUMBER})[)）]?$"
_FACTOR: Final = {"half": 0.5, "limit": 1.0, "zero": 0.0, "missing": np.nan}


@dataclass(frozen=True)
class Parsed:
    """Numeric values (float, NaN where unusable) and a same-shaped frame of flags (``FLAGS``)."""

    values: pd.DataFrame
    flags: pd.DataFrame

    @property
    def quarantine(self) -> pd.DataFrame:
        """Boolean frame: cells whose raw text was not a usable measurement (bad data, not gaps)."""
        return self.flags.isin(["negative", "ph_out_of_range", "unparseable"])


def parse_series(
    raw: pd.Series, item: str | None = None, below_detection: BelowDetection = "half"
) -> tuple[pd.Series, pd.Series]:
    """(values, flags) for one column of raw strings; ``item="ph"`` enables the 0–14 check."""
    if below_detection not in _FACTOR:
        raise ValueError(f"below_detection must be one of {', '.join(_FACTOR)}")
    text = raw.astype("string").str.strip().str.replace(",", "", regex=False)
    upper = text.str.upper()
    number = pd.to_numeric(text, errors="coerce").astype("Float64")
    a = pd.to_numeric(upper.str.extract(_DL_SUFFIX)["a"], errors="coerce")
    b = pd.to_numeric(upper.str.extract(_DL_PREFIX)["b"], errors="coerce")
    dl = a.fillna(b).astype("Float64")

    is_missing = upper.isna() | upper.isin(list(MISSING_MARKERS))
    is_star = upper.isin(list(NOT_MEASURED_MARKERS))
    is_nd = upper.isin(list(ND_MARKERS))
    is_dl = dl.notna() & (dl >= 0)
    is_num = number.notna()
    negative = is_num & (number < 0)
    ph_bad = is_num & ~negative & ((number > 14) if item == "ph" else False)

    flags = np.select(
        [
            is_missing.to_numpy(bool),
            is_star.to_numpy(bool),
            is_nd.to_numpy(bool),
            is_dl.fillna(False).to_numpy(bool),
            negative.fillna(False).to_numpy(bool),
            np.asarray(ph_bad.fillna(False) if item == "ph" else np.zeros(len(raw), bool), bool),
            is_num.to_numpy(bool),
        ],
        [
            "missing",
            "not_measured",
            "below_detection_no_limit",
            "below_detection",
            "negative",
            "ph_out_of_range",
            "ok",
        ],
        "unparseable",
    )
    values = np.full(len(raw), np.nan)
    ok = flags == "ok"
    values[ok] = number.to_numpy(dtype=np.float64, na_value=np.nan)[ok]
    below = flags == "below_detection"
    values[below] = dl.to_numpy(dtype=np.float64, na_value=np.nan)[below] * _FACTOR[below_detection]
    return (
        pd.Series(values, index=raw.index, name=raw.name),
        pd.Series(flags, index=raw.index, name=raw.name, dtype="string"),
    )


def parse_values(raw: pd.DataFrame, below_detection: BelowDetection = "half") -> Parsed:
    """Parse every column of raw strings; the column named ``ph`` gets the 0–14 check.

    Never raises on cell content; see the module docstring for markers and the below-DL rule.
    """
    vals, flags = {}, {}
    for col in raw.columns:
        vals[col], flags[col] = parse_series(
            raw[col], "ph" if col == "ph" else None, below_detection
        )
    return Parsed(
        pd.DataFrame(vals, index=raw.index, columns=raw.columns),
        pd.DataFrame(flags, index=raw.index, columns=raw.columns),
    )
