"""The lake manifest: the one small file that says which batches are live.

Layout under the lake root::

    _manifest.json              the manifest (batches, their files, versions per source)
    _manifests/<version>.json   the last few earlier manifests (hard links, for repair)
    _batches/<batch id>/...     Parquet files written by a batch (immutable once published)
    .lock                       held while a writer works (flock; released by the OS on kill)

A batch is committed by one atomic step: its files are written and fsynced first, then a
new manifest is written to a temporary file, fsynced and moved over ``_manifest.json`` with
``os.replace``. Readers only read files the manifest lists, so a crash at any point leaves
the lake exactly as before; files of an unpublished batch are removed by :func:`cleanup`.
Every batch records the manifest version that published it and the one that superseded
it, so the lake as of any earlier version can be read back. A part of an earlier batch whose
keys a later batch restated is *replaced* (``replaced``: old path -> the rewritten part
without those keys, or nothing, and the version from which that holds); the old part stays
for reads as of earlier versions. Every part records its rows, bytes and sha256, so damage
is found (:mod:`meili.lake.check`).
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

from meili.errors import StoreDamaged

MANIFEST = "_manifest.json"
HISTORY = "_manifests"
BATCHES = "_batches"
LOCK = ".lock"
FORMAT = 2
KEEP_HISTORY = 5


def empty() -> dict[str, Any]:
    """The manifest of an empty lake."""
    return {"format": FORMAT, "version": 0, "batches": {}, "sources": {}, "replaced": {}}


def problems(manifest: Any) -> list[str]:
    """What is wrong with the structure of a parsed manifest (empty when it is sound)."""
    if not isinstance(manifest, dict):
        return ["not a JSON object"]
    out = []
    if not isinstance(manifest.get("version"), int):
        out.append("no version number")
    for part in ("batches", "sources"):
        if not isinstance(manifest.get(part), dict):
            out.append(f"no {part!r} table")
    if not isinstance(manifest.get("replaced", {}), dict):
        out.append("'replaced' is not a table")
    if out:
        return out
    for bid, rec in manifest["batches"].items():
        if not isinstance(rec, dict):
            out.append(f"batch {bid} is not a record")
            continue
        if not isinstance(rec.get("published"), int) or not isinstance(rec.get("files"), dict):
            out.append(f"batch {bid} lacks its version or files")
    return out


def parse(text: str | bytes, where: Path) -> dict[str, Any]:
    """A manifest from its text; anything unreadable raises :class:`StoreDamaged`."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise StoreDamaged(where, f"the lake manifest is damaged ({exc})") from None
    found = problems(data)
    if found:
        raise StoreDamaged(where, f"the lake manifest is damaged ({found[0]})")
    data.setdefault("replaced", {})
    return data


def read(root: Path) -> dict[str, Any]:
    """The current manifest (an empty one when none was ever published).

    A damaged manifest raises :class:`StoreDamaged` (exit code 4) naming the file.
    """
    path = root / MANIFEST
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return empty()
    except IsADirectoryError:
        raise StoreDamaged(path, "the lake manifest is a directory") from None
    return parse(raw, path)


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


def _keep_history(root: Path, version: int) -> None:
    """Keep the manifest about to be replaced as ``_manifests/<version>.json`` (a hard link)."""
    current = root / MANIFEST
    if version <= 0 or not current.exists():
        return
    folder = root / HISTORY
    folder.mkdir(exist_ok=True)
    target = folder / f"{version}.json"
    if not target.exists():
        try:
            os.link(current, target)
        except OSError:  # a file system without hard links: copy
            shutil.copyfile(current, target)
    kept = sorted((p for p in folder.glob("*.json") if p.stem.isdigit()), key=lambda p: int(p.stem))
    for old in kept[:-KEEP_HISTORY]:
        old.unlink(missing_ok=True)


def history(root: Path) -> list[Path]:
    """Earlier manifests kept for repair, newest first."""
    folder = root / HISTORY
    if not folder.is_dir():
        return []
    kept = [p for p in folder.glob("*.json") if p.stem.isdigit()]
    return sorted(kept, key=lambda p: int(p.stem), reverse=True)


def write_as_is(root: Path, manifest: dict[str, Any]) -> None:
    """Atomically write ``manifest`` as the current one, keeping its version (for repair)."""
    tmp = root / f"{MANIFEST}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(manifest, ensure_ascii=False, separators=(",", ":")))  # C encoder
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, root / MANIFEST)
    _fsync_dir(root)


def publish(root: Path, manifest: dict[str, Any]) -> int:
    """Atomically replace the manifest with ``manifest`` (its version is bumped); new version.

    The replaced manifest is kept under ``_manifests/`` (the last few), for repair.
    """
    old = int(manifest.get("version", 0))
    manifest["version"] = old + 1
    manifest["format"] = FORMAT
    tmp = root / f"{MANIFEST}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(manifest, ensure_ascii=False, separators=(",", ":")))  # C encoder
        fh.flush()
        os.fsync(fh.fileno())
    _keep_history(root, old)
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


def resolve(manifest: dict[str, Any], path: str, as_of: int | None = None) -> str | None:
    """The part that stands for ``path`` at version ``as_of``: itself, or its rewrite.

    A part whose keys a later batch restated is replaced by a copy without those keys (or by
    nothing when no key is left), from the version that published the restating batch.
    """
    version = manifest["version"] if as_of is None else as_of
    replaced = manifest.get("replaced", {})
    for _ in range(10_000):
        entries = replaced.get(path)
        if not entries:
            return path
        entries = [entries] if isinstance(entries, dict) else entries
        now = [e for e in entries if e["at"] <= version]
        if not now:
            return path
        by = max(now, key=lambda e: e["at"])["by"]
        if by is None or by == path:  # gone, or restored to itself by a repair
            return by
        path = by
    return None


def replace_entry(manifest: dict[str, Any], path: str, by: str | None, at: int) -> None:
    """Record that from version ``at`` the part ``path`` stands as ``by`` (None: gone;
    ``path`` itself: restored)."""
    replaced = manifest.setdefault("replaced", {})
    old = replaced.get(path)
    entries = [] if old is None else ([old] if isinstance(old, dict) else list(old))
    replaced[path] = [*entries, {"by": by, "at": at}]


def live_parts(
    manifest: dict[str, Any], as_of: int | None = None
) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Dataset -> (relative path, owning batch record) of every live part at ``as_of``.

    Quarantine and revision parts are listed under ``quarantine`` and ``revisions``.
    """
    out: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for rec in live(manifest, as_of):
        for dataset, files in rec.get("files", {}).items():
            for f in files:
                path = resolve(manifest, f, as_of)
                if path is not None:
                    out.setdefault(dataset, []).append((path, rec))
    return {k: v for k, v in out.items() if v}


def part_info(manifest: dict[str, Any], path: str) -> dict[str, Any] | None:
    """What the manifest recorded about a part (rows, bytes, sha256, key ranges), if anything."""
    batch = path.split("/", 2)[1] if path.startswith(BATCHES + "/") else None
    rec = manifest["batches"].get(batch) if batch else None
    return (rec or {}).get("parts", {}).get(path)
