"""Write a batch's validated records and quarantine as Parquet under ``_batches/<id>/``.

Records are partitioned by period (``period=YYYY-MM`` by the day the measurement belongs
to; ``period=YYYY`` for yearly statistics; ``period=all`` for lists without time).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from meili.ingest.kinds import Kind
from meili.lake.manifest import BATCHES, fsync_tree

_ARROW = {
    "code": pa.string(),
    "text": pa.string(),
    "enum": pa.string(),
    "float": pa.float64(),
    "int": pa.int64(),
    "bool": pa.bool_(),
    "datetime": pa.timestamp("s"),
    "date": pa.date32(),
}
QUARANTINE_SCHEMA = pa.schema(
    [
        ("batch_id", pa.string()),
        ("kind", pa.string()),
        ("file", pa.string()),
        ("row", pa.int64()),
        ("column", pa.string()),
        ("reason", pa.string()),
        ("value", pa.string()),
        ("record", pa.string()),
    ]
)


def schema(kind: Kind) -> pa.Schema:
    """The Arrow schema of a kind's landed records (plus ``day`` and ``batch_id``)."""
    fields = [pa.field(c.name, _ARROW[c.type]) for c in kind.columns]
    if kind.hour_ending:
        fields.append(pa.field("day", pa.date32()))
    fields.append(pa.field("batch_id", pa.string()))
    return pa.schema(fields)


def periods(kind: Kind, frame: pd.DataFrame) -> pd.Series:
    """The partition label of each record."""
    if kind.period_column:
        return frame[kind.period_column].astype("Int64").astype(str)
    if not kind.time:
        return pd.Series("all", index=frame.index)
    t = frame[kind.time]
    if kind.hour_ending:
        t = t - pd.Timedelta(hours=1)
    ym = (t.dt.year * 100 + t.dt.month).astype("int64")
    labels = {int(v): f"{v // 100:04d}-{v % 100:02d}" for v in np.unique(ym)}
    return ym.map(labels)


def _arrow(kind: Kind, frame: pd.DataFrame, batch_id: str) -> pa.Table:
    sch = schema(kind)
    cols = {}
    for f in sch:
        if f.name == "batch_id":
            cols[f.name] = pa.array(np.full(len(frame), batch_id, dtype=object), pa.string())
        elif f.name == "day":
            day = (frame[kind.time] - pd.Timedelta(hours=1)).dt.normalize()
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


def write_batch(
    root: Path,
    batch_id: str,
    kind: Kind,
    frame: pd.DataFrame,
    quarantine: pd.DataFrame,
) -> dict[str, list[str]]:
    """Write and fsync a batch's files; return their paths relative to the lake root."""
    base = root / BATCHES / batch_id
    files: dict[str, list[str]] = {kind.dataset: [], "quarantine": []}
    if len(frame):
        labels = periods(kind, frame)
        for label in sorted(labels.unique()):
            part = frame[(labels == label).to_numpy()]
            out = base / kind.dataset / f"period={label}" / "part-0.parquet"
            out.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(_arrow(kind, part, batch_id), out, compression="zstd")
            files[kind.dataset].append(str(out.relative_to(root)))
    if len(quarantine):
        out = base / "quarantine" / "part-0.parquet"
        out.parent.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(quarantine, schema=QUARANTINE_SCHEMA, preserve_index=False)
        pq.write_table(table, out, compression="zstd")
        files["quarantine"].append(str(out.relative_to(root)))
    if base.exists():
        fsync_tree(base)
    return files
