"""The grading scheme of a framework (``grading:``): how verdicts make one score and grade.

Chinese assessment schemes score out of 100 with bonus and penalty items, a veto (一票否决)
and four grades 优秀 / 良好 / 合格 / 不合格 (e.g. 《生态文明建设目标评价考核办法》, 2016); the
scheme is data, so a programme office changes it in the framework file, not in code.

The steps (``meili.assess.grade``):

1. indicators out of scope (not applicable) are left out; the rest are *applicable*;
2. weight of an indicator = its ``weight`` × ``weights[binding|reference]``;
3. coverage = weight judged (met or not met) / weight applicable; below ``min_coverage`` the
   zone is not graded (数据不足，不予定级), never guessed;
4. score = 100 × weight met / weight judged; a ``fail_area`` veto counts its target area's
   indicators as not met;
5. bonus items add (at most ``max_bonus`` in all), penalty items subtract; the score is
   clipped to [0, 100];
6. the grade is the first band whose ``min_score`` the score reaches;
7. caps: a binding indicator not met caps the grade at ``binding_not_met``; a binding
   indicator not evaluable at ``binding_unknown``; a triggered veto at ``veto`` (its
   condition unknown: at ``veto_unknown``); a cap only ever lowers a grade; a cap set to
   ``none`` does not apply.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

NOT_GRADED = ("不予定级", "not graded")
NO_CAP = "none"  # a cap set to this does not apply
CAPS = ("binding_not_met", "binding_unknown", "veto", "veto_unknown")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Band(_Model):
    """One grade: its code, names and the lowest score that reaches it."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    min_score: float = Field(ge=0, le=100)


class ScoreItem(_Model):
    """A bonus (加分项) or penalty (扣分项) item tied to one indicator's verdict or value.

    ``when: met|not_met``: ``points`` when the indicator's verdict is that; ``when: value``:
    ``points`` × the indicator's value (e.g. per incident), at most ``max_points``.
    """

    indicator: str = Field(min_length=1)
    when: Literal["met", "not_met", "value"] = "met"
    points: float = Field(gt=0)
    max_points: float | None = Field(default=None, gt=0)
    note_zh: str | None = None
    note_en: str | None = None


class Grading(_Model):
    """A framework's grading scheme (see the module docstring for the steps)."""

    basis_zh: str = (
        "满分 100 分，约束性指标权重加倍；设加分项、扣分项与一票否决；"
        "分优秀、良好、合格、不合格四档"
    )
    basis_en: str = (
        "100 points, binding indicators weigh double; bonus and penalty items and a veto; "
        "four grades: excellent, good, pass, fail"
    )
    weights: dict[Literal["binding", "reference"], float] = Field(
        default_factory=lambda: {"binding": 2.0, "reference": 1.0}
    )
    min_coverage: float = Field(default=0.6, ge=0, le=1)
    bands: list[Band] = Field(
        default_factory=lambda: [
            Band(code="excellent", name_zh="优秀", name_en="excellent", min_score=90),
            Band(code="good", name_zh="良好", name_en="good", min_score=80),
            Band(code="pass", name_zh="合格", name_en="pass", min_score=60),
            Band(code="fail", name_zh="不合格", name_en="fail", min_score=0),
        ],
        min_length=2,
    )
    binding_not_met: str = "fail"
    binding_unknown: str = "pass"
    veto: str = "good"
    veto_unknown: str = "good"
    bonus: list[ScoreItem] = Field(default_factory=list)
    penalty: list[ScoreItem] = Field(default_factory=list)
    max_bonus: float = Field(default=5.0, ge=0)

    @model_validator(mode="after")
    def _bands(self) -> Grading:
        scores = [b.min_score for b in self.bands]
        if scores != sorted(scores, reverse=True) or len(set(scores)) != len(scores):
            raise ValueError("bands must be ordered from the top grade down, min_score falling")
        if scores[-1] != 0:
            raise ValueError("the last band must start at min_score 0 (every score has a grade)")
        codes = [b.code for b in self.bands]
        if len(set(codes)) != len(codes):
            raise ValueError("band codes must be unique")
        for name in CAPS:
            cap = getattr(self, name)
            if cap != NO_CAP and cap not in codes:
                raise ValueError(f"{name}: {cap!r} is not a band ({', '.join(codes)})")
        return self

    def rank(self, code: str) -> int:
        """0 for the top grade, 1 for the next, …"""
        return [b.code for b in self.bands].index(code)

    def band(self, code: str) -> Band:
        return self.bands[self.rank(code)]


DEFAULT_GRADING = Grading()
