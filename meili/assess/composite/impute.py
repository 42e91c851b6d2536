"""Imputation of missing values, column by column.

COINr ``Impute(coin, f_i="i_mean_grp", use_group=...)`` (README §2; ``R/impute.R:204-330,
399-560, 763-781``): each NA becomes the mean of the non-NA values of that indicator within
the unit's group; non-NA values are untouched (``R/impute.R:558``). Handbook (2008) Part II
§1.2 (unconditional mean/median substitution) and its group-wise variant.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

Method = Literal["mean", "median", "group_mean", "group_median"]


def impute(
    data: pd.DataFrame, method: Method = "mean", groups: pd.Series | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill NAs per column; return ``(imputed, imputed_mask)``.

    ``mean``/``median`` use the column statistic over all units (COINr ``i_mean``/``i_median``);
    ``group_mean``/``group_median`` use it within ``groups`` (a Series aligned on the index;
    COINr ``i_mean_grp``/``i_median_grp``). Units whose group is NA, or whose group has no
    non-NA value for the column, stay NA. ``imputed_mask`` is true where a value was filled.
    """
    stat = "mean" if method.endswith("mean") else "median"
    if method.startswith("group"):
        if groups is None:
            raise ValueError(f"imputation {method!r} needs a group column")
        keys = groups.reindex(data.index)
        fill = data.groupby(keys, dropna=True).transform(stat)
    else:
        fill = pd.DataFrame(
            [getattr(data, stat)(axis=0, skipna=True)] * len(data), index=data.index
        )
    imputed = data.where(data.notna(), fill.reindex(index=data.index, columns=data.columns))
    mask = data.isna() & imputed.notna()
    return imputed, mask
