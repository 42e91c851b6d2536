"""What an adapter hands to validation: canonical records plus where each came from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

ERROR_COLUMNS = ["rec", "column", "reason", "value"]


def errors_frame(
    recs: np.ndarray, column: str | np.ndarray, reason: str | np.ndarray, value: object = ""
) -> pd.DataFrame:
    """A frame of record-level problems (``rec`` indexes the extract's frame)."""
    recs = np.asarray(recs, dtype=np.int64)
    n = len(recs)

    def full(v: object) -> object:
        if isinstance(v, np.ndarray | pd.Series | list):
            return np.asarray(v, dtype=object)
        return np.full(n, v, dtype=object)

    return pd.DataFrame(
        {"rec": recs, "column": full(column), "reason": full(reason), "value": full(value)}
    )


@dataclass
class Extract:
    """Records in canonical columns (typed), one source line each, and parse problems.

    ``raw(recs)`` gives the original cells of records (for the quarantine export);
    ``locate(recs, columns)`` gives the exact source line and column of a value.
    """

    frame: pd.DataFrame
    lines: np.ndarray
    adapter: str
    raw: Callable[[np.ndarray], list[dict[str, str]]]
    locate: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    errors: list[pd.DataFrame] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    period: tuple[pd.Timestamp, pd.Timestamp] | None = None
    units: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return len(self.frame)
