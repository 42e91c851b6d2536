"""Rank every member of a national comparison group on one indicator, live from the lake."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from meili.assess.compare import ComparePolicy, compare
from meili.assess.values import indicator_values
from meili.db.session import session
from meili.errors import NotFoundError, UserError
from meili.framework.store import get_framework
from meili.methods import judged, open_context
from meili.registry.units import group_units


def compare_group(
    indicator: str,
    year: int,
    group: str,
    policy: ComparePolicy | None = None,
    *,
    engine: str = "duckdb",
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Values of ``indicator`` in ``year`` for every unit of ``group`` (31 provinces, a
    region, the 168 key or 337 cities), ranked with ties equal; units without a value are
    listed last with an empty rank (a value failing the data-validity rule is not ranked, and
    says why). Each member is named by ``code`` (its GB/T 2260 division code) and ``name``."""
    with session() as s:
        fw = get_framework(s)
    ind = fw.indicator(indicator)
    if ind is None:
        raise NotFoundError(f"no indicator {indicator!r} in {fw.ref}")
    if ind.direction not in ("up", "down"):
        raise UserError(f"{indicator} is a state, not a number: it cannot be ranked")
    units = group_units(group)
    single = fw.model_copy(update={"indicators": [ind]})
    ctx = open_context(engine=engine, peers=units, year=year, progress=progress)
    values = judged(indicator_values(ctx, single, units, [year]))
    names = {u.code: u.name_zh for u in units}
    present = values[values["value"].notna()]
    if present.empty:
        raise NotFoundError(f"no values of {indicator!r} in {year} for group {group!r}")
    table = compare(
        present[["zone", "indicator", "value"]].rename(columns={"zone": "unit"}),
        {indicator: ind.direction},
        policy=policy,
    ).table
    missing = values[values["value"].isna()][["zone", "indicator", "reason_zh", "reason_en"]]
    table = pd.concat([table, missing.rename(columns={"zone": "unit"})], ignore_index=True)
    # the compared "unit" is a member's division code: say so (``code``), once
    table = table.drop(columns=["code"], errors="ignore").rename(columns={"unit": "code"})
    table.insert(1, "name", table["code"].map(names))
    return table
