"""Environmental noise: GB 3096-2008 limits by functional-zone class and compliance rates.

[@gb3096-2008:t1]; the class 4b night limit, the day/night hours and the night L_max rule
are unconfirmed (see :mod:`.gb3096`).
"""

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
