"""Vectorised validation of extracted records against their kind.

Rules (each failing record goes to quarantine with its reasons; missing values are fine):

- required values present and readable (types are checked while parsing);
- hard plausibility limits per column (``kinds.yaml``); a negative concentration is always bad;
- mixed units: in a column with ``alt_unit`` (CO in mg/m³), a value above the limit that is
  plausible once converted from the alternative unit (µg/m³) is quarantined as "looks like
  µg/m³"; when most of the column looks like that, the whole file is refused (declare the
  unit in the header instead);
- times not in the future (beyond now + 1 h, Beijing time) and inside the period the file
  declares (file name), hour 24 being 00:00 of the next day;
- codes registered (site list / section list);
- records the source itself marks invalid (``invalid_status``, e.g. stations under maintenance);
- duplicates of the key within a file: identical copies keep the first and quarantine the
  rest; copies with different values are all quarantined (nobody can tell which is right).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from meili.errors import Location, UserError
from meili.ingest.extract import ERROR_COLUMNS, Extract, errors_frame
from meili.ingest.kinds import Kind
from meili.ingest.units import factor, label

MIXED_SHARE = 0.5


@dataclass
class Context:
    """What validation checks against: registered codes, the clock, and problems found by
    other checks (they count before duplicates are looked for)."""

    known: set[str] | None
    now: pd.Timestamp
    found: list[pd.DataFrame] = field(default_factory=list)


def beijing_now() -> pd.Timestamp:
    """The current Beijing time (UTC+8) without a zone, like the stored times."""
    return pd.Timestamp.now(tz="Asia/Shanghai").tz_localize(None)


def validate(kind: Kind, ext: Extract, ctx: Context, name: str) -> pd.DataFrame:
    """All problems of the extract's records (columns ``rec, column, reason, value``)."""
    frame = ext.frame
    found: list[pd.DataFrame] = [*ext.errors, *ctx.found]
    for col in kind.columns:
        s = frame[col.name]
        if col.required:
            miss = s.isna().to_numpy()
            if miss.any():
                found.append(errors_frame(np.flatnonzero(miss), col.name, "missing_value"))
        if col.type not in ("float", "int") or (col.min is None and col.max is None):
            continue
        v = s.astype(float).to_numpy()
        with np.errstate(invalid="ignore"):
            if col.min is not None:
                low = v < col.min
                if low.any():
                    recs = np.flatnonzero(low)
                    if col.min == 0:
                        found.append(errors_frame(recs, col.name, "negative_value", v[low]))
                    else:
                        found.append(
                            errors_frame(
                                recs,
                                col.name,
                                "below_minimum",
                                v[low],
                                min=f"{col.min:g}",
                                unit=label(col.unit),
                            )
                        )
            if col.max is not None:
                high = v > col.max
                if high.any():
                    found.append(_too_high(col, v, high, name))
    if kind.time:
        found.extend(_time_checks(kind, ext, ctx))
    if kind.reference and ctx.known:
        codes = frame[kind.reference.column]
        unknown = (codes.notna() & ~codes.isin(ctx.known)).to_numpy()
        if unknown.any():
            what = "unknown_site" if "site" in kind.reference.column else "unknown_section"
            found.append(
                errors_frame(
                    np.flatnonzero(unknown),
                    kind.reference.column,
                    what,
                    codes[unknown].astype(str).values,
                    list=kind.reference.kind,
                )
            )
    if kind.invalid_status:
        rule = kind.invalid_status
        flagged = frame[rule.column].isin(rule.values).to_numpy()
        if flagged.any():
            found.append(
                errors_frame(
                    np.flatnonzero(flagged), rule.column, rule.reason, frame[rule.column][flagged]
                )
            )
    errors = pd.concat(found, ignore_index=True) if found else _none()
    dup = _duplicates(kind, ext, set(errors["rec"]))
    if len(dup):
        errors = pd.concat([errors, dup], ignore_index=True)
    return errors


def _none() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in ERROR_COLUMNS})


def _too_high(col, v: np.ndarray, high: np.ndarray, name: str) -> pd.DataFrame:
    looks = np.zeros(len(v), dtype=bool)
    if col.alt_unit:
        converted = v * factor(col.alt_unit, col.unit)
        with np.errstate(invalid="ignore"):
            looks = high & (converted >= (col.min or 0)) & (converted <= col.max)
        present = np.count_nonzero(~np.isnan(v))
        if present and np.count_nonzero(looks) > MIXED_SHARE * present:
            med = float(np.nanmedian(v))
            raise UserError(
                f"values look like {label(col.alt_unit)}, not {label(col.unit)} (median "
                f"{med:g}); declare the unit in the header, e.g. '{col.name.upper()}"
                f"({label(col.alt_unit)})'",
                Location(name, column=col.name),
            )
    plain, mixed = high & ~looks, high & looks
    out = [
        errors_frame(
            np.flatnonzero(plain),
            col.name,
            "above_maximum",
            v[plain],
            max=f"{col.max:g}",
            unit=label(col.unit),
        )
    ]
    if mixed.any():
        out.append(
            errors_frame(
                np.flatnonzero(mixed),
                col.name,
                "mixed_units",
                v[mixed],
                alt=label(col.alt_unit),
                unit=label(col.unit),
            )
        )
    return pd.concat(out, ignore_index=True)


def _time_checks(kind: Kind, ext: Extract, ctx: Context) -> list[pd.DataFrame]:
    t = ext.frame[kind.time]
    out = []
    future = (t > ctx.now + pd.Timedelta(hours=1)).to_numpy()
    if future.any():
        out.append(
            errors_frame(np.flatnonzero(future), kind.time, "in_future", t[future].astype(str))
        )
    if ext.period is not None:
        start, end = ext.period
        outside = ((t < start) | (t > end)).to_numpy() & ~future
        if outside.any():
            out.append(
                errors_frame(
                    np.flatnonzero(outside),
                    kind.time,
                    "outside_period",
                    t[outside].astype(str),
                    start=f"{start:%Y-%m-%d}",
                    end=f"{end - pd.Timedelta(days=1):%Y-%m-%d}",
                )
            )
    return out


def _duplicates(kind: Kind, ext: Extract, failed: set[int]) -> pd.DataFrame:
    frame = ext.frame
    ok = np.ones(len(frame), dtype=bool)
    if failed:
        ok[np.fromiter(failed, dtype=np.int64)] = False
    sub = frame[ok]
    dup = sub.duplicated(kind.key, keep=False).to_numpy()
    if not dup.any():
        return _none()
    d = sub[dup].copy()
    d["_rec"] = np.flatnonzero(ok)[dup]
    d["_line"] = ext.lines[d["_rec"].to_numpy()]
    d["_distinct"] = (
        d.drop_duplicates(kind.names).groupby(kind.key, dropna=False)[kind.key[0]].transform("size")
    )
    d["_distinct"] = d.groupby(kind.key, dropna=False)["_distinct"].transform("max")
    d["_first"] = d.groupby(kind.key, dropna=False)["_line"].transform("min")
    same = d[(d["_distinct"] == 1) & d.duplicated(kind.key, keep="first")]
    conflict = d[d["_distinct"] > 1]
    out = [
        errors_frame(
            same["_rec"].to_numpy(),
            "",
            "duplicate_identical",
            row=same["_first"].astype(int).to_numpy(),
        )
    ]
    if len(conflict):
        lines = conflict.groupby(kind.key, dropna=False)["_line"].transform(
            lambda s: ", ".join(str(int(x)) for x in sorted(s))
        )
        out.append(
            errors_frame(
                conflict["_rec"].to_numpy(), "", "duplicate_conflict", rows=lines.to_numpy()
            )
        )
    return pd.concat(out, ignore_index=True)
