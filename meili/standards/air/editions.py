"""Choice of the standard edition by the date of the data.

HJ 633-2026 and GB 3095-2026 are in force from 2026-03-01 [@gb3095-2026:foreword]; data dated
before that day use HJ 633-2012 / GB 3095-2012. GB 3095-2026 §4.4 [@gb3095-2026:4.4]:
transition-stage limits 2026-03-01 … 2030-12-31, the final Table 1 limits from 2031-01-01.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

EDITION_2026_FROM: Final = pd.Timestamp("2026-03-01")
FINAL_STAGE_FROM: Final = pd.Timestamp("2031-01-01")

EDITION_ALIASES: Final = {"2012": "2012", "2026": "2026", 2012: "2012", 2026: "2026"}


def normalise_edition(edition: str | int) -> str:
    """``"2012"`` or ``"2026"`` from a str/int edition; raises ``ValueError`` otherwise."""
    try:
        return EDITION_ALIASES[edition]
    except (KeyError, TypeError):
        raise ValueError(f"unknown edition {edition!r}; use '2012' or '2026'") from None


def _days(dates: object) -> pd.DatetimeIndex:
    values = np.atleast_1d(np.asarray(dates, dtype=object))
    idx = pd.DatetimeIndex(pd.to_datetime(values, format="mixed"))
    return idx.tz_localize(None) if idx.tz is not None else idx


def edition_for(dates: object) -> np.ndarray:
    """HJ 633 / GB 3095 edition (``"2012"``/``"2026"``) for each date; 2026 from 2026-03-01.

    ``dates`` is the calendar day the data belong to (for hour-ending stamps, 00:00 belongs
    to the previous day: pass ``stamp - 1 h``). Missing dates raise ``ValueError``.
    [@gb3095-2026:foreword] [@hj633-2026:cover]
    """
    days = _days(dates)
    if days.isna().any():
        raise ValueError("dates must not be missing to choose an edition")
    return np.where(days >= EDITION_2026_FROM, "2026", "2012")


def gb3095_stage_for(dates: object) -> np.ndarray:
    """GB 3095 limit set per date: ``"2012"``, ``"2026-transition"`` or ``"2026-final"``.

    GB 3095-2026 §4.4: transition stage to 2030-12-31, final limits from 2031-01-01.
    [@gb3095-2026:4.4]
    """
    days = _days(dates)
    if days.isna().any():
        raise ValueError("dates must not be missing to choose a stage")
    return np.select(
        [days < EDITION_2026_FROM, days < FINAL_STAGE_FROM],
        ["2012", "2026-transition"],
        "2026-final",
    )
