"""Normalisation: bring indicators to a common scale, higher = better.

Handbook (2008) Part I Step 5 and Part II §3 (Table 3: ranking, standardisation, min-max,
distance to a reference). COINr ``Normalise`` multiplies by ``Direction`` first
(``R/normalise.R:448``) then applies the method column-wise (README §5). All functions take
a ``units × indicators`` DataFrame and a per-column ``directions`` Series (+1/−1; missing
columns count as +1) and are vectorised over columns; statistics ignore NAs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from meili.assess.composite.rank import rank_min

Method = Literal["minmax", "zscore", "dist2targ", "goalposts", "rank"]
#: Other names of the methods (the zone index calls distance to target ``distance``).
ALIASES = {"distance": "dist2targ"}
METHODS: tuple[str, ...] = ("minmax", "zscore", "dist2targ", "goalposts", "rank")


def _oriented(data: pd.DataFrame, directions: pd.Series | None) -> np.ndarray:
    x = data.to_numpy(dtype=float)
    if directions is None:
        return x
    return x * directions.reindex(data.columns).fillna(1.0).to_numpy(dtype=float)


def _frame(values: np.ndarray, like: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(values, index=like.index, columns=like.columns)


def _per_column(value: float | Mapping[str, float] | pd.Series, columns: pd.Index) -> np.ndarray:
    if isinstance(value, Mapping | pd.Series):
        series = pd.Series(value, dtype=float).reindex(columns)
        if series.isna().any():
            missing = ", ".join(map(str, series.index[series.isna()]))
            raise ValueError(f"no value given for column(s): {missing}")
        return series.to_numpy(dtype=float)
    return np.full(len(columns), float(value))


def minmax(
    data: pd.DataFrame,
    directions: pd.Series | None = None,
    lower: float = 0.0,
    upper: float = 100.0,
) -> pd.DataFrame:
    """Min-max to ``[lower, upper]``: ``(x·d − min)/(max − min)·(upper − lower) + lower``.

    COINr ``n_minmax`` with ``f_n_para = c(0, 100)`` (``R/normalise.R:533-546``); Handbook
    Part II §3.3. For ``d = −1`` this is ``(max(x) − x)/(max(x) − min(x))`` rescaled.
    A constant column gives NaN (0/0), as in R.
    """
    x = _oriented(data, directions)
    lo = np.nanmin(x, axis=0)
    hi = np.nanmax(x, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (x - lo) / (hi - lo) * (upper - lower) + lower
    return _frame(y, data)


def zscore(
    data: pd.DataFrame,
    directions: pd.Series | None = None,
    mean: float = 0.0,
    sd: float = 1.0,
) -> pd.DataFrame:
    """Standardisation: ``(x·d − mean(x·d))/sd(x·d)·sd + mean`` (sample sd, ``n − 1``).

    COINr ``n_zscore`` with ``f_n_para = c(mean, sd)``; Handbook Part II §3.2.
    """
    x = _oriented(data, directions)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (x - np.nanmean(x, axis=0)) / np.nanstd(x, axis=0, ddof=1) * sd + mean
    return _frame(y, data)


def distance_to_target(
    data: pd.DataFrame,
    targets: Mapping[str, float] | pd.Series,
    directions: pd.Series | None = None,
    cap: bool = True,
    scale: float = 100.0,
) -> pd.DataFrame:
    """Distance to a target, measured from the worst value: ``(x·d − min)/(t·d − min)·scale``.

    Handbook Part II §3.4 (distance to a reference); COINr ``n_dist2targ``. With ``d = −1``
    this is ``(max(x) − x)/(max(x) − t)``. ``cap`` limits the result to ``scale`` (units at
    or beyond the target score the maximum).
    """
    x = _oriented(data, directions)
    d = (
        np.ones(data.shape[1])
        if directions is None
        else (directions.reindex(data.columns).fillna(1.0).to_numpy(dtype=float))
    )
    t = _per_column(targets, data.columns) * d
    lo = np.nanmin(x, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (x - lo) / (t - lo)
    if cap:
        y = np.minimum(y, 1.0)
    return _frame(y * scale, data)


def goalposts(
    data: pd.DataFrame,
    low: Mapping[str, float] | pd.Series,
    target: Mapping[str, float] | pd.Series,
    scale: float = 100.0,
    clip: bool = True,
) -> pd.DataFrame:
    """Goalposts as in the Yale EPI: ``(x − low)/(target − low)·scale``, clipped to ``[0, scale]``.

    ``low`` is the worst-performance benchmark and ``target`` the best; a lower-is-better
    indicator has ``target < low``, so the direction is implied by the goalposts
    (Handbook Part II §3.4, distance to a reference; COINr ``n_goalposts``).
    """
    x = data.to_numpy(dtype=float)
    lo = _per_column(low, data.columns)
    hi = _per_column(target, data.columns)
    if np.any(lo == hi):
        raise ValueError("goalposts: low benchmark equals target for some column")
    y = (x - lo) / (hi - lo)
    if clip:
        y = np.clip(y, 0.0, 1.0)
    return _frame(y * scale, data)


def rank_scores(data: pd.DataFrame, directions: pd.Series | None = None) -> pd.DataFrame:
    """Ranking (Handbook Part II §3.1): score = rank of ``x·d`` ascending, 1 = worst.

    Ties share the lowest rank; NAs stay NA. Equivalent to COINr ``n_rank``'s ordering.
    """
    x = _oriented(data, directions)
    # rank_min ranks descending (1 = best); rank ascending is rank_min of the negation
    return _frame(rank_min(-x, axis=0), data)


def normalise(
    data: pd.DataFrame,
    method: str,
    directions: pd.Series | None = None,
    **params: object,
) -> pd.DataFrame:
    """Dispatch to :func:`minmax`, :func:`zscore`, :func:`distance_to_target`,
    :func:`goalposts` or :func:`rank_scores` by name — the one place a composite (the COINr
    pipeline, the zone index) turns a method name into a computation. ``ValueError`` for an
    unknown name."""
    method = ALIASES.get(method, method)
    if method == "minmax":
        return minmax(data, directions, **params)  # type: ignore[arg-type]
    if method == "zscore":
        return zscore(data, directions, **params)  # type: ignore[arg-type]
    if method == "dist2targ":
        return distance_to_target(data, directions=directions, **params)  # type: ignore[arg-type]
    if method == "goalposts":
        return goalposts(data, **params)  # type: ignore[arg-type]
    if method == "rank":
        return rank_scores(data, directions)
    raise ValueError(f"unknown normalisation method {method!r}")
