"""Composite indicators (综合指数) following the OECD/JRC Handbook (2008) and the JRC COINr package.

A build is a sequence of pure steps on a ``units × indicators`` DataFrame indexed by ``uCode``:
denominate → impute → screen → treat → normalise → aggregate → rank. Each step lives in its
own module; :mod:`.pipeline` declares a build in YAML and :mod:`.runner` executes it on any
data/metadata pair in COINr's ``iData``/``iMeta`` layout (:mod:`.coin`). :mod:`.uncertainty`
runs the Monte Carlo uncertainty and sensitivity analysis (Handbook Part II §6).
"""

from __future__ import annotations

from meili.assess.composite.coin import Coin, CoinInputError, build_coin
from meili.assess.composite.pipeline import Pipeline, load_pipeline, parse_pipeline
from meili.assess.composite.rank import rank_frame, rank_min
from meili.assess.composite.runner import BuildResult, run_pipeline

__all__ = [
    "BuildResult",
    "Coin",
    "CoinInputError",
    "Pipeline",
    "build_coin",
    "load_pipeline",
    "parse_pipeline",
    "rank_frame",
    "rank_min",
    "run_pipeline",
]
