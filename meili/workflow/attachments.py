"""Attachments (PDF, DOCX, XLSX): checked by content, limited in size, stored by hash.

The type is sniffed from the bytes, never taken from the name or the client: a PDF starts
with ``%PDF-``; a DOCX or XLSX is an Office Open XML zip with its main part. Refused with a
clear message: another type (legacy .doc/.xls, executables, …), a name whose extension does
not fit the content, a file over :func:`max_bytes`, a zip that unpacks to more than
:data:`MAX_UNPACKED` or with a member compressed more than :data:`MAX_RATIO` times (a zip
bomb), macros (``vbaProject.bin``, macro-enabled content types, ActiveX), a PDF with
JavaScript or launch actions. The file is written as ``attachments/<sha256>`` inside the
store: the name a user gave is kept only as a sanitised label, never used as a path.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from meili.config import settings
from meili.workflow.errors import Invalid

MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 10_000
TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_SAFE = re.compile(r"[^\w\u3400-\u9fff .()\-]+", re.UNICODE)


def max_bytes() -> int:
    """The size limit of one attachment (``MEILI_ATTACHMENT_MAX_BYTES``, default 20 MiB)."""
    return int(os.environ.get("MEILI_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))


def store_dir() -> Path:
    return settings().home / "attachments"


def sanitise(name: str) -> str:
    """A safe label from a user's file name: its last path part only, no control or
    reserved characters, no leading dots, at most 120 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _SAFE.sub("_", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem[: 120 - len(ext) - 1] or "file"
    return f"{stem}.{ext.lower()}" if ext else stem


def _zip_kind(data: bytes, name: str) -> str:
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Invalid(f"{name}: not a valid DOCX/XLSX (damaged zip)") from None
    if len(infos) > MAX_MEMBERS:
        raise Invalid(f"{name}: too many parts ({len(infos)}) for an Office document")
    names = {i.filename for i in infos}
    kind = next((k for k, part in MAIN_PART.items() if part in names), None)
    if kind is None or "[Content_Types].xml" not in names:
        raise Invalid(f"{name}: a zip but not a DOCX or XLSX document")
    lowered = [n.lower() for n in names]
    if any(n.endswith("vbaproject.bin") or "/activex/" in n for n in lowered):
        raise Invalid(f"{name}: the document contains macros or embedded code (含宏), refused")
    total = 0
    for info in infos:
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 1 << 20:
            raise Invalid(
                f"{name}: part {info.filename} is compressed {MAX_RATIO}× or more (a zip bomb)"
            )
        total += info.file_size
        if total > MAX_UNPACKED:
            raise Invalid(f"{name}: unpacks to more than {MAX_UNPACKED >> 20} MiB (a zip bomb)")
    unpacked = 0
    for info in infos:  # the declared sizes may lie: count what really comes out
        with z.open(info) as fh:
            while chunk := fh.read(1 << 20):
                unpacked += len(chunk)
                if unpacked > MAX_UNPACKED:
                    raise Invalid(
                        f"{name}: unpacks to more than {MAX_UNPACKED >> 20} MiB (a zip bomb)"
                    )
    types = z.read("[Content_Types].xml").decode("utf-8", "replace").lower()
    if "macroenabled" in types or "vbaproject" in types:
        raise Invalid(f"{name}: the document is macro-enabled (含宏), refused")
    return kind


def sniff(data: bytes, name: str) -> str:
    """The attachment's type (``pdf``, ``docx`` or ``xlsx``) from its bytes, or a refusal."""
    if data.startswith(b"%PDF-"):
        head = data[: 8 * 1024 * 1024]
        if b"/JavaScript" in head or b"/Launch" in head:
            raise Invalid(f"{name}: the PDF contains JavaScript or launch actions, refused")
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data, name)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise Invalid(f"{name}: legacy .doc/.xls files are not accepted; save as DOCX or XLSX")
    raise Invalid(f"{name}: not a PDF, DOCX or XLSX file (type checked by content)")


@dataclass(frozen=True)
class Stored:
    filename: str
    kind: str
    media_type: str
    size: int
    sha256: str


def check(data: bytes, name: str) -> Stored:
    """Check an upload and say what it is (nothing is written)."""
    label = sanitise(name)
    if len(data) > max_bytes():
        raise Invalid(f"{label}: {len(data)} bytes is over the limit of {max_bytes()} bytes")
    if not data:
        raise Invalid(f"{label}: the file is empty")
    kind = sniff(data, label)
    ext = label.rpartition(".")[2] if "." in label else ""
    if ext != kind:
        raise Invalid(
            f"{label}: the content is {kind.upper()} but the name ends in .{ext or '(none)'}"
        )
    return Stored(label, kind, TYPES[kind], len(data), hashlib.sha256(data).hexdigest())


def save(data: bytes, name: str) -> Stored:
    """Check an upload and write it into the store (by its hash; atomic)."""
    info = check(data, name)
    root = store_dir()
    root.mkdir(parents=True, exist_ok=True)
    final = root / info.sha256
    if not final.exists():
        tmp = root / f".tmp-{info.sha256}-{os.getpid()}"
        tmp.write_bytes(data)
        os.replace(tmp, final)
    return info


def read(sha256: str) -> bytes:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise Invalid("bad attachment reference")
    return (store_dir() / sha256).read_bytes()
