"""Parquet datasets in the lake directory, exposed to DuckDB as one view per dataset.

Datasets written by ``meili ingest`` are listed in the lake manifest (see
:mod:`meili.lake.manifest`): a view reads exactly the files of the live batches, never
leftovers of an interrupted ingest. ``connect(as_of=N)`` reads the lake as it was at
manifest version N. A folder ``lake/<name>/`` of Parquet files placed by hand (possibly
hive-partitioned, ``period=2019-01/part-0.parquet``) is also exposed, as before.
Views: one per dataset, ``quarantine`` (rows refused by live batches) and ``batches``
(the catalog).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from meili.config import settings
from meili.errors import NotFoundError, UserError
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


def _managed(root: Path, as_of: int | None) -> dict[str, list[str]]:
    """Dataset -> live Parquet files (absolute) per the manifest."""
    m = mf.read(root)
    if as_of is not None and not 0 <= as_of <= m["version"]:
        raise NotFoundError(f"lake version {as_of} does not exist (current {m['version']})")
    out: dict[str, list[str]] = {}
    for rec in mf.live(m, as_of):
        for dataset, files in rec.get("files", {}).items():
            out.setdefault(dataset, []).extend(str(root / f) for f in files)
    return {k: v for k, v in out.items() if v}


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
    """An in-memory DuckDB connection with a view per lake dataset (as of a lake version)."""
    base = lake_root(root)
    con = duckdb.connect()
    managed = _managed(base, as_of)
    for name, files in sorted(managed.items()):
        listing = ", ".join(_quote(f) for f in files)
        con.execute(
            f"CREATE VIEW {name} AS SELECT * FROM read_parquet([{listing}], "
            "hive_partitioning = true, union_by_name = true)"
        )
    for name in _unmanaged(base):
        if name in managed:
            continue
        glob = str(dataset_dir(name, base) / "**" / "*.parquet")
        con.execute(
            f"CREATE VIEW {name} AS SELECT * FROM read_parquet({_quote(glob)}, "
            "hive_partitioning = true, union_by_name = true)"
        )
    _catalog_view(con, base, as_of)
    return con


def _catalog_view(con: duckdb.DuckDBPyConnection, base: Path, as_of: int | None) -> None:
    m = mf.read(base)
    if not m["batches"]:
        return
    version = m["version"] if as_of is None else as_of
    rows = [r for r in m["batches"].values() if r["published"] <= version]
    if not rows:
        return
    import pandas as pd

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
