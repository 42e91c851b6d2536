"""Indicator values per zone and year, each with its lineage, from one run context.

Every framework indicator names a registered method (:mod:`meili.methods`); its value rows
(:mod:`meili.methods.lineage`) say whether the value was computed (by which method, from
which lake batches), reported (from which ``stats`` row) or proven by evidence, and why a
value is missing. Each method runs once per context and serves every indicator and unit.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from meili.framework.schema import Framework
from meili.methods import RunContext, value_rows
from meili.methods.lineage import empty_values
from meili.methods.reported import higher_tasks
from meili.registry.units import ZoneUnit

__all__ = ["higher_tasks", "indicator_values"]


def indicator_values(
    ctx: RunContext, framework: Framework, units: Sequence[ZoneUnit], years: Sequence[int]
) -> pd.DataFrame:
    """One row per unit × applicable indicator × year (missing values included, with why)."""
    frames = []
    n = len(framework.indicators)
    for i, ind in enumerate(framework.indicators, 1):
        applicable = [u for u in units if u.tier in ind.tiers]
        if applicable:
            ctx.progress(f"values {i}/{n}: {ind.code} ({len(applicable)} units)")
            frames.append(value_rows(ctx, ind, applicable, years, framework.ref))
    if not frames:
        return empty_values()
    return pd.concat(frames, ignore_index=True)
