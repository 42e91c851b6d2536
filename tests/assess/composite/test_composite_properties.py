"""Property tests (hypothesis) for invariants of the composite steps."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from meili.assess.composite.aggregate import weighted_mean
from meili.assess.composite.normalise import minmax, rank_scores, zscore
from meili.assess.composite.rank import rank_min
from meili.assess.composite.treat import treat

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
matrix = arrays(np.float64, st.tuples(st.integers(2, 30), st.integers(1, 6)), elements=finite)


@given(matrix, st.lists(st.sampled_from([-1.0, 1.0]), min_size=6, max_size=6))
def test_minmax_in_range_and_extremes(x: np.ndarray, dirs: list[float]) -> None:
    df = pd.DataFrame(x)
    out = minmax(df, pd.Series(dirs[: x.shape[1]]))
    for j in range(x.shape[1]):
        col = out[j].to_numpy()
        if np.ptp(x[:, j]) == 0:
            assert np.isnan(col).all()
            continue
        assert np.nanmin(col) >= 0 and np.nanmax(col) <= 100 + 1e-9
        assert np.isclose(np.nanmin(col), 0) and np.isclose(np.nanmax(col), 100)


@given(arrays(np.float64, st.integers(3, 40), elements=st.floats(-1e3, 1e3)))
def test_zscore_standardises(x: np.ndarray) -> None:
    if np.std(x) < 1e-6:
        return
    z = zscore(pd.DataFrame({"a": x}))["a"].to_numpy()
    assert abs(z.mean()) < 1e-9 and abs(z.std(ddof=1) - 1) < 1e-9


@given(
    arrays(
        np.float64,
        st.integers(1, 40),
        elements=st.one_of(st.integers(-5, 5).map(float), st.just(np.nan)),
    ),
    st.randoms(use_true_random=False),
)
def test_rank_permutation_invariance(x: np.ndarray, rnd) -> None:
    perm = np.arange(x.size)
    rnd.shuffle(perm)
    r = rank_min(x)
    np.testing.assert_array_equal(rank_min(x[perm]), r[perm])
    ok = ~np.isnan(x)
    # ranks agree with the definition 1 + #(strictly greater values)
    expected = 1 + (x[ok][None, :] > x[ok][:, None]).sum(axis=1)
    np.testing.assert_array_equal(r[ok], expected)
    assert np.isnan(r[~ok]).all()


@given(arrays(np.float64, st.integers(2, 30), elements=finite))
def test_rank_scores_are_monotone(x: np.ndarray) -> None:
    s = rank_scores(pd.DataFrame({"a": x}))["a"].to_numpy()
    order = np.argsort(x)
    assert np.all(np.diff(s[order]) >= 0)


@given(
    arrays(
        np.float64, st.tuples(st.integers(1, 10), st.integers(1, 6)), elements=st.floats(0.01, 1e3)
    ),
    arrays(np.float64, 6, elements=st.floats(0.1, 10)),
    st.sampled_from(["arithmetic", "geometric"]),
)
def test_weighted_mean_between_min_and_max(x: np.ndarray, w: np.ndarray, method: str) -> None:
    y = weighted_mean(x, w[: x.shape[1]], method=method)  # type: ignore[arg-type]
    assert np.all(y >= x.min(axis=1) * (1 - 1e-12)) and np.all(y <= x.max(axis=1) * (1 + 1e-12))
    # scaling all weights changes nothing
    np.testing.assert_allclose(weighted_mean(x, 3 * w[: x.shape[1]], method=method), y)
    if method == "geometric":  # AM ≥ GM
        assert np.all(weighted_mean(x, w[: x.shape[1]]) >= y * (1 - 1e-12))


@settings(max_examples=50, deadline=None)
@given(
    arrays(
        np.float64, st.tuples(st.integers(5, 30), st.integers(1, 4)), elements=st.floats(-1e3, 1e3)
    )
)
def test_treatment_keeps_order_and_passing_columns(x: np.ndarray) -> None:
    t = treat(pd.DataFrame(x), winmax=5, log_fallback=False)
    y = t.data.to_numpy()
    for j in range(x.shape[1]):
        # winsorisation is monotone: it never reverses the order of two values
        order = np.argsort(x[:, j], kind="stable")
        assert np.all(np.diff(y[order, j]) >= 0)
        assert y[:, j].min() >= x[:, j].min() and y[:, j].max() <= x[:, j].max()
        changed = y[:, j] != x[:, j]
        assert changed.sum() <= t.summary["Low"].iloc[j] + t.summary["High"].iloc[j]
