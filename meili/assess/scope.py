"""Whether an indicator applies to a zone (适用范围): by the zone's tier for city-only and
county-only indicators, by its attributes (:mod:`meili.registry.attributes`) for coastal,
grassland, mining, key-region and basin indicators.

Out of scope is *not applicable* — never "not met"; a scope that cannot be decided (an
attribute to confirm) leaves the indicator not evaluable, with what to set on the zone.
"""

from __future__ import annotations

from dataclasses import dataclass

from meili.framework.schema import Indicator
from meili.registry.units import ZoneUnit

TIER_SCOPES = {"city_only": "city", "county_only": "county"}


@dataclass(frozen=True)
class Applicability:
    """``applies``: True, False (not applicable) or None (to confirm); why, in zh and en."""

    applies: bool | None
    why_zh: str
    why_en: str


def applicability(ind: Indicator, zone: ZoneUnit) -> Applicability:
    """Whether ``ind`` applies to ``zone``, and why."""
    code = ind.scope.code
    scope_zh, scope_en = ind.scope.words()
    if code == "all":
        return Applicability(True, scope_zh, scope_en)
    if code in TIER_SCOPES:
        applies = zone.tier == TIER_SCOPES[code]
        return Applicability(
            applies,
            f"{scope_zh}；先行区层级 {zone.tier}",
            f"{scope_en}; the zone is a {zone.tier} zone",
        )
    attr = zone.attribute(code)
    if attr.value is None:
        return Applicability(
            None,
            f"{scope_zh}；{attr.why_zh}；请在先行区上设置 {code}",
            f"{scope_en}; {attr.why_en}; set {code} on the zone",
        )
    return Applicability(
        bool(attr.value), f"{scope_zh}；{attr.why_zh}", f"{scope_en}; {attr.why_en}"
    )
