"""Functional-zone noise compliance over the lake's ``noise`` dataset (GB 3096-2008 Table 1).

[@gb3096-2008:t1] — with the unconfirmed values listed in :mod:`meili.standards.noise.gb3096`.

The dataset holds one row per point and time with ``leq_day`` and ``leq_night`` (dB(A)); it is
unpivoted by the engine (DuckDB or Spark, one definition) to one measurement per (point, time,
period) and rated by :func:`meili.standards.noise.compliance_rates` (达标率 = compliant /
valid × 100).
"""

from __future__ import annotations

from typing import Final

import duckdb
import pandas as pd

from meili.engine import DuckDBEngine, Engine, FrameEngine
from meili.errors import UserError
from meili.standards.noise.gb3096 import compliance_rates

STANDARD: Final = "GB 3096-2008"
Source = duckdb.DuckDBPyConnection | pd.DataFrame | Engine


def _engine(source: Source) -> Engine:
    if isinstance(source, pd.DataFrame):
        return FrameEngine({"noise": source})
    if isinstance(source, duckdb.DuckDBPyConnection):
        return DuckDBEngine(None, source)
    return source


def _stamp(t: pd.Timestamp) -> str:
    return f"TIMESTAMP '{t.strftime('%Y-%m-%d %H:%M:%S.%f')}'"


def measurements_sql(extra: list[str], start: object | None, end: object | None) -> str:
    """The definition of :func:`noise_measurements` (DuckDB SQL, run on either engine): one
    row per (point, time, period) from the ``noise`` rows' ``leq_day`` and ``leq_night``."""
    cond = []
    if start is not None:
        cond.append(f"time >= {_stamp(pd.Timestamp(start))}")
    if end is not None:
        e = pd.Timestamp(end)
        e = e + pd.Timedelta(days=1) if e == e.normalize() else e
        cond.append(f"time < {_stamp(e)}")
    where = f" WHERE {' AND '.join(cond)}" if cond else ""
    more = "".join(f', "{c}"' for c in extra)
    zone = "CAST(zone_class AS VARCHAR) AS zone_class"
    return " UNION ALL ".join(
        f"SELECT point_code, {zone}, time{more}, '{p}' AS period, leq_{p} AS leq "
        f"FROM noise_rows{where}"
        for p in ("day", "night")
    )


def noise_measurements(
    source: Source,
    start: object | None = None,
    end: object | None = None,
    *,
    by: str | None = None,
) -> pd.DataFrame:
    """Long frame ``point_code, zone_class, time, period (day/night), leq`` [+ ``by``].

    Period ``start ≤ time < end``; a date-only ``end`` includes that whole day. ``source``:
    an engine (DuckDB or Spark, the same rows), a DuckDB connection over the lake or a frame
    of ``noise`` rows. Rows are sorted by period, point, time (and ``by``).
    """
    eng = _engine(source)
    cols = eng.columns("noise")
    if cols is None:
        raise UserError("the lake has no noise data; run `meili ingest noise FILE`")
    extra = []
    if by not in (None, "zone_class"):
        if by not in cols:
            raise UserError(f"the noise dataset has no {by!r} column to group by")
        extra = [by]
    eng.register_lake(
        "noise_rows", "noise", ["point_code", "zone_class", "time", *extra, "leq_day", "leq_night"]
    )
    out = eng.fetch(measurements_sql(extra, start, end))
    out["time"] = out["time"].astype("datetime64[us]")  # the lake's unit, on every engine
    keys = ["period", "point_code", "time", *extra]
    out = out.sort_values(keys, kind="stable").reset_index(drop=True)
    return out[["point_code", "zone_class", "time", *extra, "period", "leq"]]


def noise_batches(source: Source, start: object, end: object) -> list[str]:
    """The lake batches holding noise rows of ``[start, end]`` (lineage), sorted."""
    eng = _engine(source)
    cols = eng.columns("noise")
    if cols is None or "batch_id" not in cols:
        return []
    eng.register_lake("noise_batches", "noise", ["time", "batch_id"])
    e = pd.Timestamp(end)
    e = e + pd.Timedelta(days=1) if e == e.normalize() else e
    got = eng.fetch(
        "SELECT DISTINCT batch_id FROM noise_batches WHERE "
        f"time >= {_stamp(pd.Timestamp(start))} AND time < {_stamp(e)}"
    )
    return sorted(str(b) for b in got["batch_id"].dropna())


def compliance(
    source: Source,
    start: object | None = None,
    end: object | None = None,
    *,
    by: str = "zone_class",
) -> pd.DataFrame:
    """Day and night compliance rates (%) per zone class and overall (``zone_class = "all"``),
    optionally per ``by`` group (e.g. city) — GB 3096-2008 Table 1. Raises if no measurement.
    [@gb3096-2008:t1]
    """
    long = noise_measurements(source, start, end, by=by)
    long = long[long["leq"].notna()]
    if long.empty:
        raise UserError(f"no noise measurements between {start or '…'} and {end or '…'}")
    keys = None if by == "zone_class" else by
    out = compliance_rates(long, by=keys).reset_index()
    return out
