"""Create the stores and load the reference data: divisions, the policy's regional zones,
the default framework and the bundled CNEMC air-site register.

Running it again changes nothing (every step is idempotent). Commands initialise the store
on first use (:func:`ensure_initialised`); two first commands at once take turns on a lock
in the home directory, and a marker file tells later commands that the work is done.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from meili import __version__
from meili.config import Settings, default_database_url, settings
from meili.db import session as db
from meili.db.models import Division, FrameworkVersion, Zone
from meili.framework.store import default_framework, save_framework
from meili.ingest.pipeline import BUNDLED_USER, ingest_paths
from meili.lake import manifest
from meili.lake.store import connect, lake_root, live_datasets
from meili.registry.division_store import sync_divisions
from meili.registry.zones import REGIONAL_ZONES, SAMPLE_ZONES, load_zone_file, save_zones

#: Written in the home when the reference data are in place (Meili version and store URL).
MARKER = ".initialised"


def site_register() -> Path:
    """The bundled CNEMC air-site register (a CSV the ``air-sites`` kind reads)."""
    return Path(str(resources.files("meili.ingest").joinpath("data/cnemc_sites.csv")))


def _stamp(cfg: Settings) -> str:
    """Meili version and store: ``home`` for the SQLite file inside the home (so a home that
    is moved or copied stays initialised), else a hash of the database URL."""
    if cfg.database_url == default_database_url(cfg.home):
        store = "home"
    else:
        store = hashlib.sha256(cfg.database_url.encode()).hexdigest()[:16]
    return f"meili {__version__}; store {store}\n"


def initialised(cfg: Settings | None = None) -> bool:
    """Whether the reference data of this Meili version are in the configured store."""
    cfg = cfg or settings()
    try:
        if (cfg.home / MARKER).read_text("utf-8") != _stamp(cfg):
            return False
    except OSError:
        return False
    return db.current_revision() == db.head_revision()


def _load(samples: bool, sites: bool = True) -> dict[str, Any]:
    db.upgrade()
    lake_root()
    written: dict[str, Any] = {}
    with db.session() as s:
        written["divisions"] = sync_divisions(s)
        zones = load_zone_file(REGIONAL_ZONES)
        if samples:
            zones += load_zone_file(SAMPLE_ZONES)
        written["zones"] = save_zones(s, zones, mode="missing", actor="meili init")["added"]
        written["frameworks"] = int(save_framework(s, default_framework()))
    written["sites"] = _load_site_register() if sites else 0
    return written


def _load_site_register() -> int:
    """Land the bundled site register unless the lake holds a site list already (a list
    the user ingested overrides the bundled one, which is then never added)."""
    con = connect()
    try:
        if "air_sites" in live_datasets(con):
            return 0
    finally:
        con.close()
    path = site_register()  # trusted: the user's size limit (MEILI_INGEST_MAX_BYTES) is not for it
    [result] = ingest_paths("air-sites", [path], user=BUNDLED_USER, max_bytes=path.stat().st_size)
    if not result.ok:  # pragma: no cover - the bundled file is tested
        raise RuntimeError(f"bundled site register failed: {result.error}")
    return int(result.rows_landed)


def initialise(*, samples: bool = False, sites: bool = True) -> dict[str, Any]:
    """Migrate the relational store, create the lake, load reference data.

    With ``samples``, also register the sample province/city/county zones used by the demo.
    ``sites=False`` leaves the air-site register out (tests that place their own sites).
    Returns what was written (all zeros on a second run).
    """
    cfg = settings()
    cfg.home.mkdir(parents=True, exist_ok=True)
    with manifest.locked(cfg.home):  # the home's lock: one initialisation at a time
        written = _load(samples, sites)
        (cfg.home / MARKER).write_text(_stamp(cfg), "utf-8")
    return written


def ensure_initialised() -> bool:
    """Initialise the store unless done already (cheap when done); True when it was now."""
    cfg = settings()
    if initialised(cfg):
        return False
    cfg.home.mkdir(parents=True, exist_ok=True)
    with manifest.locked(cfg.home):
        if initialised(cfg):  # another command did it while this one waited
            return False
        _load(samples=False)
        (cfg.home / MARKER).write_text(_stamp(cfg), "utf-8")
    return True


def summary() -> dict[str, Any]:
    """Counts of what the stores hold, for `meili demo` and `meili status`."""
    cfg = settings()
    with db.session() as s:
        levels = dict(
            s.execute(
                select(Division.level, func.count())
                .where(Division.current.is_(True))
                .group_by(Division.level)
            ).all()
        )
        tiers = Counter(s.scalars(select(Zone.tier)).all())
        frameworks = [
            f"{code}@{version}"
            for code, version in s.execute(
                select(FrameworkVersion.code, FrameworkVersion.version)
            ).all()
        ]
    fw = default_framework()
    return {
        "home": str(cfg.home),
        "home_source": cfg.home_source,
        "database": db.engine().url.render_as_string(hide_password=True),
        "lake": str(cfg.lake_dir),
        "divisions": levels,
        "zones": dict(tiers),
        "frameworks": frameworks,
        "indicators": len(fw.indicators),
    }
