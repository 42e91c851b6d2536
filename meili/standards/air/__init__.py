"""Air-quality standards: HJ 633 (AQI) 2012/2026 and GB 3095 limits and data validity.

Pure functions over numpy/pandas; versioned tables are data in :mod:`.hj633_tables` and
:mod:`.gb3095`. The edition follows the date of the data (2026 rules from 2026-03-01,
:func:`edition_for`, [@gb3095-2026:foreword]) or is given with ``edition=``; there is no
silent default. [@hj633-2012:t1] [@hj633-2026:t3] [@gb3095-2026:t1]
"""

from __future__ import annotations

from meili.standards.air.editions import edition_for, gb3095_stage_for
from meili.standards.air.gb3095 import LIMITS, limit
from meili.standards.air.hj633_tables import (
    BREAKPOINTS,
    INDICATOR_SETS,
    INDICATORS,
    ITEMS,
    LEVELS,
    indicator_set,
)
from meili.standards.air.index import aqi, level_of
from meili.standards.air.subindex import AboveTableError, iaqi
from meili.standards.air.validity import annual_mean, daily_mean, mda8, o3_8h_moving

__all__ = [
    "BREAKPOINTS",
    "INDICATORS",
    "INDICATOR_SETS",
    "ITEMS",
    "LEVELS",
    "LIMITS",
    "AboveTableError",
    "annual_mean",
    "aqi",
    "daily_mean",
    "edition_for",
    "gb3095_stage_for",
    "iaqi",
    "indicator_set",
    "level_of",
    "limit",
    "mda8",
    "o3_8h_moving",
]
