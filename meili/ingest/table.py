"""A table of text cells read from a source, before any column has a meaning."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: First characters a spreadsheet would run as a formula; safe CSV exports put ``'`` before
#: them (OWASP CSV-injection guidance), and ingest removes that ``'`` again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED = r"^'[=+\-@\t\r]"


@dataclass
class Table:
    """Text cells of a table: ``cells`` has one column per header position, all str.

    ``row_errors`` maps a row position to a catalogue reason (key, placeholders) that refuses
    the whole row; ``cell_errors`` lists (row position, column position, key, placeholders).
    """

    header: list[str]
    cells: pd.DataFrame
    lines: np.ndarray
    row_errors: dict[int, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    cell_errors: list[tuple[int, int, str, dict[str, Any]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    text: str | None = None


def clean_header(text: object) -> str:
    """A header cell without surrounding spaces and stray byte-order marks."""
    return str(text).replace("\ufeff", "").replace("\u200b", "").strip()


def unescape(table: Table) -> Table:
    """Remove the ``'`` a safe export put before a cell starting with ``=``, ``+``, ``-``,
    ``@``, tab or CR (only there), with a note on the batch, so an exported, fixed and
    re-ingested file reads as it was exported."""
    n = 0
    for col in table.cells.columns:
        s = table.cells[col]
        if s.dtype != object:
            continue
        hit = s.str.match(_ESCAPED, na=False)
        if hit.any():
            table.cells.loc[hit, col] = s[hit].str.slice(1)
            n += int(hit.sum())
    if n:
        table.notes.append(
            f"{n} cells: the leading ' of a safe export (before =, +, -, @, tab or CR) removed"
        )
    return table
