"""Parquet datasets in the lake directory, exposed to DuckDB as one view per dataset.

A dataset is a folder ``lake/<name>/`` of Parquet files, possibly hive-partitioned
(``period=2019-01/part-0.parquet``).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from meili.config import settings
from meili.errors import NotFoundError, UserError

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def lake_root(root: Path | None = None) -> Path:
    """The lake directory (created when missing)."""
    path = root or settings().lake_dir
    path.mkdir(parents=True, exist_ok=True)
    return path


def datasets(root: Path | None = None) -> list[str]:
    """Names of the datasets that hold at least one Parquet file."""
    base = lake_root(root)
    return sorted(
        p.name
        for p in base.iterdir()
        if p.is_dir() and NAME_RE.match(p.name) and next(p.rglob("*.parquet"), None) is not None
    )


def dataset_dir(name: str, root: Path | None = None) -> Path:
    if not NAME_RE.match(name):
        raise UserError(f"invalid dataset name {name!r} (lower-case letters, digits, _)")
    return lake_root(root) / name


def connect(root: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a view per lake dataset."""
    con = duckdb.connect()
    for name in datasets(root):
        glob = str(dataset_dir(name, root) / "**" / "*.parquet").replace("'", "''")
        con.execute(
            f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{glob}', "
            "hive_partitioning = true, union_by_name = true)"
        )
    return con


def query(sql: str, root: Path | None = None) -> duckdb.DuckDBPyRelation:
    """Run SQL over the lake's views; an unknown dataset is a user error."""
    con = connect(root)
    try:
        return con.sql(sql)
    except duckdb.CatalogException as exc:
        raise NotFoundError(f"lake query failed: {exc}") from None
