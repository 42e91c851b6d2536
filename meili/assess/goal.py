"""The number progress is measured against: the whole rule a zone is judged by (the same rule
as its verdict, :func:`meili.assess.targets.assigned_rule`), in the unit of the zone's values.

* a threshold gives its value (≥/> for an ↑ indicator, ≤/< for ↓, = either way);
* ``all`` (且): every numeric part must be reached, so the most demanding one (the highest for
  ↑, the lowest for ↓); parts without a number (higher-level task, trend, state) are named in
  the note — the verdict needs them too;
* ``any`` (或): reaching one part suffices, so the least demanding numeric part; a part without
  a number is an alternative path the note names;
* ``differentiated``: the case of the zone's region, terrain or province;
* a change versus a base year or the baseline: the base value moved by the change (absolute,
  or percent of the base); versus the previous year there is no fixed level (no number);
* a veto, a trend, a higher-level task, a state: no number.

A rule's unit is converted to the unit of the values with the framework's conversion table
(:mod:`meili.framework.units`); a unit that cannot be converted gives no number and says why
(never a silent comparison of mg/m³ with µg/m³). A framework target marked ``target_scope:
national`` (a national anchor) is a national reference, not the zone's target, unless the
zone is assigned a target of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from meili.framework import units
from meili.framework.rules import (
    AllOf,
    AnyOf,
    Delta,
    Differentiated,
    Rule,
    Threshold,
)
from meili.framework.schema import Indicator


@dataclass(frozen=True)
class Goal:
    """A target number in the values' unit (None when the rule gives none) and why, zh/en."""

    value: float | None
    note_zh: str = ""
    note_en: str = ""
    national: float | None = None  # a national anchor shown as reference


@dataclass(frozen=True)
class Where:
    """What the rule needs to know of the zone and its series."""

    unit: str | None
    direction: str
    region: str | None = None
    terrain: str | None = None
    province: str | None = None
    baseline: float | None = None
    series: dict[int, float] | None = None


class _NoNumber(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def _convert(value: float, unit: str | None, where: Where) -> float:
    if unit is None or where.unit is None:
        return value
    out = units.convert(value, unit, where.unit)
    if out is None:
        raise _NoNumber(
            f"目标单位 {unit} 无法换算为数据单位 {where.unit}",
            f"the target's unit {unit} cannot be converted to the values' unit {where.unit}",
        )
    return out


def _pick(values: list[float], where: Where, demanding: bool) -> float:
    high = (where.direction == "up") == demanding
    return max(values) if high else min(values)


def _numbers(rule: Rule, where: Where, extra: list[tuple[str, str]]) -> float | None:
    """The rule's number in the values' unit; None when the rule has no number (and the
    non-numeric parts noted in ``extra``)."""
    if isinstance(rule, Threshold):
        wanted = {"up": (">=", ">", "="), "down": ("<=", "<", "=")}.get(where.direction, ("=",))
        if rule.op not in wanted:
            return None
        return _convert(rule.value, rule.unit, where)
    if isinstance(rule, Delta):
        return _delta(rule, where)
    if isinstance(rule, AllOf | AnyOf):
        found = [v for r in rule.rules if (v := _numbers(r, where, extra)) is not None]
        others = [r for r in rule.rules if not _has_number(r)]
        for r in others:
            zh, en = r.describe()
            extra.append((zh, en) if isinstance(rule, AllOf) else (f"或 {zh}", f"or {en}"))
        if not found:
            return None
        return _pick(found, where, demanding=isinstance(rule, AllOf))
    if isinstance(rule, Differentiated):
        key = getattr(where, rule.by)
        chosen = rule._pick(key) if key else None
        return None if chosen is None else _numbers(chosen, where, extra)
    return None


def _has_number(rule: Rule) -> bool:
    if isinstance(rule, Threshold | Delta | Differentiated):
        return True
    if isinstance(rule, AllOf | AnyOf):
        return any(_has_number(r) for r in rule.rules)
    return False


def _delta(rule: Delta, where: Where) -> float | None:
    if rule.base == "previous_year":
        return None
    if rule.base_year is not None:
        base = (where.series or {}).get(rule.base_year)
        what_zh, what_en = f"{rule.base_year} 年", str(rule.base_year)
    else:
        base, what_zh, what_en = where.baseline, "基准年", "the baseline"
    if base is None:
        raise _NoNumber(f"缺少{what_zh}数值，无法确定目标", f"no value for {what_en}: no target")
    if rule.change == "percent":
        level = base * (1 + rule.value / 100.0)
    else:
        level = base + _convert(rule.value, rule.unit, where)
    ok = {"up": (">=", ">", "="), "down": ("<=", "<", "=")}.get(where.direction, ("=",))
    return level if rule.op in ok else None


def goal(rule: Rule, ind: Indicator, where: Where, assigned: bool) -> Goal:
    """The zone's progress target from ``rule`` (see the module docstring)."""
    extra: list[tuple[str, str]] = []
    try:
        value = _numbers(rule, where, extra)
    except _NoNumber as why:
        return Goal(None, why.zh, why.en)
    note_zh = "；".join(z for z, _ in extra)
    note_en = "; ".join(e for _, e in extra)
    if ind.target_scope == "national" and not assigned:
        return Goal(
            None,
            "框架目标为全国锚定值，仅作全国参照，非本区目标（可通过下达目标设定）",
            "the framework's figure is a national anchor, a national reference and not the "
            "zone's target (assign one with `meili zones targets import`)",
            national=value,
        )
    if value is None:
        return Goal(None, note_zh or "规则无数值目标", note_en or "the rule sets no number")
    return Goal(value, note_zh, note_en)
