"""The lake manifest: the one small file that says which batches are live.

Layout under the lake root::

    _manifest.json              the manifest (batches, their files, versions per source)
    _batches/<batch id>/...     Parquet files written by a batch (immutable once published)
    .lock                       held while a writer works (flock; released by the OS on kill)

A batch is committed by one atomic step: its files are written and fsynced first, then a
new manifest is written to a temporary file, fsynced and moved over ``_manifest.json`` with
``os.replace``. Readers only read files the manifest lists, so a crash at any point leaves
the lake exactly as before; files of an unpublished batch are removed by :func:`cleanup`.
Every batch records the manifest version that published it and the one that superseded
it, so the lake as of any earlier version can be read back.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MANIFEST = "_manifest.json"
BATCHES = "_batches"
LOCK = ".lock"
FORMAT = 1


def empty() -> dict[str, Any]:
    """The manifest of an empty lake."""
    return {"format": FORMAT, "version": 0, "batches": {}, "sources": {}}


def read(root: Path) -> dict[str, Any]:
    """The current manifest (an empty one when none was ever published)."""
    try:
        text = (root / MANIFEST).read_text("utf-8")
    except FileNotFoundError:
        return empty()
    return json.loads(text)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    """Flush a written file to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(path: Path) -> None:
    """Flush every file and directory under ``path`` (and ``path``'s parent entry)."""
    for dirpath, _dirs, files in os.walk(path):
        for f in files:
            fsync_file(Path(dirpath) / f)
        _fsync_dir(Path(dirpath))
    _fsync_dir(path.parent)


def publish(root: Path, manifest: dict[str, Any]) -> int:
    """Atomically replace the manifest with ``manifest`` (its version is bumped); new version."""
    manifest["version"] = int(manifest.get("version", 0)) + 1
    tmp = root / f"{MANIFEST}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, ensure_ascii=False, separators=(",", ":"))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, root / MANIFEST)
    _fsync_dir(root)
    return manifest["version"]


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the lake's writer lock (one writer at a time; readers never wait)."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def cleanup(root: Path, manifest: dict[str, Any]) -> list[str]:
    """Remove leftovers of unpublished batches and temporary manifests (call under the lock)."""
    removed = []
    base = root / BATCHES
    if base.is_dir():
        for d in base.iterdir():
            if d.name not in manifest["batches"]:
                shutil.rmtree(d, ignore_errors=True)
                removed.append(d.name)
    for tmp in root.glob(f"{MANIFEST}.tmp-*"):
        tmp.unlink(missing_ok=True)
        removed.append(tmp.name)
    return removed


def live(manifest: dict[str, Any], as_of: int | None = None) -> list[dict[str, Any]]:
    """Batch records live at manifest version ``as_of`` (default: now), oldest first."""
    version = manifest["version"] if as_of is None else as_of
    out = []
    for rec in manifest["batches"].values():
        gone = rec.get("superseded")
        if rec["published"] <= version and (gone is None or gone > version):
            out.append(rec)
    return sorted(out, key=lambda r: r["published"])
