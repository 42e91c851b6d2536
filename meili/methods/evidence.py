"""States proven by accepted evidence (建立 / 开展 / 有效保障 …), read from the run context.

The review workflow records each verdict on a piece of evidence (``evidence_verdicts``: zone,
indicator, year, state, accepted or rejected); the context carries the accepted ones
(:attr:`RunContext.evidence`, empty until the workflow writes them). The value is the number
of accepted documents for the zone, indicator and year; the target rule decides whether they
prove the state [@meili:evidence-value].
"""

from __future__ import annotations

import pandas as pd

from meili.methods.context import RunContext
from meili.methods.lineage import reason
from meili.methods.registry import Method, Request, register, result_frame

EVIDENCE = "evidence"


def evidence_values(ctx: RunContext, req: Request) -> pd.DataFrame:
    """Accepted evidence documents per unit and year (missing, with why, when none)."""
    ev = ctx.evidence
    ev = ev[(ev["indicator_code"] == req.indicator.code) & (ev["status"] == "accepted")]
    counts = ev.groupby(["zone_code", "year"]).size()
    zh, en = reason("no_evidence")
    rows = []
    for unit in req.units:
        for year in req.years:
            n = int(counts.get((unit.code, year), 0))
            ids = ev.loc[(ev["zone_code"] == unit.code) & (ev["year"] == year), "evidence_id"]
            rows.append(
                {
                    "zone": unit.code,
                    "year": year,
                    "value": float(n) if n else float("nan"),
                    "valid": bool(n),
                    "reason_zh": "" if n else zh,
                    "reason_en": "" if n else en,
                    "stats_row": ", ".join(map(str, ids)) if n else None,
                }
            )
    return result_frame(rows)


register(
    Method(
        id=EVIDENCE,
        name_zh="经审核的证明材料",
        name_en="reviewed evidence",
        citations=("meili:evidence-value",),
        inputs=("evidence:accepted",),
        unit="documents",
        kind="evidence",
        compute=evidence_values,
    )
)
