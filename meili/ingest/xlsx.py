"""Read the first visible sheet of an XLSX workbook, flattening merged multi-row headers.

Values are the ones Excel cached when it last saved the file. A formula without a cached
value (a workbook written by a script and never opened in Excel) is not read as empty: its
row is refused with the formula named, so nothing lands as a silent gap.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from meili.errors import Location, UserError
from meili.ingest.source import Source
from meili.ingest.table import Table, clean_header


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


def _has_formulas(data: bytes) -> bool:
    """True when a worksheet of the workbook holds a formula (``<f>`` element)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for info in z.infolist():
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    with z.open(info) as fh:
                        while chunk := fh.read(1 << 20):
                            if b"<f>" in chunk or b"<f " in chunk or b":f>" in chunk:
                                return True
    except (zipfile.BadZipFile, OSError):
        return False
    return False


def _uncached_formulas(
    data: bytes, title: str, grid: list[list[str]]
) -> dict[tuple[int, int], str]:
    """(row, column) 0-based of formula cells without a cached value, with the formula."""
    book = load_workbook(io.BytesIO(data), data_only=False)
    sheet = book[title]
    out = {}
    for row in sheet.iter_rows(min_row=1, min_col=1):
        for cell in row:
            if cell.data_type == "f":
                r, c = cell.row - 1, cell.column - 1
                if r < len(grid) and c < len(grid[r]) and grid[r][c] == "":
                    out[(r, c)] = str(cell.value)
    return out


def read_xlsx(src: Source) -> Table:
    """Cells of the first visible, non-empty sheet; hidden sheets are skipped (noted)."""
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
    grid = [
        [_text(v) for v in row] for row in sheet.iter_rows(min_row=1, min_col=1, values_only=True)
    ]
    width = max((len(r) for r in grid), default=0)
    grid = [r + [""] * (width - len(r)) for r in grid]
    formulas = _uncached_formulas(src.data, sheet.title, grid) if _has_formulas(src.data) else {}
    header_rows = grid[:depth]
    header = []
    for j in range(width):
        parts = list(dict.fromkeys(clean_header(h[j]) for h in header_rows if h[j]))
        header.append(" | ".join(parts))
    while header and not header[-1]:
        header.pop()
    width = len(header)
    body = [r[:width] for r in grid[depth:]]
    lines = np.arange(depth + 1, depth + 1 + len(body))
    keep = np.array(
        [any(c for c in r) or any((depth + i, j) in formulas for j in range(width))
         for i, r in enumerate(body)],
        dtype=bool,
    )  # fmt: skip
    position = np.cumsum(keep) - 1
    body = [r for r, k in zip(body, keep, strict=True) if k]
    lines = lines[keep] if len(body) else lines[:0]
    if not body:
        raise UserError("header only, no data rows", Location(name, sheet.title and depth))
    if depth > 1:
        notes.append(f"{depth}-row merged header flattened")
    cell_errors = []
    for (r, c), formula in sorted(formulas.items()):
        i = r - depth
        if i < 0 or c >= width or not keep[i]:
            continue
        column = header[c] or f"column {c + 1}"
        cell_errors.append(
            (int(position[i]), c, "formula_without_value", {"column": column, "formula": formula})
        )
    if cell_errors:
        notes.append(f"{len(cell_errors)} formula cells without a cached value (rows refused)")
    cells = pd.DataFrame(body, columns=range(width), dtype=object)
    return Table(header=header, cells=cells, lines=lines, notes=notes, cell_errors=cell_errors)
