"""The ingest catalog, kept inside the lake manifest: one record per batch.

A record holds the batch id, kind, dataset, file name and path, content sha256, rows
read / landed / quarantined, start and finish times, user, Meili version, the source's
version number and status (``live`` or ``superseded``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from meili.errors import NotFoundError
from meili.lake import manifest as mf
from meili.lake.store import lake_root


def _status(rec: dict[str, Any], version: int) -> str:
    gone = rec.get("superseded")
    return "superseded" if gone is not None and gone <= version else "live"


def list_batches(root: Path | None = None, as_of: int | None = None) -> list[dict[str, Any]]:
    """Every batch published up to ``as_of`` (default: now), oldest first, with its status."""
    m = mf.read(lake_root(root))
    version = m["version"] if as_of is None else as_of
    out = []
    for rec in sorted(m["batches"].values(), key=lambda r: r["published"]):
        if rec["published"] <= version:
            out.append({**rec, "status": _status(rec, version)})
    return out


def get_batch(batch_id: str, root: Path | None = None) -> dict[str, Any]:
    """One batch record by id (a unique prefix is enough)."""
    m = mf.read(lake_root(root))
    hits = [r for k, r in m["batches"].items() if k == batch_id or k.startswith(batch_id)]
    if len(hits) != 1:
        what = "no batch" if not hits else "several batches"
        raise NotFoundError(f"{what} matching {batch_id!r} (see `meili data ls`)")
    rec = hits[0]
    return {**rec, "status": _status(rec, m["version"])}


def versions(source: str, root: Path | None = None) -> list[dict[str, Any]]:
    """All versions of one source (``kind:file name``), oldest first."""
    m = mf.read(lake_root(root))
    return [
        {**m["batches"][b], "status": _status(m["batches"][b], m["version"])}
        for b in m["sources"].get(source, [])
    ]


def lake_version(root: Path | None = None) -> int:
    """The current manifest version (0 for an empty lake)."""
    return int(mf.read(lake_root(root))["version"])
