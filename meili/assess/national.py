"""Rank every member of a national comparison group on one indicator, live from the lake."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from meili.assess.aggregate import fill_provinces
from meili.assess.compare import ComparePolicy, compare
from meili.assess.values import indicator_values
from meili.db.session import session
from meili.errors import NotFoundError, UserError
from meili.framework.store import get_framework
from meili.methods import open_context
from meili.registry.units import group_units

COMPARED = (
    "zone",
    "indicator",
    "value",
    "valid",
    "status",
    "method",
    "reason_zh",
    "reason_en",
    "batches",
)


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
    says why). A value failing its data-validity rule is listed, flagged (``valid`` False,
    ``validity_zh``/``validity_en``) and not ranked unless ``policy.include_invalid``. A
    province without a value of its own takes the mean of its cities' valid values
    (:mod:`meili.assess.aggregate`, rule unconfirmed). Each member is named by ``code`` (its
    GB/T 2260 division code) and ``name``."""
    with session() as s:
        fw = get_framework(s)
    ind = fw.indicator(indicator)
    if ind is None:
        raise NotFoundError(f"no indicator {indicator!r} in {fw.ref}")
    if ind.direction not in ("up", "down"):
        raise UserError(f"{indicator} is a state, not a number: it cannot be ranked")
    units = group_units(group)
    single = fw.model_copy(update={"indicators": [ind]})
    cities = group_units("cities337") if units and units[0].tier == "province" else []
    ctx = open_context(engine=engine, peers=[*units, *cities], year=year, progress=progress)
    values = indicator_values(ctx, single, units, [year])
    if cities:  # a province without a value of its own: the mean of its cities' valid values
        values = fill_provinces(values, indicator_values(ctx, single, cities, [year]))
    names = {u.code: u.name_zh for u in units}
    if values["value"].isna().all():
        raise NotFoundError(f"no values of {indicator!r} in {year} for group {group!r}")
    cols = [c for c in (*COMPARED, "aggregated_from", "note") if c in values]
    table = compare(
        values[cols].rename(columns={"zone": "unit"}),
        {indicator: ind.direction},
        policy=policy,
        group_size=len(units),
    ).table.drop(columns=["code"], errors="ignore")
    table["comparison"] = f"national:{group}"
    missing = values[values["value"].isna()][["zone", "indicator", "reason_zh", "reason_en"]]
    table = pd.concat([table, missing.rename(columns={"zone": "unit"})], ignore_index=True)
    # the compared "unit" is a member's division code: say so (``code``), once
    table = table.rename(columns={"unit": "code"})
    table.insert(1, "name", table["code"].map(names))
    return table
