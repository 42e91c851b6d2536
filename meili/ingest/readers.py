"""Read a source (CSV in UTF-8/BOM/GBK, gzip, XLSX, Parquet) into a table of text cells.

Row numbers are 1-based lines of the source with the header counted (so the first data row
of a CSV is row 2); for XLSX they are the sheet's row numbers; for Parquet, record number + 1.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from meili.errors import Location, UserError
from meili.ingest.source import DEFAULT_MAX_BYTES, Source, max_bytes, open_source
from meili.ingest.table import Table, clean_header, unescape
from meili.ingest.xlsx import read_xlsx
from meili.textfile import decode_as

DATA_SUFFIXES = (".csv", ".csv.gz", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet", ".gz")

__all__ = [
    "DATA_SUFFIXES",
    "DEFAULT_MAX_BYTES",
    "Source",
    "Table",
    "max_bytes",
    "open_source",
    "read_csv_text",
    "read_table",
    "source_text",
]


def source_text(src: Source) -> str:
    """The text of a CSV source (UTF-8, UTF-8 with BOM or GB18030), checked to be text.

    Line ends are normalised: CRLF to LF, and a file with CR-only line ends (old Mac) has
    them read as line breaks (noted on the batch).
    """
    text, encoding = decode_as(src.data, str(src.path))
    src.encoding = encoding
    if "byte-order marks" in encoding:
        src.notes.append(f"extra byte-order marks removed ({encoding})")
    if "\x00" in text:
        raise UserError("not a text file (binary or UTF-16 content)", Location(str(src.path)))
    if not text.strip():
        raise UserError("empty file (no text)", Location(str(src.path)))
    if "\r" in text:
        if "\n" not in text:
            text = text.replace("\r", "\n")
            src.notes.append("CR-only line ends read as line breaks")
        else:
            text = text.replace("\r\n", "\n")
    return text


def read_table(src: Source) -> Table:
    """Read any supported format into a :class:`Table` (safe-export ``'`` prefixes removed)."""
    if src.format == "xlsx":
        return unescape(read_xlsx(src))
    if src.format == "parquet":
        return _read_parquet(src)
    return unescape(read_csv_text(source_text(src), str(src.path)))


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _rows(text: str, name: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text.split("\n", 1)[0]))
    rows: list[list[str]] = []
    try:
        rows.extend(reader)
    except csv.Error as exc:
        where = Location(name, row=reader.line_num or None)
        if "field larger than field limit" in str(exc):
            raise UserError(
                f"a cell is longer than {csv.field_size_limit():,} characters "
                "(a missing closing quote, or not a table?)",
                where,
            ) from None
        raise UserError(f"malformed CSV ({exc})", where) from None
    return rows


def read_csv_text(text: str, name: str) -> Table:
    """Split CSV text into cells; ragged lines become row errors, blank lines are skipped."""
    rows = _rows(text, name)
    if any("\n" in c for r in rows for c in r):
        raise UserError("line breaks inside quoted cells are not supported", Location(name))
    lines = np.arange(1, len(rows) + 1)
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    keep = lengths > 0
    keep &= ~np.array([all(not c.strip() for c in r) for r in rows], dtype=bool) if rows else keep
    rows = [r for r, k in zip(rows, keep, strict=True) if k]
    lines = lines[keep]
    lengths = lengths[keep]
    if not rows:
        raise UserError("empty file (no header)", Location(name))
    header = [clean_header(h) for h in rows[0]]
    width = len(header)
    body = rows[1:]
    if not body:
        raise UserError("header only, no data rows", Location(name, row=int(lines[0])))
    padded = [r[:width] + [""] * (width - len(r)) if len(r) != width else r for r in body]
    cells = pd.DataFrame(padded, columns=range(width), dtype=object)
    body_len = lengths[1:]
    errors: dict[int, tuple[str, dict]] = {}
    for pos in np.flatnonzero(body_len != width):
        n = int(body_len[pos])
        errors[int(pos)] = (
            "ragged_short" if n < width else "ragged_long",
            {"n": n, "width": width},
        )
    return Table(header=header, cells=cells, lines=lines[1:], row_errors=errors, text=text)


def _read_parquet(src: Source) -> Table:
    try:
        table = pq.read_table(io.BytesIO(src.data))
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise UserError(f"cannot read Parquet: {exc}", Location(str(src.path))) from None
    frame = table.to_pandas()
    if frame.empty:
        raise UserError("no data rows", Location(str(src.path)))
    header = [str(c) for c in frame.columns]
    notes = []
    zoned = [c for c in frame.columns if isinstance(frame[c].dtype, pd.DatetimeTZDtype)]
    if zoned:
        notes.append(
            f"times with a time zone converted to Beijing time (UTC+8): {', '.join(zoned)}"
        )
    cells = pd.DataFrame(
        {i: _as_text(frame[c]) for i, c in enumerate(frame.columns)}, index=range(len(frame))
    )
    return Table(header=header, cells=cells, lines=np.arange(2, len(frame) + 2), notes=notes)


def _as_text(col: pd.Series) -> pd.Series:
    if isinstance(col.dtype, pd.DatetimeTZDtype):
        col = col.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(col):
        out = col.dt.strftime("%Y-%m-%d %H:%M:%S")
    else:
        out = col.astype(object).map(lambda v: "" if v is None else str(v))
    return out.where(col.notna(), "").reset_index(drop=True)
