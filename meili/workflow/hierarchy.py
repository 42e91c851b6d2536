"""The zone hierarchy: which zones lie within which (a province's cities and counties).

A zone lies within another when each of its member divisions is one of the other's members
or lies under one of them (its parent prefecture or its province, GB/T 2260). The tree is
read from the registry's zones and divisions and kept until the zones change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from meili.db.models import Division, Zone, ZoneMember

TIER_ORDER = {"county": 0, "city": 1, "province": 2, "region": 3}


@dataclass(frozen=True)
class ZoneTree:
    """Zones, their tiers and for each zone the zones that contain it."""

    tiers: dict[str, str]
    names: dict[str, tuple[str, str]]
    above: dict[str, frozenset[str]] = field(default_factory=dict)

    def contains(self, outer: str, inner: str) -> bool:
        """``inner`` lies strictly within ``outer``."""
        return outer in self.above.get(inner, frozenset())

    def within(self, outer: str, inner: str) -> bool:
        """``inner`` is ``outer`` or lies within it."""
        return inner == outer or self.contains(outer, inner)

    def below(self, outer: str) -> list[str]:
        """Every zone strictly within ``outer``."""
        return sorted(z for z, ups in self.above.items() if outer in ups)

    def parent_at(self, zone: str, tier: str) -> str | None:
        """The zone of ``tier`` containing ``zone`` (the smallest when several do)."""
        ups = [u for u in self.above.get(zone, ()) if self.tiers.get(u) == tier]
        return sorted(ups)[0] if ups else None


_CACHE: dict[tuple, ZoneTree] = {}


def _stamp(session: Session) -> tuple:
    url = str(session.get_bind().url)
    members = select(func.count()).select_from(ZoneMember).scalar_subquery()
    row = session.execute(select(func.count(), func.max(Zone.updated_at), members)).one()
    return (url, row[0], str(row[1]), row[2])


def zone_tree(session: Session) -> ZoneTree:
    """The hierarchy of the registered zones (rebuilt when the zones change)."""
    stamp = _stamp(session)
    tree = _CACHE.get(stamp)
    if tree is None:
        tree = _build(session)
        _CACHE.clear()
        _CACHE[stamp] = tree
    return tree


def _build(session: Session) -> ZoneTree:
    zones = list(session.scalars(select(Zone)))
    members: dict[str, set[str]] = {z.code: set() for z in zones}
    for zone_code, div in session.execute(select(ZoneMember.zone_code, ZoneMember.division_code)):
        members[zone_code].add(div)
    codes = {d for ms in members.values() for d in ms}
    lineage: dict[str, set[str]] = {c: {c} for c in codes}
    rows = session.execute(
        select(Division.code, Division.parent_code, Division.province_code).where(
            Division.code.in_(codes), Division.current.is_(True)
        )
    )
    for code, parent, province in rows:
        lineage[code] |= {p for p in (parent, province) if p}
    tiers = {z.code: z.tier for z in zones}
    above: dict[str, frozenset[str]] = {}
    for inner, inner_members in members.items():
        ups = set()
        for outer, outer_members in members.items():
            if outer == inner or not inner_members or not outer_members:
                continue
            same = inner_members == outer_members
            if same and TIER_ORDER.get(tiers[inner], 0) >= TIER_ORDER.get(tiers[outer], 0):
                continue  # the same divisions: only a higher tier contains a lower one
            if all(lineage.get(d, {d}) & outer_members for d in inner_members):
                ups.add(outer)
        above[inner] = frozenset(ups)
    return ZoneTree(
        tiers=tiers,
        names={z.code: (z.name_zh, z.name_en) for z in zones},
        above=above,
    )
