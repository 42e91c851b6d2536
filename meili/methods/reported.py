"""Reported values: figures filed in the lake's ``stats`` dataset (statistics and ledgers).

A zone's value is the row filed under the zone's own code; failing that, for a zone of one
member division, the row filed under that division. Values of several members are not
combined: how to aggregate a reported figure (sum, weighted share…) is not known
[@meili:reported-value]. The row used is named in the value's ``stats_row``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from meili.framework.rules import TASK_PREFIX
from meili.framework.schema import Framework
from meili.methods.context import RunContext
from meili.methods.lineage import reason
from meili.methods.registry import Method, Request, register, result_frame
from meili.registry.units import ZoneUnit

REPORTED = "reported"
STATS_COLUMNS = ["area_code", "year", "indicator", "value", "unit", "source", "batch_id"]


def stats_table(ctx: RunContext) -> pd.DataFrame:
    """The lake's ``stats`` rows at the context's version (read once per context)."""

    def read() -> pd.DataFrame:
        if not ctx.has("stats"):
            return pd.DataFrame(columns=STATS_COLUMNS)
        frame = ctx.sql().execute(f"SELECT {', '.join(STATS_COLUMNS)} FROM stats").df()
        frame["area_code"] = frame["area_code"].astype(str)
        frame["year"] = frame["year"].astype(int)
        return frame

    return ctx.memo("stats", read)


def stats_rows(
    ctx: RunContext, units: Sequence[ZoneUnit], codes: Iterable[str], years: Iterable[int]
) -> pd.DataFrame:
    """The ``stats`` rows of ``units`` for ``codes`` and ``years``, one per unit, code and year.

    Columns ``zone`` (the unit), ``member`` (the member division the row was filed for, or
    None) and the stats columns.
    """
    table = stats_table(ctx)
    table = table[table["indicator"].isin(list(codes)) & table["year"].isin(list(years))]
    if table.empty:
        return table.assign(zone=pd.Series(dtype=object), member=pd.Series(dtype=object))
    keys = pd.DataFrame(
        [(u.code, u.code, 0) for u in units]
        + [(u.code, u.members[0], 1) for u in units if len(u.members) == 1],
        columns=["zone", "area_code", "priority"],
    )
    rows = table.merge(keys, on="area_code").sort_values("priority", kind="stable")
    rows = rows.drop_duplicates(["zone", "indicator", "year"], keep="first")
    rows["member"] = rows["area_code"].where(rows["priority"] == 1, None)
    return rows.drop(columns="priority").reset_index(drop=True)


def row_label(
    area_code: object, year: object, code: object, source: object, member: object = None
) -> str:
    """How a value names the stats row it came from (and that it was filed for a member)."""
    text = f"stats {area_code} {year} {code}"
    if isinstance(member, str):
        text += " (" + " / ".join(reason("member_division", member=member)) + ")"
    return f"{text}: {source}" if isinstance(source, str) and source else text


def reported_values(ctx: RunContext, req: Request) -> pd.DataFrame:
    """The value filed in ``stats`` under the indicator's own code, per unit and year."""
    code = req.indicator.code
    rows = stats_rows(ctx, req.units, [code], req.years)
    out = result_frame(
        {
            "zone": rows["zone"],
            "year": rows["year"],
            "value": rows["value"].astype(float),
            "unit": rows["unit"].where(rows["unit"].notna() & (rows["unit"] != ""), None),
            "batches": [[b] for b in rows["batch_id"]],
            "stats_row": [
                row_label(a, y, code, s, m)
                for a, y, s, m in zip(
                    rows["area_code"], rows["year"], rows["source"], rows["member"], strict=True
                )
            ],
        }
    )
    return out  # a unit or year without a row is missing: "no row filed under <code>"


def higher_tasks(
    ctx: RunContext, framework: Framework, units: Sequence[ZoneUnit], year: int
) -> dict[tuple[str, str], bool]:
    """(zone, indicator) → whether the higher-level task was completed in ``year``."""
    codes = {TASK_PREFIX + ind.code: ind.code for ind in framework.indicators}
    rows = stats_rows(ctx, units, codes, [year])
    return {
        (zone, codes[code]): bool(value)
        for zone, code, value in zip(rows["zone"], rows["indicator"], rows["value"], strict=True)
        if pd.notna(value)
    }


def _reported(
    method_id: str, name_zh: str, name_en: str, citations: tuple[str, ...] = ()
) -> Method:
    return register(
        Method(
            id=method_id,
            name_zh=name_zh,
            name_en=name_en,
            citations=("meili:reported-value", *citations),
            inputs=("stats:<indicator code>",),
            unit="",
            kind="reported",
            compute=reported_values,
        )
    )


_reported(REPORTED, "统计报表或台账填报", "reported statistics or ledger")
# Indicators whose value a standard defines but Meili does not compute from monitoring data
# (no coastal, remote-sensing or catalogue method is implemented): the filed figure is read.
_reported(
    "sea.good_quality_share",
    "近岸海域水质优良（一、二类）比例（填报）",
    "share of coastal waters of class I–II (reported; not computed by Meili)",
    ("gb3097-1997:classes",),
)
_reported(
    "eco.eqi",
    "生态质量指数（EQI，填报）",
    "ecological quality index (EQI; reported, not computed by Meili)",
    ("hj1172-2021:eqi",),
)
_reported(
    "platform.data_sharing_rate",
    "监测数据集成共享率（填报）",
    "share of monitoring data integrated and shared (reported; not computed by Meili)",
)
