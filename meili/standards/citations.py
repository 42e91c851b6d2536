"""The citation file (``citations.yaml``): which clause of which standard a method follows.

Docstrings cite entries as ``[@ID]`` (e.g. ``[@hj633-2026:5.3.1]``); :func:`citation` turns an
ID into its standard, edition, clause, title, source and confidence mark, so later work (a
method registry, the portal's "how was this computed") can name the clause of every number.
The marks (P, V2, V1, D, M, R, C) are defined in the file itself (:func:`marks`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

from ruamel.yaml import YAML

#: How a docstring cites an entry: ``[@ID]``; an ID is lower-case letters, digits and ``-.:_``.
CITE: Final = re.compile(r"\[@([a-z0-9][a-z0-9.:_\-]*)\]")
#: Marks whose content is unconfirmed (the docstring must say so).
UNCONFIRMED: Final = frozenset({"V1", "M"})


@dataclass(frozen=True)
class Citation:
    """One clause Meili relies on, with where it comes from and how sure we are of it."""

    id: str
    standard: str
    edition: str
    clause: str
    title_zh: str
    title_en: str
    source: str
    about: str
    mark: str
    text: str  # whether the document's text was read, and how
    checked: str = ""
    confirm: str = ""  # for unconfirmed content: what would confirm it

    @property
    def confirmed(self) -> bool:
        """False for content marked V1 (one source) or M (from memory)."""
        return self.mark not in UNCONFIRMED

    def label(self) -> str:
        """Short human form, e.g. ``"HJ 633-2026 §5.3.1"``."""
        clause = self.clause if self.clause[:1] in "§T" else f"({self.clause})"
        if self.edition in ("", "—"):
            return f"{self.standard} {clause}"
        return f"{self.standard}-{self.edition} {clause}"


@cache
def _raw() -> dict:
    text = resources.files(__package__).joinpath("citations.yaml").read_text("utf-8")
    return YAML(typ="safe").load(text)


@cache
def marks() -> dict[str, dict[str, str]]:
    """The confidence marks: ``{mark: {"en": …, "zh": …}}``."""
    return dict(_raw()["marks"])


@cache
def citations() -> dict[str, Citation]:
    """Every entry of the citation file, by ID."""
    raw = _raw()
    docs = raw["documents"]
    out: dict[str, Citation] = {}
    for cid, entry in raw["citations"].items():
        doc = docs[entry["document"]]
        out[cid] = Citation(
            id=cid,
            standard=str(doc["standard"]),
            edition=str(doc["edition"]),
            clause=str(entry["clause"]),
            title_zh=str(doc["title_zh"]),
            title_en=str(doc["title_en"]),
            source=str(doc["source"]),
            about=str(entry["about"]),
            mark=str(entry["mark"]),
            text=str(doc["text"]),
            checked=str(entry.get("checked", "")),
            confirm=str(entry.get("confirm", "")),
        )
    return out


def citation(cid: str) -> Citation:
    """The entry ``cid`` (``"hj633-2026:5.3.1"`` or ``"[@hj633-2026:5.3.1]"``); KeyError if none."""
    key = cid[2:-1] if cid.startswith("[@") and cid.endswith("]") else cid
    try:
        return citations()[key]
    except KeyError:
        raise KeyError(f"no citation {key!r} in meili/standards/citations.yaml") from None


def cited(text: str | None) -> list[str]:
    """The citation IDs ``[@ID]`` in ``text`` (a docstring), in order, without repeats."""
    seen: dict[str, None] = {}
    for m in CITE.finditer(text or ""):
        seen.setdefault(m.group(1), None)
    return list(seen)


def cited_by(obj: object) -> list[Citation]:
    """The citations in the docstring of a function, class or module."""
    return [citation(cid) for cid in cited(getattr(obj, "__doc__", None))]
