"""Progress toward a relative aim (全国前列 / 全国领先): the target is a place in the comparison
group and progress is the change of the zone's percentile.

The place is the rank cut of :class:`meili.assess.compare.ComparePolicy` (前列: rank ≤
max(1, ⌊top_share·n⌋), default the top 20 %; 领先: also rank ≤ max(leading_top_n,
⌊leading_share·n⌋), default the first 3 or the top 10 %); its percentile, with the comparison's
definition ``100·(n − rank)/(n − 1)``, is the target of an ↑ series of the zone's percentiles
(range 0–100), measured by the chosen method like any other series
(:func:`meili.assess.progress.assess_progress`). ``n`` is the group size of the latest year.
"""

from __future__ import annotations

import math

import pandas as pd

from meili.assess.compare import ComparePolicy
from meili.assess.progress import assess_progress

AIMS: dict[str, tuple[str, str]] = {
    "top": ("全国前列", "among the leaders"),
    "leading": ("全国领先", "leading"),
}


def place_rank(aim: str, n: int, policy: ComparePolicy | None = None) -> int:
    """The worst rank that still holds the place ``aim`` in a group of ``n``."""
    policy = policy or ComparePolicy()
    top = max(1, math.floor(policy.top_share * n + 1e-9))
    if aim == "top":
        return top
    lead = 0
    if policy.leading_top_n is not None:
        lead = policy.leading_top_n
    if policy.leading_share is not None:
        lead = max(lead, max(1, math.floor(policy.leading_share * n + 1e-9)))
    return min(top, lead)


def place_percentile(aim: str, n: int, policy: ComparePolicy | None = None) -> float:
    """The percentile of the place ``aim`` in a group of ``n`` (100 when n = 1)."""
    if n <= 1:
        return 100.0
    return 100.0 * (n - place_rank(aim, n, policy)) / (n - 1)


def relative_progress(
    percentiles: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    method: str,
    policy: ComparePolicy | None = None,
) -> pd.DataFrame:
    """Progress of each zone's percentile toward its aim's place.

    ``percentiles``: zone, indicator, year, percentile, n (one row per zone × indicator ×
    year). ``targets``: zone, indicator, aim, baseline_year, target_year and optionally
    binding, status. Returns :func:`assess_progress` rows with ``basis = "percentile"``.
    """
    data = percentiles.dropna(subset=["percentile"])
    if data.empty or targets.empty:
        return pd.DataFrame()
    latest = data.sort_values("year").groupby(["zone", "indicator"]).tail(1)
    tg = targets.merge(latest[["zone", "indicator", "n"]], on=["zone", "indicator"])
    if tg.empty:
        return pd.DataFrame()
    cut = [place_percentile(a, int(n), policy) for a, n in zip(tg["aim"], tg["n"], strict=True)]
    rank = [place_rank(a, int(n), policy) for a, n in zip(tg["aim"], tg["n"], strict=True)]
    words = [AIMS[a] for a in tg["aim"]]
    tg = tg.assign(
        direction="up",
        target=cut,
        low=0.0,
        high=100.0,
        note_zh=[
            f"{w[0]}：第 {r} 名以内（共 {int(n)} 个）"
            for w, r, n in zip(words, rank, tg["n"], strict=True)
        ],
        note_en=[
            f"{w[1]}: rank ≤ {r} of {int(n)}" for w, r, n in zip(words, rank, tg["n"], strict=True)
        ],
    )
    keys = pd.MultiIndex.from_frame(tg[["zone", "indicator"]])
    data = data[pd.MultiIndex.from_frame(data[["zone", "indicator"]]).isin(keys)]
    series = data[["zone", "indicator", "year"]].assign(value=data["percentile"].astype(float))
    cols = ["zone", "indicator", "direction", "target", "baseline_year", "target_year"]
    cols += ["low", "high", "note_zh", "note_en"]
    cols += [c for c in ("binding", "status") if c in tg]
    out = assess_progress(series, tg[cols], method=method)
    group = tg[["zone", "indicator", "n"]].rename(columns={"n": "group_n"})
    return out.merge(group, on=["zone", "indicator"]).assign(basis="percentile", unit="percentile")
