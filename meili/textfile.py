"""Read user text files whatever their encoding (UTF-8, UTF-8 with BOM, GBK/GB18030)."""

from __future__ import annotations

from pathlib import Path

from charset_normalizer import from_bytes

from meili.errors import Location, UserError


def decode(raw: bytes, name: str = "<input>") -> str:
    """Decode bytes as UTF-8 (BOM stripped), else GB18030 (a superset of GBK), else detect."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw).best()
    if best is None:
        raise UserError("not UTF-8 or GBK/GB18030 text", Location(file=name))
    return str(best)


def read_text(path: str | Path) -> str:
    """Read a text file, decoding as :func:`decode`; a missing file is a user error."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise UserError("file not found", Location(file=str(path))) from None
    except IsADirectoryError:
        raise UserError("is a directory, expected a file", Location(file=str(path))) from None
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", Location(file=str(path))) from None
    return decode(raw, str(path))
