"""Spreadsheet-safe text cells: the CSV-injection guard of exports for people, and its inverse.

OWASP "CSV Injection": a spreadsheet runs a cell that begins with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return as a formula; a leading ``'`` makes it text. The rule here:

* the *core* of a text cell is the cell without its leading ``'`` characters;
* a cell is *risky* when its core begins with one of ``= + - @ \\t \\r`` and the core is not
  a plain decimal number (``-5``, ``+1.5``, ``-2e3`` stay numbers, as the spreadsheet reads
  them anyway);
* :func:`guard` puts one ``'`` before a risky cell; :func:`unguard` takes one ``'`` off a
  cell that begins with ``'`` and is risky.

Counting the leading quotes into the core makes the pair exact: ``unguard(guard(s)) == s``
for every string, so an export that is fixed and ingested again gives back the original
text (``'=x`` stays ``'=x``; ``=x`` → ``'=x`` → ``=x``).
"""

from __future__ import annotations

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def risky(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` (after its leading ``'``) as a formula."""
    core = text.lstrip("'")
    return core.startswith(TRIGGERS) and _NUMBER.fullmatch(core) is None


def guard(text: str) -> str:
    """``text`` made safe to open in a spreadsheet: a ``'`` before a risky cell."""
    return "'" + text if risky(text) else text


def unguard(text: str) -> str:
    """The text :func:`guard` was given: one leading ``'`` taken off a guarded cell."""
    return text[1:] if text.startswith("'") and risky(text) else text
