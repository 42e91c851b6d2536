"""Generic runner: execute any :class:`~.pipeline.Pipeline` on a :class:`~.coin.Coin`.

Each step reads the previous data set (the first reads ``Raw``) and writes a new one under
its ``name``, as COINr's build functions do with ``dset``. Ranks of the last data set are
computed with :func:`~.rank.rank_frame` (COINr ``get_results``, ``R/results.R:63``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from meili.assess.composite.aggregate import aggregate
from meili.assess.composite.coin import Coin
from meili.assess.composite.denominate import denominate
from meili.assess.composite.impute import impute
from meili.assess.composite.normalise import normalise
from meili.assess.composite.pipeline import (
    AggregateStep,
    DenominateStep,
    ImputeStep,
    NormaliseStep,
    NormSpec,
    Pipeline,
    ScreenStep,
    TreatStep,
)
from meili.assess.composite.rank import rank_frame
from meili.assess.composite.screen import screen_units
from meili.assess.composite.treat import treat


class StepError(ValueError):
    """A step cannot run on these inputs; ``step`` names it."""

    def __init__(self, step: str, message: str) -> None:
        super().__init__(f"step {step!r}: {message}")
        self.step = step


@dataclass
class BuildResult:
    """All data sets of a build (``Raw`` first, then one per step) and step details.

    ``details`` holds, when the steps ran: ``imputed`` (bool mask), ``dat_avail`` (Series),
    ``treat_flags`` and ``treat_summary`` (DataFrames).
    """

    coin: Coin
    datasets: dict[str, pd.DataFrame] = field(default_factory=dict)
    details: dict[str, object] = field(default_factory=dict)

    @property
    def final(self) -> pd.DataFrame:
        return next(reversed(self.datasets.values()))

    def results(self) -> pd.DataFrame:
        """Aggregates of the last data set (top level first) and ``Rank`` of the top level.

        Falls back to every column of the last data set if it has no aggregate.
        """
        final = self.final
        aggs = [a for a in self.coin.aggregates if a in final.columns]
        table = final[aggs] if aggs else final
        top = table.columns[0]
        out = table.copy()
        out["Rank"] = rank_frame(table[[top]])[top]
        return out


def normalise_with(data: pd.DataFrame, coin: Coin, spec: NormSpec) -> pd.DataFrame:
    """Apply a :class:`NormSpec` to ``data`` with directions/targets from ``coin.meta``."""
    directions = coin.directions.reindex(data.columns)
    meta = coin.meta

    def column(name: str) -> pd.Series:
        if name not in meta.columns:
            raise ValueError(f"iMeta has no column {name!r} (needed by {spec.method})")
        values = pd.to_numeric(meta.loc[list(data.columns), name], errors="coerce")
        if values.isna().any():
            raise ValueError(f"iMeta column {name!r} is empty for {values.index[values.isna()][0]}")
        return values

    params: dict[str, object] = {
        "minmax": lambda: {"lower": spec.lower, "upper": spec.upper},
        "zscore": lambda: {"mean": spec.mean, "sd": spec.sd},
        "dist2targ": lambda: {
            "targets": column(spec.target_column), "cap": spec.cap, "scale": spec.scale,
        },
        "goalposts": lambda: {
            "low": column(spec.low_column), "target": column(spec.target_column),
            "scale": spec.scale,
        },
        "rank": dict,
    }[spec.method]()  # fmt: skip
    if spec.method == "goalposts":  # goalposts carry their direction
        return normalise(data, spec.method, **params)
    return normalise(data, spec.method, directions, **params)


def run_pipeline(coin: Coin, pipeline: Pipeline) -> BuildResult:
    """Run every step of ``pipeline`` in order; raise :class:`StepError` if one fails."""
    result = BuildResult(coin=coin, datasets={"Raw": coin.data.copy()})
    current = coin.data
    for step in pipeline.steps:
        try:
            current = _run_step(step, current, coin, result)
        except (ValueError, KeyError) as exc:
            if isinstance(exc, StepError):
                raise
            raise StepError(step.name, str(exc).strip("'\"")) from exc
        result.datasets[step.name] = current
    return result


def _run_step(step: object, data: pd.DataFrame, coin: Coin, result: BuildResult) -> pd.DataFrame:
    units = coin.units.reindex(data.index)
    if isinstance(step, DenominateStep):
        return denominate(data, units, coin.denominators.to_dict(), step.scale)
    if isinstance(step, ImputeStep):
        groups = None
        if step.group is not None:
            if step.group not in units.columns:
                raise ValueError(f"group column {step.group!r} not in iData")
            groups = units[step.group]
        imputed, mask = impute(data, step.method, groups)
        result.details["imputed"] = mask
        return imputed
    if isinstance(step, ScreenStep):
        kept, avail = screen_units(data, step.dat_thresh)
        result.details["dat_avail"] = avail
        return kept
    if isinstance(step, TreatStep):
        indicators = [c for c in data.columns if c in coin.indicators]
        t = treat(
            data[indicators], step.winmax, step.skew_thresh, step.kurt_thresh, step.log_fallback
        )
        result.details["treat_flags"] = t.flags
        result.details["treat_summary"] = t.summary
        out = data.copy()
        out[indicators] = t.data
        return out
    if isinstance(step, NormaliseStep):
        return normalise_with(data, coin, step)
    if isinstance(step, AggregateStep):
        indicators = [c for c in coin.indicators if c in data.columns]
        return aggregate(
            data[indicators], coin.hierarchy, coin.weights, step.method, step.dat_thresh
        )
    raise ValueError(f"unknown step {step!r}")
