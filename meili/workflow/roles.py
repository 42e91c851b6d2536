"""Roles: the Ministry's (not bound to a zone) and the zones' (bound to one zone each)."""

from __future__ import annotations

from dataclasses import dataclass

from meili.workflow.errors import Invalid

#: role → (zh, en, tier of the zone it is bound to, or None for a Ministry role)
ROLES: dict[str, tuple[str, str, str | None]] = {
    "admin": ("部管理员", "Ministry administrator", None),
    "ministry_reviewer": ("部审核人", "Ministry reviewer", None),
    "expert": ("评审专家", "expert reviewer", None),
    "region_editor": ("区域编辑", "regional editor", "region"),
    "region_viewer": ("区域查阅", "regional viewer", "region"),
    "province_editor": ("省级编辑", "province editor", "province"),
    "province_viewer": ("省级查阅", "province viewer", "province"),
    "city_editor": ("市级编辑", "city editor", "city"),
    "city_viewer": ("市级查阅", "city viewer", "city"),
    "county_editor": ("县级编辑", "county editor", "county"),
    "county_viewer": ("县级查阅", "county viewer", "county"),
}
MINISTRY_ROLES = frozenset(r for r, (_, _, tier) in ROLES.items() if tier is None)
PUBLIC = "public"  # the anonymous actor's only role


def check_role(role: str, zone_tier: str | None) -> None:
    """A role exists and its zone (of ``zone_tier``) fits it."""
    if role not in ROLES:
        raise Invalid(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    tier = ROLES[role][2]
    if tier is None and zone_tier is not None:
        raise Invalid(f"role {role} is a Ministry role: give no --zone")
    if tier is not None and zone_tier is None:
        raise Invalid(f"role {role} is bound to a {tier} zone: give --zone")
    if tier is not None and zone_tier != tier:
        raise Invalid(f"role {role} is bound to a {tier} zone, not a {zone_tier} zone")


@dataclass(frozen=True)
class Grant:
    """A role of an actor, bound to a zone (None for the Ministry's roles)."""

    role: str
    zone: str | None = None


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user with grants, or the public (anonymous)."""

    username: str
    grants: tuple[Grant, ...] = ()
    user_id: int | None = None

    @property
    def public(self) -> bool:
        return self.user_id is None

    @property
    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def zones(self) -> list[str]:
        """The zones the actor's grants are bound to."""
        return sorted({g.zone for g in self.grants if g.zone})


ANONYMOUS = Actor("anonymous", (Grant(PUBLIC),))
