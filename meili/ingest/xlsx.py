"""Read the first visible sheet of an XLSX workbook, flattening merged multi-row headers."""

from __future__ import annotations

import io
from datetime import date, datetime, time

import numpy as np
import pandas as pd

from meili.errors import Location, UserError
from meili.ingest.readers import Source, Table


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_depth(sheet) -> int:
    depth = 1
    changed = True
    while changed:
        changed = False
        for rng in sheet.merged_cells.ranges:
            if rng.min_row <= depth:
                need = rng.max_row + (1 if rng.max_col > rng.min_col else 0)
                if need > depth and need <= 5:
                    depth, changed = need, True
    return depth


def read_xlsx(src: Source) -> Table:
    """Cells of the first visible, non-empty sheet; hidden sheets are skipped (noted)."""
    from openpyxl import load_workbook

    name = str(src.path)
    try:
        book = load_workbook(io.BytesIO(src.data), data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken workbooks
        raise UserError(f"cannot read the workbook: {exc}", Location(name)) from None
    notes: list[str] = []
    hidden = [ws.title for ws in book.worksheets if ws.sheet_state != "visible"]
    if hidden:
        notes.append(f"hidden sheets skipped: {', '.join(hidden)}")
    sheets = [ws for ws in book.worksheets if ws.sheet_state == "visible" and ws.max_row > 0]
    sheets = [
        ws for ws in sheets if any(c is not None for r in ws.iter_rows(values_only=True) for c in r)
    ]
    if not sheets:
        raise UserError("empty workbook (no visible sheet with data)", Location(name))
    sheet = sheets[0]
    if len(sheets) > 1:
        notes.append(f"read sheet {sheet.title!r}; other visible sheets ignored")
    depth = _header_depth(sheet)
    for rng in list(sheet.merged_cells.ranges):
        if rng.min_row > depth:
            continue
        top = sheet.cell(rng.min_row, rng.min_col).value
        sheet.unmerge_cells(str(rng))
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                sheet.cell(r, c).value = top
    grid = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    width = max((len(r) for r in grid), default=0)
    grid = [r + [""] * (width - len(r)) for r in grid]
    header_rows = grid[:depth]
    header = []
    for j in range(width):
        parts = list(dict.fromkeys(h[j] for h in header_rows if h[j]))
        header.append(" | ".join(parts))
    while header and not header[-1]:
        header.pop()
    width = len(header)
    body = [r[:width] for r in grid[depth:]]
    lines = np.arange(depth + 1, depth + 1 + len(body))
    keep = np.array([any(c for c in r) for r in body], dtype=bool)
    body = [r for r, k in zip(body, keep, strict=True) if k]
    lines = lines[keep] if len(body) else lines[:0]
    if not body:
        raise UserError("header only, no data rows", Location(name, sheet.title and depth))
    if depth > 1:
        notes.append(f"{depth}-row merged header flattened")
    cells = pd.DataFrame(body, columns=range(width), dtype=object)
    return Table(header=header, cells=cells, lines=lines, notes=notes)
