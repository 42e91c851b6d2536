"""Check the lake for damage, and repair what can be repaired.

:func:`check_lake` verifies the manifest (it parses and is sound) and every part of every
published batch (present, its bytes and sha256 as written, a readable Parquet file with the
rows recorded). Leftovers of an interrupted ingest are listed as notes, not damage.

:func:`repair_lake` restores the last consistent state where it can: a damaged manifest is
replaced by the newest earlier manifest kept under ``_manifests/`` that parses; batches with
a damaged or missing part are then retired (superseded by a new manifest version, their
rewrites of earlier parts undone), and their source files named to ingest again; leftovers
are removed. A part's data that is lost cannot be made up: the report says which file to
ingest again.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from meili.errors import StoreDamaged
from meili.lake import manifest as mf


@dataclass(frozen=True)
class Problem:
    """One finding: ``damage`` (exit code 4) or a ``note``; ``file`` is the file concerned."""

    area: str  # lake | rounds | database
    file: str
    problem: str
    severity: str = "damage"
    repair: str = ""

    def record(self) -> dict[str, str]:
        return asdict(self)


def _part_problem(root: Path, rel: str, info: dict[str, Any] | None) -> str | None:
    path = root / rel
    if not path.is_file():
        return "missing"
    data = path.read_bytes()
    if info:
        if "bytes" in info and len(data) != info["bytes"]:
            return f"{len(data)} bytes, {info['bytes']} written"
        if "sha256" in info and hashlib.sha256(data).hexdigest() != info["sha256"]:
            return "content changed since it was written (sha256 differs)"
    try:
        meta = pq.read_metadata(path)
    except Exception as exc:  # pyarrow raises several types for broken files
        return f"not a readable Parquet file ({str(exc).splitlines()[0]})"
    if info and "rows" in info and meta.num_rows != info["rows"]:
        return f"{meta.num_rows} rows, {info['rows']} written"
    return None


def batch_parts(rec: dict[str, Any]) -> dict[str, dict[str, Any] | None]:
    """Every part a batch wrote (its own files and its rewrites of earlier parts)."""
    parts: dict[str, dict[str, Any] | None] = dict(rec.get("parts") or {})
    for files in rec.get("files", {}).values():
        for f in files:
            parts.setdefault(f, None)
    return parts


def damaged_batches(root: Path, manifest: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Batch id -> (part, problem) of every published batch with a damaged part."""
    out: dict[str, list[tuple[str, str]]] = {}
    for bid, rec in manifest["batches"].items():
        for rel, info in batch_parts(rec).items():
            why = _part_problem(root, rel, info)
            if why:
                out.setdefault(bid, []).append((rel, why))
    return out


def check_lake(root: Path) -> list[Problem]:
    """Every problem of the lake under ``root`` (see the module doc)."""
    problems: list[Problem] = []
    try:
        manifest = mf.read(root)
    except StoreDamaged as exc:
        kept = mf.history(root)
        fix = (
            f"restore the manifest of version {kept[0].stem} (kept under {mf.HISTORY}/)"
            if kept
            else "no earlier manifest is kept: move the lake aside and ingest again"
        )
        return [Problem("lake", exc.file, exc.problem, repair=fix)]
    for bid, found in damaged_batches(root, manifest).items():
        rec = manifest["batches"][bid]
        source = rec.get("path") or rec.get("file")
        for rel, why in found:
            if rec.get("damaged"):  # retired by a repair: only reads of old versions miss it
                problems.append(
                    Problem(
                        "lake",
                        str(root / rel),
                        f"part of retired batch {bid} ({rec.get('file')}): {why}",
                        "note",
                        f"retired; ingest {source} again if not done",
                    )
                )
                continue
            problems.append(
                Problem(
                    "lake",
                    str(root / rel),
                    f"part of batch {bid} ({rec.get('file')}): {why}",
                    repair=f"retire batch {bid}; ingest {source} again",
                )
            )
    base = root / mf.BATCHES
    if base.is_dir():
        for d in sorted(base.iterdir()):
            if d.name not in manifest["batches"]:
                problems.append(
                    Problem(
                        "lake",
                        str(d),
                        "leftover of an interrupted ingest (never published)",
                        "note",
                        "removed",
                    )
                )
    return problems


def _restore_manifest(root: Path, actions: list[str]) -> dict[str, Any] | None:
    try:
        return mf.read(root)
    except StoreDamaged as exc:
        damaged = exc
    for kept in mf.history(root):
        try:
            manifest = mf.parse(kept.read_bytes(), kept)
        except StoreDamaged:
            continue
        bad = root / mf.MANIFEST
        shutil.copyfile(bad, root / f"{mf.MANIFEST}.damaged")
        mf.write_as_is(root, manifest)
        actions.append(
            f"{bad}: damaged ({damaged.problem}); restored the manifest of version "
            f"{manifest['version']} (the damaged one is kept as {mf.MANIFEST}.damaged)"
        )
        return manifest
    actions.append(f"{damaged.file}: damaged and no earlier manifest is kept; not repaired")
    return None


def repair_lake(root: Path) -> list[str]:
    """Restore the last consistent state where possible; what was done, one line each."""
    actions: list[str] = []
    if not root.is_dir():
        return actions
    with mf.locked(root):
        manifest = _restore_manifest(root, actions)
        if manifest is None:
            return actions
        damaged = damaged_batches(root, manifest)
        live_ids = {r["batch_id"] for r in mf.live(manifest)}
        retire = [b for b in damaged if b in live_ids]
        if retire:
            new = {**manifest, "batches": dict(manifest["batches"])}
            version = int(manifest["version"]) + 1
            for bid in retire:
                rec = dict(new["batches"][bid])
                rec["superseded"] = version
                rec["damaged"] = [f"{rel}: {why}" for rel, why in damaged[bid]]
                new["batches"][bid] = rec
                for old in rec.get("rewrites", {}):
                    mf.replace_entry(new, old, old, version)  # the restated parts come back
                actions.append(
                    f"retired batch {bid} ({rec.get('file')}): a part is damaged; "
                    f"ingest {rec.get('path') or rec.get('file')} again"
                )
            mf.publish(root, new)
            manifest = new
        for name in mf.cleanup(root, manifest):
            actions.append(f"removed {name} (left by an interrupted ingest)")
    return actions
