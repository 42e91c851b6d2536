"""Ingest files into the lake: one batch per file, each committed atomically.

Same content (sha256) and kind already live → ``unchanged``, nothing written. A file whose
name was ingested before with other content is a new version of that source: its records
replace the old version's, which stays readable (``connect(as_of=…)``, ``meili data show
BATCH``). A file-level problem fails that file only (status ``failed`` with one line).
"""

from __future__ import annotations

import getpass
import glob as globmod
import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from meili import __version__
from meili.errors import MeiliError, UserError
from meili.ingest.adapters import choose
from meili.ingest.kinds import get_kind
from meili.ingest.loaded import Loaded
from meili.ingest.quarantine import build
from meili.ingest.readers import DATA_SUFFIXES, open_source
from meili.ingest.reference import known_codes
from meili.ingest.validate import Context, beijing_now, validate
from meili.lake import manifest as mf
from meili.lake.store import lake_root
from meili.lake.writer import write_batch

Progress = Callable[[str, int, int], None]
KIND_NAMES = ("air-hourly", "air-sites", "water-samples", "water-sections", "noise", "stats")


@dataclass
class BatchResult:
    """What happened to one file."""

    file: str
    path: str
    kind: str | None
    status: str  # landed | replaced | unchanged | failed
    batch_id: str | None = None
    version: int | None = None
    rows_read: int = 0
    rows_landed: int = 0
    rows_quarantined: int = 0
    adapter: str | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def record(self) -> dict:
        """A plain dict of the result (for output)."""
        return asdict(self)


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files named by paths: files, folders (searched recursively) and glob patterns."""
    out: list[Path] = []
    for p in paths:
        text = str(p)
        path = Path(text)
        if path.is_dir():
            found = sorted(
                f for f in path.rglob("*") if f.is_file() and f.name.lower().endswith(DATA_SUFFIXES)
            )
            out.extend(found)
        elif any(ch in text for ch in "*?["):
            out.extend(
                sorted(Path(f) for f in globmod.glob(text, recursive=True) if Path(f).is_file())
            )
        else:
            out.append(path)
    return list(dict.fromkeys(out))


def ingest_paths(
    kind: str,
    paths: Iterable[str | Path],
    *,
    user: str | None = None,
    progress: Progress | None = None,
    max_bytes: int | None = None,
) -> list[BatchResult]:
    """Ingest every file named by ``paths`` as ``kind`` (or ``auto``); one result per file."""
    if kind != "auto":
        get_kind(kind)
    files = expand(paths)
    if not files:
        raise UserError("no files to ingest (check the paths)")
    user = user or _user()
    root = lake_root()
    results: list[BatchResult] = []
    known_cache: dict[str, set[str]] = {}
    with mf.locked(root):
        manifest = mf.read(root)
        mf.cleanup(root, manifest)
        for i, path in enumerate(files):
            if progress:
                progress(path.name, i, len(files))
            try:
                res = _ingest_file(root, manifest, kind, path, user, max_bytes, known_cache)
            except MeiliError as exc:
                res = BatchResult(path.name, str(path), None, "failed", error=str(exc))
            except Exception as exc:  # never a traceback: report the file and go on
                res = BatchResult(
                    path.name,
                    str(path),
                    None,
                    "failed",
                    error=f"{path}: internal error ({type(exc).__name__}: {exc})",
                )
            results.append(res)
        if progress:
            progress("", len(files), len(files))
    return results


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers)
        return os.environ.get("USER", "unknown")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _ingest_file(
    root: Path,
    manifest: dict,
    kind_name: str,
    path: Path,
    user: str,
    max_bytes: int | None,
    known_cache: dict[str, set[str]],
) -> BatchResult:
    started = _now()
    src = open_source(path, max_bytes)
    loaded = Loaded(src)
    choice = choose(loaded, kind_name)
    kind = choice.kind
    source = f"{kind.name}:{path.name}"
    history = manifest["sources"].get(source, [])
    if history and manifest["batches"][history[-1]]["sha256"] == src.sha256:
        prev = manifest["batches"][history[-1]]
        return _unchanged(path, kind.name, prev, "same content already ingested")
    for rec in mf.live(manifest):
        if rec["kind"] == kind.name and rec["sha256"] == src.sha256:
            return _unchanged(path, kind.name, rec, f"same content as {rec['file']}")

    ext = choice.extract(loaded, kind)
    known = None
    if kind.reference:
        ref = kind.reference
        if ref.kind not in known_cache:
            known_cache[ref.kind] = known_codes(ref.kind, ref.column)
        known = known_cache[ref.kind]
    errors = validate(kind, ext, Context(known=known, now=beijing_now()), str(path))
    batch_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{src.sha256[:8]}-{uuid.uuid4().hex[:4]}"
    qrows, bad = build(errors, ext, batch_id=batch_id, kind=kind.name, file=path.name)
    keep = np.ones(ext.rows, dtype=bool)
    keep[bad] = False
    good = ext.frame[keep]
    files = write_batch(root, batch_id, kind, good, qrows)

    version = len(history) + 1
    record = {
        "batch_id": batch_id,
        "kind": kind.name,
        "dataset": kind.dataset,
        "adapter": choice.adapter,
        "file": path.name,
        "path": str(path.resolve()),
        "source": source,
        "sha256": src.sha256,
        "size": src.size,
        "version": version,
        "rows_read": int(ext.rows),
        "rows_landed": int(keep.sum()),
        "rows_quarantined": len(bad),
        "started": started,
        "finished": _now(),
        "user": user,
        "meili_version": __version__,
        "notes": ext.notes,
        "files": files,
        "published": int(manifest["version"]) + 1,
        "superseded": None,
        "supersedes": history[-1] if history else None,
    }
    new = {
        **manifest,
        "batches": {**manifest["batches"], batch_id: record},
        "sources": {**manifest["sources"], source: [*history, batch_id]},
    }
    if history:
        old = dict(new["batches"][history[-1]])
        old["superseded"] = record["published"]
        new["batches"][history[-1]] = old
    mf.publish(root, new)
    manifest.clear()
    manifest.update(new)
    return BatchResult(
        file=path.name,
        path=str(path),
        kind=kind.name,
        status="replaced" if history else "landed",
        batch_id=batch_id,
        version=version,
        rows_read=record["rows_read"],
        rows_landed=record["rows_landed"],
        rows_quarantined=record["rows_quarantined"],
        adapter=choice.adapter,
        notes=list(ext.notes),
    )


def _unchanged(path: Path, kind: str, rec: dict, why: str) -> BatchResult:
    return BatchResult(
        file=path.name,
        path=str(path),
        kind=kind,
        status="unchanged",
        batch_id=rec["batch_id"],
        version=rec["version"],
        rows_read=rec["rows_read"],
        rows_landed=rec["rows_landed"],
        rows_quarantined=rec["rows_quarantined"],
        adapter=rec.get("adapter"),
        notes=[why],
    )
