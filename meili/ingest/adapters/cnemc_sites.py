"""CNEMC air monitoring site list: ``监测点编码,监测点名称,城市,经度,纬度,对照点,…``.

Names marked 停运 are decommissioned sites; the flag is kept in ``decommissioned``.
"""

from __future__ import annotations

from meili.ingest.adapters.tabular import extract_loaded
from meili.ingest.extract import Extract
from meili.ingest.kinds import Kind
from meili.ingest.loaded import Loaded

NAME = "cnemc-sites"
KIND = "air-sites"


def matches(header: list[str]) -> bool:
    """True for the site list's Chinese header."""
    return {"监测点编码", "监测点名称", "对照点"} <= {h.strip() for h in header}


def extract(loaded: Loaded, kind: Kind) -> Extract:
    """Read the list and flag decommissioned (停运) sites."""
    ext = extract_loaded(loaded, kind, adapter=NAME)
    names = ext.frame["name"].fillna("")
    ext.frame["decommissioned"] = names.str.contains("停运").astype("boolean")
    return ext
