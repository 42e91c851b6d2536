"""The one registry of methods: how each indicator value is obtained.

A :class:`Method` names its standard clauses (ids of ``meili/standards/citations.yaml``), its
inputs (lake datasets ``lake:<dataset>`` and/or reported statistics ``stats:<code>``), its
output unit, its kind and a compute function over a run context
(:class:`meili.methods.context.RunContext`). Framework indicators name method ids; the
framework layer takes the set of known ids from its caller (:func:`known_ids`).

Kinds: ``computed`` (Meili computes the value from the lake), ``reported`` (a figure filed in
the ``stats`` dataset) and ``evidence`` (a state proven by accepted evidence).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from meili.errors import NotFoundError
from meili.framework.schema import Indicator
from meili.methods.context import RunContext
from meili.registry.units import ZoneUnit
from meili.standards.citations import Citation, citation

Kind = Literal["computed", "reported", "evidence"]
KINDS: tuple[Kind, ...] = ("computed", "reported", "evidence")

#: Columns a compute function returns, one row per unit and year it has something to say
#: about (a unit or year it leaves out is *missing* with a generic reason): ``zone``,
#: ``year``, ``value`` (NaN when missing), ``unit`` (None: the method's), ``valid`` (meets the
#: data-validity rule), ``reason_zh``, ``reason_en`` (why missing or invalid, "" otherwise),
#: ``batches`` (list of lake batch ids read), ``stats_row`` (the reported rows used, or None),
#: ``edition`` (standard edition).
RESULT_COLUMNS = [
    "zone", "year", "value", "unit", "valid", "reason_zh", "reason_en", "batches", "stats_row",
    "edition",
]  # fmt: skip


@dataclass(frozen=True)
class Request:
    """What a method is asked for: one indicator for some units and years."""

    indicator: Indicator
    units: tuple[ZoneUnit, ...]
    years: tuple[int, ...]


Compute = Callable[[RunContext, Request], pd.DataFrame]


@dataclass(frozen=True)
class Method:
    """A way an indicator value is obtained."""

    id: str
    name_zh: str
    name_en: str
    citations: tuple[str, ...]
    inputs: tuple[str, ...]
    unit: str
    kind: Kind
    compute: Compute

    def cited(self) -> list[Citation]:
        """The citation entries of the method (KeyError when one does not resolve)."""
        return [citation(c) for c in self.citations]

    @property
    def standard(self) -> str:
        """The cited clauses in short form, ``"GB 3838-2002 Table 1; …"``."""
        return "; ".join(dict.fromkeys(c.label() for c in self.cited()))


_METHODS: dict[str, Method] = {}


def register(method: Method) -> Method:
    """Add ``method`` to the registry; an id registered twice is a programming error."""
    if method.id in _METHODS:
        raise ValueError(f"method {method.id!r} is registered twice")
    if method.kind not in KINDS:
        raise ValueError(f"method {method.id!r}: unknown kind {method.kind!r}")
    method.cited()  # every citation resolves (KeyError otherwise)
    _METHODS[method.id] = method
    return method


def get(method_id: str) -> Method:
    """The method registered under ``method_id``; :class:`NotFoundError` if none."""
    try:
        return _METHODS[method_id]
    except KeyError:
        raise NotFoundError(f"no method {method_id!r}; see `meili framework methods`") from None


def find(method_id: str) -> Method | None:
    """The method registered under ``method_id``, or None."""
    return _METHODS.get(method_id)


def methods() -> list[Method]:
    """Every registered method, by id."""
    return [_METHODS[k] for k in sorted(_METHODS)]


def known_ids() -> frozenset[str]:
    """The ids frameworks may name (passed to the framework loader by its callers)."""
    return frozenset(_METHODS)


def missing(zone: str, year: int, why: tuple[str, str]) -> dict[str, object]:
    """A result row saying why the value of ``zone`` in ``year`` is missing (zh, en)."""
    return {"zone": zone, "year": year, "valid": False, "reason_zh": why[0], "reason_en": why[1]}


def result_frame(rows: Sequence[dict] | pd.DataFrame | None = None) -> pd.DataFrame:
    """A compute result with exactly :data:`RESULT_COLUMNS` (missing columns filled)."""
    frame = pd.DataFrame(rows if rows is not None else [])
    defaults = {
        "value": float("nan"), "unit": None, "valid": True, "reason_zh": "", "reason_en": "",
        "stats_row": None, "edition": None,
    }  # fmt: skip
    for col in RESULT_COLUMNS:
        if col not in frame:
            frame[col] = [[] for _ in range(len(frame))] if col == "batches" else defaults.get(col)
    # a row that does not say (a dict without the key) is valid; ones that say keep theirs
    frame["valid"] = frame["valid"].astype(object).where(frame["valid"].notna(), True)
    frame["batches"] = frame["batches"].map(lambda b: b if isinstance(b, list) else [])
    return frame[RESULT_COLUMNS]
