"""Vectorised parsing of text cells: numbers, codes, booleans, enums, times (hour 24 too).

Numbers and times are read exactly or refused: the decimal separator is found per file (or
declared) and a file mixing ``30.5`` with ``30,5`` is refused; dates written ``a/b/yyyy``
are read day-first or month-first only when the file shows which (a day above 12) or the
order is declared, and a file showing both is refused; times with a UTC offset are converted
to Beijing time (UTC+8, the standards' time), with a note.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd

from meili.errors import Location, UserError
from meili.ingest.synonyms import missing_tokens

DECIMALS = (".", ",")
DATE_ORDERS = ("ymd", "dmy", "mdy")
_COMMA_DECIMAL = re.compile(
    r"^[+-]?(?:\d+,\d{1,2}|\d+,\d{4,}|0,\d+|\d{4,},\d+|\d{1,3}(?:\.\d{3})+,\d+)$"
)
_COMMA_GROUPS = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+\.\d+|\d{1,3}(?:,\d{3}){2,})$")
_COMMA_AMBIGUOUS = re.compile(r"^[+-]?\d{1,3},\d{3}$")
_DOT_DECIMAL = re.compile(r"^[+-]?(?:\d*\.\d{1,2}|\d*\.\d{4,}|0\.\d+|\d{4,}\.\d+)$")
_DOT_GROUPS = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3}){2,}$")
_GROUPED = {".": r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$", ",": r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$"}
_DAY_MONTH = re.compile(
    r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4})(?P<rest>(?:[ T].*)?)$"
)
_YEAR_FIRST = re.compile(r"^(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})(?P<rest>(?:[ T].*)?)$")
_OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})$"
_CLOCK_OFFSET = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*" + _OFFSET)
BEIJING = "Asia/Shanghai"

_YEARLESS = re.compile(r"^\d{1,2}[-/]\d{1,2}[ T]\d{1,2}:\d{2}$")
_HOUR24 = r"^(?P<d>.*?\d)[ T]24(?::00(?::00)?)?$"
_TRUE = {"y", "yes", "true", "1", "是", "对照点", "t"}
_FALSE = {"n", "no", "false", "0", "否", "f"}


def text(cells: pd.Series) -> pd.Series:
    """Stripped text with missing tokens (NA, --, *, empty…) as None."""
    s = cells.astype(object).where(cells.notna(), "").astype(str).str.strip()
    return s.where(~s.isin(missing_tokens()), None)


def _example(s: pd.Series, mask: pd.Series) -> str:
    return repr(str(s[mask].iloc[0]))


def decimal_mark(columns: Iterable[pd.Series], declared: str | None = None, name: str = "") -> str:
    """The file's decimal separator, ``.`` or ``,``: the declared one, else the one its
    numeric cells show. Cells showing both, or only ``1,234`` forms (a thousands separator or
    a decimal comma?), are refused unless declared."""
    if declared is not None:
        if declared not in DECIMALS:
            raise UserError(f"decimal separator must be '.' or ',', not {declared!r}")
        return declared
    parts = [text(c).dropna() for c in columns]
    s = pd.concat(parts, ignore_index=True) if parts else pd.Series(dtype=object)
    s = s.str.replace("\u3000", "", regex=False).str.replace(" ", "", regex=False)
    comma = s[s.str.contains(",", regex=False)]
    if comma.empty:
        return "."
    dots = s[s.str.contains(".", regex=False) & ~s.str.contains(",", regex=False)]
    comma_dec = comma.str.match(_COMMA_DECIMAL)
    comma_grp = comma.str.match(_COMMA_GROUPS)
    dot_dec = dots.str.match(_DOT_DECIMAL)
    dot_grp = dots.str.match(_DOT_GROUPS)
    says_dot = bool(dot_dec.any() or comma_grp.any())
    says_comma = bool(comma_dec.any() or dot_grp.any())
    where = Location(name) if name else None
    if says_dot and says_comma:
        a = _example(dots, dot_dec) if dot_dec.any() else _example(comma, comma_grp)
        b = _example(comma, comma_dec) if comma_dec.any() else _example(dots, dot_grp)
        raise UserError(
            f"mixed decimal separators ({a} and {b}); fix the file or declare the separator "
            "(`--decimal .` or `--decimal ,`)",
            where,
        )
    if says_comma:
        return ","
    if says_dot or not comma.str.match(_COMMA_AMBIGUOUS).any():
        return "."
    example = _example(comma, comma.str.match(_COMMA_AMBIGUOUS))
    raise UserError(
        f"{example} could be a thousands separator or a decimal comma; declare the decimal "
        "separator (`--decimal .` or `--decimal ,`)",
        where,
    )


def numbers(cells: pd.Series, decimal: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Floats and a mask of cells that are present but not numbers.

    ``decimal`` is the file's decimal separator (found from ``cells`` when not given); the
    other separator is accepted only as a thousands separator in groups of three digits.
    """
    s = text(cells)
    decimal = decimal or decimal_mark([cells])
    cleaned = s.str.replace("\u3000", "", regex=False)
    group = "," if decimal == "." else "."
    has_group = cleaned.str.contains(group, regex=False, na=False)
    if has_group.any():
        grouped = cleaned.str.match(_GROUPED[decimal], na=False)
        cleaned = cleaned.where(~(has_group & grouped), cleaned.str.replace(group, "", regex=False))
    if decimal == ",":
        cleaned = cleaned.str.replace(",", ".", regex=False)
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


def date_order(t: pd.Series, declared: str | None = None, name: str = "") -> str | None:
    """The order of ``a/b/yyyy`` dates in ``t`` (``dmy`` or ``mdy``), None when there are none.

    A day above 12 shows the order; a file showing both orders, or none while it has such
    dates, is refused unless the order is declared (and a declared order the file
    contradicts is refused too).
    """
    m = t.str.extract(_DAY_MONTH)
    present = m["a"].notna()
    if not present.any():
        return None
    a = m.loc[present, "a"].astype(int)
    b = m.loc[present, "b"].astype(int)
    where = Location(name) if name else None
    day_first, month_first = (a > 12) & (b <= 12), (b > 12) & (a <= 12)
    shown = {o for o, hit in (("dmy", day_first.any()), ("mdy", month_first.any())) if hit}
    if declared is not None:
        if declared not in DATE_ORDERS:
            raise UserError(f"date order must be one of {', '.join(DATE_ORDERS)}, not {declared!r}")
        other = shown - {declared}
        if other:
            hit = day_first if "dmy" in other else month_first
            raise UserError(
                f"dates like {t[present][hit].iloc[0]!r} contradict the declared order {declared}",
                where,
            )
        return declared
    if len(shown) == 2:
        raise UserError(
            f"the file writes dates both day-first ({t[present][day_first].iloc[0]!r}) and "
            f"month-first ({t[present][month_first].iloc[0]!r}); fix it",
            where,
        )
    if not shown:
        raise UserError(
            f"dates like {t[present].iloc[0]!r} may be day/month or month/day; declare the "
            "order (`--date-order dmy` or `--date-order mdy`)",
            where,
        )
    return shown.pop()


def times(
    cells: pd.Series,
    year: int | None = None,
    *,
    order: str | None = None,
    name: str = "",
    notes: list[str] | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Timestamps (Beijing time, no zone) and a mask of unreadable ones.

    Accepts ISO forms, ``/`` and ``.`` separators (year first), ``2019年1月1日 13时``,
    ``YYYYMMDD HH``, yearless ``MM-DD HH:MM`` (with ``year``), hour 24 (``2019-01-01 24:00``
    = 2019-01-02 00:00), ``dd/mm/yyyy`` or ``mm/dd/yyyy`` when the order is known (see
    :func:`date_order`) and a UTC offset (``…+08:00``, ``…Z``: converted to Beijing time,
    noted in ``notes``). Other forms are unreadable, never guessed.
    """
    s = text(cells)
    present = s.notna()
    t = s.fillna("")
    t = t.str.replace("年", "-").str.replace("月", "-").str.replace("日", " ")
    t = t.str.replace(r"(\d)\s*时(\d{1,2})分?", r"\1:\2", regex=True)
    t = t.str.replace(r"(\d)\s*[时点]$", r"\1:00", regex=True).str.strip()
    t = t.str.replace(r"\s+", " ", regex=True)
    t = t.str.replace(r"^(\d{8})[ T]?(\d{1,2})$", r"\1 \2:00", regex=True)
    t = t.str.replace(_YEAR_FIRST, r"\g<y>-\g<m>-\g<d>\g<rest>", regex=True)
    found = date_order(t, order, name)
    if found == "dmy":
        t = t.str.replace(_DAY_MONTH, r"\g<y>-\g<b>-\g<a>\g<rest>", regex=True)
    elif found == "mdy":
        t = t.str.replace(_DAY_MONTH, r"\g<y>-\g<a>-\g<b>\g<rest>", regex=True)
    if year is not None:
        yearless = t.str.match(_YEARLESS)
        t = t.where(~yearless, f"{year}-" + t)
    h24 = t.str.match(_HOUR24)
    t = t.where(~h24, t.str.replace(_HOUR24, r"\g<d> 00:00", regex=True))
    zoned = present & t.str.contains(_CLOCK_OFFSET)
    plain = t.where(present & ~zoned, None)
    out = pd.to_datetime(plain, format="ISO8601", errors="coerce").astype("datetime64[ns]")
    if zoned.any():
        local = pd.to_datetime(t[zoned], format="ISO8601", errors="coerce", utc=True)
        out[zoned] = local.dt.tz_convert(BEIJING).dt.tz_localize(None).astype("datetime64[ns]")
        if notes is not None:
            notes.append(
                f"{int(zoned.sum())} times with a UTC offset converted to Beijing time (UTC+8)"
            )
    out = out + pd.to_timedelta(h24.astype(int), unit="D")
    bad = present & out.isna()
    return out.astype("datetime64[ns]"), bad


def hours(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Hour numbers 0–24 and a mask of values that are not whole hours in that range."""
    h, bad = numbers(cells)
    wrong = h.notna() & ((h < 0) | (h > 24) | (h != np.floor(h)))
    return h.where(~wrong), bad | wrong
