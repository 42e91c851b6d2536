"""One zh/en catalogue of the words Meili shows: headers, statuses, verdicts, tiers, reasons.

Every door (CLI tables and exports, API, pages, reports) takes its words from
``catalogue.yaml`` through :func:`text` and :func:`header`; a later capability adds its words
there, never a second table of its own.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

from ruamel.yaml import YAML

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


@cache
def catalogue() -> dict[str, dict[str, dict[str, str]]]:
    """The catalogue as ``{section: {key: {"zh": …, "en": …}}}`` (read once)."""
    raw = YAML(typ="safe").load(
        resources.files(__package__).joinpath("catalogue.yaml").read_text("utf-8")
    )
    return {section: dict(entries or {}) for section, entries in raw.items()}


def lookup(section: str, key: str) -> dict[str, str] | None:
    """The zh/en entry of ``key`` in ``section``, or None when the catalogue has none."""
    return catalogue().get(section, {}).get(key)


def text(section: str, key: str, lang: Lang = "zh", **values: object) -> str:
    """The word for ``key`` in ``lang``; placeholders filled from ``values``.

    A key the catalogue lacks is returned as it is, so a new column still shows.
    """
    entry = lookup(section, key)
    if entry is None:
        return key
    return entry[lang].format(**values) if values else entry[lang]


def both(section: str, key: str, **values: object) -> str:
    """The zh and en words together, ``"中文（English）"``; the key alone when unknown."""
    entry = lookup(section, key)
    if entry is None:
        return key
    zh, en = (entry[lang].format(**values) if values else entry[lang] for lang in LANGS)
    return zh if zh == en else f"{zh}（{en}）"


def header(column: str, lang: Lang | Literal["both"] = "both") -> str:
    """A column header: the catalogue's words for ``column`` in ``lang`` or both languages."""
    if lang == "both":
        return both("columns", column)
    return text("columns", column, lang)
