"""Parquet datasets in the lake directory, exposed to DuckDB as one view per dataset.

Datasets written by ``meili ingest`` are listed in the lake manifest (see
:mod:`meili.lake.manifest`): a view reads exactly the files of the live batches, never
leftovers of an interrupted ingest. ``connect(as_of=N)`` reads the lake as it was at
manifest version N. A folder ``lake/<name>/`` of Parquet files placed by hand (possibly
hive-partitioned, ``period=2019-01/part-0.parquet``) is also exposed, as before.
Views: one per dataset, ``quarantine`` (rows refused by live batches), ``<dataset>_revisions``
(values replaced by a later batch: old and new value, who and when) and ``batches`` (the
catalog).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from meili.config import settings
from meili.errors import NotFoundError, StoreDamaged, UserError
from meili.lake import manifest as mf

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_CATALOG_COLUMNS = [
    "batch_id",
    "kind",
    "dataset",
    "file",
    "sha256",
    "version",
    "rows_read",
    "rows_landed",
    "rows_quarantined",
    "started",
    "finished",
    "user",
    "meili_version",
    "published",
    "superseded",
]


def lake_root(root: Path | None = None) -> Path:
    """The lake directory (created when missing)."""
    path = root or settings().lake_dir
    path.mkdir(parents=True, exist_ok=True)
    return path


def _verified(root: Path, rel: str, manifest: dict) -> str:
    """The absolute path of a live part, after a cheap check (present, size, Parquet footer)."""
    path = root / rel
    info = mf.part_info(manifest, rel) or {}
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            fh.seek(max(size - 4, 0))
            tail = fh.read(4)
    except FileNotFoundError:
        raise StoreDamaged(path, "a part of the lake is missing") from None
    except OSError as exc:
        raise StoreDamaged(path, f"a part of the lake cannot be read ({exc.strerror})") from None
    if "bytes" in info and size != info["bytes"]:
        raise StoreDamaged(
            path, f"a part of the lake is damaged ({size} bytes, {info['bytes']} written)"
        )
    if tail != b"PAR1":
        raise StoreDamaged(path, "a part of the lake is damaged (not a Parquet file)")
    return str(path)


def snapshot(root: Path | None = None, as_of: int | None = None) -> dict[str, Any]:
    """The manifest read once: every reader of one lake version works from one snapshot."""
    base = lake_root(root)
    m = mf.read(base)
    if as_of is not None and not 0 <= as_of <= m["version"]:
        raise NotFoundError(f"lake version {as_of} does not exist (current {m['version']})")
    return m


def live_files_of(
    root: Path, manifest: dict[str, Any], as_of: int | None = None
) -> dict[str, list[str]]:
    """Dataset -> live Parquet files (absolute) of one manifest snapshot at ``as_of``."""
    return {
        dataset: [_verified(root, rel, manifest) for rel, _ in parts]
        for dataset, parts in mf.live_parts(manifest, as_of).items()
    }


def live_files(dataset: str, root: Path | None = None, as_of: int | None = None) -> list[str]:
    """Live Parquet files of a dataset at lake version ``as_of`` (manifest, or a hand-placed
    folder); empty when the lake has none."""
    base = lake_root(root)
    managed = live_files_of(base, snapshot(base, as_of), as_of)
    if dataset in managed:
        return managed[dataset]
    if not NAME_RE.match(dataset):
        return []
    folder = base / dataset
    return sorted(str(p) for p in folder.rglob("*.parquet")) if folder.is_dir() else []


def part_ranges(
    dataset: str, root: Path | None = None, as_of: int | None = None
) -> list[dict[str, Any]]:
    """The live parts of a dataset at version ``as_of`` as the manifest recorded them: one
    record per part with ``batch_id`` (the batch whose rows it holds), ``path``, ``rows`` and
    ``range`` (key column → [min, max] as ISO text or number; {} when not recorded). Empty for
    a hand-placed folder, which the manifest does not know."""
    base = lake_root(root)
    manifest = snapshot(base, as_of)
    out = []
    for rec in mf.live(manifest, as_of):
        for first in rec.get("files", {}).get(dataset, []):
            rel = mf.resolve(manifest, first, as_of)
            if rel is None:  # every key restated later: nothing of it is live
                continue
            # a rewritten part keeps a subset of the rows of the part it came from
            info = mf.part_info(manifest, rel) or mf.part_info(manifest, first) or {}
            if not info.get("range"):
                info = {**info, "range": (mf.part_info(manifest, first) or {}).get("range")}
            out.append(
                {
                    "batch_id": rec["batch_id"],
                    "path": str(base / rel),
                    "rows": info.get("rows"),
                    "range": dict(info.get("range") or {}),
                }
            )
    return out


def _managed(root: Path, as_of: int | None) -> dict[str, list[str]]:
    """Dataset -> live Parquet files (absolute) per the manifest (kept for older callers)."""
    return live_files_of(root, snapshot(root, as_of), as_of)


def _unmanaged(base: Path) -> list[str]:
    return sorted(
        p.name
        for p in base.iterdir()
        if p.is_dir() and NAME_RE.match(p.name) and next(p.rglob("*.parquet"), None) is not None
    )


def datasets(root: Path | None = None) -> list[str]:
    """Names of the datasets that hold at least one Parquet file."""
    base = lake_root(root)
    return sorted(set(_managed(base, None)) | set(_unmanaged(base)))


def dataset_dir(name: str, root: Path | None = None) -> Path:
    """The folder of a hand-placed dataset ``name``."""
    if not NAME_RE.match(name):
        raise UserError(f"invalid dataset name {name!r} (lower-case letters, digits, _)")
    return lake_root(root) / name


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(root: Path | None = None, as_of: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a view per lake dataset (as of a lake version).

    The manifest is read once, so the views and the ``batches`` catalog are one snapshot.
    A damaged manifest or part raises :class:`StoreDamaged` naming the file.
    """
    base = lake_root(root)
    manifest = snapshot(base, as_of)
    managed = live_files_of(base, manifest, as_of)
    con = duckdb.connect()
    try:
        for name, files in sorted(managed.items()):
            listing = ", ".join(_quote(f) for f in files)
            _view(
                con,
                name,
                f"read_parquet([{listing}], hive_partitioning = true, union_by_name = true)",
                files,
            )
        for name in _unmanaged(base):
            if name in managed:
                continue
            glob = str(dataset_dir(name, base) / "**" / "*.parquet")
            _view(
                con,
                name,
                f"read_parquet({_quote(glob)}, hive_partitioning = true, union_by_name = true)",
                [glob],
            )
        _catalog_view(con, manifest, as_of)
    except BaseException:
        con.close()
        raise
    return con


def _view(con: duckdb.DuckDBPyConnection, name: str, source: str, files: list[str]) -> None:
    try:
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM {source}")
    except duckdb.Error as exc:
        where = next((f for f in files if f in str(exc)), files[0] if files else name)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreDamaged(where, f"a part of the lake cannot be read ({first})") from None


def _catalog_view(
    con: duckdb.DuckDBPyConnection, manifest: dict[str, Any], as_of: int | None
) -> None:
    if not manifest["batches"]:
        return
    version = manifest["version"] if as_of is None else as_of
    rows = [r for r in manifest["batches"].values() if r["published"] <= version]
    if not rows:
        return
    frame = pd.DataFrame([{c: r.get(c) for c in _CATALOG_COLUMNS} for r in rows])
    con.register("_catalog_frame", frame)
    con.execute("CREATE TEMP TABLE batches AS SELECT * FROM _catalog_frame")
    con.unregister("_catalog_frame")


def live_datasets(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the views and tables a connection holds."""
    return {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }


def query(sql: str, root: Path | None = None, as_of: int | None = None) -> duckdb.DuckDBPyRelation:
    """Run SQL over the lake's views; an unknown dataset is a user error."""
    con = connect(root, as_of)
    try:
        return con.sql(sql)
    except duckdb.CatalogException as exc:
        raise NotFoundError(f"lake query failed: {exc}") from None
