"""The run context: everything a method computes from, passed down explicitly.

A :class:`RunContext` carries the engine (DuckDB or Spark) reading the lake *as of* one
manifest version, that version, the units computed (the zones from the registry and the
national comparison units), the assessment year and date, the framework in force per zone,
the assigned targets and the accepted evidence (frames the workflow writes; empty until it
does) and a memo, so each method runs once per context and is shared across indicators and
zones. Computations never call ``settings()`` or open the lake by a path of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd

from meili.engine import DuckDBEngine, Engine, get_engine
from meili.lake.catalog import lake_version
from meili.lake.store import connect, lake_root, live_files
from meili.registry.units import ZoneUnit

T = TypeVar("T")

#: Columns of the assigned-targets frame (written by the workflow; empty for now).
TARGET_COLUMNS = [
    "zone_code", "indicator_code", "framework_ref", "rule", "baseline_year", "baseline_value",
    "target_year", "target_value", "unit", "source",
]  # fmt: skip
#: Columns of the accepted-evidence frame (written by the workflow; empty for now).
EVIDENCE_COLUMNS = [
    "zone_code", "indicator_code", "year", "state", "status", "evidence_id", "reviewer",
    "reviewed_at", "reason",
]  # fmt: skip


def _silent(_message: str) -> None:
    return None


def empty_targets() -> pd.DataFrame:
    """An assigned-targets frame without rows."""
    return pd.DataFrame(columns=TARGET_COLUMNS)


def empty_evidence() -> pd.DataFrame:
    """An accepted-evidence frame without rows."""
    return pd.DataFrame(columns=EVIDENCE_COLUMNS)


@dataclass(frozen=True, eq=False)
class RunContext:
    """What one assessment run computes from (see the module docstring)."""

    engine: Engine
    lake_root: Path
    lake_version: int
    zones: tuple[ZoneUnit, ...] = ()
    peers: tuple[ZoneUnit, ...] = ()  # national comparison units computed in the same run
    year: int | None = None
    assessed_on: date = field(default_factory=date.today)
    frameworks: Mapping[str, str] = field(default_factory=dict)  # zone code → framework ref
    targets: pd.DataFrame = field(default_factory=empty_targets)
    evidence: pd.DataFrame = field(default_factory=empty_evidence)
    progress: Callable[[str], None] = _silent
    _memo: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    @property
    def units(self) -> tuple[ZoneUnit, ...]:
        """The zones and the comparison units, each once."""
        seen: dict[str, ZoneUnit] = {}
        for u in (*self.zones, *self.peers):
            seen.setdefault(u.code, u)
        return tuple(seen.values())

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per context and key; later calls return the first result."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def has(self, dataset: str) -> bool:
        """True when the lake at this version holds ``dataset``."""
        return self.memo(
            ("has", dataset), lambda: bool(live_files(dataset, self.lake_root, self.lake_version))
        )

    def sql(self) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection over the same lake version (the engine's own when DuckDB)."""
        if isinstance(self.engine, DuckDBEngine):
            return self.engine.con
        return self.memo("sql", lambda: connect(self.lake_root, as_of=self.lake_version))


def open_context(
    *,
    engine: str = "duckdb",
    root: Path | None = None,
    as_of: int | None = None,
    zones: Iterable[ZoneUnit] = (),
    peers: Iterable[ZoneUnit] = (),
    year: int | None = None,
    assessed_on: date | None = None,
    frameworks: Mapping[str, str] | None = None,
    targets: pd.DataFrame | None = None,
    evidence: pd.DataFrame | None = None,
    progress: Callable[[str], None] | None = None,
) -> RunContext:
    """A context over the lake at ``root`` as of manifest version ``as_of`` (default: the
    version now — later ingests do not change what the context reads)."""
    base = lake_root(root)
    version = lake_version(base) if as_of is None else as_of
    return RunContext(
        engine=get_engine(engine, base, as_of=version),
        lake_root=base,
        lake_version=version,
        zones=tuple(zones),
        peers=tuple(peers),
        year=year,
        assessed_on=assessed_on or date.today(),
        frameworks=dict(frameworks or {}),
        targets=empty_targets() if targets is None else targets,
        evidence=empty_evidence() if evidence is None else evidence,
        progress=progress or _silent,
    )
