"""Registered codes that records must refer to: the bundled CNEMC lists plus the lake's."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

from meili.ingest.kinds import get_kind
from meili.lake import store

_SITE_COLUMNS = {
    "监测点编码": "site_code",
    "监测点名称": "name",
    "城市": "city",
    "经度": "lon",
    "纬度": "lat",
    "对照点": "control",
    "省级行政区": "province",
    "地级行政区": "prefecture",
}


@cache
def bundled_sites() -> pd.DataFrame:
    """The CNEMC air-site list bundled with Meili (2,026 sites)."""
    path = resources.files("meili.ingest").joinpath("data/cnemc_sites.csv")
    with path.open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return frame.rename(columns=_SITE_COLUMNS)


@cache
def bundled_sections() -> pd.DataFrame:
    """Surface-water sections named in the CNEMC 2021-04 release (province, basin, section)."""
    path = resources.files("meili.ingest").joinpath("data/cnemc_water_sections.csv")
    with path.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def known_codes(kind_name: str, column: str) -> set[str]:
    """Codes registered for ``kind_name``: bundled ones plus those landed in the lake."""
    if kind_name == "air-sites":
        codes = set(bundled_sites()["site_code"])
    elif kind_name == "water-sections":
        codes = set(bundled_sections()["section"])
    else:
        codes = set()
    dataset = get_kind(kind_name).dataset
    con = store.connect()
    try:
        if dataset in store.live_datasets(con):
            codes |= {
                r[0] for r in con.execute(f"SELECT DISTINCT {column} FROM {dataset}").fetchall()
            }
    finally:
        con.close()
    return codes
