"""The indicator framework as data: pydantic models of a framework and its indicators."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from meili.framework import units
from meili.framework.grading import DEFAULT_GRADING, Grading
from meili.framework.rules import Qualitative, Rule

TargetArea = Literal[
    "green_lowcarbon",
    "environment_quality",
    "ecological_restoration",
    "ecological_security",
    "institutional_reform",
    "beautiful_city",
    "beautiful_village",
]
Measure = Literal["六", "七", "八", "九", "十", "十一", "十二"]
Tier = Literal["region", "province", "city", "county"]
Direction = Literal["up", "down", "neutral"]
Binding = Literal["binding", "reference"]
ComparisonGroup = Literal[
    "provinces31", "cities339", "key168", "counties", "region", "east-central-west"
]

MEASURES: tuple[str, ...] = ("六", "七", "八", "九", "十", "十一", "十二")
FIVE_AREAS: tuple[str, ...] = (
    "green_lowcarbon",
    "environment_quality",
    "ecological_restoration",
    "ecological_security",
    "institutional_reform",
)
# Each policy measure (六)–(十二) belongs to exactly one target area.
MEASURE_AREA: dict[str, str] = {
    "六": "green_lowcarbon",
    "七": "environment_quality",
    "八": "ecological_restoration",
    "九": "ecological_security",
    "十": "institutional_reform",
    "十一": "beautiful_city",
    "十二": "beautiful_village",
}
AREA_NAMES: dict[str, tuple[str, str]] = {
    "green_lowcarbon": ("推动绿色低碳发展", "green low-carbon development"),
    "environment_quality": ("促进生态环境根本好转", "fundamental improvement of the environment"),
    "ecological_restoration": ("加强生态保护修复", "ecological protection and restoration"),
    "ecological_security": ("筑牢生态安全底线", "ecological-security bottom line"),
    "institutional_reform": (
        "深化生态文明体制改革",
        "ecological-civilisation institutional reform",
    ),
    "beautiful_city": ("高标准建设美丽城市", "beautiful cities"),
    "beautiful_village": ("因地制宜建设美丽乡村", "beautiful villages"),
}
SCOPES: dict[str, tuple[str, str]] = {
    "all": ("全部先行区适用", "applies to every zone"),
    "coastal": ("仅沿海地区适用", "coastal zones only"),
    "grassland": ("仅草原地区适用", "grassland regions only"),
    "city_only": ("仅城市先行区适用", "city zones only"),
    "county_only": ("仅县域先行区适用", "county zones only"),
    "key_region_jjj": ("京津冀地区适用", "Beijing–Tianjin–Hebei only"),
    "key_region_yrd": ("长三角地区适用", "Yangtze River Delta only"),
    "key_region_gba": ("粤港澳大湾区适用", "Guangdong–Hong Kong–Macao Greater Bay Area only"),
    "yangtze_basin": ("长江流域适用", "Yangtze River basin only"),
    "yellow_river_basin": ("黄河流域适用", "Yellow River basin only"),
    "mining": ("有矿山的地区适用", "zones with mines only"),
}
_ALIASES = {"约束性": "binding", "参考性": "reference", "预期性": "reference"}
_CODE = r"^[A-Za-z][A-Za-z0-9_.\-]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scope(_Model):
    """Where an indicator applies (coastal only, county only, ...), with a description."""

    code: Literal[tuple(SCOPES)]  # type: ignore[valid-type]
    description_zh: str | None = None
    description_en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_code(cls, v: object) -> object:
        return {"code": v} if isinstance(v, str) else v

    def words(self) -> tuple[str, str]:
        zh, en = SCOPES[self.code]
        return self.description_zh or zh, self.description_en or en


class Indicator(_Model):
    """One indicator: what is measured, how, where it applies and the target it must meet."""

    code: str = Field(pattern=_CODE, max_length=64)
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    direction: Direction
    target_area: TargetArea
    measure: Measure
    tiers: list[Tier] = Field(min_length=1)
    scope: Scope = Scope(code="all")
    binding: Binding
    method: str = Field(min_length=1)
    standard: str | None = None
    data_source: str = Field(min_length=1)
    comparison_group: ComparisonGroup | None = None
    weight: float = Field(default=1.0, ge=0)
    target: Rule
    baseline_year: int | None = Field(default=None, ge=1949, le=2100)
    # "national": the target figure is a national anchor (e.g. the 2027 national PM2.5 ≤ 28, a
    # 14th five-year-plan 2025 figure): progress shows it as a national reference, not as the
    # zone's target, unless the zone is assigned it (``meili zones targets import``)
    target_scope: Literal["zone", "national"] = "zone"
    # a relative aim (全国前列 "top" / 全国领先 "leading"): the aim is a place in the comparison
    # group, and progress is also measured as the change of the zone's percentile toward it
    relative_aim: Literal["top", "leading"] | None = None
    # the values the indicator can take, [low, high] (null = open); default by unit
    # (:func:`meili.framework.units.value_range`): projections never leave it
    bounds: tuple[float | None, float | None] | None = None
    notes: str | None = None
    # policy requirements the indicator shows (ids of meili/framework/policy/requirements.yaml),
    # where its target comes from (document, clause), or what would confirm a target Meili set
    requirements: list[str] = Field(default_factory=list)
    target_source: str | None = None
    to_confirm: str | None = None

    @field_validator("unit")
    @classmethod
    def _unit(cls, v: str) -> str:
        return units.canonical(v) or v

    @field_validator("binding", mode="before")
    @classmethod
    def _binding(cls, v: object) -> object:
        return _ALIASES.get(v, v) if isinstance(v, str) else v

    @field_validator("measure", mode="before")
    @classmethod
    def _measure(cls, v: object) -> object:
        return v.strip("()（） ") if isinstance(v, str) else v

    @property
    def value_range(self) -> tuple[float | None, float | None]:
        """The range the indicator's values can take: ``bounds``, else the unit's default."""
        return self.bounds if self.bounds is not None else units.value_range(self.unit)

    @property
    def computable(self) -> bool:
        """True when the target can be judged from numbers alone (no reviewed evidence)."""
        return self.unit != "state" and not _has_state(self.target)


def _has_state(rule: object) -> bool:
    if isinstance(rule, Qualitative):
        return True
    children: list[object] = []
    for name in ("rules", "condition", "default"):
        value = getattr(rule, name, None)
        if isinstance(value, list):
            children.extend(value)
        elif value is not None:
            children.append(value)
    cases = getattr(rule, "cases", None)
    if isinstance(cases, dict):
        children.extend(cases.values())
    return any(_has_state(c) for c in children)


class TargetAreaDef(_Model):
    """One of the target areas with the policy measure it comes from and its stated aim."""

    code: TargetArea
    measure: Measure
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    aim_zh: str | None = None
    aim_en: str | None = None

    @field_validator("measure", mode="before")
    @classmethod
    def _measure(cls, v: object) -> object:
        return v.strip("()（） ") if isinstance(v, str) else v


class Framework(_Model):
    """A versioned indicator framework; a zone specialty file ``extends`` a base framework."""

    code: str = Field(pattern=_CODE, max_length=64)
    version: str = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z.\-]*$", max_length=32)
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    effective: date
    extends: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_.\-]*@[0-9A-Za-z.\-]+$")
    zone: str | None = Field(default=None, max_length=64)
    policy_ref: str | None = None
    description_zh: str | None = None
    description_en: str | None = None
    target_areas: list[TargetAreaDef] = Field(default_factory=list)
    indicators: list[Indicator] = Field(min_length=1)
    grading: Grading | None = None
    # the programme baseline year of progress (e.g. the year before the pilot started); an
    # indicator's ``baseline_year`` and a zone's assigned baseline override it
    baseline_year: int | None = Field(default=None, ge=1949, le=2100)

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: object) -> object:
        if isinstance(v, float):
            raise ValueError(f"quote the version so it stays text, e.g. version: '{v}'")
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v

    @property
    def ref(self) -> str:
        """``code@version``."""
        return f"{self.code}@{self.version}"

    @property
    def base_ref(self) -> tuple[str, str] | None:
        """The (code, version) this framework extends, if any."""
        if not self.extends:
            return None
        code, _, version = self.extends.partition("@")
        return code, version

    @property
    def scheme(self) -> Grading:
        """The grading scheme in force: the file's ``grading``, else the documented default."""
        return self.grading or DEFAULT_GRADING

    def indicator(self, code: str) -> Indicator | None:
        """The indicator with ``code`` (case-sensitive), or None."""
        return next((i for i in self.indicators if i.code == code), None)

    def area(self, code: str) -> TargetAreaDef | None:
        return next((a for a in self.target_areas if a.code == code), None)
