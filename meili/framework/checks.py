"""Semantic checks of a framework beyond its schema; each problem carries the field path.

They work on the raw document as far as possible, so that they run (and report) even when
the schema check has already found errors elsewhere in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from pydantic import ValidationError

from meili.framework import units
from meili.framework.policy import policy
from meili.framework.rules import AllOf, AnyOf, Delta, Differentiated, Threshold, Trend, Veto
from meili.framework.schema import MEASURE_AREA, Framework, Indicator

Path = tuple[str | int, ...]
Problem = tuple[Path, str]
Resolver = Callable[[str, str], "Framework | None"]


def check(
    data: dict[str, Any], resolve: Resolver, methods: Collection[str] | None
) -> list[Problem]:
    """Every semantic problem of the raw framework document ``data``.

    ``resolve(code, version)`` finds the base framework named by ``extends``; ``methods`` is
    the set of known method ids (the caller's: ``meili.methods.known_ids()``), or None where
    the caller checks them itself.
    """
    problems: list[Problem] = []
    base = _base(data, resolve, problems)
    areas = data.get("target_areas") if isinstance(data.get("target_areas"), list) else []
    declared = {a.get("code") for a in areas if isinstance(a, dict)}
    declared |= {a.code for a in (base.target_areas if base else [])}
    for i, area in enumerate(areas):
        measure = area.get("measure") if isinstance(area, dict) else None
        if measure in MEASURE_AREA and area.get("code") != MEASURE_AREA[measure]:
            problems.append((("target_areas", i, "measure"), _mismatch(measure, area.get("code"))))
    raw_inds = data.get("indicators") if isinstance(data.get("indicators"), list) else []
    base_codes = {ind.code for ind in base.indicators} if base else set()
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_inds):
        if not isinstance(raw, dict):
            continue
        at: Path = ("indicators", i)
        code, method = raw.get("code"), raw.get("method")
        if isinstance(code, str):
            if code in seen:
                problems.append(
                    (
                        (*at, "code"),
                        f"duplicate indicator code {code!r} (also indicators[{seen[code]}])",
                    )
                )
            seen.setdefault(code, i)
            if code in base_codes:
                problems.append(
                    ((*at, "code"), f"indicator {code!r} already exists in {data['extends']}")
                )
        if methods is not None and isinstance(method, str) and method not in methods:
            problems.append(((*at, "method"), f"unknown method id {method!r}"))
        problems.extend(_requirements(raw.get("requirements"), at))
        try:
            ind = Indicator.model_validate(raw)
        except ValidationError:
            continue  # the schema errors are reported already
        problems.extend(_indicator(ind, at, declared))
    problems.extend(_grading(data, base_codes | set(seen)))
    return problems


def _grading(data: dict[str, Any], codes: set[str]) -> list[Problem]:
    """Bonus and penalty items must name indicators of the framework (or its base)."""
    grading = data.get("grading")
    if not isinstance(grading, dict):
        return []
    out: list[Problem] = []
    for kind in ("bonus", "penalty"):
        items = grading.get(kind)
        for j, item in enumerate(items if isinstance(items, list) else []):
            code = item.get("indicator") if isinstance(item, dict) else None
            if isinstance(code, str) and code not in codes:
                out.append(
                    (("grading", kind, j, "indicator"), f"no indicator {code!r} in the framework")
                )
    return out


def _requirements(ids: object, at: Path) -> list[Problem]:
    """Requirement ids that the policy (``meili.framework.policy``) does not hold."""
    if not isinstance(ids, list):
        return []
    known = {r.id for r in policy().requirements()}
    return [
        ((*at, "requirements", j), f"no requirement {rid!r} in {policy().document.id}")
        for j, rid in enumerate(ids)
        if isinstance(rid, str) and rid not in known
    ]


def _base(data: dict[str, Any], resolve: Resolver, problems: list[Problem]) -> Framework | None:
    ref = data.get("extends")
    if not isinstance(ref, str) or "@" not in ref:
        return None
    base = resolve(*ref.split("@", 1))
    if base is None:
        problems.append((("extends",), f"base framework {ref} does not exist"))
    return base


def _mismatch(measure: str, area: object) -> str:
    return f"measure ({measure}) belongs to target area {MEASURE_AREA[measure]!r}, not {area!r}"


def _indicator(ind: Indicator, at: Path, declared: set[Any]) -> list[Problem]:
    out: list[Problem] = []
    if MEASURE_AREA[ind.measure] != ind.target_area:
        out.append(((*at, "target_area"), _mismatch(ind.measure, ind.target_area)))
    elif declared and ind.target_area not in declared:
        out.append(((*at, "target_area"), f"target area {ind.target_area!r} is not declared"))
    out.extend(_rule(ind, ind.target, (*at, "target")))
    return out


def _rule(ind: Indicator, rule: Any, at: Path) -> list[Problem]:
    out: list[Problem] = []
    if isinstance(rule, Threshold | Delta) and rule.unit is not None:
        absolute = not (isinstance(rule, Delta) and rule.change == "percent")
        if absolute and units.factor(ind.unit, rule.unit) is None:
            out.append(
                (
                    (*at, "unit"),
                    f"unit {rule.unit!r} does not match the indicator unit {ind.unit!r}",
                )
            )
    if isinstance(rule, Trend) and rule.direction is None and ind.direction == "neutral":
        out.append((at, "a trend target needs a direction: the indicator is neutral"))
    if isinstance(rule, AllOf | AnyOf):
        for j, sub in enumerate(rule.rules):
            out.extend(_rule(ind, sub, (*at, "rules", j)))
    if isinstance(rule, Differentiated):
        for key, sub in rule.cases.items():
            out.extend(_rule(ind, sub, (*at, "cases", key)))
        if rule.default is not None:
            out.extend(_rule(ind, rule.default, (*at, "default")))
    if isinstance(rule, Veto):
        out.extend(_rule(ind, rule.condition, (*at, "condition")))
    return out
