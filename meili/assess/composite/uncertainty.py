"""Monte Carlo uncertainty and variance-based sensitivity analysis of unit ranks.

Handbook (2008) Part I Step 7 and Part II §6: the uncertain inputs are (1) the normalisation
method (discrete, uniform over the alternatives), (2) the weights (every weight ``w`` becomes
``w·U(1 − δ, 1 + δ)``, one continuous *group* factor) and (3) the aggregation method
(discrete: weighted arithmetic or geometric mean at every level). The output is each unit's
rank in the top-level aggregate. Cf. COINr ``get_sensitivity``.

Estimators of the first-order index ``S_i = V[E(Y | X_i)] / V(Y)``, per unit:

* ``"saltelli"`` (default): Saltelli et al. (2010), *Comput. Phys. Commun.* 181:259–270,
  Table 2 (b): ``V_i ≈ (1/N) Σ_j f(B)_j (f(A_B^i)_j − f(A)_j)``, with base matrices ``A``,
  ``B`` of ``N`` rows and ``A_B^i`` = ``A`` with factor (group) ``i`` taken from ``B``;
  ``N·(k + 2)`` runs for ``k = 3`` factors. Rank intervals use the ``2N`` rows of ``A``, ``B``.
* ``"binned"``: conditional-variance estimator for discrete factors on ``N`` plain draws,
  ``V_i = Σ_c (N_c/N)(Ȳ_c − Ȳ)²``; the weights group is continuous and multi-dimensional, so
  its index is NaN with this estimator.

Vectorised: draws are generated up front (seeded ``numpy.random.default_rng``), grouped by
(normalisation, aggregation) and evaluated in batches as matrix products; ranks of all draws
come from one sort (:func:`~.rank.rank_min`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from meili.assess.composite.coin import Coin, LevelLink
from meili.assess.composite.pipeline import UncertaintySpec
from meili.assess.composite.rank import rank_min
from meili.assess.composite.runner import normalise_with

FACTORS = ("normalisation", "weights", "aggregation")
AGGREGATIONS = ("arithmetic", "geometric")


@dataclass(frozen=True)
class MCModel:
    """Precomputed inputs of the batched model ``(normalisation, weights, aggregation) → ranks``.

    ``values[k]``/``logs[k]``: normalised data for alternative ``k`` with NaN → 0 (units × p);
    ``mask``: float non-NA mask (``None`` when complete); ``links``: hierarchy; ``weights``:
    nominal weights of the children of every link, concatenated; ``offsets``: where each
    link's weights start in that vector.
    """

    units: pd.Index
    values: np.ndarray
    logs: np.ndarray | None
    mask: np.ndarray | None
    links: tuple[LevelLink, ...]
    weights: np.ndarray
    offsets: tuple[int, ...]

    @property
    def n_weights(self) -> int:
        return int(self.weights.size)


def build_model(
    normalised: Sequence[pd.DataFrame],
    links: Sequence[LevelLink],
    weights: pd.Series,
    geometric: bool = True,
) -> MCModel:
    """Stack normalised alternatives (same units and indicators) into an :class:`MCModel`.

    ``geometric`` requires every available value to be positive (Handbook §5.2).
    """
    children = list(links[0].children)
    arrays = np.stack([df[children].to_numpy(dtype=float) for df in normalised])
    present = ~np.isnan(arrays[0])
    if any((~np.isnan(a) != present).any() for a in arrays):
        raise ValueError("normalisation alternatives disagree on missing values")
    values = np.where(present, arrays, 0.0)
    logs = None
    if geometric:
        if np.any(arrays[:, present] <= 0):
            bad = [k for k in range(len(arrays)) if np.any(arrays[k][present] <= 0)]
            raise ValueError(
                "geometric aggregation needs positive normalised values; alternative(s) "
                f"{bad} give values <= 0 (e.g. use minmax with lower > 0)"
            )
        logs = np.where(present, np.log(np.where(present, arrays, 1.0)), 0.0)
    w, offsets, start = [], [], 0
    for link in links:
        offsets.append(start)
        w.append(weights.reindex(list(link.children)).to_numpy(dtype=float))
        start += len(link.children)
    return MCModel(
        units=normalised[0].index,
        values=values,
        logs=logs,
        mask=None if present.all() else present.astype(float),
        links=tuple(links),
        weights=np.concatenate(w),
        offsets=tuple(offsets),
    )


def _first_level(model: MCModel, k: int, geometric: bool, w: np.ndarray) -> np.ndarray:
    """Level-1 → level-2 aggregates for a batch: ``w`` (b × p) → (q × units × b).

    Geometric results stay in log space (``Σ w log x / Σ w``), which is what the next level
    needs and preserves ranks.
    """
    link = model.links[0]
    x = (model.logs if geometric else model.values)[k]  # type: ignore[index]
    q = len(link.parents)
    out = np.empty((q, x.shape[0], w.shape[0]))
    # einsum, not BLAS: tiny inner dimension (c_j ≈ 5), where threaded GEMM is slower
    for j in range(q):  # (units × c_j) · (b × c_j)ᵀ per parent
        cols = np.flatnonzero(link.membership[:, j])
        wj = w[:, cols]
        if model.mask is None:
            np.einsum("nc,bc->nb", x[:, cols], wj / wj.sum(axis=1, keepdims=True), out=out[j])
        else:
            den = np.einsum("nc,bc->nb", model.mask[:, cols], wj)
            with np.errstate(invalid="ignore", divide="ignore"):
                np.divide(np.einsum("nc,bc->nb", x[:, cols], wj), den, out=out[j])  # 0/0 → NaN
    return out


def _upper_level(y: np.ndarray, link: LevelLink, w: np.ndarray) -> np.ndarray:
    """One higher level for a batch: ``y`` (c × units × b, log space if geometric),
    ``w`` (b × c) → (q × units × b); NaN children are dropped and weights rescaled."""
    present = ~np.isnan(y)
    complete = bool(present.all())
    out = np.empty((len(link.parents), *y.shape[1:]))
    for r in range(len(link.parents)):
        cols = np.flatnonzero(link.membership[:, r])
        wr = w[:, cols]
        if complete:
            wr = wr / wr.sum(axis=1, keepdims=True)
            acc = y[cols[0]] * wr[:, 0]
            for i in range(1, cols.size):
                acc += y[cols[i]] * wr[:, i]
            out[r] = acc
        else:
            num = np.zeros(y.shape[1:])
            den = np.zeros(y.shape[1:])
            for i, c in enumerate(cols):
                num += np.where(present[c], y[c], 0.0) * wr[:, i]
                den += present[c] * wr[:, i]
            with np.errstate(invalid="ignore", divide="ignore"):
                out[r] = np.where(den > 0, num / den, np.nan)
    return out


def evaluate(
    model: MCModel,
    norm: np.ndarray,
    weights: np.ndarray,
    agg: np.ndarray,
    batch_size: int = 1024,
) -> np.ndarray:
    """Top-level aggregate per draw: ``norm`` (D,), ``weights`` (D × m), ``agg`` (D,) → D × units.

    ``agg`` indexes :data:`AGGREGATIONS`. Draws are grouped by (normalisation, aggregation)
    and processed ``batch_size`` at a time.
    """
    norm = np.asarray(norm)
    agg = np.asarray(agg)
    out = np.empty((norm.size, model.units.size))
    bounds = [*model.offsets, model.n_weights]
    for k in np.unique(norm):
        for a in np.unique(agg):
            idx = np.flatnonzero((norm == k) & (agg == a))
            geometric = AGGREGATIONS[int(a)] == "geometric"
            if geometric and model.logs is None:
                raise ValueError("the model was built without geometric aggregation")
            for s in range(0, idx.size, batch_size):
                sel = idx[s : s + batch_size]
                w = weights[sel]
                y = _first_level(model, int(k), geometric, w[:, bounds[0] : bounds[1]])
                for i, link in enumerate(model.links[1:], start=1):
                    y = _upper_level(y, link, w[:, bounds[i] : bounds[i + 1]])
                out[sel] = np.exp(y[0].T) if geometric else y[0].T
    return out


@dataclass(frozen=True)
class UncertaintyResult:
    """Ranks of the nominal build, rank quantiles and first-order sensitivity indices per unit.

    ``ranks`` holds the rank of every unit in every run used for the intervals (runs × units).
    """

    nominal: pd.Series
    ranks: np.ndarray
    quantiles: pd.DataFrame
    first_order: pd.DataFrame
    n_runs: int
    estimator: str

    def summary(self) -> pd.DataFrame:
        """``Nominal``, ``Median``, ``Q05``, ``Q95`` rank and ``S_<factor>`` per unit."""
        s = self.first_order.add_prefix("S_")
        return pd.concat([self.nominal.rename("Nominal"), self.quantiles, s], axis=1)


def _first_order_saltelli(fa: np.ndarray, fb: np.ndarray, fab: Sequence[np.ndarray]) -> np.ndarray:
    """Saltelli (2010) Table 2 (b): ``S_i = mean(f_B (f_ABi − f_A)) / V`` per unit (column)."""
    var = np.var(np.concatenate([fa, fb]), axis=0, ddof=1, dtype=float)
    fa, fb = fa.astype(float), fb.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.stack([np.mean(fb * (f - fa), axis=0) / var for f in fab], axis=1)


def _first_order_binned(y: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """Conditional-variance estimate ``Σ_c (N_c/N)(Ȳ_c − Ȳ)² / V(Y)`` for a discrete factor."""
    mean = y.mean(axis=0, dtype=float)
    between = np.zeros(y.shape[1])
    for level in np.unique(factor):
        sel = factor == level
        between += sel.mean() * (y[sel].mean(axis=0, dtype=float) - mean) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        return between / y.var(axis=0, dtype=float)


def monte_carlo(
    model: MCModel,
    n_draws: int,
    seed: int,
    n_norm: int,
    aggregations: Sequence[str] = AGGREGATIONS,
    weight_perturbation: float = 0.25,
    estimator: str = "saltelli",
    batch_size: int = 1024,
    chunk: int = 8192,
) -> UncertaintyResult:
    """Seeded Monte Carlo over the three factors; see the module docstring for the estimators.

    ``n_norm`` alternatives are indexed ``0..n_norm-1`` in ``model``; the nominal run uses
    alternative 0, ``aggregations[0]`` and the nominal weights.
    """
    aggs = np.array([AGGREGATIONS.index(a) for a in aggregations])
    rng = np.random.default_rng(seed)
    m = model.n_weights

    def sample(size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        norm = rng.integers(0, n_norm, size)
        mult = rng.uniform(1 - weight_perturbation, 1 + weight_perturbation, (size, m))
        agg = aggs[rng.integers(0, aggs.size, size)]
        return norm, model.weights * mult, agg

    def ranks(norm: np.ndarray, w: np.ndarray, agg: np.ndarray) -> np.ndarray:
        # chunked so the sort's temporaries stay small; ranks ≤ 2^24 are exact in float32
        out = np.empty((norm.size, model.units.size), dtype=np.float32)
        for s in range(0, norm.size, chunk):
            sl = slice(s, s + chunk)
            out[sl] = rank_min(evaluate(model, norm[sl], w[sl], agg[sl], batch_size), axis=1)
        return out

    nominal = ranks(np.zeros(1, int), model.weights[None, :], aggs[:1])[0]
    if estimator == "saltelli":
        a, b = sample(n_draws), sample(n_draws)
        runs = [a, b]
        for i in range(3):  # A with factor i from B
            runs.append(tuple(b[j] if j == i else a[j] for j in range(3)))  # type: ignore[arg-type]
        norm = np.concatenate([r[0] for r in runs])
        w = np.concatenate([r[1] for r in runs])
        agg = np.concatenate([r[2] for r in runs])
        r = ranks(norm, w, agg).reshape(5, n_draws, -1)
        s = _first_order_saltelli(r[0], r[1], [r[2], r[3], r[4]])
        used = r[:2].reshape(2 * n_draws, -1)
        n_runs = 5 * n_draws
    elif estimator == "binned":
        norm, w, agg = sample(n_draws)
        used = ranks(norm, w, agg)
        s = np.stack(
            [
                _first_order_binned(used, norm),
                np.full(used.shape[1], np.nan),
                _first_order_binned(used, agg),
            ],
            axis=1,
        )
        n_runs = n_draws
    else:
        raise ValueError(f"unknown estimator {estimator!r}")
    q = np.percentile(used, [50, 5, 95], axis=0)
    units = model.units
    return UncertaintyResult(
        nominal=pd.Series(nominal, index=units),
        ranks=used,
        quantiles=pd.DataFrame({"Median": q[0], "Q05": q[1], "Q95": q[2]}, index=units),
        first_order=pd.DataFrame(s, index=units, columns=list(FACTORS)),
        n_runs=n_runs,
        estimator=estimator,
    )


def rank_uncertainty(
    alternatives: Sequence[pd.DataFrame],
    links: Sequence[LevelLink],
    weights: pd.Series,
    *,
    draws: int,
    seed: int,
    aggregations: Sequence[str] = AGGREGATIONS,
    weight_perturbation: float = 0.25,
    estimator: str = "saltelli",
) -> UncertaintyResult:
    """The one Monte Carlo entry point of the composites (the COINr pipeline and the zone
    index): normalisation ``alternatives`` (the nominal first), weights perturbed by
    ±``weight_perturbation`` and ``aggregations`` (the nominal first), ``draws`` seeded runs
    (:func:`build_model`, :func:`monte_carlo`)."""
    model = build_model(alternatives, links, weights, geometric="geometric" in aggregations)
    return monte_carlo(
        model, draws, seed, len(alternatives), aggregations, weight_perturbation, estimator
    )


def run_uncertainty(data: pd.DataFrame, coin: Coin, spec: UncertaintySpec) -> UncertaintyResult:
    """:func:`rank_uncertainty` from a data set of ``coin`` (e.g. ``Treated``) per ``spec``."""
    indicators = [c for c in coin.indicators if c in data.columns]
    if len(indicators) != len(coin.indicators):
        raise ValueError(f"data set {spec.start!r} lacks indicators needed for aggregation")
    base = data[indicators]
    return rank_uncertainty(
        [normalise_with(base, coin, ns) for ns in spec.normalisation],
        coin.hierarchy,
        coin.weights,
        draws=spec.n_draws,
        seed=spec.seed,
        aggregations=spec.aggregation,
        weight_perturbation=spec.weight_perturbation,
        estimator=spec.estimator,
    )
