"""One fact, one row: find the live records a new batch restates, by the dataset's key.

Each live part records the range of every key column, so only parts whose ranges meet the
new records' ranges are read; those are joined with the new records on the key in DuckDB
(nulls in a key compare equal, as in the in-file duplicate check). A restated record is
*the same* when every value column the new record states is equal (no change, nothing to
write) and *different* otherwise (replaced as a revision, or refused, by the writer's
policy). Columns a source does not have at all are not statements: they are not compared,
and a replacing record takes them from the record it replaces (``carried`` values).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from meili.lake import manifest as mf
from meili.lake.schema import DatasetSchema
from meili.lake.writer import key_ranges


@dataclass
class Restated:
    """Which new records restate live ones.

    ``same`` and ``different`` are masks over the new records; ``matches`` lists every match
    (``new`` position, old ``path`` and ``row`` number, old ``batch``, ``same``, and the old
    value of each column the new records do not state, as ``old:<column>``).
    """

    same: np.ndarray
    different: np.ndarray
    matches: pd.DataFrame

    @classmethod
    def nothing(cls, n: int) -> Restated:
        empty = pd.DataFrame(
            {
                "new": pd.Series(dtype=np.int64),
                "path": pd.Series(dtype=object),
                "row": pd.Series(dtype=np.int64),
                "batch": pd.Series(dtype=object),
                "same": pd.Series(dtype=bool),
            }
        )
        return cls(np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), empty)

    def batches_of(self, positions: np.ndarray) -> list[str]:
        """The old batch (first match) of each new record at ``positions``."""
        first = self.matches.drop_duplicates("new").set_index("new")["batch"]
        return [str(first.get(int(p), "")) for p in positions]


def _meets(a: dict[str, Any] | None, b: dict[str, Any]) -> bool:
    """True when two key-range records may share a key (unknown ranges may)."""
    if not a:
        return True
    for col, rng in b.items():
        other = a.get(col)
        if rng is None or other is None:
            continue
        try:
            if rng[0] > other[1] or other[0] > rng[1]:
                return False
        except TypeError:  # ranges of different types: cannot tell
            continue
    return True


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def find_restated(
    root: Path,
    manifest: dict[str, Any],
    schema: DatasetSchema,
    table: pa.Table,
    exclude: set[str] = frozenset(),
    stated: list[str] | None = None,
) -> Restated:
    """Which rows of ``table`` restate live records of the dataset (batches in ``exclude``,
    e.g. the earlier version of the same source, are left out). ``stated`` names the value
    columns the source has (default: all)."""
    n = table.num_rows
    if not n:
        return Restated.nothing(0)
    ranges = key_ranges(schema, table)
    parts = [
        path
        for path, rec in mf.live_parts(manifest).get(schema.dataset, [])
        if rec["batch_id"] not in exclude
        and _meets((mf.part_info(manifest, path) or {}).get("range"), ranges)
    ]
    if not parts:
        return Restated.nothing(n)
    new = table.select([*schema.key, *schema.values]).append_column(
        "_new", pa.array(np.arange(n, dtype=np.int64))
    )
    compared = [c for c in schema.values if stated is None or c in stated]
    carried = [c for c in schema.values if c not in compared]
    on = " AND ".join(f'o."{k}" IS NOT DISTINCT FROM n."{k}"' for k in schema.key)
    same = " AND ".join(f'o."{c}" IS NOT DISTINCT FROM n."{c}"' for c in compared) or "true"
    old = "".join(f', o."{c}" AS "old:{c}"' for c in carried)
    listing = ", ".join(_quote(root / p) for p in parts)
    con = duckdb.connect()
    try:
        con.register("_new_rows", new)
        found = con.execute(
            f"""
            SELECT n._new AS new, o.filename AS path, o.file_row_number AS row,
                   o.batch_id AS batch, ({same}) AS same{old}
            FROM read_parquet([{listing}], filename = true, file_row_number = true,
                              union_by_name = true, hive_partitioning = false) o
            JOIN _new_rows n ON {on}
            """
        ).df()
    finally:
        con.close()
    if found.empty:
        return Restated.nothing(n)
    prefix = str(root) + "/"
    found["path"] = found["path"].str.removeprefix(prefix)
    found["same"] = found["same"].fillna(False).astype(bool)
    new_pos = found["new"].to_numpy(dtype=np.int64)
    any_match = np.zeros(n, dtype=bool)
    any_match[new_pos] = True
    differs = np.zeros(n, dtype=bool)
    differs[new_pos[~found["same"].to_numpy()]] = True
    return Restated(same=any_match & ~differs, different=differs, matches=found)
