"""Open a source file with its limits enforced while reading.

The file is read in chunks with its sha256 and size checked as bytes arrive; gzip is
unpacked as a stream, so a file that unpacks past the limit is refused as soon as it does
(memory stays at most :data:`SPOOL_BYTES` above the baseline: more goes to a temporary file
until the limit is reached). Workbooks (zip) and Parquet files are checked against the sizes
their own directories declare before anything is unpacked (a workbook's unpacked size has
its own, smaller limit: openpyxl holds every cell as an object).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from meili.errors import Location, UserError

DEFAULT_MAX_BYTES = 2 * 1024**3
#: Workbooks take far more memory than their XML, so their unpacked size has its own limit.
DEFAULT_MAX_XLSX_BYTES = 256 * 1024**2
CHUNK = 1024 * 1024
SPOOL_BYTES = 64 * 1024 * 1024


def max_bytes() -> int:
    """The size limit of a (decompressed) source: ``MEILI_INGEST_MAX_BYTES`` or 2 GiB."""
    raw = os.environ.get("MEILI_INGEST_MAX_BYTES")
    return int(raw) if raw else DEFAULT_MAX_BYTES


def max_xlsx_bytes() -> int:
    """The limit of a workbook's unpacked size: ``MEILI_INGEST_MAX_XLSX_BYTES`` or 256 MiB."""
    raw = os.environ.get("MEILI_INGEST_MAX_XLSX_BYTES")
    return int(raw) if raw else DEFAULT_MAX_XLSX_BYTES


@dataclass
class Source:
    """A file's bytes (decompressed) and identity."""

    path: Path
    data: bytes
    sha256: str
    size: int
    format: str  # csv | xlsx | parquet
    encoding: str | None = None  # the text encoding used to read it (CSV)
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name


def _over(name: str, limit: int, what: str = "unpacks to") -> UserError:
    return UserError(f"{what} over the {limit:,}-byte limit", Location(name))


def _read_file(path: Path, limit: int) -> tuple[bytes, str]:
    """The file's bytes and sha256, read in chunks (refused once past ``limit``)."""
    digest = hashlib.sha256()
    chunks: list[bytes] = []
    total = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            total += len(chunk)
            if total > limit:
                raise _over(str(path), limit, "file is")
            digest.update(chunk)
            chunks.append(chunk)
    return b"".join(chunks), digest.hexdigest()


def gunzip(raw: bytes, name: str, limit: int) -> bytes:
    """Unpack gzip data as a stream, refusing it as soon as it passes ``limit`` bytes."""
    total = 0
    with (
        tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool,
        gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream,
    ):
        try:
            while chunk := stream.read(CHUNK):
                total += len(chunk)
                if total > limit:
                    raise _over(name, limit)
                spool.write(chunk)
        except (EOFError, OSError, zlib.error) as exc:
            raise UserError(f"truncated or corrupt gzip file ({exc})", Location(name)) from None
        spool.seek(0)
        return spool.read()


def _check_zip(raw: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # the workbook reader reports what is wrong with it
    cap = max_xlsx_bytes()
    if unpacked > cap:
        raise UserError(
            f"the workbook unpacks to {unpacked:,} bytes, over the {cap:,}-byte limit for "
            "workbooks (save it as CSV)",
            Location(name),
        )


_WIDTH = {"BOOLEAN": 1, "INT32": 4, "FLOAT": 4, "INT64": 8, "DOUBLE": 8, "INT96": 12}


def _check_parquet(raw: bytes, name: str, limit: int) -> None:
    try:
        meta = pq.read_metadata(io.BytesIO(raw))
    except Exception:  # pyarrow raises several types; the Parquet reader reports it
        return
    unpacked = 0
    for i in range(meta.num_row_groups):
        group = meta.row_group(i)
        for j in range(group.num_columns):
            col = group.column(j)
            width = _WIDTH.get(col.physical_type, 0)  # decoded size of fixed-width values
            unpacked += max(col.total_uncompressed_size, group.num_rows * width)
    if unpacked > limit:
        raise UserError(
            f"the Parquet file unpacks to {unpacked:,} bytes, over the {limit:,}-byte limit",
            Location(name),
        )


def open_source(path: Path, limit: int | None = None) -> Source:
    """Read a file within the size limit, unpacking gzip; errors are one-line user errors."""
    name = str(path)
    limit = max_bytes() if limit is None else limit
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UserError("file not found", Location(file=name)) from None
    if path.is_dir():
        raise UserError("is a directory, expected a file", Location(file=name))
    if size > limit:
        raise UserError(f"file is {size:,} bytes, over the {limit:,}-byte limit", Location(name))
    if size == 0:
        raise UserError("empty file", Location(file=name))
    try:
        raw, digest = _read_file(path, limit)
    except PermissionError:
        raise UserError("cannot read the file (permission denied)", Location(name)) from None
    if raw[:2] == b"\x1f\x8b":
        raw = gunzip(raw, name, limit)
        if not raw:
            raise UserError("empty file", Location(file=name))
    if raw[:4] == b"PK\x03\x04":
        fmt = "xlsx"
        _check_zip(raw, name)
    elif raw[:4] == b"PAR1":
        fmt = "parquet"
        _check_parquet(raw, name, limit)
    else:
        fmt = "csv"
    return Source(path=path, data=raw, sha256=digest, size=size, format=fmt)
