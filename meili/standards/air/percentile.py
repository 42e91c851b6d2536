"""HJ 663 percentile: sort ascending, k = 1 + (n − 1)p, m_p = X(s) + (X(s+1) − X(s))(k − s).

HJ 663 percentile rule [@hj663:percentile] (HJ 663 text not read; two secondary sources
agree). Equal to numpy's
``method="linear"`` and to DuckDB ``quantile_cont`` / Spark ``percentile``.
"""

from __future__ import annotations

import numpy as np


def percentile(values: object, p: float) -> float:
    """p-th percentile (``p`` as a fraction, 0.95) per HJ 663-2013 §5 (k = 1 + (n − 1)p).

    Missing values (NaN) are dropped; an empty input gives NaN. Example: {3,4,8,2,5,4},
    p = 0.90 → k = 5.5 → 5 + (8 − 5)·0.5 = 6.5.
    [@hj663:percentile]
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError("p must be a fraction in [0, 1]")
    x = np.sort(np.asarray(values, dtype=np.float64).ravel())
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return float("nan")
    k = 1.0 + (n - 1) * p
    s = int(np.floor(k))
    if s >= n:
        return float(x[n - 1])
    return float(x[s - 1] + (x[s] - x[s - 1]) * (k - s))
