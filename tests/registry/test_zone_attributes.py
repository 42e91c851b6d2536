"""Zone attributes for scope and terrain (issue 15 item 2): from the division data with their
source, "to confirm" where none is at hand, and set on the zone, which wins."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import one_line_error, run
from pydantic import ValidationError

from meili.registry.attributes import zone_attribute
from meili.registry.zones import ZoneSpec


@pytest.mark.parametrize(
    ("name", "members", "expected"),
    [
        ("coastal", ["520000"], False),  # Guizhou: not among the 11 coastal provinces
        ("coastal", ["520102"], False),  # a county of Guizhou: the province list decides
        ("coastal", ["330000"], True),
        ("coastal", ["130100"], False),  # Shijiazhuang: Hebei is coastal, the city is not
        ("coastal", ["130200"], True),  # Tangshan
        ("coastal", ["130202"], None),  # a county of Tangshan: no county list, to confirm
        ("key_region_jjj", ["330000"], False),
        ("key_region_jjj", ["110105"], True),  # a district of Beijing: the whole is in
        ("key_region_jjj", ["310000", "130000"], True),  # any member in scope
        ("key_region_gba", ["440000"], True),  # Guangdong contains the nine cities
        ("key_region_gba", ["440500"], False),  # Shantou is not one of them
        ("yellow_river_basin", ["330000"], False),
        ("yellow_river_basin", ["410100"], None),  # a city of Henan: part of the basin?
        ("mining", ["330000"], None),  # no source at hand
        ("terrain", ["330523"], None),
    ],
)
def test_division_attributes(name: str, members: list[str], expected: object) -> None:
    attr = zone_attribute(name, members)
    assert attr.value is expected, attr.why_en
    if expected is None:
        assert "to confirm" in attr.why_en or "unknown" in attr.why_en


def test_the_zone_wins_and_says_so() -> None:
    attr = zone_attribute("coastal", ["520000"], {"coastal": True})
    assert attr.value is True and "set on the zone" in attr.why_en
    assert zone_attribute("terrain", ["330523"], {"terrain": "mountain"}).value == "mountain"
    assert zone_attribute("region", ["330000"], region="east").value == "east"


def test_spec_attributes_checked() -> None:
    spec = ZoneSpec.model_validate(
        {
            "code": "X",
            "name_zh": "县",
            "name_en": "x",
            "tier": "county",
            "members": ["330523"],
            "attributes": "terrain=hill; coastal=false",
        }
    )
    assert spec.attributes == {"terrain": "hill", "coastal": False}
    for bad, why in (
        ("terrain=swamp", "terrain must be one of"),
        ("coastal=maybe", "must be true or false"),
        ("height=3", "unknown attribute"),
    ):
        with pytest.raises(ValidationError, match=why):
            ZoneSpec.model_validate(
                {
                    "code": "X",
                    "name_zh": "县",
                    "name_en": "x",
                    "tier": "county",
                    "members": ["330523"],
                    "attributes": bad,
                }
            )


def test_cli_sets_and_shows_attributes(store: Path, capsys) -> None:
    code, _, err = run(["zones", "update", "X-330523", "--attributes", "terrain=mountain"], capsys)
    assert code == 0, err
    code, out, _ = run(["zones", "show", "X-330523", "--format", "json"], capsys)
    assert code == 0 and '"terrain": "mountain"' in out
    code, _, err = run(["zones", "update", "X-330523", "--attributes", "terrain=swamp"], capsys)
    assert "terrain must be one of" in one_line_error(code, err)
