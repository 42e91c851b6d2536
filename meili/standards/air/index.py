"""HJ 633 AQI with primary/exceedance pollutants, level, category and colour (vectorised).

AQI = max IAQI [@hj633-2012:4.4] [@hj633-2026:4.2.4]; levels [@hj633-2012:t2]
[@hj633-2026:t1]; primary pollutant [@hj633-2012:3.3] [@hj633-2026:4.3.1]; exceedance
pollutant (2012 only) [@hj633-2012:3.4] [@hj633-2026:foreword]; missing pollutants
[@hj633-2012:t3-note] [@hj633-2026:5.3.1] [@hj633-2026:5.3.2]; above the table
[@meili:above-table].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from meili.standards.air.editions import edition_for, normalise_edition
from meili.standards.air.hj633_tables import DEFAULT_SET, ITEMS, LEVELS, POLLUTANT, indicator_set
from meili.standards.air.subindex import (
    SPECIAL_LIMIT,
    AboveTable,
    AboveTableError,
    iaqi_flagged,
)

Kind = Literal["daily", "hourly"]
#: HJ 633-2026 §5.3.1: an incomplete AQI is published only above this value.
PUBLISH_INCOMPLETE_ABOVE = 100

_UPPERS = np.array([lv.upper for lv in LEVELS[:-1]], dtype=np.int64)
_ZH = np.array([lv.category_zh for lv in LEVELS], dtype=object)
_EN = np.array([lv.category_en for lv in LEVELS], dtype=object)
_COLOUR = np.array([lv.colour for lv in LEVELS], dtype=object)
#: 2012 fallbacks, HJ 633-2012 Table 1 notes 2 and 3: (item, replacement item).
_FALLBACK_2012 = {"SO2_1H": "SO2_24H", "O3_8H": "O3_1H"}


def level_of(aqi_values: object) -> pd.DataFrame:
    """Level 1–6, category zh/en and colour; HJ 633-2012 Table 2, HJ 633-2026 Table 1, Annex A.

    [@hj633-2012:t2] [@hj633-2026:t1].
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
    """IAQI per item (float, NaN missing; 500 above the table) and the rows above the table."""
    if above_table not in ("missing", "cap", "raise"):
        raise ValueError(f"above_table must be 'missing', 'cap' or 'raise': {above_table!r}")
    out: dict[str, np.ndarray] = {}
    over = np.zeros(len(data), dtype=bool)
    for item in items:  # loop over ≤ 7 indicators, not over rows
        conc = _column(data, item)
        values, missing, undefined = iaqi_flagged(item, conc, edition)
        sub = np.where(missing, np.nan, values.astype(np.float64))
        if item in _FALLBACK_2012 and edition == "2012":
            # HJ 633-2012 Table 1 notes 2/3: > 800 → IAQI of the other averaging time
            alt = _FALLBACK_2012[item]
            alt_values, alt_missing, alt_over = iaqi_flagged(alt, _column(data, alt), edition)
            alt_sub = np.where(alt_missing, np.nan, alt_values.astype(np.float64))
            use = conc > SPECIAL_LIMIT
            sub = np.where(use, alt_sub, sub)
            over |= use & alt_over
        else:
            over |= undefined
        out[item] = sub
    if above_table == "raise" and over.any():
        raise AboveTableError(f"a concentration lies above the HJ 633-{edition} table")
    return pd.DataFrame(out, index=data.index), over


def _join_names(mask: pd.DataFrame) -> pd.Series:
    """';'-joined column names where ``mask`` is true (column loop, vectorised over rows)."""
    joined = pd.Series("", index=mask.index, dtype=object)
    for name in mask.columns:
        joined = joined + np.where(mask[name].to_numpy(), name + ";", "")
    return joined.str.rstrip(";")


def _aqi_one(
    data: pd.DataFrame,
    edition: str,
    items: Sequence[str],
    above_table: AboveTable,
    exempt: Sequence[str],
) -> pd.DataFrame:
    sub, over = _subindices(data, items, edition, above_table)
    pollutants = sub.T.groupby(lambda item: POLLUTANT[item], sort=False).max().T
    aqi = sub.max(axis=1, skipna=True).to_numpy()
    if above_table == "missing":
        aqi = np.where(over, np.nan, aqi)  # the maximum is not defined
    complete = sub.notna().all(axis=1).to_numpy()
    if edition == "2026":  # HJ 633-2026 §5.3.1/§5.3.2: incomplete and ≤ 100 → NA
        counted = [item for item in items if item not in set(exempt)]
        lacking = (
            sub[counted].isna().any(axis=1).to_numpy() if counted else np.zeros(len(sub), bool)
        )
        aqi = np.where(lacking & (aqi <= PUBLISH_INCOMPLETE_ABOVE), np.nan, aqi)
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
    out["complete"] = complete
    out["above_table"] = over
    out["edition"] = edition
    return out


def _items(indicators: str | Sequence[str] | None, edition: str, kind: Kind) -> tuple[str, ...]:
    if indicators is None:
        return indicator_set(DEFAULT_SET[(edition, kind)])
    if isinstance(indicators, str):
        return indicator_set(indicators)
    return tuple(indicators)


def aqi(
    data: pd.DataFrame | Mapping[str, object],
    edition: str | int | None = None,
    kind: Kind = "daily",
    *,
    dates: object = None,
    indicators: str | Sequence[str] | None = None,
    above_table: AboveTable = "cap",
    exempt: Sequence[str] = (),
) -> pd.DataFrame:
    """AQI = max IAQI; HJ 633-2012 §4.3–§4.4, §5.1; HJ 633-2026 §4.2–§4.3, §5.3.

    [@hj633-2012:4.4] [@hj633-2012:5.1.2] [@hj633-2012:5.1.3] [@hj633-2026:4.2.2]
    [@hj633-2026:4.2.3] [@hj633-2026:4.2.4]. ``data``: columns named by item (see
    :func:`~meili.standards.air.subindex.iaqi`); absent columns count as missing.

    Edition: ``edition="2012"``/``"2026"``, or ``edition=None`` with ``dates`` (one per row;
    2026 rules from 2026-03-01). With neither, ``ValueError``: no silent default.

    Indicators: ``kind="daily"`` uses ``daily-2012`` (HJ 633-2012 §5.1.2: 7 incl. the O3
    daily max 1 h) or ``daily-2026`` (HJ 633-2026 §4.2.2: 6); ``kind="hourly"`` uses
    ``hourly-1h`` in both editions — the six 1-hour means, PM on the daily columns
    (HJ 633-2026 §4.2.3–§4.2.4; for 2012 data the CNEMC real-time release, reproduced on
    every site-hour of the bundled 2019 days [@cnemc:realtime-aqi-2019]). ``indicators``
    names another set of :data:`~meili.standards.air.hj633_tables.INDICATOR_SETS` (e.g.
    ``"hourly-2012-sliding"``, HJ 633-2012 §5.1.3 read literally) or lists items.

    2012: SO2_1H > 800 takes the SO2_24H IAQI, O3_8H > 800 the O3_1H IAQI (Table 1 notes 2,
    3) [@hj633-2012:t1] when those columns are given. Above the 500 row neither edition
    defines an IAQI: ``above_table="cap"`` (default, Meili's convention
    [@meili:above-table], the value the CNEMC release publishes) reports IAQI and AQI 500
    and flags the row ``above_table``; ``"missing"`` leaves the AQI missing; ``"raise"``
    raises ``AboveTableError``.

    Missing pollutants: 2012 computes the AQI from the indicators present and marks the
    missing ones NA [@hj633-2012:t3-note]. 2026 §5.3.1 [@hj633-2026:5.3.1]: an incomplete
    row's AQI is published only when > 100, otherwise it is NA (the IAQIs stay); items in
    ``exempt`` are those §5.3.2 [@hj633-2026:5.3.2] exempts — not in the monitoring
    programme and, on the caller's history, not the primary pollutant of a day at level 3
    or worse in three consecutive years — and do not count as missing for that rule.

    Columns: ``IAQI_<item>`` (Int64), ``AQI`` (Int64, missing = ``pd.NA``), ``primary`` (AQI
    > 50, pollutants at the max, ';'-joined, [@hj633-2012:3.3] [@hj633-2026:4.3.1]),
    ``level``, ``category_zh``, ``category_en``, ``colour`` (``#RRGGBB``), ``exceedance``
    (2012 §3.4, IAQI > 100 [@hj633-2012:3.4]; None for 2026), ``complete`` (all indicators
    present), ``above_table``, ``edition``.
    """
    frame = (
        data
        if isinstance(data, pd.DataFrame)
        else pd.DataFrame({k: np.atleast_1d(v) for k, v in data.items()})
    )
    if kind not in ("daily", "hourly"):
        raise ValueError("kind must be 'daily' or 'hourly'")
    if len(frame.columns) and not any(str(c) in ITEMS for c in frame.columns):
        raise ValueError(
            "no HJ 633 item column (e.g. PM25_24H, O3_8H; got "
            f"{', '.join(map(str, frame.columns[:6]))}); for the lake's names (pm25, o3_8h …) "
            "use meili.api.aqi"
        )
    if edition is not None:
        ed = normalise_edition(edition)
        return _aqi_one(frame, ed, _items(indicators, ed, kind), above_table, exempt)
    if dates is None:
        raise ValueError(
            "choose the HJ 633 edition: pass edition='2012' or '2026', or dates= (one per "
            "row; the 2026 rules apply from 2026-03-01)"
        )
    per_row = edition_for(dates)
    if len(per_row) != len(frame):
        raise ValueError("dates must have one entry per row")
    positional = frame.reset_index(drop=True)
    parts = []
    for ed in np.unique(per_row):  # at most two editions
        sel = per_row == ed
        items = _items(indicators, str(ed), kind)
        parts.append(_aqi_one(positional[sel], str(ed), items, above_table, exempt))
    out = pd.concat(parts).sort_index()
    out.index = frame.index
    return out
