"""Unit screening by data availability.

COINr ``Screen(coin, dat_thresh=0.9, unit_screen="byNA")`` (README §3;
``R/screen_units.R:62-125, 395-400``): ``Dat_Avail = 1 − #NA/#indicators`` and a unit is kept
iff ``!(Dat_Avail < dat_thresh)``. Handbook (2008) Part I Step 2 (data selection).
"""

from __future__ import annotations

import pandas as pd


def data_availability(data: pd.DataFrame) -> pd.Series:
    """Share of non-NA indicator values of each unit (COINr ``Dat_Avail``)."""
    return 1.0 - data.isna().sum(axis=1) / data.shape[1]


def screen_units(data: pd.DataFrame, dat_thresh: float = 0.9) -> tuple[pd.DataFrame, pd.Series]:
    """Keep units with ``Dat_Avail >= dat_thresh``; return ``(kept_data, Dat_Avail)``."""
    avail = data_availability(data)
    keep = ~(avail < dat_thresh)
    return data.loc[keep].copy(), avail
