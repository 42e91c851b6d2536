"""Read user text files whatever their encoding (UTF-8, UTF-8 with BOM, GBK/GB18030).

Limits are enforced while reading: a file past ``max_bytes`` is refused as soon as the
bytes that pass the limit arrive, not after the whole file is in memory.
"""

from __future__ import annotations

import os
from pathlib import Path

from charset_normalizer import from_bytes

from meili.errors import Location, UserError

BOM = b"\xef\xbb\xbf"
DEFAULT_TEXT_MAX_BYTES = 64 * 1024 * 1024
_GB = {"gb18030", "gbk", "gb2312", "cp936", "hz"}


def strip_boms(raw: bytes) -> tuple[bytes, int]:
    """``raw`` without its leading UTF-8 byte-order marks, and how many there were."""
    n = 0
    while raw.startswith(BOM):
        raw = raw[len(BOM) :]
        n += 1
    return raw, n


def decode_as(raw: bytes, name: str = "<input>") -> tuple[str, str]:
    """The text and the encoding used: UTF-8 (any leading BOMs dropped), else GB18030 (a
    superset of GBK), else what charset detection finds.

    A text that still starts with BOM characters (a doubled BOM inside the text) loses them.
    """
    raw, boms = strip_boms(raw)
    encoding = "utf-8"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text, encoding = raw.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            best = from_bytes(raw).best()
            if best is None:
                raise UserError("not UTF-8 or GBK/GB18030 text", Location(file=name)) from None
            text, encoding = str(best), best.encoding
    text = text.lstrip("\ufeff")
    if boms > 1:
        encoding += f" (with {boms} byte-order marks)"
    return text, encoding


def decode(raw: bytes, name: str = "<input>") -> str:
    """Decode bytes as UTF-8 (BOM stripped), else GB18030 (a superset of GBK), else detect."""
    return decode_as(raw, name)[0]


def likely_encoding(raw: bytes) -> str | None:
    """The encoding charset detection finds most likely, when it is not UTF-8 or a GB one."""
    sample = strip_boms(raw[: 256 * 1024])[0]
    best = from_bytes(sample).best()
    if best is None:
        return None
    enc = best.encoding.lower().replace("-", "_")
    if enc in {"utf_8", "ascii"} or enc.replace("_", "") in _GB:
        return None
    return best.encoding


def text_max_bytes() -> int:
    """The size limit of a text file Meili reads whole (YAML, zone lists): ``MEILI_TEXT_MAX_BYTES``
    or 64 MiB."""
    raw = os.environ.get("MEILI_TEXT_MAX_BYTES")
    return int(raw) if raw else DEFAULT_TEXT_MAX_BYTES


def read_bytes(path: str | Path, limit: int | None = None) -> bytes:
    """A file's bytes, read in chunks and refused once past ``limit``; errors are one line."""
    p = Path(path)
    limit = text_max_bytes() if limit is None else limit
    chunks, total = [], 0
    try:
        with open(p, "rb") as fh:
            while chunk := fh.read(1024 * 1024):
                total += len(chunk)
                if total > limit:
                    raise UserError(
                        f"file is over the {limit:,}-byte limit", Location(file=str(path))
                    )
                chunks.append(chunk)
    except FileNotFoundError:
        raise UserError("file not found", Location(file=str(path))) from None
    except IsADirectoryError:
        raise UserError("is a directory, expected a file", Location(file=str(path))) from None
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", Location(file=str(path))) from None
    return b"".join(chunks)


def read_text(path: str | Path, limit: int | None = None) -> str:
    """Read a text file, decoding as :func:`decode`; a missing file is a user error."""
    return decode(read_bytes(path, limit), str(path))
