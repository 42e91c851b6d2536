"""One registry of the methods that give indicator values, computed over a run context.

:mod:`.registry` (the :class:`Method` record, ``register``/``get``/``methods``/
``known_ids``), :mod:`.context` (:class:`RunContext`), :mod:`.lineage` (the value frame) and
one module per domain — :mod:`.air`, :mod:`.water`, :mod:`.noise`, :mod:`.carbon` (carbon
and energy), :mod:`.reported` (a value filed in ``stats``) and :mod:`.evidence` (a state
proven by accepted evidence) — each registering its methods on import.
"""

from __future__ import annotations

from meili.methods import (
    air,
    carbon,
    evidence,
    noise,
    regional_air,
    regional_water,
    reported,
    water,
)
from meili.methods.context import RunContext, open_context
from meili.methods.lineage import VALUE_COLUMNS, judged, value_rows
from meili.methods.registry import Method, Request, find, get, known_ids, methods

DOMAINS = (air, regional_air, water, regional_water, noise, carbon, reported, evidence)

__all__ = [
    "DOMAINS",
    "VALUE_COLUMNS",
    "Method",
    "Request",
    "RunContext",
    "find",
    "get",
    "judged",
    "known_ids",
    "methods",
    "open_context",
    "value_rows",
]
