"""Render result records as a table, CSV or JSON: the one way every command prints results."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return _plain(value.item())
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Plain records of a DataFrame (NA → None, numpy scalars → Python)."""
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict("records")


def _cell(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def render(
    records: Sequence[Mapping[str, Any]],
    fmt: Format | str = Format.table,
    *,
    columns: Sequence[str] | None = None,
    meta: Mapping[str, Any] | None = None,
    title: str | None = None,
) -> str:
    """Render ``records`` as text in ``fmt``.

    JSON is a list of records, or ``{"records": [...], **meta}`` when ``meta`` is given.
    """
    fmt = Format(fmt)
    cols = list(columns) if columns else list(dict.fromkeys(k for r in records for k in r))
    if fmt is Format.json:
        rows = [{k: _plain(r.get(k)) for k in cols} for r in records]
        payload: Any = rows if meta is None else {**_plain(dict(meta)), "records": rows}
        return json.dumps(payload, ensure_ascii=False, indent=2)
    if fmt is Format.csv:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(cols)
        for r in records:
            writer.writerow([_cell(r.get(k)) for k in cols])
        return buf.getvalue().rstrip("\n")
    table = Table(title=title, show_lines=False)
    for c in cols:
        table.add_column(c, overflow="fold")
    for r in records:
        table.add_row(*[_cell(r.get(k)) for k in cols])
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(table)
    return console.export_text().rstrip("\n")
