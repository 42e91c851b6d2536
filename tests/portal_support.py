"""A published round with numbers in it, for the portal's tests (no lake data needed).

The round is computed on an empty lake (every value missing) and its tables are then given
hand-set values — the portal's tests check what pages and open data show of a round, not
the assessment — and the file hashes in ``round.json`` are renewed so the round reads.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
from workflow_support import publish

from meili.assess.rounds import rounds_dir, run_round
from meili.db.session import session
from meili.framework.store import get_framework

PM25 = "env.pm25_annual_mean"


def _write(name: str, table: str, frame: pd.DataFrame) -> None:
    folder = rounds_dir() / name
    path = folder / f"{table}.parquet"
    frame.to_parquet(path, index=False)
    meta = json.loads((folder / "round.json").read_text("utf-8"))
    meta["files"][table] = {
        "rows": len(frame),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }
    (folder / "round.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")


def populated_round(name: str = "r1", year: int = 2024, every: bool = False) -> dict[str, float]:
    """Freeze and publish round ``name`` whose PM2.5 values are 20, 22, … by zone (every
    year the same value + (year − 2022)); returns zone → value in ``year``. ``every``: the
    other indicators with a direction get values too (10 … 59, spread over zones), so a
    composite index can be built."""
    run_round(name, year, first_year=year - 2, allow_empty=True)
    folder = rounds_dir() / name
    values = pd.read_parquet(folder / "values.parquet")
    if every:
        with session() as s:
            fw = get_framework(s)
        directed = [i.code for i in fw.indicators if i.direction in ("up", "down")]
        zone_k = {z: k for k, z in enumerate(sorted(values["zone"].unique()))}
        ind_k = {c: k for k, c in enumerate(directed)}
        rows = values["indicator"].isin(directed) & (values["indicator"] != PM25)
        k = values.loc[rows, "zone"].map(zone_k) * 7 + values.loc[rows, "indicator"].map(ind_k) * 3
        values.loc[rows, "value"] = 10.0 + k % 50
        values.loc[rows, "status"] = "ok"
        values.loc[rows, "valid"] = True
    verdicts = pd.read_parquet(folder / "verdicts.parquet")
    zones = sorted(verdicts["zone"].unique())
    base = {z: 20.0 + 2 * k for k, z in enumerate(zones)}
    pm = values["indicator"] == PM25
    values.loc[pm, "value"] = values.loc[pm, "zone"].map(base) + (values.loc[pm, "year"] - 2022)
    values.loc[pm, "status"] = "ok"
    _write(name, "values", values)
    now = {z: v + (year - 2022) for z, v in base.items()}
    pv = verdicts["indicator"] == PM25
    verdicts.loc[pv, "value"] = verdicts.loc[pv, "zone"].map(now)
    verdicts.loc[pv, "status"] = np.where(verdicts.loc[pv, "value"] <= 25, "met", "not_met")
    _write(name, "verdicts", verdicts)
    progress = pd.DataFrame(  # one row per method; the two methods disagree here
        {
            "zone": zones * 2,
            "indicator": PM25,
            "method": ["sdr"] * len(zones) + ["statcan"] * len(zones),
            "arrow": ["on_track"] * len(zones) + ["stagnating"] * len(zones),
            "arrow_symbol": ["↑"] * len(zones) + ["→"] * len(zones),
            "arrow_zh": ["正常推进"] * len(zones) + ["进展有限/停滞"] * len(zones),
            "arrow_en": ["on track"] * len(zones) + ["limited progress or stagnating"] * len(zones),
        }
    )
    _write(name, "progress", progress)
    ranks = pd.Series(now).rank(method="min").astype(int)
    comparison = pd.DataFrame(
        {
            "zone": zones,
            "tier": "x",
            "indicator": PM25,
            "value": [now[z] for z in zones],
            "rank": [int(ranks[z]) for z in zones],
            "n": len(zones),
            "percentile": [100 * (len(zones) - ranks[z]) / (len(zones) - 1) for z in zones],
            "comparison": "zones:x",
            "band_zh": "前20%",
            "band_en": "top 20%",
        }
    )
    _write(name, "comparison", comparison)
    publish(name)
    return now
