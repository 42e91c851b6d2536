"""Adapters for real source layouts, and the choice of adapter (and kind) for a file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from meili.errors import Location, UserError
from meili.ingest.adapters import cnemc_air, cnemc_sites, cnemc_water, tabular, uci_beijing
from meili.ingest.extract import Extract
from meili.ingest.kinds import Kind, get_kind, kinds
from meili.ingest.loaded import Loaded

SPECIFIC: list[ModuleType] = [cnemc_air, uci_beijing, cnemc_water, cnemc_sites]


@dataclass(frozen=True)
class Choice:
    """The kind of a file and the function that extracts its records."""

    kind: Kind
    adapter: str
    extract: Callable[[Loaded, Kind], Extract]


def _generic(loaded: Loaded, kind: Kind) -> Extract:
    return tabular.extract_loaded(loaded, kind)


def choose(loaded: Loaded, kind_name: str) -> Choice:
    """Pick the adapter by the header; ``kind_name`` may be ``auto``."""
    header = loaded.header
    for module in SPECIFIC:
        if module.matches(header) and kind_name in ("auto", module.KIND):
            return Choice(get_kind(module.KIND), module.NAME, module.extract)
    if kind_name != "auto":
        return Choice(get_kind(kind_name), "tabular", _generic)
    scores = []
    for kind in kinds().values():
        try:
            positions, _, _ = tabular.map_header(header, kind)
        except UserError:
            continue
        required = [c.name for c in kind.columns if c.required and c.type != "datetime"]
        if all(r in positions for r in required) and (
            not kind.measures or any(m in positions for m in kind.measures)
        ):
            scores.append((len(positions), kind.name))
    scores.sort(reverse=True)
    if not scores or (len(scores) > 1 and scores[0][0] == scores[1][0]):
        raise UserError(
            "cannot tell the dataset kind from the header; name it (e.g. `meili ingest "
            "air-hourly FILE`)",
            Location(loaded.name, row=1),
        )
    kind = get_kind(scores[0][1])
    return Choice(kind, "tabular", _generic)
