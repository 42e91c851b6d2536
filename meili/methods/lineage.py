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
    codes = np.array([u.code for u in units], dtype=object)
    zone = np.repeat(codes, len(years))
    year = np.tile(np.asarray(years, dtype=np.int64), len(codes))
    method = find(indicator.method)
    if method is None:
        got = result_frame()
        kind, unit = "missing", indicator.unit
        zh, en = reason("no_method", method=indicator.method)
    else:
        key = ("values", method.id, indicator.code, tuple(codes), tuple(years))
        req = Request(indicator, tuple(units), tuple(years))
        got = result_frame(ctx.memo(key, lambda: method.compute(ctx, req)))
        kind, unit = method.kind, method.unit or indicator.unit
        zh, en = _missing_reason(kind, indicator.code)
    n = len(zone)
    if len(got):
        # a code met twice (a municipality is a province and a city of the national sets,
        # with the same member) has one value
        got = got.drop_duplicates(["zone", "year"]).reset_index(drop=True)
        wanted = pd.MultiIndex.from_arrays([zone, year])
        have = pd.MultiIndex.from_arrays([got["zone"], got["year"].astype(np.int64)])
        pos = have.get_indexer(wanted)
    else:
        pos = np.full(n, -1)
    hit = pos >= 0

    def column(col: str, fill: object) -> np.ndarray:
        out = np.full(n, fill, dtype=object)
        if hit.any():
            out[hit] = got[col].to_numpy(dtype=object)[pos[hit]]
        return out

    value = np.full(n, np.nan)
    if hit.any():
        value[hit] = pd.to_numeric(got["value"], errors="coerce").to_numpy(dtype=float)[pos[hit]]
    has = ~np.isnan(value)
    texts: dict[int, str] = {}  # rows share their batch lists: encode each list once

    def encode(b: object) -> str:
        if id(b) not in texts:
            ids = sorted(set(b)) if isinstance(b, list | tuple) else []
            texts[id(b)] = json.dumps(ids)
        return texts[id(b)]

    def text(col: str, missing: str) -> np.ndarray:
        given = column(col, None)
        blank = pd.isna(given) | (given == "")
        return np.where(blank, np.where(has, "", missing), given).astype(object)

    def nullable(col: str) -> np.ndarray:  # None, never NaN, for "none" (as Parquet reads)
        values = column(col, None)
        values[pd.isna(values)] = None
        return values

    units_given = column("unit", None)
    units_given[pd.isna(units_given)] = unit
    return pd.DataFrame(
        {
            "zone": zone,
            "indicator": np.full(n, indicator.code, dtype=object),
            "year": year,
            "value": value,
            "unit": units_given,
            "method": np.full(n, indicator.method, dtype=object),
            "status": np.where(has, kind, "missing").astype(object),
            "valid": column("valid", False).astype(bool) & has,
            "reason_zh": text("reason_zh", zh),
            "reason_en": text("reason_en", en),
            "batches": np.array([encode(b) for b in column("batches", None)], dtype=object),
            "stats_row": nullable("stats_row"),
            "edition": nullable("edition"),
            "framework": np.full(n, framework_ref, dtype=object),
            "lake_version": np.full(n, ctx.lake_version, dtype=np.int64),
            "code_version": np.full(n, f"meili {__version__}", dtype=object),
        },
        columns=VALUE_COLUMNS,
    )


def _missing_reason(kind: str, code: str) -> tuple[str, str]:
    """Why a value a method left out is missing, by the method's kind."""
    if kind == "reported":
        return reason("no_stats_row", code=code)
    if kind == "evidence":
        return reason("no_evidence")
    return reason("no_value")


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
