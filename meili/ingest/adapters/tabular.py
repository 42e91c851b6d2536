"""The generic adapter: a long table (one record a row) with synonym headers, any kind."""

from __future__ import annotations

import numpy as np
import pandas as pd

from meili.errors import Location, UserError
from meili.ingest import parse
from meili.ingest.extract import Extract, errors_frame
from meili.ingest.kinds import Kind
from meili.ingest.loaded import Loaded
from meili.ingest.synonyms import (
    accepted_headers,
    canonical_column,
    split_header,
    squeeze,
    summary_markers,
)
from meili.ingest.table import Table
from meili.ingest.units import factor, label

_PARTS = ("_date", "_hour", "_year", "_month", "_day")


def map_header(
    header: list[str], kind: Kind, ignore: set[str] = frozenset()
) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Canonical column -> position, declared units, and the unknown headers."""
    allowed = set(kind.names)
    positions: dict[str, int] = {}
    units: dict[str, str] = {}
    unknown: list[str] = []
    for pos, text in enumerate(header):
        if not text or squeeze(text) in ignore:
            continue
        parts = [split_header(p) for p in text.split(" | ")]
        canonical = None
        for part in reversed(parts):
            canonical = canonical_column(part.name, allowed) or canonical_column(
                part.source, allowed
            )
            if canonical:
                break
        if canonical is None:
            unknown.append(text)
            continue
        if canonical in positions:
            first = header[positions[canonical]]
            raise UserError(
                f"columns {first!r} and {text!r} both mean {canonical!r}", Location(row=1)
            )
        positions[canonical] = pos
        unit = next((p.unit for p in parts if p.unit), None)
        if unit:
            units[canonical] = unit
    return positions, units, unknown


def _raw(table: Table):
    def raw(recs: np.ndarray) -> list[dict[str, str]]:
        sub = table.cells.iloc[recs]
        names = [h or f"column {i + 1}" for i, h in enumerate(table.header)]
        sub = sub.set_axis(names[: sub.shape[1]], axis=1)
        return sub.fillna("").astype(str).to_dict("records")

    return raw


def extract_table(
    table: Table,
    kind: Kind,
    name: str,
    *,
    adapter: str = "tabular",
    units: dict[str, str] | None = None,
    year: int | None = None,
    ignore: set[str] = frozenset(),
    decimal: str | None = None,
    date_order: str | None = None,
) -> Extract:
    """Parse a table's cells into the kind's canonical, typed columns.

    ``decimal`` and ``date_order`` are declared by the user; when None they are found from
    the file (or the file is refused, see :mod:`meili.ingest.parse`).
    """
    try:
        positions, header_units, unknown = map_header(table.header, kind, ignore)
    except UserError as exc:
        raise UserError(exc.message, Location(name, row=1)) from None
    units = {**(units or {}), **header_units}
    cells = table.cells
    n = len(cells)
    notes = list(table.notes)
    if unknown:
        notes.append(f"unknown columns ignored: {', '.join(unknown)}")

    has_time = (
        "time" in positions
        or "_date" in positions
        or {"_year", "_month", "_day"} <= positions.keys()
    )
    for col in kind.columns:
        if not col.required or col.name in positions:
            continue
        if col.type == "datetime" and has_time:
            continue
        accepted = ", ".join(accepted_headers(col.name)[:8])
        raise UserError(
            f"missing required column {col.name!r} (for {kind.title_zh} {kind.title_en}); "
            f"headers accepted for it: {accepted}; see `meili ingest kinds --columns "
            f"{kind.name}`",
            Location(name, row=1),
        )
    if kind.measures and not any(m in positions for m in kind.measures):
        raise UserError(
            f"no measurement column (expected one of {', '.join(kind.measures)})",
            Location(name, row=1),
        )

    def col_cells(c: str) -> pd.Series:
        return cells[positions[c]]

    frame = pd.DataFrame(index=range(n))
    errors = []
    source_col = {c: table.header[p] for c, p in positions.items()}
    for pos, (key, params) in table.row_errors.items():
        errors.append(errors_frame([pos], "", key, **params))
    by_position = {p: c for c, p in positions.items()}
    for pos, col_pos, key, params in table.cell_errors:
        errors.append(errors_frame([pos], by_position.get(col_pos, ""), key, **params))
    first = cells[min(positions.values())] if positions else cells[0]
    first_text = first.astype(str).map(squeeze)
    lead = cells[0].astype(str).map(squeeze)
    summary = (first_text.isin(summary_markers()) | lead.isin(summary_markers())).to_numpy()
    if summary.any():
        recs = np.flatnonzero(summary)
        errors.append(errors_frame(recs, "", "summary_row"))

    numeric = [col_cells(c.name) for c in kind.columns if c.type in ("float", "int")
               and c.name in positions]  # fmt: skip
    mark = parse.decimal_mark(numeric, decimal, name)
    if mark == ",":
        notes.append("decimal commas read (30,5 = 30.5)")
    for col in kind.columns:
        if col.name == kind.time and col.name not in positions:
            continue
        if col.name not in positions:
            frame[col.name] = _empty(col.type)
            continue
        s = col_cells(col.name)
        if col.type in ("float", "int"):
            values, bad = parse.numbers(s, mark)
            if col.type == "int":
                frac = values.notna() & (values != np.floor(values))
                bad = bad | frac
                values = values.where(~frac)
            f = factor(units.get(col.name), col.unit, source_col[col.name])
            if f != 1.0:
                values = values * f
                notes.append(
                    f"{source_col[col.name]}: converted {label(units[col.name])} "
                    f"→ {label(col.unit)}"
                )
            frame[col.name] = values if col.type == "float" else values.astype("Int64")
            reason, params = ("not_whole_number" if col.type == "int" else "not_a_number"), {}
        elif col.type in ("datetime", "date"):
            values, bad = parse.times(s, year, order=date_order, name=name, notes=notes)
            frame[col.name] = values if col.type == "datetime" else values.dt.normalize()
            reason = "unreadable_time" if col.type == "datetime" else "unreadable_date"
            params = {}
        elif col.type == "bool":
            frame[col.name], bad = parse.booleans(s)
            reason, params = "not_yes_no", {}
        elif col.type == "enum":
            frame[col.name], bad = parse.enums(s, col.values or [])
            reason, params = "not_one_of", {"values": ", ".join(col.values or [])}
        else:
            frame[col.name] = parse.text(s)
            bad = pd.Series(False, index=s.index)
            reason, params = "", {}
        if bad.any():
            recs = np.flatnonzero(bad.to_numpy())
            errors.append(
                errors_frame(recs, col.name, reason, s.iloc[recs].astype(str).values, **params)
            )

    if kind.time and kind.time not in positions and has_time:
        t, bad_recs = _time_from_parts(cells, positions, date_order, name, notes)
        frame[kind.time] = t
        errors.extend(bad_recs)
    frame = frame[kind.names]

    lines = table.lines

    def locate(recs: np.ndarray, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cols = np.array([source_col.get(c, c) for c in columns], dtype=object)
        return lines[recs], cols

    stated = [c for c in kind.names if c in positions or (c == kind.time and has_time)]
    return Extract(
        frame=frame,
        lines=lines,
        adapter=adapter,
        raw=_raw(table),
        locate=locate,
        errors=errors,
        notes=notes,
        units=units,
        stated=stated,
    )


def extract_loaded(loaded: Loaded, kind: Kind, **options: object) -> Extract:
    """:func:`extract_table` of a loaded source, with the reading options the user declared."""
    return extract_table(
        loaded.table,
        kind,
        loaded.name,
        decimal=loaded.options.decimal,
        date_order=loaded.options.date_order,
        **options,  # type: ignore[arg-type]
    )


def _empty(ctype: str) -> object:
    return {"float": np.nan, "datetime": pd.NaT, "date": pd.NaT}.get(ctype)


def _time_from_parts(
    cells: pd.DataFrame,
    pos: dict[str, int],
    order: str | None = None,
    name: str = "",
    notes: list[str] | None = None,
) -> tuple[pd.Series, list]:
    errors = []
    if "_hour" in pos:
        hour, bad_h = parse.hours(cells[pos["_hour"]])
        if bad_h.any():
            recs = np.flatnonzero(bad_h.to_numpy())
            vals = cells[pos["_hour"]].iloc[recs].astype(str).values
            errors.append(errors_frame(recs, "time", "bad_hour", vals))
    else:
        hour = pd.Series(0.0, index=cells.index)
    if "_date" in pos:
        day, bad_d = parse.times(cells[pos["_date"]], order=order, name=name, notes=notes)
        src = cells[pos["_date"]]
    else:
        y, by = parse.numbers(cells[pos["_year"]])
        m, bm = parse.numbers(cells[pos["_month"]])
        d, bd = parse.numbers(cells[pos["_day"]])
        day = pd.to_datetime(
            pd.DataFrame({"year": y, "month": m, "day": d}), errors="coerce"
        ).astype("datetime64[ns]")
        bad_d = (by | bm | bd | (day.isna() & (y.notna() | m.notna() | d.notna()))).fillna(True)
        src = (
            cells[pos["_year"]].astype(str)
            + "-"
            + cells[pos["_month"]].astype(str)
            + "-"
            + cells[pos["_day"]].astype(str)
        )
    if bad_d.any():
        recs = np.flatnonzero(bad_d.to_numpy())
        errors.append(errors_frame(recs, "time", "unreadable_date", src.iloc[recs].values))
    t = day.dt.normalize() + pd.to_timedelta(hour, unit="h")
    return t.astype("datetime64[ns]"), errors
