"""Target rules (a tagged union on ``kind``) and the pure evaluator ``evaluate(rule, ctx)``.

Rules state targets the way Chinese programmes do: thresholds, change versus a base year,
trends, qualitative states proven by reviewed evidence, all/any compounds, thresholds
differentiated by region, terrain or province, and veto conditions (一票否决). Evaluation
is three-valued: met, not_met or not_evaluable (data missing — never guessed).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from meili import i18n
from meili.framework import units

Op = Literal[">=", ">", "<=", "<", "="]
OP_ALIASES = {
    "≥": ">=",
    "≤": "<=",
    "==": "=",
    "＝": "=",
    "＞": ">",
    "＜": "<",
    "=>": ">=",
    "=<": "<=",
}
OP_SHOW = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}
OP_NEGATE = {">=": "<", ">": "≤", "<=": ">", "<": "≥", "=": "≠"}

STATES: dict[str, tuple[str, str]] = {
    "established": ("已建立", "established"),
    "carried_out": ("已开展", "carried out"),
    "effectively_ensured": ("有效保障", "effectively ensured"),
    "implemented": ("全面实行", "fully implemented"),
    "completed": ("已完成", "completed"),
    "maintained": ("保持稳定", "maintained"),
    "accounted_and_applied": ("已核算并应用", "accounted and applied"),
    "within_background": ("处于本底水平", "within the natural background"),
}

GROUPS: dict[str, dict[str, tuple[str, str]]] = {
    "region": {
        "east": ("东部", "east"),
        "central": ("中部", "central"),
        "west": ("西部", "west"),
        "northeast": ("东北", "northeast"),
    },
    "terrain": {
        "mountain": ("山区", "mountain"),
        "hill": ("丘陵", "hill"),
        "plain": ("平原", "plain"),
    },
}

VETO_EFFECTS: dict[str, tuple[str, str]] = {
    "fail_area": ("该目标领域不达标", "the target area fails"),
    "no_top_grade": ("不得评为最高等级", "the top grade is ruled out"),
}


class Status(StrEnum):
    met = "met"
    not_met = "not_met"
    not_evaluable = "not_evaluable"
    not_applicable = "not_applicable"  # out of the indicator's scope: never "not met"


@dataclass(frozen=True)
class Evidence:
    """A document proving a qualitative state, with its review status and reviewer."""

    document: str
    status: Literal["pending", "approved", "rejected"] = "pending"
    reviewer: str | None = None
    state: str | None = None

    @property
    def signed_off(self) -> bool:
        return self.status == "approved" and bool(self.reviewer)


@dataclass(frozen=True)
class EvalContext:
    """What a rule is evaluated against: one zone, one indicator, one year."""

    value: float | None = None
    unit: str | None = None
    direction: Literal["up", "down", "neutral"] | None = None
    year: int | None = None
    series: dict[int, float] = field(default_factory=dict)
    baseline: float | None = None
    baseline_year: int | None = None
    higher_task_completed: bool | None = None
    evidence: tuple[Evidence, ...] = ()
    region: str | None = None
    terrain: str | None = None
    province: str | None = None
    label_zh: str | None = None
    label_en: str | None = None

    def values(self) -> dict[int, float]:
        """The series with the current value placed at the current year."""
        out = dict(self.series)
        if self.year is not None and self.value is not None:
            out[self.year] = self.value
        return out

    def current_year(self) -> int | None:
        if self.year is not None:
            return self.year
        return max(self.series) if self.series else None

    def current(self) -> float | None:
        if self.value is not None:
            return self.value
        year = self.current_year()
        return None if year is None else self.series.get(year)


@dataclass(frozen=True)
class Verdict:
    """The outcome of a rule, with the reason in Chinese and English."""

    status: Status
    reason_zh: str
    reason_en: str
    veto: str | None = None
    parts: tuple[Verdict, ...] = ()
    detail_zh: str = ""
    detail_en: str = ""

    @property
    def met(self) -> bool:
        return self.status is Status.met


def _verdict(status: Status, ctx: EvalContext, zh: str, en: str, **kw: object) -> Verdict:
    pre_zh = f"{ctx.label_zh} " if ctx.label_zh else ""
    pre_en = f"{ctx.label_en} " if ctx.label_en else ""
    return Verdict(
        status,
        f"{pre_zh}{zh}，{i18n.text('verdicts', status.value, 'zh')}",
        f"{pre_en}{en}: {i18n.text('verdicts', status.value, 'en')}",
        detail_zh=zh,
        detail_en=en,
        **kw,  # type: ignore[arg-type]
    )


def _missing(ctx: EvalContext, zh: str, en: str) -> Verdict:
    return _verdict(Status.not_evaluable, ctx, zh, en)


def _dec(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def _compare(value: float, op: str, target: float) -> bool:
    """Compare as decimals, so that 65.2 − 66.2 is exactly −1."""
    a, b = _dec(value), _dec(target)
    if op == ">=":
        return a >= b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    if op == "<":
        return a < b
    return a == b


def _in_unit(value: float, ctx: EvalContext, unit: str | None) -> tuple[float | None, str, str]:
    """``value`` (in the context's unit) in the rule's ``unit``, or None and why not."""
    if unit is None:
        return value, "", ""
    if ctx.unit is None:
        return None, f"数值未给出单位（要求 {unit}）", f"the value has no unit ({unit} required)"
    converted = units.convert(value, ctx.unit, unit)
    if converted is None:
        return (
            None,
            f"单位 {ctx.unit} 无法换算为 {unit}",
            f"unit {ctx.unit} cannot be converted to {unit}",
        )
    return converted, "", ""


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _OpRule(_Rule):
    op: Op

    @field_validator("op", mode="before")
    @classmethod
    def _op(cls, v: object) -> object:
        return OP_ALIASES.get(v.strip(), v.strip()) if isinstance(v, str) else v


class Threshold(_OpRule):
    """The value compared with a fixed number, e.g. ≤ 28 µg/m³."""

    kind: Literal["threshold"] = "threshold"
    value: float
    unit: str | None = None

    @field_validator("unit")
    @classmethod
    def _unit(cls, v: str | None) -> str | None:
        return units.canonical(v)

    def describe(self) -> tuple[str, str]:
        text = f"{OP_SHOW[self.op]} {units.with_unit(self.value, self.unit)}"
        return text, text

    def evaluate(self, ctx: EvalContext) -> Verdict:
        raw = ctx.current()
        if raw is None:
            return _missing(ctx, "缺少数值", "no value")
        value, why_zh, why_en = _in_unit(raw, ctx, self.unit)
        if value is None:
            return _missing(ctx, why_zh, why_en)
        shown = units.with_unit(value, self.unit or ctx.unit, against=self.value)
        target = units.with_unit(self.value, self.unit)
        if _compare(value, self.op, self.value):
            text = f"{shown} {OP_SHOW[self.op]} {target}"
            return _verdict(Status.met, ctx, text, text)
        return _verdict(
            Status.not_met,
            ctx,
            f"{shown} {OP_NEGATE[self.op]} {target}（要求 {OP_SHOW[self.op]} {target}）",
            f"{shown} {OP_NEGATE[self.op]} {target} (required {OP_SHOW[self.op]} {target})",
        )


class Delta(_OpRule):
    """The change of the value versus a base (a year, the baseline or the previous year)."""

    kind: Literal["delta"] = "delta"
    value: float
    unit: str | None = None
    base_year: int | None = None
    base: Literal["baseline", "previous_year"] | None = None
    change: Literal["absolute", "percent"] = "absolute"

    @model_validator(mode="after")
    def _one_base(self) -> Delta:
        if self.base_year is not None and self.base is not None:
            raise ValueError("give either base_year or base, not both")
        return self

    def _base_words(self, ctx: EvalContext | None = None) -> tuple[str, str]:
        if self.base_year is not None:
            return f" {self.base_year} 年", str(self.base_year)
        if self.base == "previous_year":
            return "上年", "the previous year"
        if ctx is not None and ctx.baseline_year is not None:
            return f"基准年（{ctx.baseline_year} 年）", f"the baseline ({ctx.baseline_year})"
        return "基准年", "the baseline"

    def describe(self) -> tuple[str, str]:
        bz, be = self._base_words()
        unit = "%" if self.change == "percent" else self.unit
        target = units.with_unit(self.value, unit)
        what_zh = "变化率" if self.change == "percent" else "变化"
        what_en = "percent change" if self.change == "percent" else "change"
        return (
            f"较{bz}{what_zh} {OP_SHOW[self.op]} {target}",
            f"{what_en} vs {be} {OP_SHOW[self.op]} {target}",
        )

    def _base_value(self, ctx: EvalContext) -> float | None:
        values = ctx.values()
        if self.base_year is not None:
            return values.get(self.base_year)
        if self.base == "previous_year":
            year = ctx.current_year()
            return None if year is None else values.get(year - 1)
        if ctx.baseline is not None:
            return ctx.baseline
        return None if ctx.baseline_year is None else values.get(ctx.baseline_year)

    def evaluate(self, ctx: EvalContext) -> Verdict:
        now, base = ctx.current(), self._base_value(ctx)
        bz, be = self._base_words(ctx)
        if now is None:
            return _missing(ctx, "缺少当年数值", "no current value")
        if base is None:
            return _missing(ctx, f"缺少{bz}数值", f"no value for {be}")
        if self.change == "percent":
            if base == 0:
                return _missing(ctx, f"{bz}数值为 0，无法计算变化率", f"{be} is 0")
            delta = float((_dec(now) - _dec(base)) / _dec(base) * 100)
            unit: str | None = "%"
        else:
            now_u, why_zh, why_en = _in_unit(now, ctx, self.unit)
            base_u, _, _ = _in_unit(base, ctx, self.unit)
            if now_u is None or base_u is None:
                return _missing(ctx, why_zh, why_en)
            delta = float(_dec(now_u) - _dec(base_u))
            unit = self.unit
        shown = units.with_unit(delta, unit, against=self.value)
        target = units.with_unit(self.value, unit)
        what_zh = "变化率" if self.change == "percent" else "变化"
        what_en = "percent change" if self.change == "percent" else "change"
        if _compare(delta, self.op, self.value):
            return _verdict(
                Status.met,
                ctx,
                f"较{bz}{what_zh} {shown} {OP_SHOW[self.op]} {target}",
                f"{what_en} vs {be} {shown} {OP_SHOW[self.op]} {target}",
            )
        return _verdict(
            Status.not_met,
            ctx,
            f"较{bz}{what_zh} {shown} {OP_NEGATE[self.op]} {target}"
            f"（要求 {OP_SHOW[self.op]} {target}）",
            f"{what_en} vs {be} {shown} {OP_NEGATE[self.op]} {target}"
            f" (required {OP_SHOW[self.op]} {target})",
        )


class Trend(_Rule):
    """Year-on-year direction: improving (持续改善) or stable-or-improving (保持稳定或持续改善)."""

    kind: Literal["trend"] = "trend"
    require: Literal["improving", "non_worsening"] = "improving"
    years: int = Field(default=1, ge=1)
    tolerance: float = Field(default=0.0, ge=0)
    direction: Literal["up", "down"] | None = None

    def describe(self) -> tuple[str, str]:
        zh = "持续改善" if self.require == "improving" else "保持稳定或持续改善"
        en = "improving year on year" if self.require == "improving" else "stable or improving"
        if self.years > 1:
            zh, en = f"连续 {self.years} 年{zh}", f"{en} for {self.years} consecutive years"
        return zh, en

    def evaluate(self, ctx: EvalContext) -> Verdict:
        direction = self.direction or ctx.direction
        if direction not in ("up", "down"):
            return _missing(ctx, "指标无改善方向", "the indicator has no direction of improvement")
        values, year = ctx.values(), ctx.current_year()
        if year is None:
            return _missing(ctx, "缺少时间序列", "no series")
        span = range(year - self.years, year + 1)
        lacking = [y for y in span if y not in values]
        if lacking:
            listed = "、".join(str(y) for y in lacking)
            listed_en = ", ".join(str(y) for y in lacking)
            return _missing(ctx, f"缺少 {listed} 年数值", f"no value for {listed_en}")
        sign = 1 if direction == "up" else -1
        steps = [sign * (_dec(values[y]) - _dec(values[y - 1])) for y in span[1:]]
        tol = _dec(self.tolerance)
        if self.require == "improving":
            ok = all(s > tol for s in steps)
        else:
            ok = all(s >= -tol for s in steps)
        path = " → ".join(f"{units.num(values[y])}（{y}）" for y in span)
        path_en = " → ".join(f"{units.num(values[y])} ({y})" for y in span)
        zh, en = self.describe()
        if ok:
            return _verdict(Status.met, ctx, f"{path}，{zh}", f"{path_en}, {en}")
        return _verdict(Status.not_met, ctx, f"{path}，未{zh}", f"{path_en}, not {en}")


class Qualitative(_Rule):
    """A state (建立 / 开展 / 有效保障 …) proven by evidence documents and a reviewer sign-off."""

    kind: Literal["state"] = "state"
    state: Literal[tuple(STATES)]  # type: ignore[valid-type]
    min_evidence: int = Field(default=1, ge=1)
    review_required: bool = True

    def describe(self) -> tuple[str, str]:
        zh, en = STATES[self.state]
        if self.review_required:
            return (
                f"{zh}（需 {self.min_evidence} 份以上证明材料并经审核确认）",
                f"{en} (≥ {self.min_evidence} evidence document(s) signed off by a reviewer)",
            )
        return (
            f"{zh}（需 {self.min_evidence} 份以上证明材料）",
            f"{en} (≥ {self.min_evidence} evidence document(s))",
        )

    def evaluate(self, ctx: EvalContext) -> Verdict:
        zh, en = STATES[self.state]
        docs = [e for e in ctx.evidence if e.state in (None, self.state)]
        if not docs:
            return _missing(ctx, f"“{zh}”未提交证明材料", f"no evidence submitted for '{en}'")
        if self.review_required:
            counted = [e for e in docs if e.signed_off]
            waiting = [
                e
                for e in docs
                if e.status == "pending" or (e.status == "approved" and not e.reviewer)
            ]
        else:
            counted = [e for e in docs if e.status != "rejected"]
            waiting = []
        if len(counted) >= self.min_evidence:
            return _verdict(
                Status.met,
                ctx,
                f"“{zh}”有 {len(counted)} 份证明材料经确认",
                f"'{en}' proven by {len(counted)} accepted document(s)",
            )
        if waiting:
            return _missing(
                ctx,
                f"“{zh}”证明材料待审核（{len(waiting)} 份）",
                f"'{en}': {len(waiting)} document(s) await a reviewer's sign-off",
            )
        return _verdict(
            Status.not_met,
            ctx,
            f"“{zh}”证明材料未通过审核（确认 {len(counted)} 份，要求 {self.min_evidence} 份）",
            f"'{en}': evidence not accepted ({len(counted)} of {self.min_evidence} required)",
        )


#: Prefix of the stats code that reports whether a zone completed the task the higher level
#: assigned for an indicator (1 = completed, 0 = not), e.g. ``task:glc.co2_intensity_reduction``.
TASK_PREFIX = "task:"


class HigherTask(_Rule):
    """The task assigned by the higher-level government has been completed (完成上级任务).

    Whether it was is filed as a ``stats`` row under ``task:<indicator code>``
    (:data:`TASK_PREFIX`).
    """

    kind: Literal["higher_task"] = "higher_task"

    def describe(self) -> tuple[str, str]:
        return "完成上级下达的任务", "the task assigned by the higher level is completed"

    def evaluate(self, ctx: EvalContext) -> Verdict:
        flag = ctx.higher_task_completed
        if flag is None:
            return _missing(ctx, "缺少上级任务完成情况", "higher-level task status unknown")
        if flag:
            return _verdict(Status.met, ctx, "已完成上级任务", "higher-level task completed")
        return _verdict(Status.not_met, ctx, "未完成上级任务", "higher-level task not completed")


def _nested(rule: Rule) -> tuple[str, str]:
    zh, en = rule.describe()
    if isinstance(rule, AllOf | AnyOf):
        return f"（{zh}）", f"({en})"
    return zh, en


def _combine(parts: list[Verdict]) -> str | None:
    return next((p.veto for p in parts if p.veto), None)


class AllOf(_Rule):
    """Every part must be met (且)."""

    kind: Literal["all"] = "all"
    rules: list[Rule] = Field(min_length=1)

    def describe(self) -> tuple[str, str]:
        texts = [_nested(r) for r in self.rules]
        return "，且 ".join(t[0] for t in texts), " and ".join(t[1] for t in texts)

    def evaluate(self, ctx: EvalContext) -> Verdict:
        parts = [r.evaluate(_unlabelled(ctx)) for r in self.rules]
        if any(p.status is Status.not_met for p in parts):
            status = Status.not_met
        elif any(p.status is Status.not_evaluable for p in parts):
            status = Status.not_evaluable
        else:
            status = Status.met
        return _joined(status, ctx, parts)


class AnyOf(_Rule):
    """At least one part must be met (或)."""

    kind: Literal["any"] = "any"
    rules: list[Rule] = Field(min_length=1)

    def describe(self) -> tuple[str, str]:
        texts = [_nested(r) for r in self.rules]
        return " 或 ".join(t[0] for t in texts), " or ".join(t[1] for t in texts)

    def evaluate(self, ctx: EvalContext) -> Verdict:
        parts = [r.evaluate(_unlabelled(ctx)) for r in self.rules]
        if any(p.status is Status.met for p in parts):
            status = Status.met
        elif any(p.status is Status.not_evaluable for p in parts):
            status = Status.not_evaluable
        else:
            status = Status.not_met
        return _joined(status, ctx, parts)


def _unlabelled(ctx: EvalContext) -> EvalContext:
    return replace(ctx, label_zh=None, label_en=None)


def _joined(status: Status, ctx: EvalContext, parts: list[Verdict]) -> Verdict:
    """One flat sentence for a verdict of several parts (no nested brackets).

    Each part gives its detail once; a part whose status differs from the whole's keeps its
    own word (e.g. "…，未达标；…，达标"); the whole's word ends the sentence (``_verdict``).
    """
    texts: dict[str, list[str]] = {"zh": [], "en": []}
    for p in parts:
        for lang, detail, glue in (("zh", p.detail_zh, "，"), ("en", p.detail_en, ": ")):
            word = i18n.text("verdicts", p.status.value, lang)
            piece = detail if p.status is status else f"{detail}{glue}{word}"
            if piece not in texts[lang]:
                texts[lang].append(piece)
    zh = i18n.text("reasons", "and", "zh").join(texts["zh"])
    en = i18n.text("reasons", "and", "en").join(texts["en"])
    return _verdict(status, ctx, zh, en, veto=_combine(parts), parts=tuple(parts))


class Differentiated(_Rule):
    """A rule chosen by the zone's region, terrain or province, with a default."""

    kind: Literal["differentiated"] = "differentiated"
    by: Literal["region", "terrain", "province"]
    cases: dict[str, Rule] = Field(min_length=1)
    default: Rule | None = None

    @field_validator("cases")
    @classmethod
    def _keys(cls, v: dict[str, Rule], info: ValidationInfo) -> dict[str, Rule]:
        by = info.data.get("by")
        for key in v:
            if by in GROUPS and key not in GROUPS[by]:
                raise ValueError(f"unknown {by} {key!r}; known: {', '.join(GROUPS[by])}")
            if by == "province" and not (key.isdigit() and len(key) in (2, 6)):
                raise ValueError(f"province key {key!r} must be a 2- or 6-digit GB/T 2260 code")
        return v

    def _label(self, key: str) -> tuple[str, str]:
        if self.by == "province":
            return f"省份 {key}", f"province {key}"
        return GROUPS[self.by][key]

    def _pick(self, key: str) -> Rule | None:
        if self.by == "province":
            return next((r for k, r in self.cases.items() if k[:2] == key[:2]), self.default)
        return self.cases.get(key, self.default)

    def describe(self) -> tuple[str, str]:
        by_zh = {"region": "按地区", "terrain": "按地形", "province": "按省份"}[self.by]
        items = [(self._label(k), _nested(r)) for k, r in self.cases.items()]
        zh = "；".join(f"{lab[0]} {d[0]}" for lab, d in items)
        en = "; ".join(f"{lab[1]}: {d[1]}" for lab, d in items)
        if self.default is not None:
            dz, de = _nested(self.default)
            zh, en = f"{zh}；其他 {dz}", f"{en}; otherwise {de}"
        return f"{by_zh}区分：{zh}", f"by {self.by}: {en}"

    def evaluate(self, ctx: EvalContext) -> Verdict:
        key = getattr(ctx, self.by)
        if not key:
            return _missing(ctx, f"未知所在{self.by_zh}", f"the zone's {self.by} is unknown")
        rule = self._pick(key)
        if rule is None:
            return _missing(ctx, f"{self.by_zh} {key} 无适用目标", f"no target for {self.by} {key}")
        inner = rule.evaluate(ctx)
        known = self.by == "province" or key in GROUPS[self.by]
        lz, le = self._label(key) if known else (key, key)
        return Verdict(
            inner.status,
            f"[{lz}] {inner.reason_zh}",
            f"[{le}] {inner.reason_en}",
            veto=inner.veto,
            parts=(inner,),
            detail_zh=f"[{lz}] {inner.detail_zh}",
            detail_en=f"[{le}] {inner.detail_en}",
        )

    @property
    def by_zh(self) -> str:
        return {"region": "地区", "terrain": "地形", "province": "省份"}[self.by]


class Veto(_Rule):
    """一票否决: when ``condition`` holds, the target is failed and ``effect`` applies."""

    kind: Literal["veto"] = "veto"
    condition: Rule
    effect: Literal["fail_area", "no_top_grade"] = "no_top_grade"

    def describe(self) -> tuple[str, str]:
        cz, ce = _nested(self.condition)
        ez, ee = VETO_EFFECTS[self.effect]
        return f"一票否决：若 {cz}，则{ez}", f"veto: if {ce}, {ee}"

    def evaluate(self, ctx: EvalContext) -> Verdict:
        inner = self.condition.evaluate(_unlabelled(ctx))
        ez, ee = VETO_EFFECTS[self.effect]
        if inner.status is Status.not_evaluable:
            return _verdict(
                Status.not_evaluable,
                ctx,
                f"否决条件无法判断（{inner.detail_zh}）",
                f"veto condition unknown ({inner.detail_en})",
                parts=(inner,),
            )
        if inner.status is Status.met:
            return _verdict(
                Status.not_met,
                ctx,
                f"触发一票否决（{inner.detail_zh}），{ez}",
                f"veto triggered ({inner.detail_en}), {ee}",
                veto=self.effect,
                parts=(inner,),
            )
        return _verdict(
            Status.met,
            ctx,
            f"未触发一票否决（{inner.detail_zh}）",
            f"no veto ({inner.detail_en})",
            parts=(inner,),
        )


Rule = Annotated[
    Threshold | Delta | Trend | Qualitative | HigherTask | AllOf | AnyOf | Differentiated | Veto,
    Field(discriminator="kind"),
]

for _model in (AllOf, AnyOf, Differentiated, Veto):
    _model.model_rebuild()


def evaluate(rule: Rule, ctx: EvalContext) -> Verdict:
    """Evaluate ``rule`` against ``ctx``: met, not_met or not_evaluable, with reasons zh/en."""
    return rule.evaluate(ctx)


def describe(rule: Rule) -> tuple[str, str]:
    """The rule in words, (Chinese, English)."""
    return rule.describe()
