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
#: What `meili demo` lands: the samples and Fujian's water, so that a sample province zone
#: (P-350000) has water values too. Fujian lies in no regional zone, so no regional value
#: is computed over part of its provinces.
DEMO_STORE_FILES = [*DEMO_FILES, "cnemc_surface_water_4hourly_2021-04_fj.csv"]


def demo_dir() -> Path:
    """The folder of the bundled samples."""
    return Path(str(resources.files("meili").joinpath("demo_data")))


def ingest_demo_samples(
    user: str | None = None, names: list[str] | None = None
) -> list[BatchResult]:
    """Ingest the site list and the demo samples ``names`` (default :data:`DEMO_FILES`);
    running it again changes nothing."""
    sites = Path(str(resources.files("meili.ingest").joinpath("data/cnemc_sites.csv")))
    files = [sites, *(demo_dir() / name for name in (names or DEMO_FILES))]
    return ingest_paths("auto", files, user=user)
