"""CNEMC national site-hour release, wide layout: ``date,hour,type,<site code>…``.

One line per (date, hour, type); one column per site. The value at hour h is the 1-hour
mean ending at h:00 Beijing time, so hour 0 is 24:00 of the previous day; ``time`` is stored
as that hour-ending instant (``date + h hours``). Types ending in ``_24h`` are running 24-h
means derived from the hourly values; they are not stored (noted on the batch).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from meili.errors import Location, UserError
from meili.ingest import parse
from meili.ingest.extract import Extract, errors_frame
from meili.ingest.kinds import Kind
from meili.ingest.loaded import Loaded, period_from_name
from meili.ingest.synonyms import canonical_column, missing_tokens

NAME = "cnemc-air-wide"
KIND = "air-hourly"
TYPES = {
    "AQI": "aqi",
    "PM2.5": "pm25",
    "PM10": "pm10",
    "SO2": "so2",
    "NO2": "no2",
    "O3": "o3",
    "CO": "co",
    "O3_8h": "o3_8h",
}
_LEAD = ["_date", "_hour", "_type"]
_NUMBER = r"^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$"


def matches(header: list[str]) -> bool:
    """True for the wide layout: ``date,hour,type,<codes>`` (or ``日期,小时,类型,…``)."""
    if len(header) <= 3:
        return False
    return [canonical_column(h, set(_LEAD)) for h in header[:3]] == _LEAD


@dataclass
class _Wide:
    """The wide file split into its lead columns and a matrix of values (line × site)."""

    date: pd.Series
    hour: pd.Series
    type: pd.Series
    values: np.ndarray
    bad_cells: np.ndarray
    bad_text: np.ndarray
    lines: np.ndarray
    nfields: np.ndarray


def _read_wide(text: str, width: int, name: str) -> _Wide:
    """Split the lines once in Python and parse every value as one Arrow column (fast for
    the ~1,600-column layout, where a column-wise CSV reader spends its time per column)."""
    raw_lines = text.split("\n")
    numbered = [(i + 1, ln) for i, ln in enumerate(raw_lines) if ln.strip()]
    body = numbered[1:]
    if not body:
        raise UserError("header only, no data rows", Location(name, row=1))
    if any('"' in ln for _, ln in body):
        raise UserError("quoted cells are not expected in the CNEMC wide layout", Location(name))
    n_sites = width - 3
    parts = [ln.split(",", 3) for _, ln in body]
    nfields = np.array([len(p) if len(p) < 4 else 3 + p[3].count(",") + 1 for p in parts])
    long = np.flatnonzero(nfields > width)
    if len(long):
        line = body[int(long[0])][0]
        raise UserError(
            f"malformed CSV: line has {int(nfields[long[0]])} fields, header has {width}",
            Location(name, row=line),
        )
    lead = [[*p, "", "", ""][:3] for p in parts]
    rests = [p[3] if len(p) == 4 else None for p in parts]
    rests = [
        "," * (n_sites - 1) if r is None else r + "," * (n_sites - 1 - r.count(",")) for r in rests
    ]
    tokens = ("\n".join(r.replace(",", "\n") for r in rests) + "\n").encode("utf-8")
    n = len(body)
    values, bad, strings = _values(tokens)
    values = values.reshape(n, n_sites)
    bad_cells = bad.reshape(n, n_sites)
    if bad_cells.any():
        bad_text = np.full(bad_cells.shape, "", dtype=object)
        flat = np.flatnonzero(bad)
        bad_text.flat[flat] = strings.take(pa.array(flat)).to_pylist()
    else:  # no bad cell: a one-column stand-in that indexes like the matrix
        bad_text = np.broadcast_to(np.array([""], dtype=object), bad_cells.shape)
    frame = pd.DataFrame(lead, columns=["date", "hour", "type"], dtype=object)
    return _Wide(
        date=frame["date"].str.strip(),
        hour=frame["hour"].str.strip(),
        type=frame["type"].str.strip(),
        values=values,
        bad_cells=bad_cells,
        bad_text=bad_text,
        lines=np.array([ln for ln, _ in body], dtype=np.int64),
        nfields=nfields,
    )


def _column(tokens: bytes, kind: pa.DataType) -> pa.Array:
    return pacsv.read_csv(
        io.BytesIO(tokens),
        read_options=pacsv.ReadOptions(column_names=["v"]),
        parse_options=pacsv.ParseOptions(quote_char=False, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(
            column_types={"v": kind}, null_values=missing_tokens(), strings_can_be_null=True
        ),
    )["v"]


def _values(tokens: bytes) -> tuple[np.ndarray, np.ndarray, pa.Array | None]:
    """Floats of one value per line, a mask of cells that are not numbers, and (when there
    are such cells) the cells as text."""
    try:
        values = _column(tokens, pa.float64())
        out = values.to_numpy(zero_copy_only=False).astype(float)
        return out, np.zeros(len(out), dtype=bool), None
    except pa.ArrowInvalid:  # some cell is not a number: find which
        pass
    strings = pc.utf8_trim_whitespace(_column(tokens, pa.string()))
    is_number = pc.fill_null(pc.match_substring_regex(strings, _NUMBER), False)
    numeric = pc.if_else(is_number, strings, pa.scalar(None, pa.string()))
    values = pc.cast(numeric, pa.float64()).to_numpy(zero_copy_only=False).astype(float)
    bad = pc.and_(pc.invert(is_number), pc.is_valid(strings)).to_numpy(zero_copy_only=False)
    return values, bad, strings


def extract(loaded: Loaded, kind: Kind) -> Extract:
    """Unpivot the wide file into one record per (site, hour) with a column per type."""
    name = loaded.name
    header = loaded.header
    width = len(header)
    wide = _read_wide(loaded.text, width, name)
    lines, nfields = wide.lines, wide.nfields
    bad_cells, bad_text = wide.bad_cells, wide.bad_text
    measures = list(TYPES.values())
    k_index = {t: i for i, t in enumerate(TYPES)}
    types = wide.type.fillna("")
    k = types.map(k_index).fillna(-1).astype(int).to_numpy()
    derived = types.str.endswith("_24h").to_numpy()
    notes = []
    if derived.any():
        notes.append("derived *_24h lines not stored (recomputable from the hourly values)")
    unknown_type = (k < 0) & ~derived

    key = wide.date.fillna("") + " " + wide.hour.fillna("")
    t_idx, t_keys = pd.factorize(key)
    day, bad_day = parse.times(
        pd.Series(t_keys.str.split(" ").str[0]), order=loaded.options.date_order, name=name
    )
    hour, bad_hour = parse.hours(pd.Series(t_keys.str.split(" ").str[1]))
    t_time = (day.dt.normalize() + pd.to_timedelta(hour, unit="h")).to_numpy()
    t_bad = (bad_day | bad_hour | pd.isna(t_time)).to_numpy()

    values = wide.values
    sites, values, bad_cells, bad_text, col_conflict = _merge_duplicate_columns(
        header[3:], values, bad_cells, bad_text, notes
    )

    n_t, n_s, n_k = len(t_keys), len(sites), len(measures)
    usable = k >= 0
    slot = t_idx * n_k + np.where(usable, k, 0)
    order = np.flatnonzero(usable)
    _, first_pos = np.unique(slot[order], return_index=True)
    first = order[first_pos]
    dup = np.setdiff1d(order, first)

    cube = np.full((n_t, n_s, n_k), np.nan)
    cube[t_idx[first], :, k[first]] = values[first]
    bad_cube = np.zeros((n_t, n_s), dtype=bool)
    line_of = np.full((n_t, n_k), -1, dtype=np.int64)
    line_of[t_idx[first], k[first]] = lines[first]
    for r in np.flatnonzero(bad_cells.any(axis=1) & usable):
        bad_cube[t_idx[r], bad_cells[r]] = True

    conflict = np.zeros((n_t, n_s), dtype=bool)
    if len(dup):
        a = values[dup]
        b = cube[t_idx[dup], :, k[dup]]
        differ = ~((a == b) | (np.isnan(a) & np.isnan(b)))
        np.logical_or.at(conflict, t_idx[dup], differ)
    if col_conflict.any():
        np.logical_or.at(conflict, t_idx, col_conflict)

    present = ~np.isnan(cube).all(axis=2) | bad_cube | conflict
    rec_t, rec_s = np.nonzero(present)
    n_rec = len(rec_t)
    frame = pd.DataFrame(
        {
            "site_code": sites[rec_s],
            "time": t_time[rec_t],
        }
    )
    flat = cube[rec_t, rec_s, :]
    for i, m in enumerate(measures):
        frame[m] = flat[:, i]
    rec_of = np.full((n_t, n_s), -1, dtype=np.int64)
    rec_of[rec_t, rec_s] = np.arange(n_rec)
    with np.errstate(invalid="ignore"):
        t_line = np.where(line_of >= 0, line_of, np.iinfo(np.int64).max).min(axis=1)
    t_line = np.where(t_line == np.iinfo(np.int64).max, 0, t_line)
    rec_line = t_line[rec_t]

    errors = []
    bad_t_rec = np.flatnonzero(t_bad[rec_t])
    if len(bad_t_rec):
        vals = np.asarray(t_keys)[rec_t[bad_t_rec]]
        errors.append(errors_frame(bad_t_rec, "time", "unreadable_date_hour", vals))
    if bad_cube.any():
        for r in np.flatnonzero(bad_cells.any(axis=1) & usable):
            s_idx = np.flatnonzero(bad_cells[r])
            recs = rec_of[t_idx[r], s_idx]
            errors.append(errors_frame(recs, measures[k[r]], "not_a_number", bad_text[r, s_idx]))
    if conflict.any():
        recs = rec_of[conflict]
        errors.append(errors_frame(recs, "", "conflicting_lines"))
    short = np.flatnonzero((nfields < width) & usable)
    for r in short:
        s_last = nfields[r] - 4
        if 0 <= s_last < n_s and rec_of[t_idx[r], s_last] >= 0:
            errors.append(
                errors_frame(
                    [rec_of[t_idx[r], s_last]],
                    measures[k[r]],
                    "truncated_line",
                    line=int(lines[r]),
                    n=int(nfields[r]),
                    width=width,
                )
            )
    extra = _unknown_type_records(wide.type, values, lines, sites, unknown_type, t_time, t_idx)
    if extra is not None:
        extra_frame, extra_lines, extra_err = extra
        offset = len(frame)
        frame = pd.concat([frame, extra_frame], ignore_index=True)
        rec_line = np.concatenate([rec_line, extra_lines])
        extra_err["rec"] += offset
        errors.append(extra_err)

    def locate(recs: np.ndarray, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        out_line = rec_line[recs].copy()
        out_col = np.where(recs < n_rec, sites[rec_s[np.minimum(recs, n_rec - 1)]], "type")
        for i, m in enumerate(measures):
            sel = (columns == m) & (recs < n_rec)
            if sel.any():
                cand = line_of[rec_t[recs[sel]], i]
                out_line[sel] = np.where(cand > 0, cand, out_line[sel])
        return out_line, out_col.astype(object)

    def raw(recs: np.ndarray) -> list[dict[str, str]]:
        sub = frame.iloc[recs]
        out = []
        for rec, row in zip(recs, sub.itertuples(index=False), strict=True):
            if rec >= n_rec:
                out.append({"site": row.site_code, "date_hour": "", "note": "unknown type"})
                continue
            d, h = str(t_keys[rec_t[rec]]).split(" ", 1)
            item = {"date": d, "hour": h, "site": row.site_code}
            for label_, m in TYPES.items():
                v = getattr(row, m)
                item[label_] = "" if pd.isna(v) else f"{v:g}"
            out.append(item)
        return out

    period = period_from_name(name)
    if period is not None:
        period = (period[0], period[1])
    return Extract(
        frame=frame,
        lines=rec_line,
        adapter=NAME,
        raw=raw,
        locate=locate,
        errors=errors,
        notes=notes,
        period=period,
    )


def _merge_duplicate_columns(
    header: list[str],
    values: np.ndarray,
    bad_cells: np.ndarray,
    bad_text: np.ndarray,
    notes: list[str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fold repeated site columns into the first: equal cells merge, differing ones conflict.

    Returns sites, values, bad-cell masks and a (line, site) mask of conflicting cells.
    """
    names = pd.Series([h.strip() for h in header])
    repeated = names.duplicated().to_numpy()
    conflict = np.zeros(values.shape, dtype=bool)
    if not repeated.any():
        return np.array(names, dtype=object), values, bad_cells, bad_text, conflict
    first_of = names.map({n: i for i, n in reversed(list(enumerate(names)))}).to_numpy()
    for j in np.flatnonzero(repeated):
        a, b = values[:, first_of[j]], values[:, j]
        same = (a == b) | np.isnan(b)
        conflict[:, first_of[j]] |= ~same & ~np.isnan(a)
        fill = np.isnan(a) & ~np.isnan(b)
        values[fill, first_of[j]] = b[fill]
    keep = ~repeated
    dupes = sorted(set(names[repeated]))
    notes.append(f"repeated site columns merged: {', '.join(dupes)}")
    return (
        np.array(names[keep], dtype=object),
        values[:, keep],
        bad_cells[:, keep],
        bad_text[:, keep],
        conflict[:, keep],
    )


def _unknown_type_records(types, values, lines, sites, unknown_type, t_time, t_idx):
    rows = np.flatnonzero(unknown_type)
    if not len(rows):
        return None
    r_idx, s_idx = np.nonzero(~np.isnan(values[rows]))
    if not len(r_idx):
        return None
    src_rows = rows[r_idx]
    frame = pd.DataFrame({"site_code": sites[s_idx], "time": t_time[t_idx[src_rows]]})
    for m in TYPES.values():
        frame[m] = np.nan
    labels = types.fillna("").astype(str).to_numpy()[src_rows]
    err = errors_frame(
        np.arange(len(src_rows)),
        "type",
        "unknown_type",
        values[src_rows, s_idx].astype(str),
        type=np.array([repr(t) for t in labels], dtype=object),
    )
    return frame, lines[src_rows], err
