"""Header synonyms, unit spellings and missing-value tokens, loaded from ``synonyms.yaml``."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ruamel.yaml import YAML

_UNIT_RE = re.compile(r"^(?P<name>.*?)\s*[\(\[（【](?P<unit>[^\)\]）】]*)[\)\]）】]\s*$")
_SQUEEZE_RE = re.compile(r"[\s_\-\.·/]+")
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


@cache
def _data() -> dict:
    text = resources.files("meili.ingest").joinpath("synonyms.yaml").read_text("utf-8")
    return YAML(typ="safe").load(text)


def squeeze(text: str) -> str:
    """Normalise a header: NFKC, lower case, no spaces, underscores, dots or dashes."""
    text = unicodedata.normalize("NFKC", str(text)).translate(_SUBSCRIPTS).strip().lower()
    return _SQUEEZE_RE.sub("", text)


@cache
def _unit_index() -> dict[str, str]:
    out: dict[str, str] = {}
    for unit, spellings in _data()["units"].items():
        for s in [unit, *spellings]:
            out[unicodedata.normalize("NFKC", s).lower().replace(" ", "")] = unit
    return out


def canonical_unit(text: str | None) -> str | None:
    """The canonical unit for a spelling (``μg/m³`` → ``ug/m3``), None when unknown."""
    if not text:
        return None
    key = unicodedata.normalize("NFKC", text).lower().replace(" ", "")
    return _unit_index().get(key)


@dataclass(frozen=True)
class Header:
    """A source header split into its name and the unit it declares, if any."""

    source: str
    name: str
    unit: str | None


def split_header(text: str) -> Header:
    """Split ``"PM2.5(μg/m³)"`` into name ``PM2.5`` and unit ``ug/m3``."""
    raw = str(text).strip()
    m = _UNIT_RE.match(unicodedata.normalize("NFKC", raw))
    if m:
        unit = canonical_unit(m.group("unit"))
        if unit is not None:
            return Header(raw, m.group("name").strip(), unit)
    return Header(raw, raw, None)


@cache
def _column_index() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for canonical, names in _data()["columns"].items():
        for n in [canonical, *names]:
            hits = out.setdefault(squeeze(n), [])
            if canonical not in hits:
                hits.append(canonical)
    return out


def canonical_column(text: str, allowed: set[str]) -> str | None:
    """The canonical column a header names, among ``allowed`` (else a ``_`` part), or None."""
    hits = _column_index().get(squeeze(text), [])
    for hit in hits:
        if hit in allowed:
            return hit
    return next((h for h in hits if h.startswith("_")), None)


def accepted_headers(canonical: str) -> list[str]:
    """The header names accepted for a canonical column (itself first), as the file lists them."""
    names = [str(n) for n in _data()["columns"].get(canonical, [])]
    return list(dict.fromkeys([canonical, *names]))


def missing_tokens() -> list[str]:
    """Cell texts that mean "no value"."""
    return [str(t) for t in _data()["missing"]]


def summary_markers() -> set[str]:
    """First-cell texts that mark a summary row (合计, 平均…)."""
    return {squeeze(t) for t in _data()["summary_rows"]}
