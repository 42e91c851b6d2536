"""Render result records as a terminal table, CSV, JSON or an Excel workbook.

The one way every command shows results (through :func:`meili.cli.common.emit`):

* **table** (people, terminal): a chosen set of columns, headers from the zh/en catalogue,
  integers as integers, other numbers rounded *for display only* (at most 2 decimals for
  shares, rates and percentiles, 3 otherwise, the same number of decimals down a column),
  dicts and lists as one flat line.
* **csv for people** (default): UTF-8 with a BOM (Excel on Chinese Windows reads it),
  headers from the catalogue (both languages unless one is chosen), text cells guarded
  against spreadsheet formulas (:mod:`meili.cells`), numbers unrounded.
* **csv raw** (machines, open data): column keys as headers, no BOM, cells exactly as they
  are (not guarded), numbers unrounded.
* **json**: records keyed by column key (plus metadata), numbers unrounded.
* **xlsx**: one sheet of records (header row frozen, auto-filter, number formats; text cells
  written as text, never as formulas) and a ``meta`` sheet.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from rich.console import Console
from rich.table import Table

from meili.cells import guard
from meili.i18n import both, header, lookup


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


class HeaderLang(StrEnum):
    """Language of column headers: both (default), Chinese or English."""

    both = "both"
    zh = "zh"
    en = "en"


@dataclass(frozen=True)
class View:
    """How results are shown: format, header language, BOM, raw CSV, columns, width."""

    fmt: Format = Format.table
    lang: HeaderLang = HeaderLang.both
    bom: bool = True
    raw: bool = False
    columns: tuple[str, ...] | None = None
    wide: bool = False


#: Column keys whose values are shares, rates or percentiles: shown with at most 2 decimals.
_PERCENTISH = re.compile(r"(pct|percent|percentile|ratio|share|rate)")
MAX_DECIMALS = 3
MAX_DECIMALS_PCT = 2
WIDTH_SAMPLE = 500  # rows an xlsx column width is measured on


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT or value is pd.NA:
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


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _decimals(value: float, cap: int) -> int:
    """Fewest decimals (≤ ``cap``) that show ``value`` exactly, else ``cap``."""
    for d in range(cap + 1):
        if abs(round(value, d) - value) < 1e-9 * max(1.0, abs(value)):
            return d
    return cap


@dataclass(frozen=True)
class ColumnKind:
    """What a column holds, for display: integers, decimals (with digits) or anything."""

    integer: bool = False
    decimals: int | None = None


def column_kind(key: str, values: Sequence[Any]) -> ColumnKind:
    """Integers when every number is whole; else decimals to show (capped); else neither."""
    nums = [v for v in (_plain(x) for x in values) if v is not None]
    if not nums or not all(_is_number(v) for v in nums):
        return ColumnKind()
    finite = [float(v) for v in nums if math.isfinite(float(v))]
    if all(float(v).is_integer() for v in finite):
        return ColumnKind(integer=True)
    cap = MAX_DECIMALS_PCT if _PERCENTISH.search(key) else MAX_DECIMALS
    return ColumnKind(decimals=max(_decimals(v, cap) for v in finite))


def _flat(value: Any) -> str:
    """A dict or list as one flat line: ``a: x; b: y``."""
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_flat(v)}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, list):
        return "; ".join(_flat(v) for v in value if v not in (None, ""))
    return "" if value is None else str(value)


def display(value: Any, kind: ColumnKind = ColumnKind()) -> str:
    """A value as a table shows it (rounded for display only)."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if _is_number(value):
        v = float(value)
        if not math.isfinite(v):
            return str(value)
        if kind.integer or (kind.decimals is None and v.is_integer()):
            return str(int(v))
        digits = kind.decimals if kind.decimals is not None else MAX_DECIMALS
        return f"{v:.{digits}f}"
    if isinstance(value, Mapping | list):
        return _flat(value)
    return str(value)


def _file_value(value: Any, kind: ColumnKind) -> Any:
    """A value for CSV/JSON: unrounded; whole numbers of an integer column as ints."""
    value = _plain(value)
    if kind.integer and _is_number(value) and math.isfinite(float(value)):
        return int(value)
    return value


def _csv_cell(value: Any, kind: ColumnKind, *, raw: bool) -> str:
    value = _file_value(value, kind)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, list):
        text = ";".join("" if v is None else str(v) for v in value)
    else:
        text = str(value)
    if raw or _is_number(value):
        return text
    return guard(text)


def heading(key: str, lang: HeaderLang | str, *, stacked: bool = False) -> str:
    """The header of column ``key``: catalogue words in ``lang`` (zh over en when stacked)."""
    lang = HeaderLang(lang)
    if lang is not HeaderLang.both:
        return header(key, lang.value)
    if stacked:
        entry = lookup("columns", key)
        if entry is None:
            return key
        return entry["zh"] if entry["zh"] == entry["en"] else f"{entry['zh']}\n{entry['en']}"
    return both("columns", key)


def headings(
    cols: Sequence[str], lang: HeaderLang | str, verbatim: Collection[str] = ()
) -> list[str]:
    """File headers of ``cols``: catalogue words, or the key itself for ``verbatim`` ones."""
    return [c if c in verbatim else heading(c, lang) for c in cols]


def all_columns(recs: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every key of the records, in first-seen order."""
    return list(dict.fromkeys(k for r in recs for k in r))


def kinds(recs: Sequence[Mapping[str, Any]], cols: Sequence[str]) -> dict[str, ColumnKind]:
    """The display kind of each column."""
    return {c: column_kind(c, [r.get(c) for r in recs]) for c in cols}


def terminal_width() -> int:
    """Columns of the terminal (``COLUMNS`` when set; 200 when not a terminal)."""
    return shutil.get_terminal_size((200, 24)).columns


def render_table(
    recs: Sequence[Mapping[str, Any]],
    cols: Sequence[str],
    lang: HeaderLang | str = HeaderLang.both,
    *,
    title: str | None = None,
    width: int | None = None,
) -> str:
    """A terminal table of ``cols`` (``width=None``: as wide as the content needs)."""
    table = Table(title=title, show_lines=False)
    ks = kinds(recs, cols)
    for c in cols:
        numeric = ks[c].integer or ks[c].decimals is not None
        table.add_column(
            heading(c, lang, stacked=True),
            justify="right" if numeric else "left",
            overflow="fold",  # a long code wraps, never loses its end
        )
    for r in recs:
        table.add_row(*[display(r.get(c), ks[c]) for c in cols])
    console = Console(width=width or 100_000, record=True, file=io.StringIO())
    console.print(table)
    lines = console.export_text().splitlines()
    return "\n".join(line.rstrip() for line in lines)


def render_csv(
    recs: Sequence[Mapping[str, Any]],
    cols: Sequence[str],
    lang: HeaderLang | str = HeaderLang.both,
    *,
    raw: bool = False,
    verbatim: Collection[str] = (),
) -> str:
    """CSV text (no BOM): catalogue headers and guarded text cells, or raw (keys, as is).

    ``verbatim`` columns keep their key as header (e.g. a source file's own columns).
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(cols) if raw else headings(cols, lang, verbatim))
    ks = kinds(recs, cols)
    for r in recs:
        writer.writerow([_csv_cell(r.get(c), ks[c], raw=raw) for c in cols])
    return buf.getvalue().rstrip("\n")


def render_json(
    recs: Sequence[Mapping[str, Any]], cols: Sequence[str], meta: Mapping[str, Any] | None
) -> str:
    """A list of records, or ``{**meta, "records": [...]}`` when ``meta`` is given."""
    ks = kinds(recs, cols)
    rows = [{c: _file_value(r.get(c), ks[c]) for c in cols} for r in recs]
    payload: Any = rows if meta is None else {**_plain(dict(meta)), "records": rows}
    return json.dumps(payload, ensure_ascii=False, indent=2)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _xlsx_cell(ws: Any, value: Any, kind: ColumnKind) -> Any:
    value = _plain(value) if not isinstance(value, datetime | date) else value
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime | date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(value, datetime) else "yyyy-mm-dd"
        return cell
    if _is_number(value):
        if not math.isfinite(float(value)):
            value = str(value)
        else:
            cell = WriteOnlyCell(ws, value=int(value) if kind.integer else value)
            if kind.integer:
                cell.number_format = "0"
            elif kind.decimals is not None:
                cell.number_format = "0." + "0" * kind.decimals if kind.decimals else "0"
            return cell
    if isinstance(value, Mapping | list):
        value = _flat(value)
    cell = WriteOnlyCell(ws, value=str(value))
    cell.data_type = "s"  # text, never a formula
    return cell


def _sheet(
    wb: Workbook,
    name: str,
    recs: Sequence[Mapping[str, Any]],
    cols: Sequence[str],
    headers: Sequence[str],
) -> None:
    ws = wb.create_sheet(re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "results")
    ks = kinds(recs, cols)
    widths = [_width(h) for h in headers]
    for r in recs[:WIDTH_SAMPLE]:  # column widths from the first rows
        for i, c in enumerate(cols):
            widths[i] = max(widths[i], _width(display(r.get(c), ks[c])))
    rows = [[_xlsx_cell(ws, r.get(c), ks[c]) for c in cols] for r in recs]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 6), 60)
    ws.freeze_panes = "A2"
    if cols:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(recs) + 1}"
    head = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.data_type = "s"
        head.append(cell)
    ws.append(head)
    for row in rows:
        ws.append(row)


def write_xlsx(
    path: Path,
    recs: Sequence[Mapping[str, Any]],
    cols: Sequence[str],
    lang: HeaderLang | str = HeaderLang.both,
    *,
    sheet: str = "results",
    meta: Mapping[str, Any] | None = None,
    verbatim: Collection[str] = (),
) -> None:
    """An Excel workbook: the records (frozen header row, auto-filter, number formats, text
    cells as text) and, when given, a ``meta`` sheet of key/value pairs."""
    wb = Workbook(write_only=True)
    _sheet(wb, sheet, recs, cols, headings(cols, lang, verbatim))
    if meta:
        pairs = [{"key": k, "value": _flat(_plain(v))} for k, v in meta.items()]
        _sheet(wb, "meta", pairs, ["key", "value"], [heading(c, lang) for c in ("key", "value")])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def render(
    recs: Sequence[Mapping[str, Any]],
    fmt: Format | str = Format.table,
    *,
    columns: Sequence[str] | None = None,
    meta: Mapping[str, Any] | None = None,
    title: str | None = None,
    lang: HeaderLang | str = HeaderLang.both,
    raw: bool = False,
    width: int | None = None,
    verbatim: Collection[str] = (),
) -> str:
    """Text of ``recs`` in ``fmt`` (table, csv or json; a BOM is the writer's business)."""
    fmt = Format(fmt)
    cols = list(columns) if columns else all_columns(recs)
    if fmt is Format.json:
        return render_json(recs, cols, meta)
    if fmt is Format.csv:
        return render_csv(recs, cols, lang, raw=raw, verbatim=verbatim)
    if fmt is Format.table:
        return render_table(recs, cols, lang, title=title, width=width)
    raise ValueError("xlsx is a file: use write_xlsx")
