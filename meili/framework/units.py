"""Units of indicator values: spelling aliases, an explicit conversion table, number display."""

from __future__ import annotations

from decimal import Decimal

# Alternative spellings → the canonical spelling used in frameworks.
ALIASES: dict[str, str] = {
    "ug/m3": "µg/m³",
    "μg/m³": "µg/m³",  # Greek mu
    "μg/m3": "µg/m³",
    "µg/m3": "µg/m³",
    "mg/m3": "mg/m³",
    "percent": "%",
    "pct": "%",
    "ratio": "fraction",
    "dB": "dB(A)",
    "dBA": "dB(A)",
    "km2": "km²",
    "hm2": "hm²",
    "个": "count",
    "次": "count",
    "起": "count",
    "-": "1",
    "": "1",
    "index": "1",
}

# (from, to) → factor: value_in_to = value_in_from × factor. The only conversions allowed.
FACTORS: dict[tuple[str, str], Decimal] = {
    ("mg/m³", "µg/m³"): Decimal(1000),
    ("fraction", "%"): Decimal(100),
    ("t", "10^4 t"): Decimal("0.0001"),
    ("10^4 t", "Mt"): Decimal("0.01"),
    ("t", "Mt"): Decimal("0.000001"),
    ("Mt CO2", "10^8 t CO2"): Decimal("0.01"),
    ("hm²", "km²"): Decimal("0.01"),
    ("10^4 m³", "10^8 m³"): Decimal("0.0001"),
}


def canonical(unit: str | None) -> str | None:
    """The canonical spelling of ``unit`` (None stays None)."""
    if unit is None:
        return None
    text = unit.strip()
    return ALIASES.get(text, text)


def factor(src: str, dst: str) -> Decimal | None:
    """The factor converting ``src`` to ``dst`` from the table, or None when not convertible."""
    a, b = canonical(src), canonical(dst)
    if a == b:
        return Decimal(1)
    if (a, b) in FACTORS:
        return FACTORS[(a, b)]  # type: ignore[index]
    if (b, a) in FACTORS:
        return Decimal(1) / FACTORS[(b, a)]  # type: ignore[index]
    return None


def convert(value: float, src: str, dst: str) -> float | None:
    """``value`` in ``src`` expressed in ``dst``, computed in decimal; None when not convertible."""
    f = factor(src, dst)
    if f is None:
        return None
    if f == 1:
        return value
    return float(Decimal(repr(value)) * f)


# Default range of values per unit, (low, high) with None = open: shares cannot leave 0–100,
# amounts, concentrations and counts cannot be negative, a rank starts at 1. Units not listed
# (indexes, changes) are unbounded; an indicator's ``bounds`` overrides the default.
RANGES: dict[str, tuple[float | None, float | None]] = {
    "%": (0.0, 100.0),
    "fraction": (0.0, 1.0),
    "rank": (1.0, None),
}
_NON_NEGATIVE = ("/m³", "count", "km²", "hm²", "t", "Mt", "yuan", "dB(A)", "m³")


def value_range(unit: str | None) -> tuple[float | None, float | None]:
    """The default range of a value in ``unit`` (see :data:`RANGES`)."""
    u = canonical(unit) or ""
    if u in RANGES:
        return RANGES[u]
    if any(u.endswith(s) or u.startswith(s + " ") or u == s for s in _NON_NEGATIVE):
        return (0.0, None)
    return (None, None)


def num(value: float) -> str:
    """A number for display: no trailing zeros, no exponent, a true minus sign (−)."""
    d = Decimal(repr(float(value)))
    text = format(d.normalize(), "f") if d == d.to_integral() else format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace("-", "−")


def measured(value: float, against: float | None = None, decimals: int = 2) -> str:
    """A measured value for display in a sentence: rounded half-even to ``decimals`` places
    (to 3 significant digits below 1), with as many more places as it takes to differ from
    ``against`` (the target) when the value itself differs — so 80.95238095238095 reads
    80.95, and 89.9999 never reads as the 90 it failed. Data keep every digit; this is display
    only (:func:`num` shows a target exactly)."""
    v = float(value)
    if v != v or v in (float("inf"), float("-inf")):
        return num(v)
    places = decimals
    if 0 < abs(v) < 1:
        places = max(decimals, 2 - int(Decimal(repr(abs(v))).adjusted()))
    for k in range(places, 16):
        text = num(round(v, k))
        if against is None or v == float(against) or text != num(float(against)):
            return text
    return num(v)


def with_unit(value: float, unit: str | None, against: float | None = None) -> str:
    """A number followed by its unit (no unit shown for dimensionless values); a measured
    value (``against`` its target, or ``against=value`` for none) is rounded by
    :func:`measured`, a target is shown exactly."""
    text = num(value) if against is None else measured(value, against)
    u = canonical(unit)
    if not u or u in ("1", "count", "rank"):
        return text
    if u == "%":
        return f"{text}%"
    return f"{text} {u}"
