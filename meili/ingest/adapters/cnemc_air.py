"""CNEMC national site-hour release, wide layout: ``date,hour,type,<site code>…``.

One line per (date, hour, type); one column per site. The value at hour h is the 1-hour
mean ending at h:00 Beijing time, so hour 0 is 24:00 of the previous day; ``time`` is stored
as that hour-ending instant (``date + h hours``). Types ending in ``_24h`` are running 24-h
means derived from the hourly values; they are not stored (noted on the batch).
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from meili.errors import Location, UserError
from meili.ingest import parse
from meili.ingest.extract import Extract, errors_frame
from meili.ingest.kinds import Kind
from meili.ingest.loaded import Loaded, period_from_name
from meili.ingest.synonyms import missing_tokens

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


def matches(header: list[str]) -> bool:
    """True for the ``date,hour,type,<codes>`` wide layout."""
    return [h.lower() for h in header[:3]] == ["date", "hour", "type"] and len(header) > 3


def extract(loaded: Loaded, kind: Kind) -> Extract:
    """Unpivot the wide file into one record per (site, hour) with a column per type."""
    name = loaded.name
    text = loaded.text
    try:
        df = pd.read_csv(
            io.StringIO(text),
            dtype={"date": str, "hour": str, "type": str},
            na_values=missing_tokens(),
            keep_default_na=False,
            skip_blank_lines=True,
        )
    except pd.errors.ParserError as exc:
        raise UserError(f"malformed CSV: {exc}", Location(name)) from None
    if df.empty:
        raise UserError("header only, no data rows", Location(name, row=1))
    df.columns = [str(c).strip() for c in df.columns]
    raw_lines = text.split("\n")
    nonblank = np.array([bool(ln.strip()) for ln in raw_lines], dtype=bool)
    lines = (np.flatnonzero(nonblank) + 1)[1 : len(df) + 1]
    nfields = np.array(
        [ln.count(",") + 1 for ln, k in zip(raw_lines, nonblank, strict=True) if k][1 : len(df) + 1]
    )
    width = len(df.columns)

    measures = list(TYPES.values())
    k_index = {t: i for i, t in enumerate(TYPES)}
    types = df["type"].fillna("").str.strip()
    k = types.map(k_index).fillna(-1).astype(int).to_numpy()
    derived = types.str.endswith("_24h").to_numpy()
    notes = []
    if derived.any():
        notes.append("derived *_24h lines not stored (recomputable from the hourly values)")
    unknown_type = (k < 0) & ~derived

    key = df["date"].fillna("").str.strip() + " " + df["hour"].fillna("").str.strip()
    t_idx, t_keys = pd.factorize(key)
    day, bad_day = parse.times(pd.Series(t_keys.str.split(" ").str[0]))
    hour, bad_hour = parse.hours(pd.Series(t_keys.str.split(" ").str[1]))
    t_time = (day.dt.normalize() + pd.to_timedelta(hour, unit="h")).to_numpy()
    t_bad = (bad_day | bad_hour | pd.isna(t_time)).to_numpy()

    block = df.iloc[:, 3:]
    bad_cells = np.zeros(block.shape, dtype=bool)
    bad_text = np.full(block.shape, "", dtype=object)
    obj_cols = [j for j, dt in enumerate(block.dtypes) if not pd.api.types.is_numeric_dtype(dt)]
    for j in obj_cols:
        vals, bad = parse.numbers(block.iloc[:, j])
        bad_cells[:, j] = bad.to_numpy()
        bad_text[bad.to_numpy(), j] = block.iloc[:, j][bad].astype(str).to_numpy()
        block = block.assign(**{block.columns[j]: vals})
    values = block.to_numpy(dtype=float)
    sites, values, bad_cells, bad_text, col_conflict = _merge_duplicate_columns(
        loaded.header[3:], values, bad_cells, bad_text, notes
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
        errors.append(errors_frame(bad_t_rec, "time", "cannot read the date or hour", vals))
    if bad_cube.any():
        for r in np.flatnonzero(bad_cells.any(axis=1) & usable):
            s_idx = np.flatnonzero(bad_cells[r])
            recs = rec_of[t_idx[r], s_idx]
            errors.append(errors_frame(recs, measures[k[r]], "not a number", bad_text[r, s_idx]))
    if conflict.any():
        recs = rec_of[conflict]
        errors.append(
            errors_frame(recs, "", "conflicting duplicate lines or columns for the same hour")
        )
    short = np.flatnonzero((nfields < width) & usable)
    for r in short:
        s_last = nfields[r] - 4
        if 0 <= s_last < n_s and rec_of[t_idx[r], s_last] >= 0:
            errors.append(
                errors_frame(
                    [rec_of[t_idx[r], s_last]],
                    measures[k[r]],
                    f"line {lines[r]} is truncated ({nfields[r]} of {width} fields)",
                )
            )
    extra = _unknown_type_records(df, values, lines, sites, unknown_type, t_time, t_idx)
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


def _unknown_type_records(df, values, lines, sites, unknown_type, t_time, t_idx):
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
    labels = df["type"].fillna("").astype(str).to_numpy()[src_rows]
    err = errors_frame(
        np.arange(len(src_rows)),
        "type",
        np.array([f"unknown type {t!r}" for t in labels], dtype=object),
        values[src_rows, s_idx].astype(str),
    )
    return frame, lines[src_rows], err
