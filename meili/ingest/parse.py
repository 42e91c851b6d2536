"""Vectorised parsing of text cells: numbers, codes, booleans, enums, times (hour 24 too)."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from meili.ingest.synonyms import missing_tokens

_YEARLESS = re.compile(r"^\d{1,2}[-/]\d{1,2}[ T]\d{1,2}:\d{2}$")
_HOUR24 = r"^(?P<d>.*?\d)[ T]24(?::00(?::00)?)?$"
_TRUE = {"y", "yes", "true", "1", "是", "对照点", "t"}
_FALSE = {"n", "no", "false", "0", "否", "f"}


def text(cells: pd.Series) -> pd.Series:
    """Stripped text with missing tokens (NA, --, *, empty…) as None."""
    s = cells.astype(object).where(cells.notna(), "").astype(str).str.strip()
    return s.where(~s.isin(missing_tokens()), None)


def numbers(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Floats and a mask of cells that are present but not numbers."""
    s = text(cells)
    cleaned = s.str.replace(",", "", regex=False).str.replace("\u3000", "", regex=False)
    out = pd.to_numeric(cleaned, errors="coerce").astype(float)
    bad = s.notna() & out.isna()
    return out, bad


def booleans(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """True/False/None and a mask of cells that are not yes/no values."""
    s = text(cells)
    low = s.str.lower()
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[low.isin(_TRUE)] = True
    out[low.isin(_FALSE)] = False
    bad = s.notna() & out.isna()
    return out, bad


def _fold(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold().replace(" ", "")


def enums(cells: pd.Series, values: list[str]) -> tuple[pd.Series, pd.Series]:
    """Canonical enum values (full/half width and case folded) and a mask of unknown ones."""
    s = text(cells)
    table = {_fold(v): v for v in values}
    uniques = s.dropna().unique()
    mapping = {u: table.get(_fold(u)) for u in uniques}
    out = s.map(mapping).astype(object)
    out = out.where(out.notna(), None)
    bad = s.notna() & out.isna()
    return out, bad


def times(cells: pd.Series, year: int | None = None) -> tuple[pd.Series, pd.Series]:
    """Timestamps and a mask of unreadable ones.

    Accepts ISO forms, ``/`` separators, ``2019年1月1日 13时``, ``YYYYMMDD HH``, yearless
    ``MM-DD HH:MM`` (with ``year``), and hour 24 (``2019-01-01 24:00`` = 2019-01-02 00:00).
    """
    s = text(cells)
    present = s.notna()
    t = s.fillna("")
    t = t.str.replace("年", "-").str.replace("月", "-").str.replace("日", " ")
    t = t.str.replace(r"(\d)\s*时(\d{1,2})分?", r"\1:\2", regex=True)
    t = t.str.replace(r"(\d)\s*[时点]$", r"\1:00", regex=True).str.strip()
    t = t.str.replace(r"^(\d{8})[ T]?(\d{1,2})$", r"\1 \2:00", regex=True)
    if year is not None:
        yearless = t.str.match(_YEARLESS)
        t = t.where(~yearless, f"{year}-" + t)
    h24 = t.str.match(_HOUR24)
    t = t.where(~h24, t.str.replace(_HOUR24, r"\g<d> 00:00", regex=True))
    out = pd.to_datetime(t.where(present, None), format="ISO8601", errors="coerce")
    retry = present & out.isna()
    if retry.any():
        out[retry] = pd.to_datetime(t[retry], format="mixed", errors="coerce")
    out = out + pd.to_timedelta(h24.astype(int), unit="D")
    bad = present & out.isna()
    return out.astype("datetime64[ns]"), bad


def hours(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Hour numbers 0–24 and a mask of values that are not whole hours in that range."""
    h, bad = numbers(cells)
    wrong = h.notna() & ((h < 0) | (h > 24) | (h != np.floor(h)))
    return h.where(~wrong), bad | wrong
