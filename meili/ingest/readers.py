"""Read a source file (CSV in UTF-8/BOM/GBK, gzip, XLSX, Parquet) into a table of text cells.

Row numbers are 1-based lines of the source with the header counted (so the first data row
of a CSV is row 2); for XLSX they are the sheet's row numbers; for Parquet, record number + 1.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from meili.errors import Location, UserError
from meili.textfile import decode

DEFAULT_MAX_BYTES = 2 * 1024**3
DATA_SUFFIXES = (".csv", ".csv.gz", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet", ".gz")


def max_bytes() -> int:
    """The file-size limit: ``MEILI_INGEST_MAX_BYTES`` or 2 GiB."""
    raw = os.environ.get("MEILI_INGEST_MAX_BYTES")
    return int(raw) if raw else DEFAULT_MAX_BYTES


@dataclass
class Source:
    """A file's bytes (decompressed) and identity."""

    path: Path
    data: bytes
    sha256: str
    size: int
    format: str  # csv | xlsx | parquet

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class Table:
    """Text cells of a table: ``cells`` has one column per header position, all str."""

    header: list[str]
    cells: pd.DataFrame
    lines: np.ndarray
    row_errors: dict[int, str] = field(default_factory=dict)  # position -> reason
    notes: list[str] = field(default_factory=list)
    text: str | None = None


def open_source(path: Path, limit: int | None = None) -> Source:
    """Read a file, checking its size and unpacking gzip; errors are one-line user errors."""
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UserError("file not found", Location(file=name)) from None
    limit = max_bytes() if limit is None else limit
    if size > limit:
        raise UserError(f"file is {size:,} bytes, over the {limit:,}-byte limit", Location(name))
    if size == 0:
        raise UserError("empty file", Location(file=name))
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise UserError(f"truncated or corrupt gzip file ({exc})", Location(name)) from None
        if len(raw) > limit:
            raise UserError(f"unpacks to over the {limit:,}-byte limit", Location(name))
        if not raw:
            raise UserError("empty file", Location(file=name))
    if raw[:4] == b"PK\x03\x04":
        fmt = "xlsx"
    elif raw[:4] == b"PAR1":
        fmt = "parquet"
    else:
        fmt = "csv"
    return Source(path=path, data=raw, sha256=digest, size=size, format=fmt)


def source_text(src: Source) -> str:
    """The text of a CSV source (UTF-8, UTF-8 with BOM or GB18030), checked to be text."""
    text = decode(src.data, str(src.path))
    if "\x00" in text:
        raise UserError("not a text file (binary or UTF-16 content)", Location(str(src.path)))
    if not text.strip():
        raise UserError("empty file (no text)", Location(str(src.path)))
    return text


def read_table(src: Source) -> Table:
    """Read any supported format into a :class:`Table`."""
    if src.format == "xlsx":
        from meili.ingest.xlsx import read_xlsx

        return read_xlsx(src)
    if src.format == "parquet":
        return _read_parquet(src)
    return read_csv_text(source_text(src), str(src.path))


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_text(text: str, name: str) -> Table:
    """Split CSV text into cells; ragged lines become row errors, blank lines are skipped."""
    first = text.split("\n", 1)[0]
    rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(first)))
    if "\n" in "".join(c for r in rows for c in r if "\n" in c):
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
    header = [h.strip() for h in rows[0]]
    width = len(header)
    body = rows[1:]
    if not body:
        raise UserError("header only, no data rows", Location(name, row=int(lines[0])))
    padded = [r[:width] + [""] * (width - len(r)) if len(r) != width else r for r in body]
    cells = pd.DataFrame(padded, columns=range(width), dtype=object)
    body_len = lengths[1:]
    errors: dict[int, str] = {}
    for pos in np.flatnonzero(body_len != width):
        n = int(body_len[pos])
        errors[int(pos)] = (
            f"line has {n} fields, header has {width} (truncated line?)"
            if n < width
            else f"line has {n} fields, header has {width}"
        )
    return Table(header=header, cells=cells, lines=lines[1:], row_errors=errors, text=text)


def _read_parquet(src: Source) -> Table:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(src.data))
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise UserError(f"cannot read Parquet: {exc}", Location(str(src.path))) from None
    frame = table.to_pandas()
    if frame.empty:
        raise UserError("no data rows", Location(str(src.path)))
    header = [str(c) for c in frame.columns]
    cells = pd.DataFrame(
        {i: _as_text(frame[c]) for i, c in enumerate(frame.columns)}, index=range(len(frame))
    )
    return Table(header=header, cells=cells, lines=np.arange(2, len(frame) + 2))


def _as_text(col: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(col):
        out = col.dt.strftime("%Y-%m-%d %H:%M:%S")
    else:
        out = col.astype(object).map(lambda v: "" if v is None else str(v))
    return out.where(col.notna(), "").reset_index(drop=True)
