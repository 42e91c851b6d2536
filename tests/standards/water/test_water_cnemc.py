"""Real data: CNEMC automatic surface-water stations, 2021-04 (../shared/data/water).

The release publishes ``water_class`` for each 4-hourly record. Meili classifies the routine
items present in the file (pH, DO, CODMn, NH3-N, TP; TN is a reference item) and must reproduce
it. The file does not say which sections are on lakes/reservoirs, whose TP limits are stricter,
and the published class may use items not in the file, so agreement is measured three ways:

* all sections as rivers (measured 94.9 %, 41,633 rows);
* lake/reservoir guessed from the section name (``waterbody_from_name``; measured 95.4 %);
* the waterbody chosen per section — one river/lake choice per section for all its ~28
  records (measured 98.7 %): an upper bound showing the class logic itself agrees, once the
  missing lake flag is supplied. ~100 sections behave as lakes (e.g. 西湖湖心, 兰山嘴 on 太湖,
  急水港桥 on 淀山湖) and only about half carry 湖/库 in their name.

The remaining 528 rows (1.3 %, 344 sections): 68 % have a published class worse than Meili's,
and 40 % of all are one class worse with a value shown exactly at a limit (TP 0.020, DO 7.50,
NH3-N 0.150 — the release displays rounded values but classifies unrounded ones) or not
explained by any listed item (items not in the file). 27 % are one class *better*, 80 % of
those with a value within 10 % beyond a limit, mostly DO (5.50 → Ⅱ, 7.49 → Ⅰ) or pH 9.02;
the release's rounding of DO/pH is not documented and Meili does not guess it.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from meili.standards.water import CLASS_LABELS, classify, parse_values, waterbody_from_name

pytestmark = pytest.mark.shared

COLUMNS = {"ph": "ph", "do_mgL": "do", "codmn_mgL": "codmn", "nh3n_mgL": "nh3n", "tp_mgL": "tp"}


@pytest.fixture
def records(shared_dir: Path) -> pd.DataFrame:
    return _load(shared_dir / "data/water/cnemc_surface_water_4hourly_2021-04.csv").copy()


@functools.cache
def _load(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str)
    parsed = parse_values(raw[list(COLUMNS)].rename(columns=COLUMNS))
    usable = raw["water_class"].isin(CLASS_LABELS) & (parsed.flags == "ok").all(axis=1)
    out = parsed.values[usable].copy()
    out["section"] = raw.loc[usable, "section"]
    out["published"] = raw.loc[usable, "water_class"]
    return out


def test_parse_flags_on_release_markers(shared_dir: Path) -> None:
    raw = pd.read_csv(
        shared_dir / "data/water/cnemc_surface_water_4hourly_2021-04.csv",
        dtype=str,
        usecols=["tp_mgL"],
    )
    flags = parse_values(raw.rename(columns={"tp_mgL": "tp"})).flags["tp"]
    assert set(flags.unique()) <= {"ok", "missing", "not_measured"}
    assert (flags == "not_measured").sum() > 0 and (flags == "missing").sum() > 0


def test_agreement_with_published_class(records: pd.DataFrame) -> None:
    start = time.perf_counter()
    items = records[list(COLUMNS.values())]
    river = classify(items, "river")
    lake = classify(items, "lake")
    by_name = classify(items, waterbody_from_name(records["section"]))
    pub = records["published"]

    n = len(records)
    rate_river = float((river == pub).mean())
    rate_name = float((by_name == pub).mean())
    hits = pd.DataFrame({"r": river == pub, "l": lake == pub, "s": records["section"]})
    per_section = hits.groupby("s")[["r", "l"]].mean()
    lake_like = records["section"].map(per_section["l"] > per_section["r"]).to_numpy(bool)
    best = pd.Series(np.where(lake_like, lake, river), index=records.index)
    rate_best = float((best == pub).mean())
    print(
        f"\nCNEMC rows {n}: river {rate_river:.4f}, name-inferred {rate_name:.4f}, "
        f"per-section waterbody {rate_best:.4f}"
    )

    assert n > 40_000
    assert rate_river >= 0.94
    assert rate_name >= rate_river  # the name heuristic helps a little
    assert rate_best >= 0.97
    assert time.perf_counter() - start < 20


def test_remaining_disagreements_are_mostly_published_worse(records: pd.DataFrame) -> None:
    items = records[list(COLUMNS.values())]
    order = {lab: i for i, lab in enumerate(CLASS_LABELS)}
    river, lake = classify(items, "river"), classify(items, "lake")
    hits = pd.DataFrame(
        {
            "r": river == records["published"],
            "l": lake == records["published"],
            "s": records["section"],
        }
    )
    per_section = hits.groupby("s")[["r", "l"]].mean()
    lake_like = records["section"].map(per_section["l"] > per_section["r"]).to_numpy(bool)
    best = pd.Series(np.where(lake_like, lake, river), index=records.index)
    wrong = best != records["published"]
    worse = records.loc[wrong, "published"].map(order) > best[wrong].map(order)
    assert worse.mean() > 0.5  # extra items or unrounded values behind the published class
