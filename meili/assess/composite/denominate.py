"""Denomination: divide indicators by a size variable (GDP, population, area…).

COINr ``Denominate(coin, dset="Raw")`` (README §1; ``R/denominate.R:104-149, 203-290``):
``x / iData[[Denominator]] * ScaleFactor`` with ``ScaleFactor`` = 1 and ``f_denom`` = ``/``.
Handbook (2008) Part I Step 2 (scaling by size so that units are comparable).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def denominate(
    data: pd.DataFrame,
    denominators: pd.DataFrame,
    spec: Mapping[str, str],
    scale: float | Mapping[str, float] = 1.0,
) -> pd.DataFrame:
    """Return ``data`` with each column ``c`` in ``spec`` replaced by ``c / denominators[spec[c]]``.

    ``denominators`` is indexed like ``data`` (rows aligned by index); ``scale`` multiplies
    the ratio (one factor, or one per indicator; COINr ``ScaleFactor``). A missing or NaN
    denominator gives NaN; other columns are returned unchanged.
    """
    out = data.copy()
    cols = [c for c in data.columns if c in spec]
    if not cols:
        return out
    missing = sorted({spec[c] for c in cols} - set(denominators.columns))
    if missing:
        raise ValueError(f"denominator column(s) not found: {', '.join(missing)}")
    den = denominators.reindex(data.index)[[spec[c] for c in cols]].to_numpy(dtype=float)
    factor = (
        pd.Series(scale).reindex(cols).fillna(1.0).to_numpy(dtype=float)
        if isinstance(scale, Mapping)
        else float(scale)
    )
    out[cols] = data[cols].to_numpy(dtype=float) / den * factor
    return out
