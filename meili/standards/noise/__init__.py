"""Environmental noise: GB 3096-2008 limits by functional-zone class and compliance rates."""

from __future__ import annotations

from meili.standards.noise.gb3096 import (
    EDITION,
    LIMITS,
    ZONE_CLASSES,
    compliance_rates,
    is_compliant,
    limits_table,
    night_lmax_compliant,
    noise_limit,
    normalise_zone_class,
    period_of,
)

__all__ = [
    "EDITION",
    "LIMITS",
    "ZONE_CLASSES",
    "compliance_rates",
    "is_compliant",
    "limits_table",
    "night_lmax_compliant",
    "noise_limit",
    "normalise_zone_class",
    "period_of",
]
