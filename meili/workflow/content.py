"""What a plan and a self-assessment hold (structured documents), their sections and diff.

A plan (实施方案): the zone's specialty and themes; targets per indicator (rule, baseline,
2027 value); tasks with owner department, milestones and deadlines; major projects (amount
in 万元, funding source, status); free-text sections. A self-assessment (自评估): the
computed round it wraps and a narrative per target area, with problems and next steps.
"""

from __future__ import annotations

import difflib
import json
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from meili.framework.rules import Rule
from meili.framework.schema import Framework
from meili.workflow.errors import Invalid

FUNDING = {
    "fiscal": ("财政资金", "fiscal funds"),
    "special_bonds": ("专项债券", "special bonds"),
    "green_finance": ("绿色金融", "green finance"),
    "social_capital": ("社会资本", "social capital"),
}
PROJECT_STATUS = {
    "reserve": ("储备", "in the reserve pool"),
    "approved": ("已立项", "approved"),
    "under_construction": ("在建", "under construction"),
    "completed": ("已完工", "completed"),
    "suspended": ("暂缓", "suspended"),
}
KEY = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TargetItem(_M):
    indicator: str = Field(min_length=1, max_length=64)
    target_value: float | None = None
    target_year: int = Field(default=2027, ge=2020, le=2100)
    baseline_year: int | None = Field(default=None, ge=1949, le=2100)
    baseline_value: float | None = None
    unit: str | None = Field(default=None, max_length=32)
    rule: Rule | None = None
    note: str = Field(default="", max_length=2000)


class Milestone(_M):
    title: str = Field(min_length=1, max_length=300)
    due: date


class TaskItem(_M):
    key: str = Field(pattern=KEY)
    title: str = Field(min_length=1, max_length=300)
    department: str = Field(min_length=1, max_length=200)
    deadline: date
    milestones: list[Milestone] = Field(default_factory=list, max_length=50)


class ProjectItem(_M):
    key: str = Field(pattern=KEY)
    title: str = Field(min_length=1, max_length=300)
    amount: float = Field(ge=0, description="investment, 万元 (10,000 yuan)")
    funding_source: Literal["fiscal", "special_bonds", "green_finance", "social_capital"]
    status: Literal["reserve", "approved", "under_construction", "completed", "suspended"]
    department: str | None = Field(default=None, max_length=200)
    deadline: date | None = None


class PlanContent(_M):
    """An implementation plan."""

    specialty: str = Field(default="", max_length=2000)
    themes: list[str] = Field(default_factory=list, max_length=20)
    targets: list[TargetItem] = Field(default_factory=list, max_length=500)
    tasks: list[TaskItem] = Field(default_factory=list, max_length=1000)
    projects: list[ProjectItem] = Field(default_factory=list, max_length=1000)
    sections: dict[str, str] = Field(default_factory=dict, max_length=50)
    attachments: list[dict[str, Any]] = Field(default_factory=list)

    @field_validator("sections")
    @classmethod
    def _sections(cls, v: dict[str, str]) -> dict[str, str]:
        for key, text in v.items():
            if not key or len(key) > 64 or len(text) > 100_000:
                raise ValueError("section names are 1–64 characters, texts at most 100,000")
        return v


class SelfAssessmentContent(_M):
    """A self-assessment wrapping a computed round."""

    round: str = Field(min_length=1, max_length=64)
    round_files: dict[str, str] = Field(default_factory=dict)
    narrative: dict[str, str] = Field(default_factory=dict, max_length=20)
    problems: str = Field(default="", max_length=100_000)
    next_steps: str = Field(default="", max_length=100_000)
    attachments: list[dict[str, Any]] = Field(default_factory=list)


MODELS: dict[str, type[_M]] = {"plan": PlanContent, "self_assessment": SelfAssessmentContent}


def parse(kind: str, data: Any) -> _M:
    """Validate a document's content; every problem named by its place."""
    try:
        return MODELS[kind].model_validate(data)
    except ValidationError as exc:
        where = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(document)'}: {e['msg']}"
            for e in exc.errors()[:5]
        )
        raise Invalid(f"invalid {kind.replace('_', '-')} content: {where}") from None


def dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)


def check_against(content: PlanContent, fw: Framework) -> None:
    """Targets name indicators of the zone's framework, once each, with a value or rule."""
    seen: set[str] = set()
    for i, t in enumerate(content.targets):
        where = f"targets.{i}"
        if fw.indicator(t.indicator) is None:
            raise Invalid(f"{where}: indicator {t.indicator!r} is not in {fw.ref}")
        if t.indicator in seen:
            raise Invalid(f"{where}: indicator {t.indicator} has two targets")
        if t.target_value is None and t.rule is None:
            raise Invalid(f"{where}: give a target_value or a rule for {t.indicator}")
        seen.add(t.indicator)
    keys = [x.key for x in (*content.tasks, *content.projects)]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise Invalid(f"task/project keys used twice: {', '.join(dupes)}")


def sections_of(content: dict[str, Any]) -> list[str]:
    """The sections a comment may name: top-level fields, ``sections.<name>``, and
    ``narrative.<area>``."""
    keys = [k for k in content if k not in ("sections", "narrative", "round_files")]
    keys += [f"sections.{k}" for k in content.get("sections", {})]
    keys += [f"narrative.{k}" for k in content.get("narrative", {})]
    return keys


def _flat(content: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in content.items() if k not in ("sections", "narrative")}
    out |= {f"sections.{k}": v for k, v in content.get("sections", {}).items()}
    out |= {f"narrative.{k}": v for k, v in content.get("narrative", {}).items()}
    return out


def _lines(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.splitlines()
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).splitlines()


def diff(old: dict[str, Any] | None, new: dict[str, Any]) -> list[dict[str, Any]]:
    """Per section: ``added``, ``removed`` or ``changed`` with a unified diff."""
    a, b = _flat(old or {}), _flat(new)
    out = []
    for key in sorted(set(a) | set(b)):
        if a.get(key) == b.get(key):
            continue
        change = "added" if key not in a else "removed" if key not in b else "changed"
        lines = list(
            difflib.unified_diff(
                _lines(a.get(key, "")), _lines(b.get(key, "")), "before", "after", lineterm="", n=1
            )
        )
        out.append({"section": key, "change": change, "diff": lines[2:]})
    return out
