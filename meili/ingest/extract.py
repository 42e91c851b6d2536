"""What an adapter hands to validation: canonical records plus where each came from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from meili.i18n import LANGS, lookup

ERROR_COLUMNS = ["rec", "column", "reason", "reason_zh", "reason_en", "value"]


def _is_array(v: object) -> bool:
    return isinstance(v, np.ndarray | pd.Series | list | tuple)


def reason_texts(key: str, n: int, /, **params: object) -> dict[str, np.ndarray]:
    """The zh and en text of the catalogue's ``reasons.<key>`` for ``n`` rows.

    ``params`` fill its placeholders: a scalar for every row, or one value per row.
    """
    entry = lookup("reasons", key)
    if entry is None:
        raise KeyError(f"no reason {key!r} in the catalogue (meili/i18n/catalogue.yaml)")
    per_row = {k: np.asarray(v, dtype=object) for k, v in params.items() if _is_array(v)}
    fixed = {k: v for k, v in params.items() if not _is_array(v)}
    out = {}
    for lang in LANGS:
        template = entry[lang]
        if not per_row:
            out[lang] = np.full(n, template.format(**fixed) if params else template, dtype=object)
        else:
            out[lang] = np.array(
                [
                    template.format(**fixed, **{k: v[i] for k, v in per_row.items()})
                    for i in range(n)
                ],
                dtype=object,
            )
    return out


def errors_frame(
    recs: np.ndarray,
    column: str | np.ndarray,
    reason: str,
    value: object = "",
    /,
    **params: object,
) -> pd.DataFrame:
    """A frame of record-level problems (``rec`` indexes the extract's frame).

    ``reason`` is a key of the catalogue's ``reasons`` section; ``params`` fill it (scalars
    or one value per record), giving the ``reason_zh`` and ``reason_en`` of each problem.
    """
    recs = np.asarray(recs, dtype=np.int64)
    n = len(recs)

    def full(v: object) -> object:
        if _is_array(v):
            return np.asarray(v, dtype=object)
        return np.full(n, v, dtype=object)

    texts = reason_texts(reason, n, **params)
    return pd.DataFrame(
        {
            "rec": recs,
            "column": full(column),
            "reason": texts["en"],  # as before: the English text (older readers use it)
            "reason_zh": texts["zh"],
            "reason_en": texts["en"],
            "value": full(value),
        }
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
    stated: list[str] | None = None  # canonical columns the source has (None: all)

    @property
    def rows(self) -> int:
        return len(self.frame)
