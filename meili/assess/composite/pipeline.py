"""Pipeline specification: an ordered list of steps with parameters, read from YAML.

Each step mirrors a COINr function (``Denominate``, ``Impute``, ``Screen``, ``Treat``,
``Normalise``, ``Aggregate``) and writes a named data set (COINr's ``dset``). Unknown keys
and steps are rejected; :func:`load_pipeline` reports the YAML line of the offending entry.
See ``examples/coinr-asem.yaml`` for the documented default ASEM build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from meili.errors import ValidationFailed
from meili.yamlfile import load_yaml, locate


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DenominateStep(_Spec):
    """COINr ``Denominate``: indicators with an ``iMeta$Denominator`` are divided by it."""

    step: Literal["denominate"]
    name: str = "Denominated"
    scale: float = 1.0


class ImputeStep(_Spec):
    """COINr ``Impute``: ``i_mean``, ``i_median``, ``i_mean_grp`` or ``i_median_grp``."""

    step: Literal["impute"]
    name: str = "Imputed"
    method: Literal["mean", "median", "group_mean", "group_median"] = "mean"
    group: str | None = None

    @model_validator(mode="after")
    def _group_needed(self) -> ImputeStep:
        if self.method.startswith("group") and not self.group:
            raise ValueError(f"method {self.method!r} needs 'group' (an iData group column)")
        return self


class ScreenStep(_Spec):
    """COINr ``Screen``, ``unit_screen = "byNA"``: keep units with ``Dat_Avail >= dat_thresh``."""

    step: Literal["screen"]
    name: str = "Screened"
    dat_thresh: float = Field(0.9, ge=0.0, le=1.0)
    unit_screen: Literal["byNA"] = "byNA"


class TreatStep(_Spec):
    """COINr ``Treat`` default: skew/kurtosis test, winsorisation up to ``winmax``, ``log_CT``."""

    step: Literal["treat"]
    name: str = "Treated"
    winmax: int = Field(5, ge=0)
    skew_thresh: float = 2.0
    kurt_thresh: float = 3.5
    log_fallback: bool = True


class NormSpec(_Spec):
    """One normalisation method and its parameters (COINr ``f_n`` and ``f_n_para``).

    ``minmax``: ``lower``/``upper``; ``zscore``: ``mean``/``sd``; ``dist2targ``: targets from
    the iMeta column ``target_column``, ``cap``; ``goalposts``: iMeta columns
    ``low_column`` and ``target_column``; ``rank``: no parameter.
    """

    method: Literal["minmax", "zscore", "dist2targ", "goalposts", "rank"] = "minmax"
    lower: float = 0.0
    upper: float = 100.0
    mean: float = 0.0
    sd: float = Field(1.0, gt=0.0)
    scale: float = 100.0
    cap: bool = True
    target_column: str = "Target"
    low_column: str = "Low"


class NormaliseStep(NormSpec):
    """COINr ``Normalise``: ``x·Direction`` then the method, column-wise."""

    step: Literal["normalise"]
    name: str = "Normalised"


class AggregateStep(_Spec):
    """COINr ``Aggregate``: weighted ``arithmetic`` (``a_amean``) or ``geometric`` (``a_gmean``)."""

    step: Literal["aggregate"]
    name: str = "Aggregated"
    method: Literal["arithmetic", "geometric"] = "arithmetic"
    dat_thresh: float | None = Field(None, ge=0.0, le=1.0)


Step = Annotated[
    DenominateStep | ImputeStep | ScreenStep | TreatStep | NormaliseStep | AggregateStep,
    Field(discriminator="step"),
]


class UncertaintySpec(_Spec):
    """Monte Carlo uncertainty/sensitivity analysis (Handbook Part II §6).

    Uncertain choices: normalisation method (uniform over ``normalisation``), every weight
    multiplied by ``U(1 − weight_perturbation, 1 + weight_perturbation)``, aggregation
    method (uniform over ``aggregation``). ``n_draws`` is the base sample size ``N``.
    """

    n_draws: int = Field(1000, ge=2)
    seed: int = 0
    normalisation: list[NormSpec] = Field(
        default_factory=lambda: [NormSpec(method="minmax", lower=1.0, upper=100.0)], min_length=1
    )
    weight_perturbation: float = Field(0.25, ge=0.0, lt=1.0)
    aggregation: list[Literal["arithmetic", "geometric"]] = Field(
        default_factory=lambda: ["arithmetic", "geometric"], min_length=1
    )
    estimator: Literal["saltelli", "binned"] = "saltelli"
    start: str = "Treated"


class Pipeline(_Spec):
    """A named, ordered list of steps; optionally an uncertainty analysis."""

    name: str = "composite"
    description: str = ""
    steps: list[Step] = Field(min_length=1)
    uncertainty: UncertaintySpec | None = None

    @model_validator(mode="after")
    def _unique_names(self) -> Pipeline:
        names = [s.name for s in self.steps]
        dup = {n for n in names if names.count(n) > 1}
        if dup or "Raw" in names:
            raise ValueError(f"data set names must be unique and not 'Raw': {sorted(dup)}")
        return self


class PipelineError(ValueError):
    """An invalid pipeline file; ``line`` (1-based) and ``field`` say where."""

    def __init__(self, message: str, line: int | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.field = field


def parse_pipeline(doc: Any) -> Pipeline:
    """Validate a loaded YAML document (mapping) into a :class:`Pipeline`."""
    if not isinstance(doc, dict):
        raise PipelineError("a pipeline file must be a mapping with a 'steps' list", line=1)
    try:
        return Pipeline.model_validate(doc)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        # drop pydantic's union tag from the path (e.g. ('steps', 3, 'impute', 'group'))
        path = tuple(k for k in loc if not (isinstance(k, str) and k in _STEP_TAGS))
        if err["type"] == "union_tag_invalid":
            tag = err.get("input", {}).get("step") if isinstance(err.get("input"), dict) else None
            msg = f"unknown step {tag!r} (expected one of {', '.join(sorted(_STEP_TAGS))})"
        elif err["type"] == "union_tag_not_found":
            msg = "each step needs a 'step:' key"
        else:
            msg = err["msg"]
        field = ".".join(str(k) for k in path)
        raise PipelineError(
            f"{field}: {msg}" if field else msg, locate(doc, path)[0], field or None
        ) from None


_STEP_TAGS = {"denominate", "impute", "screen", "treat", "normalise", "aggregate"}


def load_pipeline(path: str | Path) -> Pipeline:
    """Read (UTF-8 or GBK) and validate a pipeline YAML file, keeping line numbers."""
    try:
        doc = load_yaml(path)
    except ValidationFailed as exc:
        first = exc.problems[0]
        line = first.location.row if first.location else None
        raise PipelineError(f"invalid YAML: {first.message}", line=line) from None
    return parse_pipeline(doc)
