"""City ranking by the ambient air-quality composite index; 《城市环境空气质量排名技术规定》.

Document number 环办监测〔2018〕19号, from memory (unconfirmed) [@ranking-2018:docno]. I_i =
C_i/S_i and I_sum = Σ I_i over the 6 pollutants; S_i = GB 3095-2012 Grade II: annual SO2 60,
NO2 40, PM10 70, PM2.5 35 µg/m³, O3 MDA8 160 µg/m³, CO 24h 4 mg/m³; C_i = period mean (SO2,
NO2, PM10, PM2.5), CO = P95 of daily means, O3 = P90 of MDA8 [@ranking-2018:index]. Rank
ascending, ties equal (并列); change rate (I_now − I_last)/I_last × 100 % [@ranking-2018:rank];
main pollutant = the largest I_i (from memory, unconfirmed) [@ranking-2018:main-pollutant].
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from meili.standards.air.gb3095 import limit

#: C_i column → (GB 3095 key, averaging, display name).
INDEX_TERMS: Final = {
    "so2": ("SO2", "annual", "SO2"),
    "no2": ("NO2", "annual", "NO2"),
    "pm10": ("PM10", "annual", "PM10"),
    "pm25": ("PM2.5", "annual", "PM2.5"),
    "co_p95": ("CO", "daily", "CO"),
    "o3_8h_p90": ("O3", "mda8", "O3"),
}


def composite_index(
    stats: pd.DataFrame | dict[str, object], limit_set: str = "2012"
) -> pd.DataFrame:
    """Composite index I_sum = Σ C_i/S_i; 《城市环境空气质量排名技术规定》 [@ranking-2018:index].

    ``stats`` columns ``so2, no2, pm10, pm25`` (period means), ``co_p95``, ``o3_8h_p90``,
    unrounded (published indices use unrounded concentrations). ``limit_set``: S_i from
    GB 3095-2012 Grade II (the ranking rule's S_i); other sets are an explicit choice, as
    the S_i of the post-2026 ranking is not verified. Returns ``I_<term>``,
    ``composite_index`` (NaN when any term is missing) and ``main_pollutant``.
    """
    frame = pd.DataFrame(stats) if isinstance(stats, pd.DataFrame) else pd.DataFrame([stats])
    out = pd.DataFrame(index=frame.index)
    for col, (name, avg, _label) in INDEX_TERMS.items():
        out[f"I_{col}"] = frame[col].astype(float) / limit(name, avg, 2, limit_set=limit_set)
    terms = out[[f"I_{c}" for c in INDEX_TERMS]]
    out["composite_index"] = terms.sum(axis=1, min_count=len(INDEX_TERMS)).where(
        terms.notna().all(axis=1)
    )
    labels = np.array([v[2] for v in INDEX_TERMS.values()], dtype=object)
    arr = terms.to_numpy(dtype=float)
    has = ~np.isnan(arr).all(axis=1)
    best = np.argmax(np.where(np.isnan(arr), -np.inf, arr), axis=1)
    out["main_pollutant"] = np.where(has, labels[best], None)
    return out


def rank_cities(index: pd.Series, decimals: int | None = 2) -> pd.Series:
    """Rank ascending by composite index, ties ranked equal (并列, "min" method).

    《城市环境空气质量排名技术规定》 [@ranking-2018:rank]. The index is compared at the
    published precision (``decimals``, default 2; ``None`` = unrounded). Missing → no rank.
    """
    values = index.astype(float)
    if decimals is not None:
        values = values.round(decimals)
    return values.rank(method="min", ascending=True).astype("Int64")


def change_rate(now: pd.Series, last: pd.Series) -> pd.Series:
    """Change vs the same period last year, (I_now − I_last)/I_last × 100 % (> 0 worse).

    《城市环境空气质量排名技术规定》 [@ranking-2018:rank].
    """
    last = last.astype(float)
    return (now.astype(float) - last) / last.where(last > 0) * 100.0
