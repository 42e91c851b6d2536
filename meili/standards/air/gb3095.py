"""GB 3095 concentration limits (Grade I / II) as data, keyed by limit set.

Limit sets: ``"2012"`` = GB 3095-2012 Tables 1–2 [@gb3095-2012:t1] [@gb3095-2012:t2] (the
2012 text was not read: Table 1 from two sources, Table 2 from one, unconfirmed);
``"2026-transition"`` and ``"2026-final"`` = GB 3095-2026 Table 1 (transition stage to
2030-12-31, final from 2031-01-01, §4.4) and Table 2 with its notes a/b, read in the PDF
[@gb3095-2026:t1] [@gb3095-2026:t2] [@gb3095-2026:4.4]; grades by zone class
[@gb3095-2026:4.2].
Units µg/m³, CO mg/m³. Averaging: annual, quarterly, daily (24 h), mda8, 1h.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

import pandas as pd

from meili.standards.air.editions import gb3095_stage_for

Key = tuple[str, str]  # (pollutant, averaging)
Grades = tuple[float, float]  # (Grade I, Grade II)

_TABLE2_2012: Final[dict[Key, Grades]] = {
    ("TSP", "annual"): (80, 200),
    ("TSP", "daily"): (120, 300),
    ("NOx", "annual"): (50, 50),
    ("NOx", "daily"): (100, 100),
    ("NOx", "1h"): (250, 250),
    ("Pb", "annual"): (0.5, 0.5),
    ("Pb", "quarterly"): (1.0, 1.0),
    ("BaP", "annual"): (0.001, 0.001),
    ("BaP", "daily"): (0.0025, 0.0025),
}

_2012: Final[dict[Key, Grades]] = {
    ("SO2", "annual"): (20, 60),
    ("SO2", "daily"): (50, 150),
    ("SO2", "1h"): (150, 500),
    ("NO2", "annual"): (40, 40),
    ("NO2", "daily"): (80, 80),
    ("NO2", "1h"): (200, 200),
    ("CO", "daily"): (4, 4),
    ("CO", "1h"): (10, 10),
    ("O3", "mda8"): (100, 160),
    ("O3", "1h"): (160, 200),
    ("PM10", "annual"): (40, 70),
    ("PM10", "daily"): (50, 150),
    ("PM2.5", "annual"): (15, 35),
    ("PM2.5", "daily"): (35, 75),
    **_TABLE2_2012,
}

_2026_TRANSITION: Final[dict[Key, Grades]] = {
    **_2012,
    ("PM10", "annual"): (40, 60),
    ("PM10", "daily"): (50, 120),
    ("PM2.5", "annual"): (15, 30),
    ("PM2.5", "daily"): (35, 60),
}

_2026_FINAL: Final[dict[Key, Grades]] = {
    **_2026_TRANSITION,
    ("SO2", "annual"): (20, 20),
    ("SO2", "daily"): (50, 50),
    ("SO2", "1h"): (150, 150),
    ("NO2", "annual"): (30, 30),
    ("NO2", "daily"): (50, 50),
    ("PM10", "annual"): (20, 50),
    ("PM10", "daily"): (50, 100),
    ("PM2.5", "annual"): (10, 25),
    ("PM2.5", "daily"): (25, 50),
    ("NOx", "annual"): (40, 40),
    ("NOx", "daily"): (70, 70),
}

LIMITS: Final = MappingProxyType(
    {
        "2012": MappingProxyType(_2012),
        "2026-transition": MappingProxyType(_2026_TRANSITION),
        "2026-final": MappingProxyType(_2026_FINAL),
    }
)
"""``LIMITS[limit_set][(pollutant, averaging)] = (grade_I, grade_II)``."""


def limit(
    pollutant: str,
    averaging: str,
    grade: int = 2,
    *,
    limit_set: str | None = None,
    date: object = None,
) -> float:
    """Concentration limit; GB 3095-2012 Tables 1–2, GB 3095-2026 Tables 1–2 and §4.4.

    [@gb3095-2012:t1] [@gb3095-2026:t1] [@gb3095-2026:t2] [@gb3095-2026:4.4].

    Give ``limit_set`` or a ``date`` (2012 before 2026-03-01, 2026 transition to 2030-12-31,
    final from 2031-01-01). ``grade`` 1 (Class 1 zones) or 2 (Class 2 zones), §4.2.
    """
    if limit_set is None:
        if date is None:
            raise ValueError("give limit_set or date")
        limit_set = str(gb3095_stage_for(pd.Timestamp(date))[0])
    if grade not in (1, 2):
        raise ValueError("grade must be 1 or 2")
    try:
        return float(LIMITS[limit_set][(pollutant, averaging)][grade - 1])
    except KeyError:
        raise KeyError(f"no GB 3095 limit for {pollutant} {averaging} in {limit_set!r}") from None
