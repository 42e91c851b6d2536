"""Land the bundled demo samples (see ``meili/demo_data/ATTRIBUTION.md``) in the lake."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from meili.ingest.pipeline import BatchResult, ingest_paths

DEMO_FILES = [
    "PRSA_Data_Dongsi_20170101-20170228.csv",
    "PRSA_Data_Dingling_20170101-20170228.csv",
    "PRSA_Data_Tiantan_20170101-20170228.csv",
    "china_sites_20190101.csv.gz",
    "china_sites_20190102.csv.gz",
    "china_sites_20190103.csv.gz",
    "cnemc_surface_water_4hourly_2021-04_jjj.csv",
]


def demo_dir() -> Path:
    """The folder of the bundled samples."""
    return Path(str(resources.files("meili").joinpath("demo_data")))


def ingest_demo_samples(user: str | None = None) -> list[BatchResult]:
    """Ingest the site list and every demo sample; running it again changes nothing."""
    sites = Path(str(resources.files("meili.ingest").joinpath("data/cnemc_sites.csv")))
    files = [sites, *(demo_dir() / name for name in DEMO_FILES)]
    return ingest_paths("auto", files, user=user)
