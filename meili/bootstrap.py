"""Create the stores and load the reference data: divisions, regional zones, default framework.

Running it again changes nothing (every step is idempotent).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select

from meili.config import settings
from meili.db import session as db
from meili.db.models import Division, FrameworkVersion, Zone
from meili.framework.store import default_framework, save_framework
from meili.lake.store import lake_root
from meili.registry.division_store import sync_divisions
from meili.registry.zones import REGIONAL_ZONES, SAMPLE_ZONES, load_zone_file, save_zones


def initialise(*, samples: bool = False) -> dict[str, Any]:
    """Migrate the relational store, create the lake, load reference data.

    With ``samples``, also register the sample province/city/county zones used by the demo.
    Returns what was written (all zeros on a second run).
    """
    cfg = settings()
    cfg.home.mkdir(parents=True, exist_ok=True)
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
    return written


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
        "database": db.engine().url.render_as_string(hide_password=True),
        "lake": str(cfg.lake_dir),
        "divisions": levels,
        "zones": dict(tiers),
        "frameworks": frameworks,
        "indicators": len(fw.indicators),
    }
