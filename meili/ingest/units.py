"""Unit conversion factors between the units the kinds declare."""

from __future__ import annotations

from meili.errors import UserError

# (from, to) -> multiply by
_FACTORS: dict[tuple[str, str], float] = {
    ("ug/m3", "mg/m3"): 1e-3,
    ("mg/m3", "ug/m3"): 1e3,
    ("ug/L", "mg/L"): 1e-3,
    ("mg/L", "ug/L"): 1e3,
}

UNIT_LABELS = {"ug/m3": "µg/m³", "mg/m3": "mg/m³", "ug/L": "µg/L", "mg/L": "mg/L"}


def label(unit: str | None) -> str:
    """How a unit is printed (``ug/m3`` → ``µg/m³``)."""
    return UNIT_LABELS.get(unit or "", unit or "")


def factor(src: str | None, dst: str | None, column: str = "") -> float:
    """The factor converting values in ``src`` to ``dst``; 1 when equal or either is unset."""
    if not src or not dst or src == dst:
        return 1.0
    try:
        return _FACTORS[(src, dst)]
    except KeyError:
        where = f" in column {column}" if column else ""
        raise UserError(f"cannot convert {label(src)} to {label(dst)}{where}") from None
