"""Read quarantined rows back from the lake (one batch, or every live batch)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from meili.lake import manifest as mf
from meili.lake.catalog import get_batch
from meili.lake.store import lake_root
from meili.lake.writer import QUARANTINE_SCHEMA


def quarantine_rows(batch: str | None = None, root: Path | None = None) -> pd.DataFrame:
    """Quarantine rows of ``batch`` (id or prefix) or of all live batches, by file and row.

    Columns: batch_id, kind, file, row, column, reason (English, as before), reason_zh,
    reason_en, value, record. Rows written before reasons were bilingual have the English
    reason in ``reason_en`` and no ``reason_zh``.
    """
    base = lake_root(root)
    records = [get_batch(batch, root)] if batch is not None else mf.live(mf.read(base))
    files = [str(base / f) for r in records for f in r.get("files", {}).get("quarantine", [])]
    if not files:
        return QUARANTINE_SCHEMA.empty_table().to_pandas()
    listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    con = duckdb.connect()
    try:
        frame = con.sql(
            f"SELECT * FROM read_parquet([{listing}], union_by_name = true) ORDER BY batch_id, row"
        ).df()
    finally:
        con.close()
    if "reason_en" not in frame:
        frame["reason_en"] = frame["reason"]
    frame["reason_en"] = frame["reason_en"].fillna(frame["reason"])
    if "reason_zh" not in frame:
        frame["reason_zh"] = None
    return frame[QUARANTINE_SCHEMA.names]
