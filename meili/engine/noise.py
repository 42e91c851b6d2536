"""Functional-zone noise compliance over the lake's ``noise`` dataset (GB 3096-2008 Table 1).

[@gb3096-2008:t1] — with the unconfirmed values listed in :mod:`meili.standards.noise.gb3096`.

The dataset holds one row per point and time with ``leq_day`` and ``leq_night`` (dB(A)); it is
unpivoted in DuckDB to one measurement per (point, time, period) and rated by
:func:`meili.standards.noise.compliance_rates` (达标率 = compliant / valid × 100).
"""

from __future__ import annotations

from typing import Final

import duckdb
import pandas as pd

from meili.errors import UserError
from meili.standards.noise.gb3096 import compliance_rates

STANDARD: Final = "GB 3096-2008"


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {r[0] for r in rows}


def noise_measurements(
    source: duckdb.DuckDBPyConnection | pd.DataFrame,
    start: object | None = None,
    end: object | None = None,
    *,
    by: str | None = None,
) -> pd.DataFrame:
    """Long frame ``point_code, zone_class, time, period (day/night), leq`` [+ ``by``].

    Period ``start ≤ time < end``; a date-only ``end`` includes that whole day.
    """
    if isinstance(source, pd.DataFrame):
        con = duckdb.connect()
        con.register("noise", source)
    else:
        con = source
    if "noise" not in _tables(con):
        raise UserError("the lake has no noise data; run `meili ingest noise FILE`")
    cols = {r[0] for r in con.execute("DESCRIBE noise").fetchall()}
    extra = ""
    if by not in (None, "zone_class"):
        if by not in cols:
            raise UserError(f"the noise dataset has no {by!r} column to group by")
        extra = f', "{by}"'
    where, params = [], []
    if start is not None:
        where.append("time >= ?")
        params.append(pd.Timestamp(start).to_pydatetime())
    if end is not None:
        e = pd.Timestamp(end)
        e = e + pd.Timedelta(days=1) if e == e.normalize() else e
        where.append("time < ?")
        params.append(e.to_pydatetime())
    cond = f"WHERE {' AND '.join(where)}" if where else ""
    sql = (
        f"SELECT point_code, zone_class, time{extra}, 'day' AS period, leq_day AS leq "
        f"FROM noise {cond} UNION ALL "
        f"SELECT point_code, zone_class, time{extra}, 'night' AS period, leq_night AS leq "
        f"FROM noise {cond}"
    )
    return con.execute(sql, params * 2).df()


def compliance(
    source: duckdb.DuckDBPyConnection | pd.DataFrame,
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
