"""Ranks, highest value first, ties at the minimum rank.

COINr ranks with ``rank(-x, ties.method="min", na.last="keep")`` (README "Ranks";
``R/DFtools.R`` ``rank_df``, ``R/results.R:63``). Vectorised: one sort along ``axis`` for
any number of rows (e.g. all Monte Carlo draws at once).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def rank_min(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Rank along ``axis``: 1 = largest, equal values share the smallest rank, NaN stays NaN.

    Equals R ``rank(-x, ties.method="min", na.last="keep")``. Returns float (NaN-capable).
    """
    a = np.moveaxis(np.asarray(x, dtype=float), axis, -1)
    neg = -a  # NaN stays NaN and sorts last
    order = np.argsort(neg, axis=-1)  # ties get the minimum rank: order among them is moot
    s = np.take_along_axis(neg, order, axis=-1)
    m = s.shape[-1]
    if m == 0:
        return np.moveaxis(a.copy(), -1, axis)
    pos = np.broadcast_to(np.arange(m), s.shape)
    new = np.ones(s.shape, dtype=bool)
    new[..., 1:] = s[..., 1:] != s[..., :-1]
    start = np.maximum.accumulate(np.where(new, pos, 0), axis=-1)
    ranks = np.empty(s.shape, dtype=float)
    np.put_along_axis(ranks, order, start + 1.0, axis=-1)
    ranks[np.isnan(a)] = np.nan
    return np.moveaxis(ranks, -1, axis)


def rank_frame(data: pd.DataFrame) -> pd.DataFrame:
    """Rank every column of ``data`` across units (rows) with :func:`rank_min`."""
    return pd.DataFrame(
        rank_min(data.to_numpy(dtype=float), axis=0), index=data.index, columns=data.columns
    )
