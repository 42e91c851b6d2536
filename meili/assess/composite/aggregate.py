"""Weighted aggregation up the hierarchy, as matrix products.

COINr ``Aggregate(coin, f_ag="a_amean")`` (README §6; ``R/aggregate.R:132-388, 566-590``):
level by level (``R/aggregate.R:371``), each aggregate is the weighted mean of its children;
NA children are dropped and the remaining weights rescaled to sum to 1; no data-availability
threshold by default (``R/aggregate.R:466``). Handbook (2008) Part II §5.1 (additive) and
§5.2 (geometric aggregation).

With ``X`` (units × children, NaN → 0), ``M`` its non-NA mask and ``W`` the weighted
membership matrix (children × parents, ``W[i, j] = w_i`` if ``i`` ∈ ``j``):
arithmetic ``= X W / M W``, geometric ``= exp(log(X) W / M W)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from meili.assess.composite.coin import LevelLink

Method = Literal["arithmetic", "geometric"]


def weighted_mean(
    x: np.ndarray,
    weights: np.ndarray,
    membership: np.ndarray | None = None,
    method: Method = "arithmetic",
    dat_thresh: float | None = None,
) -> np.ndarray:
    """Weighted arithmetic or geometric mean of the columns of ``x`` (units × k) per group.

    ``membership`` (k × q, bool) assigns columns to ``q`` outputs (default: one output over
    all columns). NA entries are dropped and weights rescaled; an output with no data, or
    with a share of available children below ``dat_thresh``, is NaN. Geometric means need
    positive values (Handbook §5.2) and raise ``ValueError`` otherwise.
    """
    x = np.asarray(x, dtype=float)
    k = x.shape[-1]
    g = np.ones((k, 1), dtype=bool) if membership is None else np.asarray(membership, bool)
    w = np.asarray(weights, dtype=float)[:, None] * g
    present = ~np.isnan(x)
    if method == "geometric":
        if np.any(x[present] <= 0):
            raise ValueError("geometric aggregation needs positive values (found <= 0)")
        filled = np.log(np.where(present, x, 1.0))
    elif method == "arithmetic":
        filled = np.where(present, x, 0.0)
    else:
        raise ValueError(f"unknown aggregation method {method!r}")
    den = present.astype(float) @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (filled @ w) / den
    y = np.where(den > 0, y, np.nan)
    if method == "geometric":
        y = np.exp(y)
    if dat_thresh is not None:
        share = (present.astype(float) @ g) / g.sum(axis=0)
        y = np.where(share < dat_thresh, np.nan, y)
    return y[:, 0] if membership is None else y


def aggregate(
    data: pd.DataFrame,
    links: Sequence[LevelLink],
    weights: pd.Series,
    method: Method = "arithmetic",
    dat_thresh: float | None = None,
) -> pd.DataFrame:
    """Aggregate indicators up every level of ``links``; return indicators + all aggregates.

    ``weights`` maps every indicator/aggregate code to its weight (``iMeta$Weight``). Output
    columns: ``data``'s columns, then each level's aggregates (COINr's ``Aggregated`` set).
    """
    out = data.copy()
    for link in links:
        missing = [c for c in link.children if c not in out.columns]
        if missing:
            raise ValueError(f"cannot aggregate level {link.level}: missing {', '.join(missing)}")
        x = out[list(link.children)].to_numpy(dtype=float)
        w = weights.reindex(list(link.children)).to_numpy(dtype=float)
        y = weighted_mean(x, w, link.membership, method, dat_thresh)
        out = pd.concat([out, pd.DataFrame(y, index=out.index, columns=list(link.parents))], axis=1)
    return out
