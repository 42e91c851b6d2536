"""The value frame: one row per zone × indicator × year, each with its lineage.

Columns (:data:`VALUE_COLUMNS`): ``zone, indicator, year, value, unit, method, status``
(``computed`` | ``reported`` | ``evidence`` | ``missing``), ``valid`` (the value meets the
data-validity rule; an invalid value is kept for display, flagged, never judged),
``reason_zh, reason_en`` (why missing or invalid), ``batches`` (JSON list of the lake batch
ids read), ``stats_row`` (the reported rows used), ``edition, framework, lake_version,
code_version``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pandas as pd

from meili import __version__, i18n
from meili.framework.schema import Indicator
from meili.methods.context import RunContext
from meili.methods.registry import Request, find, result_frame
from meili.registry.units import ZoneUnit

VALUE_COLUMNS = [
    "zone", "indicator", "year", "value", "unit", "method", "status", "valid", "reason_zh",
    "reason_en", "batches", "stats_row", "edition", "framework", "lake_version", "code_version",
]  # fmt: skip
STATUSES = ("computed", "reported", "evidence", "missing")


def reason(key: str, **values: object) -> tuple[str, str]:
    """(zh, en) of a catalogue reason (``value_reasons``); a value given as a (zh, en) pair
    fills each language with its own word."""
    out = []
    for i, lang in enumerate(i18n.LANGS):
        filled = {k: v[i] if isinstance(v, tuple) else v for k, v in values.items()}
        out.append(i18n.text("value_reasons", key, lang, **filled))
    return out[0], out[1]


def value_rows(
    ctx: RunContext,
    indicator: Indicator,
    units: Sequence[ZoneUnit],
    years: Sequence[int],
    framework_ref: str,
) -> pd.DataFrame:
    """The value rows of one indicator for ``units`` × ``years`` (missing ones say why)."""
    grid = pd.MultiIndex.from_product(
        [[u.code for u in units], list(years)], names=["zone", "year"]
    ).to_frame(index=False)
    method = find(indicator.method)
    if method is None:
        got = result_frame()
        kind, unit = "missing", indicator.unit
        zh, en = reason("no_method", method=indicator.method)
    else:
        key = ("values", method.id, indicator.code, tuple(u.code for u in units), tuple(years))
        req = Request(indicator, tuple(units), tuple(years))
        got = result_frame(ctx.memo(key, lambda: method.compute(ctx, req)))
        kind, unit = method.kind, method.unit or indicator.unit
        zh, en = reason("no_value")
    merged = grid.merge(got, on=["zone", "year"], how="left")
    has = merged["value"].notna()
    merged["indicator"] = indicator.code
    merged["method"] = indicator.method
    merged["status"] = np.where(has, kind, "missing")
    merged["unit"] = merged["unit"].astype(object).where(merged["unit"].notna(), unit)
    merged["valid"] = merged["valid"].astype("boolean").fillna(False).astype(bool) & has
    for col, text in (("reason_zh", zh), ("reason_en", en)):
        blank = merged[col].isna() | (merged[col] == "")
        merged[col] = merged[col].astype(object).mask(blank & ~has, text).fillna("")
    merged["batches"] = merged["batches"].map(
        lambda b: json.dumps(sorted(set(b))) if isinstance(b, list | tuple) else "[]"
    )
    merged["framework"] = framework_ref
    merged["lake_version"] = ctx.lake_version
    merged["code_version"] = f"meili {__version__}"
    out = merged[VALUE_COLUMNS].astype(object)
    for col in ("stats_row", "edition"):  # None, never NaN, for "none" (as Parquet reads back)
        out[col] = out[col].where(out[col].notna(), None)
    out["year"] = out["year"].astype(np.int64)
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype(np.float64)
    out["valid"] = out["valid"].astype(bool)
    out["lake_version"] = out["lake_version"].astype(np.int64)
    return out


def empty_values() -> pd.DataFrame:
    """A value frame without rows."""
    return pd.DataFrame(columns=VALUE_COLUMNS)


def judged(values: pd.DataFrame) -> pd.DataFrame:
    """The values targets, progress and comparison judge: invalid values blanked (they stay
    in the value frame for display, flagged). Frames without ``valid`` (rounds frozen before
    it existed held no invalid value) are returned as they are."""
    if "valid" not in values:
        return values
    return values.assign(value=values["value"].where(values["valid"].astype(bool)))
