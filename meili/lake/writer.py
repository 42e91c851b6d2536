"""Write a batch's records, quarantine and revisions as Parquet under ``_batches/<id>/``.

Records are partitioned by period (``period=YYYY-MM`` by the day the measurement belongs
to; ``period=YYYY`` for yearly statistics; ``period=all`` for lists without time). Parts of
earlier batches whose keys this batch restates (see :mod:`meili.lake.keys`) are rewritten
without those keys under ``_batches/<id>/replaces/<old batch>/…``; the old parts stay for
reads as of earlier versions, and every replaced value is kept as a revision row (old and new
value, who and when). Every part written is described (rows, bytes, sha256, key ranges) for
the manifest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from meili.lake.manifest import BATCHES, fsync_tree
from meili.lake.schema import DatasetSchema, as_schema

QUARANTINE_SCHEMA = pa.schema(
    [
        ("batch_id", pa.string()),
        ("kind", pa.string()),
        ("file", pa.string()),
        ("row", pa.int64()),
        ("column", pa.string()),
        ("reason", pa.string()),
        ("reason_zh", pa.string()),
        ("reason_en", pa.string()),
        ("value", pa.string()),
        ("record", pa.string()),
    ]
)


def periods(schema: DatasetSchema, frame: pd.DataFrame) -> pd.Series:
    """The partition label of each record."""
    if schema.period_column:
        return frame[schema.period_column].astype("Int64").astype(str)
    if not schema.time:
        return pd.Series("all", index=frame.index)
    t = frame[schema.time]
    if schema.hour_ending:
        t = t - pd.Timedelta(hours=1)
    ym = (t.dt.year * 100 + t.dt.month).astype("int64")
    labels = {int(v): f"{v // 100:04d}-{v % 100:02d}" for v in np.unique(ym)}
    return ym.map(labels)


def to_arrow(schema: DatasetSchema, frame: pd.DataFrame, batch_id: str) -> pa.Table:
    """Records as an Arrow table of the dataset's schema (``day`` and ``batch_id`` added)."""
    sch = schema.arrow()
    cols = {}
    for f in sch:
        if f.name == "batch_id":
            one = pa.DictionaryArray.from_arrays(
                pa.array(np.zeros(len(frame), dtype=np.int32)), pa.array([batch_id])
            )
            cols[f.name] = one.cast(pa.string())
        elif f.name == "day":
            day = (frame[schema.time] - pd.Timedelta(hours=1)).dt.normalize()
            cols[f.name] = pa.array(day.to_numpy(dtype="datetime64[D]"), pa.date32())
        elif pa.types.is_timestamp(f.type):
            cols[f.name] = pa.array(frame[f.name].to_numpy(dtype="datetime64[s]"), f.type)
        elif pa.types.is_date32(f.type):
            cols[f.name] = pa.array(frame[f.name].to_numpy(dtype="datetime64[D]"), f.type)
        elif f.type == pa.string():
            s = frame[f.name]
            s = s.astype(object).where(s.notna(), None)
            cols[f.name] = pa.array(s.to_numpy(dtype=object), pa.string(), from_pandas=True)
        else:
            cols[f.name] = pa.array(frame[f.name], f.type, from_pandas=True)
    return pa.table(cols, schema=sch)


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def key_ranges(schema: DatasetSchema, table: pa.Table) -> dict[str, list[Any] | None]:
    """Min and max of each key column (JSON values; None when the column is all null)."""
    out: dict[str, list[Any] | None] = {}
    for k in schema.key:
        mm = pc.min_max(table[k])
        lo, hi = mm["min"].as_py(), mm["max"].as_py()
        out[k] = None if lo is None or hi is None else [_plain(lo), _plain(hi)]
    return out


def _describe(root: Path, path: Path, rows: int, ranges: dict | None = None) -> dict[str, Any]:
    data = path.read_bytes()
    info: dict[str, Any] = {
        "rows": int(rows),
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    if ranges is not None:
        info["range"] = ranges
    return info


@dataclass
class Written:
    """What a batch wrote: files per dataset, part descriptions, rewrites, revision count."""

    files: dict[str, list[str]]
    parts: dict[str, dict[str, Any]] = field(default_factory=dict)
    rewrites: dict[str, str | None] = field(default_factory=dict)
    revisions: int = 0


@dataclass
class Replacing:
    """Live rows the batch replaces: ``old`` parts' rows, and the new record of each.

    ``matches`` has columns ``path`` (part relative to the lake root), ``row`` (row number in
    that part) and ``new`` (position in the frame being written); ``batches`` maps the old
    batch ids to their records (who and when, file).
    """

    matches: pd.DataFrame
    batches: dict[str, dict[str, Any]]
    user: str
    time: str
    file: str


def write_batch(
    root: Path,
    batch_id: str,
    schema: DatasetSchema | dict,
    frame: pd.DataFrame,
    quarantine: pd.DataFrame,
    *,
    replacing: Replacing | None = None,
    table: pa.Table | None = None,
) -> Written:
    """Write and fsync a batch's files; return their paths (relative to the lake root).

    ``table`` is ``frame`` already converted by :func:`to_arrow`, when the caller has it.
    """
    schema = as_schema(schema)
    base = root / BATCHES / batch_id
    out = Written(files={schema.dataset: [], "quarantine": []})
    if not len(frame):
        table = None
    elif table is None:
        table = to_arrow(schema, frame, batch_id)
    if table is not None:
        labels = periods(schema, frame).to_numpy()
        for label in sorted(set(labels)):
            part = table.filter(pa.array(labels == label))
            path = base / schema.dataset / f"period={label}" / "part-0.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(part, path, compression="zstd")
            rel = str(path.relative_to(root))
            out.files[schema.dataset].append(rel)
            out.parts[rel] = _describe(root, path, len(part), key_ranges(schema, part))
    if len(quarantine):
        path = base / "quarantine" / "part-0.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        q = quarantine.copy()
        for col in QUARANTINE_SCHEMA.names:
            if col not in q:
                q[col] = q["reason"] if col == "reason_en" else None
        qt = pa.Table.from_pandas(q, schema=QUARANTINE_SCHEMA, preserve_index=False)
        pq.write_table(qt, path, compression="zstd")
        rel = str(path.relative_to(root))
        out.files["quarantine"].append(rel)
        out.parts[rel] = _describe(root, path, len(q))
    if replacing is not None and len(replacing.matches) and table is not None:
        _replace(root, base, batch_id, schema, table, replacing, out)
    if base.exists():
        fsync_tree(base)
    return out


def _replace(
    root: Path,
    base: Path,
    batch_id: str,
    schema: DatasetSchema,
    table: pa.Table,
    rep: Replacing,
    out: Written,
) -> None:
    """Rewrite each replaced part without the restated rows; record the revisions."""
    revisions = []
    for rel, grp in rep.matches.groupby("path", sort=True):
        old_path = root / rel
        old = pq.read_table(old_path)
        rows = grp["row"].to_numpy(dtype=np.int64)
        keep = np.ones(old.num_rows, dtype=bool)
        keep[rows] = False
        old_batch = rel.split("/")[1]
        tail = rel.split("/", 2)[2]
        if tail.startswith("replaces/"):  # a rewrite of a rewrite: keep the first owner's tail
            tail = tail.split("/", 2)[2]
        if keep.any():
            kept = old.filter(pa.array(keep))
            path = base / "replaces" / old_batch / tail
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(kept, path, compression="zstd")
            new_rel = str(path.relative_to(root))
            out.rewrites[rel] = new_rel
            out.parts[new_rel] = _describe(root, path, kept.num_rows, key_ranges(schema, kept))
        else:
            out.rewrites[rel] = None
        revisions.append(_revisions(schema, old.take(pa.array(rows)), table, grp, rep))
    frame = pa.concat_tables(revisions, promote_options="permissive")
    path = base / "revisions" / schema.dataset / "part-0.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(frame, path, compression="zstd")
    rel = str(path.relative_to(root))
    out.files[revisions_dataset(schema.dataset)] = [rel]
    out.parts[rel] = _describe(root, path, frame.num_rows)
    out.revisions = frame.num_rows


def revisions_dataset(dataset: str) -> str:
    """The name of the dataset holding the revisions of ``dataset``."""
    return f"{dataset}_revisions"


def _revisions(
    schema: DatasetSchema, old: pa.Table, new: pa.Table, grp: pd.DataFrame, rep: Replacing
) -> pa.Table:
    """One revision row per replaced record: its key, old and new values, who and when."""
    new_rows = new.take(pa.array(grp["new"].to_numpy(dtype=np.int64)))
    n = new_rows.num_rows
    cols: dict[str, pa.Array] = {k: new_rows[k] for k in schema.key}
    for c in schema.values:
        cols[f"old_{c}"] = old[c] if c in old.column_names else pa.nulls(n, new_rows[c].type)
        cols[f"new_{c}"] = new_rows[c]
    olds = pd.Series(
        old["batch_id"].to_pylist() if "batch_id" in old.column_names else [None] * n,
        dtype=object,
    )
    info = {b: rep.batches.get(b, {}) for b in olds.dropna().unique()}
    cols["old_batch"] = pa.array(olds, pa.string())
    who = (("old_file", "file"), ("old_user", "user"), ("old_time", "finished"))
    for out_col, field_name in who:
        vals = olds.map({b: r.get(field_name) for b, r in info.items()})
        cols[out_col] = pa.array(vals.astype(object).where(vals.notna(), None), pa.string())
    cols["new_batch"] = new_rows["batch_id"]
    for out_col, value in (("new_file", rep.file), ("user", rep.user), ("time", rep.time)):
        cols[out_col] = pa.array([value] * n, pa.string())
    return pa.table(cols)
