"""Indicator values per zone and year, each with its lineage.

A value is *computed* by a registered engine (the framework's method id names it) or
*reported* (statistics and ledgers ingested as the ``stats`` dataset). Lineage records the
input batches, the standard edition, the framework version and the code version, so every
number can explain itself (the design's second principle).
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from meili import __version__
from meili.assess.zones import ZoneUnit
from meili.framework.methods import REPORTED, TASK_PREFIX
from meili.framework.schema import Framework, Indicator

VALUE_COLUMNS = [
    "zone", "indicator", "year", "value", "unit", "method", "status", "source",
    "batches", "edition", "framework", "code_version", "note",
]  # fmt: skip


@dataclass(frozen=True)
class Request:
    """What an engine is asked for: one indicator for some zones and years."""

    indicator: Indicator
    zones: Sequence[ZoneUnit]
    years: Sequence[int]


# method id → function(con, request) → frame with columns zone, year, value, unit, batches,
# edition, note (batches: list of batch ids). Engines register themselves here.
Computer = Callable[[duckdb.DuckDBPyConnection, Request], pd.DataFrame]
COMPUTERS: dict[str, Computer] = {}
ENGINE_MODULES = ("meili.assess.air_values",)  # modules that register computers on import


def register(method_id: str) -> Callable[[Computer], Computer]:
    """Decorator: ``fn`` computes indicator values for ``method_id``."""

    def wrap(fn: Computer) -> Computer:
        COMPUTERS[method_id] = fn
        return fn

    return wrap


def has_dataset(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """True when the lake connection holds ``table``."""
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
    ).fetchone()
    return bool(rows and rows[0])


def reported(con: duckdb.DuckDBPyConnection, req: Request) -> pd.DataFrame:
    """Reported values of the request's indicator; see :func:`reported_code`."""
    return reported_code(con, req.zones, req.indicator.code, req.years)


def reported_code(
    con: duckdb.DuckDBPyConnection, zones: Sequence[ZoneUnit], code: str, years: Sequence[int]
) -> pd.DataFrame:
    """Rows of the ``stats`` dataset filed under ``code``, one per zone and year.

    A zone's value is the row filed under the zone's own code; failing that, for a zone of
    one member division, the row filed under that division. Values of several members are
    not combined: how to aggregate a reported figure (sum, weighted share…) is not known.
    """
    empty = pd.DataFrame(columns=["zone", "year", "value", "unit", "batches", "note", "source"])
    if not has_dataset(con, "stats") or not zones:
        return empty
    keys = pd.DataFrame(
        [(z.code, z.code, 0) for z in zones]
        + [(z.code, z.members[0], 1) for z in zones if len(z.members) == 1],
        columns=["zone", "area_code", "priority"],
    )
    con.register("_keys", keys)
    try:
        frame = con.execute(
            """
            SELECT k.zone, s.year, s.value, s.unit, s.source, s.batch_id, k.priority
            FROM stats s JOIN _keys k ON s.area_code = k.area_code
            WHERE s.indicator = ? AND s.year IN (SELECT unnest(?))
            QUALIFY row_number() OVER (PARTITION BY k.zone, s.year ORDER BY k.priority) = 1
            """,
            [code, list(years)],
        ).df()
    finally:
        con.unregister("_keys")
    frame["batches"] = frame["batch_id"].map(lambda b: [b])
    frame["note"] = frame["priority"].map({0: "", 1: "reported for the member division"})
    return frame[["zone", "year", "value", "unit", "batches", "note", "source"]]


__all__ = ["TASK_PREFIX", "higher_tasks", "indicator_values", "register", "reported_code"]


def higher_tasks(
    con: duckdb.DuckDBPyConnection, framework: Framework, zones: Sequence[ZoneUnit], year: int
) -> dict[tuple[str, str], bool]:
    """(zone, indicator) → whether the higher-level task was completed in ``year``."""
    out: dict[tuple[str, str], bool] = {}
    for ind in framework.indicators:
        rows = reported_code(con, zones, TASK_PREFIX + ind.code, [year])
        for zone, value in zip(rows["zone"], rows["value"], strict=True):
            if pd.notna(value):
                out[(zone, ind.code)] = bool(value)
    return out


def indicator_values(
    con: duckdb.DuckDBPyConnection,
    framework: Framework,
    zones: Sequence[ZoneUnit],
    years: Sequence[int],
) -> pd.DataFrame:
    """One row per zone × applicable indicator × year (missing values included, with why)."""
    for module in ENGINE_MODULES:
        importlib.import_module(module)
    frames = []
    for ind in framework.indicators:
        applicable = [z for z in zones if z.tier in ind.tiers]
        if not applicable:
            continue
        req = Request(ind, applicable, list(years))
        computer = COMPUTERS.get(ind.method)
        if ind.method == REPORTED or computer is None:
            got = reported(con, req)
            status, edition = "reported", None
            if ind.method != REPORTED:
                got["note"] = got["note"].where(
                    got["note"] != "", "engine not available; reported value used"
                )
        else:
            got = computer(con, req)
            status, edition = "computed", ind.standard
        grid = pd.MultiIndex.from_product(
            [[z.code for z in applicable], list(years)], names=["zone", "year"]
        ).to_frame(index=False)
        merged = grid.merge(got, on=["zone", "year"], how="left")
        merged["indicator"] = ind.code
        merged["method"] = ind.method
        merged["status"] = merged["value"].notna().map({True: status, False: "missing"})
        merged["unit"] = merged["unit"].fillna(ind.unit) if "unit" in merged else ind.unit
        if "edition" not in merged:
            merged["edition"] = edition
        merged["framework"] = framework.ref
        merged["code_version"] = f"meili {__version__}"
        for col in ("source", "note"):
            if col not in merged:
                merged[col] = None
        no_reason = merged["value"].isna() & (merged["note"].isna() | (merged["note"] == ""))
        merged["note"] = merged["note"].mask(
            no_reason, "no value in the lake for this zone and year"
        )
        merged["batches"] = merged["batches"].map(
            lambda b: json.dumps(sorted(set(b))) if isinstance(b, list) else "[]"
        )
        merged = merged[VALUE_COLUMNS].astype(object)
        merged["year"] = merged["year"].astype(np.int64)
        merged["value"] = pd.to_numeric(merged["value"], errors="coerce").astype(np.float64)
        frames.append(merged)
    if not frames:
        return pd.DataFrame(columns=VALUE_COLUMNS)
    return pd.concat(frames, ignore_index=True)
