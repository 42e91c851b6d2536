"""National comparison: rank and percentile of each unit among units of the same kind.

Ranks are direction-aware (↑ indicators: largest first; ↓ indicators: smallest first) and ties
share the minimum rank (:func:`meili.assess.composite.rank_min`, R ``ties.method="min"``).
Units with a missing value are excluded from the ranking and reported (``missing_value``); so
are group members absent from the data (``no_data``) and data units outside the group
(``not_in_group``).

Definitions, with ``n`` the number of ranked units for the indicator:

* percentile = 100 × (n − rank) / (n − 1): the share of the *other* units that the unit is at
  least as good as (ties count as "as good as"); 100 when n = 1 or when all are tied.
* 全国前列 (``top``): rank ≤ max(1, ⌊top_share × n⌋), top_share default 0.20 — with n = 31,
  the first 6; units tied at the cut-off all qualify (minimum ranks).
* 全国领先 (``leading``): in 全国前列 and either rank ≤ ``leading_top_n`` (default 3) or rank ≤
  max(1, ⌊leading_share × n⌋) (default 0.10). Requiring 前列 keeps a small group's last unit
  from being "leading" by the rank-3 rule; either part can be switched off with None.
* band: the first of the cumulative shares ``bands`` (default quintiles 0.2…1.0) with rank ≤
  max(1, ⌊share × n⌋); labels 前20% / 20%–40% / …
* display ``unranked`` drops rank, percentile and ``leading`` and shows the band (and 前列, a
  band statement) only, in the manner of the NDRC 2020 scheme which publishes grades, not ranks.

Groups are data, in one place (:mod:`meili.registry.groups`): ``provinces31`` (GB/T 2260),
``east``, ``central``, ``west``, ``northeast`` (NBS four-region division, 2011), ``key168``
and ``cities337``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import numpy as np
import pandas as pd

from meili.assess.composite.rank import rank_min
from meili.errors import UserError
from meili.registry.groups import group_members

EPS = 1e-9


@dataclass(frozen=True)
class ComparePolicy:
    """Thresholds of 全国前列 / 全国领先, the bands and the display policy."""

    top_share: float = 0.20
    leading_share: float | None = 0.10
    leading_top_n: int | None = 3
    bands: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8, 1.0)
    display: Literal["ranked", "unranked"] = "ranked"

    def __post_init__(self) -> None:
        if not 0 < self.top_share <= 1:
            raise UserError("top_share must be in (0, 1]")
        b = self.bands
        if not b or b[-1] != 1.0 or any(x >= y for x, y in pairwise(b)):
            raise UserError("bands must be increasing cumulative shares ending at 1.0")
        if self.display not in ("ranked", "unranked"):
            raise UserError("display must be ranked or unranked")


@dataclass(frozen=True)
class Comparison:
    """The comparison table and the units left out (unit, indicator, reason)."""

    table: pd.DataFrame
    excluded: pd.DataFrame


def _aliases(members: pd.DataFrame) -> dict[str, str]:
    """Any of code, name or short name → code."""
    out: dict[str, str] = {}
    for col in ("short_name", "name", "code"):
        out.update(zip(members[col].astype(str), members["code"].astype(str), strict=True))
    return out


def compare(
    values: pd.DataFrame,
    directions: Mapping[str, str] | str,
    *,
    group: str | Iterable[str] | None = None,
    policy: ComparePolicy | None = None,
) -> Comparison:
    """Rank each unit's value per indicator among the units of ``group``.

    ``values``: columns unit, indicator, value (one row per unit × indicator). ``directions``:
    indicator → ``up``/``down`` (or one direction for all). ``group``: a group name (matched on
    code, full or short name), an explicit list of unit ids, or None for all units in the data.
    """
    policy = policy or ComparePolicy()
    missing = {"unit", "indicator", "value"} - set(values.columns)
    if missing:
        raise UserError(f"comparison data lacks columns: {', '.join(sorted(missing))}")
    frame = values[["unit", "indicator", "value"]].copy()
    frame["unit"] = frame["unit"].astype(str)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    if frame.duplicated(["unit", "indicator"]).any():
        raise UserError("more than one value per unit × indicator")
    indicators = frame["indicator"].drop_duplicates().tolist()
    dirs = {i: directions for i in indicators} if isinstance(directions, str) else directions
    unknown = [i for i in indicators if dirs.get(i) not in ("up", "down")]
    if unknown:
        raise UserError(f"no up/down direction for: {', '.join(map(str, unknown))}")

    excluded = []
    if group is not None:
        members = (
            group_members(group)
            if isinstance(group, str)
            else pd.DataFrame({"code": list(map(str, group))}).assign(
                name=lambda d: d["code"], short_name=lambda d: d["code"]
            )
        )
        alias = _aliases(members)
        frame["code"] = frame["unit"].map(alias)
        outside = frame[frame["code"].isna()]
        excluded.append(
            pd.DataFrame(
                {
                    "unit": outside["unit"],
                    "indicator": outside["indicator"],
                    "reason": "not_in_group",
                }
            )
        )
        frame = frame[frame["code"].notna()]
        grid = pd.MultiIndex.from_product([members["code"], indicators]).to_frame(
            index=False, name=["code", "indicator"]
        )
        absent = grid.merge(frame[["code", "indicator"]], how="left", indicator=True)
        absent = absent[absent["_merge"] == "left_only"]
        excluded.append(
            pd.DataFrame(
                {"unit": absent["code"], "indicator": absent["indicator"], "reason": "no_data"}
            )
        )
    else:
        frame["code"] = frame["unit"]
    nan = frame["value"].isna()
    excluded.insert(
        0,
        pd.DataFrame(
            {"unit": frame.loc[nan, "unit"], "indicator": frame.loc[nan, "indicator"]}
        ).assign(reason="missing_value"),
    )
    frame = frame[~nan]

    wide = frame.pivot(index="unit", columns="indicator", values="value")
    sign = np.array([1.0 if dirs[i] == "up" else -1.0 for i in wide.columns])
    matrix = wide.to_numpy(dtype=float)
    ranks = rank_min(matrix * sign, axis=0)
    n = np.broadcast_to((~np.isnan(matrix)).sum(axis=0), matrix.shape)
    long = pd.DataFrame(
        {
            "unit": np.repeat(wide.index.to_numpy(), wide.shape[1]),
            "indicator": np.tile(wide.columns.to_numpy(), wide.shape[0]),
            "rank": ranks.ravel(),
            "n": n.ravel(),
        }
    ).dropna(subset=["rank"])
    table = frame.merge(long, on=["unit", "indicator"], how="left")
    table = _judge(table, policy)
    table = table.sort_values(["indicator", "rank", "unit"], kind="stable").reset_index(drop=True)
    table["rank"] = table["rank"].astype(int)
    if policy.display == "unranked":
        table = table.drop(columns=["rank", "percentile", "leading"])
    gone = pd.concat(excluded, ignore_index=True) if excluded else pd.DataFrame()
    return Comparison(table, gone.reset_index(drop=True))


def _cut(share: float, n: np.ndarray) -> np.ndarray:
    return np.maximum(1, np.floor(share * n + EPS))


def _judge(table: pd.DataFrame, policy: ComparePolicy) -> pd.DataFrame:
    rank = table["rank"].to_numpy(dtype=float)
    n = table["n"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(n > 1, 100.0 * (n - rank) / (n - 1), 100.0)
    top = rank <= _cut(policy.top_share, n)
    lead = np.zeros(rank.shape, dtype=bool)
    if policy.leading_top_n is not None:
        lead |= rank <= policy.leading_top_n
    if policy.leading_share is not None:
        lead |= rank <= _cut(policy.leading_share, n)
    band = np.full(rank.shape, len(policy.bands) - 1)
    for k in range(len(policy.bands) - 1, -1, -1):
        band = np.where(rank <= _cut(policy.bands[k], n), k, band)
    edges = (0.0, *policy.bands)
    zh = [_band_label(edges[k], edges[k + 1], "zh") for k in band]
    en = [_band_label(edges[k], edges[k + 1], "en") for k in band]
    return table.assign(
        percentile=pct, top=top, leading=top & lead, band=band + 1, band_zh=zh, band_en=en
    )


def _band_label(lo: float, hi: float, lang: str) -> str:
    a, b = round(lo * 100), round(hi * 100)
    if lo == 0:
        return f"前{b}%" if lang == "zh" else f"top {b}%"
    return f"{a}%–{b}%" if lang == "zh" else f"{a}–{b}%"
