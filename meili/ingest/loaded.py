"""A source opened once: its text and table are read lazily and cached."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from meili.ingest.readers import read_csv_text, read_table, source_text
from meili.ingest.source import Source
from meili.ingest.table import Table, clean_header, unescape

_RANGE = re.compile(r"(?<!\d)(\d{8})[-_~](\d{8})(?!\d)")
_DAY = re.compile(r"(?<!\d)(\d{8})(?!\d)")
_MONTH = re.compile(r"(?<!\d)(\d{4})-?(\d{2})(?!\d)")


@dataclass(frozen=True)
class Reading:
    """How the user declared numbers and dates of a file are written (None: find out)."""

    decimal: str | None = None  # "." or ","
    date_order: str | None = None  # "ymd", "dmy" or "mdy"


@dataclass
class Loaded:
    """A source with cached decoded text, header and table."""

    src: Source
    options: Reading = field(default_factory=Reading)
    _text: str | None = None
    _table: Table | None = None
    _header: list[str] | None = field(default=None)

    @property
    def name(self) -> str:
        return str(self.src.path)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = source_text(self.src)
        return self._text

    @property
    def table(self) -> Table:
        if self._table is None:
            if self.src.format == "csv":
                self._table = unescape(read_csv_text(self.text, self.name))
            else:
                self._table = read_table(self.src)
        return self._table

    @property
    def notes(self) -> list[str]:
        """Notes about reading the source (encoding, line ends…), for the batch."""
        return list(self.src.notes)

    @property
    def header(self) -> list[str]:
        if self._header is None:
            if self.src.format == "csv":
                first = self.text.lstrip("\n").split("\n", 1)[0]
                delim = max(",\t;|", key=first.count)
                self._header = [
                    clean_header(h) for h in next(csv.reader(io.StringIO(first), delimiter=delim))
                ]
            else:
                self._header = self.table.header
        return self._header


def period_from_name(name: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The period a file name declares: ``YYYYMMDD-YYYYMMDD``, ``YYYYMMDD`` or ``YYYY-MM``.

    The end is exclusive of the next day but includes its 00:00 (hour 24 of the last day).
    """
    base = name.rsplit("/", 1)[-1]
    try:
        if m := _RANGE.search(base):
            start = datetime.strptime(m.group(1), "%Y%m%d")
            end = datetime.strptime(m.group(2), "%Y%m%d")
        elif m := _DAY.search(base):
            start = end = datetime.strptime(m.group(1), "%Y%m%d")
        elif m := _MONTH.search(base):
            start = datetime(int(m.group(1)), int(m.group(2)), 1)
            end = (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).to_pydatetime()
        else:
            return None
    except ValueError:
        return None
    if not 1949 <= start.year <= 2100:
        return None
    return pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1)
