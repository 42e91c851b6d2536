"""The units an assessment is about: pilot zones with their tier and members, and the units
of the national comparison sets (31 provinces, 337 cities, every county) as one-member units.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from meili.db.models import Division
from meili.registry.attributes import Attribute, zone_attribute
from meili.registry.groups import (
    cities337,
    group_members,
    group_name,
    group_tier,
    province_regions,
)
from meili.registry.zones import Status, list_zones


@dataclass(frozen=True)
class ZoneUnit:
    """A zone (or a division standing as one) as the assessment sees it."""

    code: str
    name_zh: str
    name_en: str
    tier: str
    members: tuple[str, ...]
    province: str | None  # the province code when all members lie in one province
    region: str | None  # NBS east / central / west / northeast, when one applies
    attributes: tuple[tuple[str, bool | str], ...] = ()  # set on the zone (coastal, terrain…)

    def attribute(self, name: str) -> Attribute:
        """The zone's value of a scope or terrain/region attribute, with how it was found."""
        return zone_attribute(name, self.members, dict(self.attributes), self.region)


def zone_units(session: Session) -> list[ZoneUnit]:
    """Every zone that is not retired, in registry order."""
    regions = province_regions()
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
                attributes=tuple(sorted((z.attributes or {}).items())),
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
    return [division_unit(c, n, "county") for c, n in session.execute(q)]


def group_units(group: str) -> list[ZoneUnit]:
    """The members of a comparison group (provinces31, east…, key168, cities337) as units."""
    tier = group_tier(group)
    rows = group_members(group_name(group))[["code", "name"]].itertuples(index=False)
    return [division_unit(str(code), str(name), tier) for code, name in rows]


def division_unit(code: str, name: str, tier: str) -> ZoneUnit:
    """A division standing as a one-member unit of ``tier``."""
    province = code[:2] + "0000"
    return ZoneUnit(
        code=code,
        name_zh=name,
        name_en=name,
        tier=tier,
        members=(code,),
        province=province,
        region=province_regions().get(province),
    )


def unit_cities(unit: ZoneUnit) -> list[str]:
    """The cities (337 list) a unit's city-level statistics are taken over.

    A prefecture-level city or municipality stands for itself, a province member for its
    prefecture-level cities; county members have no city of their own (empty).
    """
    return list(_member_cities(tuple(unit.members)))


@cache
def _member_cities(members: tuple[str, ...]) -> tuple[str, ...]:
    known, by_province = _cities_of()
    out: set[str] = set()
    for m in members:
        if m in known:
            out.add(m)
        elif m.endswith("0000"):
            out.update(by_province.get(m[:2], ()))
    return tuple(sorted(out))


@cache
def _cities_of() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """The 337 city codes, and per province (first two digits) its prefecture-level cities."""
    codes = list(cities337()["code"])
    by_province: dict[str, list[str]] = {}
    for c in codes:
        if not c.endswith("0000"):
            by_province.setdefault(c[:2], []).append(c)
    return frozenset(codes), {k: tuple(v) for k, v in by_province.items()}
