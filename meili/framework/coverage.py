"""Coverage of the policy by frameworks: for each requirement, the indicators that show it,
how each is evaluated and what is missing.

An indicator covers the requirements it lists (``requirements: [二.一.3, …]``). It is
evaluated the way its method is (``computed`` from the lake, ``reported`` statistics,
``evidence`` reviewed by a reviewer); the caller passes the method kinds (the framework
layer does not know the methods). A requirement takes the best way among its indicators
(computed, then reported, then evidence) or ``none``. This is the data behind
``meili framework coverage`` and the methodology page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from meili.errors import NotFoundError
from meili.framework.loader import bundled, bundled_frameworks, latest_bundled
from meili.framework.policy import Policy, Requirement, policy
from meili.framework.schema import Framework, Indicator

EVALUATED = ("computed", "reported", "evidence")
NONE = "none"


@dataclass(frozen=True)
class Covering:
    """One indicator covering a requirement, with how it is evaluated and its target's source."""

    framework: str
    zone: str | None
    indicator: Indicator
    evaluated_by: str  # computed, reported, evidence or none (method unknown)

    @property
    def target_status(self) -> str:
        """``cited`` (the target names its source) or ``to confirm``."""
        return (
            "to confirm"
            if self.indicator.to_confirm or not self.indicator.target_source
            else "cited"
        )


@dataclass(frozen=True)
class RequirementCoverage:
    """A requirement of the policy and what covers it."""

    clause: str
    heading: str
    requirement: Requirement
    audience: list[str]
    covering: list[Covering] = field(default_factory=list)

    @property
    def evaluated_by(self) -> str:
        kinds = {c.evaluated_by for c in self.covering}
        return next((k for k in EVALUATED if k in kinds), NONE)

    @property
    def gap(self) -> str:
        """What is missing ('' when nothing): no indicator, or a measurement not computed."""
        req = self.requirement
        if not self.covering:
            if self.audience == ["ministry"]:
                return "the Ministry's own duty: shown by its records, not by a zone indicator"
            return "no indicator"
        if self.evaluated_by == NONE:
            return "no registered method"
        if req.basis == "monitoring" and self.evaluated_by != "computed":
            return f"monitoring-based but {self.evaluated_by}, not computed from the lake"
        return ""

    def record(self) -> dict[str, object]:
        """One flat record (the JSON/CSV row of ``meili framework coverage``)."""
        req = self.requirement
        return {
            "clause": self.clause,
            "heading": self.heading,
            "requirement_id": req.id,
            "quote": req.quote,
            "en": req.en,
            "kind": req.kind,
            "basis": req.basis,
            "aim": req.aim,
            "applies_to": ", ".join(self.audience),
            "indicators": [c.indicator.code for c in self.covering],
            "frameworks": sorted({c.framework for c in self.covering}),
            "methods": [c.indicator.method for c in self.covering],
            "evaluated": [f"{c.indicator.code}: {c.evaluated_by}" for c in self.covering],
            "targets": [f"{c.indicator.code}: {c.target_status}" for c in self.covering],
            "evaluated_by": self.evaluated_by,
            "gap": self.gap,
        }


DEFAULT = "meili-default"


def bundled_set(version: str | None = None) -> list[Framework]:
    """The bundled default framework (``version``, else the newest) and the bundled
    frameworks that extend it (the five regional ones)."""
    base = bundled(DEFAULT, version) if version else latest_bundled(DEFAULT)
    if base is None:
        raise NotFoundError(f"no bundled framework {DEFAULT}@{version} (框架不存在)")
    return [base, *(fw for fw in bundled_frameworks() if fw.extends == base.ref)]


def coverage(
    frameworks: Sequence[Framework], kinds: Mapping[str, str], doc: Policy | None = None
) -> list[RequirementCoverage]:
    """Every requirement of the policy (in order) with the indicators of ``frameworks`` that
    list it; ``kinds`` maps method ids to their kind (computed, reported, evidence)."""
    doc = doc or policy()
    by_req: dict[str, list[Covering]] = {}
    for fw in frameworks:
        for ind in fw.indicators:
            kind = kinds.get(ind.method, NONE)
            for rid in ind.requirements:
                by_req.setdefault(rid, []).append(Covering(fw.ref, fw.zone, ind, kind))
    return [
        RequirementCoverage(c.id, c.heading, r, c.audience(r), by_req.get(r.id, []))
        for c in doc.clauses
        for r in c.requirements
    ]


def totals(rows: Sequence[RequirementCoverage]) -> dict[str, object]:
    """Counts over the requirements: all, measurable, monitoring-based; evaluable and how."""

    def count(subset: Sequence[RequirementCoverage]) -> dict[str, object]:
        n = len(subset)
        evaluable = sum(r.evaluated_by != NONE for r in subset)
        out: dict[str, object] = {"requirements": n, "evaluable": evaluable}
        out["evaluable_pct"] = round(100 * evaluable / n, 1) if n else None
        for k in (*EVALUATED, NONE):
            out[k] = sum(r.evaluated_by == k for r in subset)
        out["with_indicator"] = sum(bool(r.covering) for r in subset)
        out["targets_to_confirm"] = sum(
            any(c.target_status == "to confirm" for c in r.covering) for r in subset
        )
        return out

    measurable = [r for r in rows if r.requirement.kind == "measurable"]
    monitoring = [r for r in rows if r.requirement.basis == "monitoring"]
    return {
        "all": count(rows),
        "measurable": count(measurable),
        "checkable": count([r for r in rows if r.requirement.kind == "checkable"]),
        "monitoring": count(monitoring),
    }
