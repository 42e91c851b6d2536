"""Ingest: readers, dataset schemas, validation, quarantine and provenance.

``ingest_paths(kind, paths)`` reads files (CSV in UTF-8/BOM/GBK, XLSX, Parquet, gzip),
picks an adapter by the header, validates the records and lands them in the lake as one
atomic batch per file; refused rows go to quarantine with file, row, column and reason.
"""

from __future__ import annotations

from meili.ingest.pipeline import KIND_NAMES, BatchResult, ingest_paths

__all__ = ["KIND_NAMES", "BatchResult", "ingest_paths"]
