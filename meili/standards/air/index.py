"""HJ 633 AQI with primary/exceedance pollutants, level, category and colour (vectorised)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from meili.standards.air.editions import edition_for, normalise_edition
from meili.standards.air.hj633_tables import INDICATORS, LEVELS, POLLUTANT
from meili.standards.air.subindex import SPECIAL_LIMIT, AboveTable, iaqi_values

Kind = Literal["daily", "hourly"]

_UPPERS = np.array([lv.upper for lv in LEVELS[:-1]], dtype=np.int64)
_ZH = np.array([lv.category_zh for lv in LEVELS], dtype=object)
_EN = np.array([lv.category_en for lv in LEVELS], dtype=object)
_COLOUR = np.array([lv.colour for lv in LEVELS], dtype=object)
#: 2012 fallbacks, HJ 633-2012 Table 1 notes 2 and 3: (item, replacement item).
_FALLBACK_2012 = {"SO2_1H": "SO2_24H", "O3_8H": "O3_1H"}


def level_of(aqi_values: object) -> pd.DataFrame:
    """Level 1–6, category zh/en and colour; HJ 633-2012 Table 2, HJ 633-2026 Table 1, Annex A.

    Bands ≤50, 51–100, 101–150, 151–200, 201–300, >300 (same in both editions). Missing AQI
    → missing level and categories.
    """
    values = pd.array(np.atleast_1d(aqi_values), dtype="Int64")
    ok = ~values.isna()
    idx = np.searchsorted(_UPPERS, values.to_numpy(dtype=np.int64, na_value=0), side="left")
    level = pd.array(np.where(ok, idx + 1, 0), dtype="Int64")
    level[~ok] = pd.NA
    return pd.DataFrame(
        {
            "level": level,
            "category_zh": np.where(ok, _ZH[idx], None),
            "category_en": np.where(ok, _EN[idx], None),
            "colour": np.where(ok, _COLOUR[idx], None),
        }
    )


def _column(data: pd.DataFrame, item: str) -> np.ndarray:
    if item not in data:
        return np.full(len(data), np.nan)
    values = pd.to_numeric(data[item], errors="coerce").astype("Float64")
    return values.to_numpy(dtype=np.float64, na_value=np.nan)


def _subindices(
    data: pd.DataFrame, items: Sequence[str], edition: str, above_table: AboveTable
) -> tuple[pd.DataFrame, np.ndarray]:
    """IAQI per item (float, NaN missing) and the rows with an above-table value."""
    out: dict[str, np.ndarray] = {}
    over = np.zeros(len(data), dtype=bool)
    probe: AboveTable = "cap" if above_table == "missing" else above_table
    for item in items:  # loop over ≤ 7 indicators, not over rows
        conc = _column(data, item)
        values, missing = iaqi_values(item, conc, edition, probe)
        sub = np.where(missing, np.nan, values.astype(np.float64))
        if item in _FALLBACK_2012 and edition == "2012":
            # HJ 633-2012 Table 1 notes 2/3: > 800 → IAQI of the other averaging time
            alt = _FALLBACK_2012[item]
            alt_values, alt_missing = iaqi_values(alt, _column(data, alt), edition, probe)
            alt_sub = np.where(alt_missing, np.nan, alt_values.astype(np.float64))
            sub = np.where(conc > SPECIAL_LIMIT, alt_sub, sub)
        elif above_table == "missing":
            _, strict_missing = iaqi_values(item, conc, edition, "missing")
            over |= strict_missing & ~missing
        out[item] = sub
    return pd.DataFrame(out, index=data.index), over


def _join_names(mask: pd.DataFrame) -> pd.Series:
    """';'-joined column names where ``mask`` is true (column loop, vectorised over rows)."""
    joined = pd.Series("", index=mask.index, dtype=object)
    for name in mask.columns:
        joined = joined + np.where(mask[name].to_numpy(), name + ";", "")
    return joined.str.rstrip(";")


def _aqi_one(
    data: pd.DataFrame, edition: str, kind: Kind, items: Sequence[str], above_table: AboveTable
) -> pd.DataFrame:
    sub, over = _subindices(data, items, edition, above_table)
    pollutants = sub.T.groupby(lambda item: POLLUTANT[item], sort=False).max().T
    aqi = sub.max(axis=1, skipna=True).to_numpy()
    aqi = np.where(over, np.nan, aqi)  # above the table: the maximum is not defined
    has = ~np.isnan(aqi)
    at_max = pollutants.eq(aqi, axis=0) & (aqi > 50)[:, None]
    primary = _join_names(at_max).where(has & (aqi > 50), None)
    out = pd.DataFrame(index=data.index)
    for item in items:
        out[f"IAQI_{item}"] = pd.array(sub[item].to_numpy(), dtype="Int64")
    out["AQI"] = pd.array(np.where(has, aqi, np.nan), dtype="Int64")
    out["primary"] = primary
    lv = level_of(out["AQI"].to_numpy(dtype=object, na_value=pd.NA))
    lv.index = data.index
    out = pd.concat([out, lv], axis=1)
    if edition == "2012":  # HJ 633-2012 §3.4: IAQI > 100; 2026 deleted the definition
        out["exceedance"] = _join_names(pollutants.gt(100)).where(has, None)
    else:
        out["exceedance"] = None
    out["complete"] = sub.notna().all(axis=1)
    out["above_table"] = over
    out["edition"] = edition
    return out


def aqi(
    data: pd.DataFrame | Mapping[str, object],
    edition: str | int | None = "2012",
    kind: Kind = "daily",
    *,
    dates: object = None,
    indicators: Sequence[str] | None = None,
    above_table: AboveTable = "missing",
) -> pd.DataFrame:
    """AQI = max IAQI; HJ 633-2012 §4.3–§4.4, §5.1; HJ 633-2026 §4.2–§4.3.

    ``data``: columns named by item (see :func:`iaqi`); absent columns count as missing.
    ``kind``: ``"daily"`` (2012 §5.1.2: 7 indicators incl. the O3 daily max 1 h; 2026
    §4.2.2: 6) or ``"hourly"`` real-time (2012 §5.1.3: 1-h SO2 NO2 CO O3, O3 8 h, PM 24-h
    sliding means; 2026 §4.2.3–§4.2.4: six 1-h means, PM on the daily columns).
    ``indicators`` overrides the set. ``edition=None`` picks it per row from ``dates``
    (2026 from 2026-03-01).

    2012: SO2_1H > 800 takes the SO2_24H IAQI, O3_8H > 800 the O3_1H IAQI (Table 1 notes 2, 3)
    when those columns are given. Above-table values: ``above_table="missing"`` (default)
    makes the row's AQI missing (its maximum is undefined), ``"cap"`` uses 500 (CNEMC
    practice, not in the standard), ``"raise"`` raises.

    Columns: ``IAQI_<item>`` (Int64), ``AQI`` (Int64, missing = ``pd.NA``; from the present
    indicators, cf. 2026 §5.3.1), ``primary`` (AQI > 50, pollutants at the max, ';'-joined,
    2012 §3.3 / 2026 §4.3.1), ``level``, ``category_zh``, ``category_en``, ``colour``
    (``#RRGGBB``), ``exceedance`` (2012 §3.4, IAQI > 100; None for 2026), ``complete`` (all
    indicators present), ``above_table``, ``edition``.
    """
    frame = (
        data
        if isinstance(data, pd.DataFrame)
        else pd.DataFrame({k: np.atleast_1d(v) for k, v in data.items()})
    )
    if kind not in ("daily", "hourly"):
        raise ValueError("kind must be 'daily' or 'hourly'")
    if edition is not None:
        ed = normalise_edition(edition)
        items = tuple(indicators) if indicators is not None else INDICATORS[(ed, kind)]
        return _aqi_one(frame, ed, kind, items, above_table)
    if dates is None:
        raise ValueError("edition=None needs dates to choose the edition")
    per_row = edition_for(dates)
    if len(per_row) != len(frame):
        raise ValueError("dates must have one entry per row")
    positional = frame.reset_index(drop=True)
    parts = []
    for ed in np.unique(per_row):  # at most two editions
        sel = per_row == ed
        items = tuple(indicators) if indicators is not None else INDICATORS[(str(ed), kind)]
        parts.append(_aqi_one(positional[sel], str(ed), kind, items, above_table))
    out = pd.concat(parts).sort_index()
    out.index = frame.index
    return out
