"""Quarantine: refused records with file, row, column and reason, and their export.

One quarantine row per refused record: ``row`` is the 1-based source line (header counted),
``column`` the source column of the first problem, ``reason_zh`` and ``reason_en`` every
problem found (joined with ``；`` and ``; ``; the words come from the catalogue's ``reasons``),
``reason`` the English text as before (kept for older readers), ``record`` the original
cells as JSON (so the export can give them back).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from meili.ingest.extract import Extract

EXPORT_TAIL = ["row", "column", "reason"]


def build(
    errors: pd.DataFrame, ext: Extract, *, batch_id: str, kind: str, file: str
) -> tuple[pd.DataFrame, np.ndarray]:
    """Quarantine rows for the records named in ``errors``, and those records' indices."""
    if errors.empty:
        return pd.DataFrame(), np.array([], dtype=np.int64)
    errors = errors.sort_values("rec", kind="stable")
    errors = errors.assign(
        reason_zh=errors["reason_zh"].astype(str), reason_en=errors["reason_en"].astype(str)
    )
    first = errors.drop_duplicates("rec").set_index("rec")
    multi = errors[errors["rec"].duplicated(keep=False)]
    if len(multi):
        for col, sep in (("reason_zh", "；"), ("reason_en", "; ")):
            joined = multi.groupby("rec")[col].agg(lambda s, sep=sep: sep.join(dict.fromkeys(s)))
            first.loc[joined.index, col] = joined
    recs = first.index.to_numpy(dtype=np.int64)
    columns = first["column"].fillna("").astype(str).to_numpy(dtype=object)
    lines, source_cols = ext.locate(recs, columns)
    source_cols = np.where(columns == "", "", source_cols)
    raw = ext.raw(recs)
    values = first["value"].map(lambda v: "" if v is None or v != v else str(v))
    rows = pd.DataFrame(
        {
            "batch_id": batch_id,
            "kind": kind,
            "file": file,
            "row": np.asarray(lines, dtype=np.int64),
            "column": source_cols.astype(str),
            "reason": first["reason_en"].to_numpy(dtype=object),
            "reason_zh": first["reason_zh"].to_numpy(dtype=object),
            "reason_en": first["reason_en"].to_numpy(dtype=object),
            "value": values.to_numpy(dtype=object),
            "record": [json.dumps(r, ensure_ascii=False) for r in raw],
        }
    )
    return rows, recs


def export_frame(rows: pd.DataFrame, lang: str = "both") -> pd.DataFrame:
    """Original columns of each refused record, then ``file, row, column`` and the reason.

    The reason is ``reason_zh`` and/or ``reason_en`` (by ``lang``: zh, en or both) when the
    rows carry them, else ``reason``.
    """
    reasons = [c for c in ("reason_zh", "reason_en") if c in rows.columns]
    if lang in ("zh", "en") and f"reason_{lang}" in reasons:
        reasons = [f"reason_{lang}"]
    tail_cols = ["file", *EXPORT_TAIL[:-1], *(reasons or ["reason"])]
    if rows.empty:
        return pd.DataFrame(columns=tail_cols)
    originals = pd.DataFrame([json.loads(r) for r in rows["record"]])
    tail = rows[tail_cols].reset_index(drop=True)
    originals = originals.drop(columns=[c for c in tail.columns if c in originals.columns])
    return pd.concat([originals, tail], axis=1)
