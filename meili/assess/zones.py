"""The units an assessment is about: pilot zones with their tier, members and peer keys."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ruamel.yaml import YAML
from sqlalchemy import select
from sqlalchemy.orm import Session

from meili.assess.compare import REGIONS, group_members, group_name
from meili.db.models import Division
from meili.registry.zones import Status, list_zones

GROUPS_FILE = "data/groups.yaml"


@dataclass(frozen=True)
class ZoneUnit:
    """A zone as the assessment sees it."""

    code: str
    name_zh: str
    name_en: str
    tier: str
    members: tuple[str, ...]
    province: str | None  # the province code when all members lie in one province
    region: str | None  # NBS east / central / west / northeast, when one applies


@cache
def _province_regions() -> dict[str, str]:
    from importlib import resources

    text = resources.files("meili.assess").joinpath(GROUPS_FILE).read_text("utf-8")
    data = YAML(typ="safe").load(text)
    return {p["code"]: p["region"] for p in data["provinces31"]}


def zone_units(session: Session) -> list[ZoneUnit]:
    """Every zone that is not retired, in registry order."""
    regions = _province_regions()
    units = []
    for z in list_zones(session):
        if z.status == Status.retired:
            continue
        members = tuple(m.division_code for m in z.members)
        provinces = {m[:2] + "0000" for m in members}
        province = provinces.pop() if len(provinces) == 1 else None
        units.append(
            ZoneUnit(
                code=z.code,
                name_zh=z.name_zh,
                name_en=z.name_en,
                tier=z.tier,
                members=members,
                province=province,
                region=regions.get(province) if province else None,
            )
        )
    return units


#: The national comparison set of each tier: (group name, kind of unit).
NATIONAL_GROUPS = {"province": "provinces31", "city": "cities337"}


def national_units(session: Session, tier: str) -> list[ZoneUnit]:
    """Every unit of a tier's kind in the country, as one-member pseudo-zones.

    Provinces: the 31 mainland provinces; cities: the 337 prefecture-level-and-above cities;
    counties: every current county-level division. Regions have no national set.
    """
    if tier in NATIONAL_GROUPS:
        return group_units(NATIONAL_GROUPS[tier])
    if tier != "county":
        return []
    q = select(Division.code, Division.name).where(
        Division.current.is_(True), Division.level == "county"
    )
    return [_unit(c, n, "county") for c, n in session.execute(q)]


def group_units(group: str) -> list[ZoneUnit]:
    """The members of a comparison group (provinces31, east…, key168, cities337) as units."""
    group = group_name(group)
    tier = "province" if group == "provinces31" or group in REGIONS else "city"
    rows = group_members(group)[["code", "name"]].itertuples(index=False)
    return [_unit(str(code), str(name), tier) for code, name in rows]


def _unit(code: str, name: str, tier: str) -> ZoneUnit:
    province = code[:2] + "0000"
    return ZoneUnit(
        code=code,
        name_zh=name,
        name_en=name,
        tier=tier,
        members=(code,),
        province=province,
        region=_province_regions().get(province),
    )
