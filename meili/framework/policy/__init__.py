"""The policy as data: 国办函〔2025〕2号 clause by clause, with its measurable requirements.

``requirements.yaml`` lists every clause (stable ids such as ``二.一``, ``三.七``) and each
measurable or checkable requirement in it, quoting the public text bundled beside it
(``guobanhan-2025-2.zh.txt``). It is the denominator of ``meili framework coverage``.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator
from ruamel.yaml import YAML

Kind = Literal["measurable", "checkable"]
Basis = Literal["monitoring", "statistics", "evidence"]
TIERS = ("region", "province", "city", "county")


class Requirement(BaseModel):
    """One action or outcome the policy asks for that can be shown."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    quote: str
    en: str
    kind: Kind
    basis: Basis
    aim: bool = False
    scope: str | None = None
    applies_to: str | None = None  # overrides the clause's (e.g. "ministry")


class Clause(BaseModel):
    """A numbered part or measure of the policy with its requirements."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    heading: str
    title_en: str
    applies_to: str | list[str]
    requirements: list[Requirement]

    @model_validator(mode="after")
    def _ids_under_clause(self) -> Clause:
        for req in self.requirements:
            if not req.id.startswith(self.id + "."):
                raise ValueError(f"requirement {req.id} is not numbered under clause {self.id}")
        return self

    def audience(self, req: Requirement) -> list[str]:
        """Who the requirement applies to: tiers, a regional zone code, or ``ministry``."""
        who = req.applies_to or self.applies_to
        return list(who) if isinstance(who, list) else [who]


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title_zh: str
    title_en: str
    signed: date
    published: date
    text: str


class Policy(BaseModel):
    """The whole policy: its document record and its clauses in order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    document: Document
    clauses: list[Clause]

    @model_validator(mode="after")
    def _unique_ids(self) -> Policy:
        seen: set[str] = set()
        for item in [c.id for c in self.clauses] + [r.id for r in self.requirements()]:
            if item in seen:
                raise ValueError(f"duplicate id {item}")
            seen.add(item)
        return self

    def requirements(self) -> list[Requirement]:
        """Every requirement, in the policy's order."""
        return [r for c in self.clauses for r in c.requirements]

    def clause_of(self, requirement_id: str) -> Clause:
        """The clause a requirement belongs to."""
        for c in self.clauses:
            if any(r.id == requirement_id for r in c.requirements):
                return c
        raise KeyError(requirement_id)


def normalise(text: str) -> str:
    """Text as quotes are compared: no whitespace; half-width , ( ) read as full-width."""
    return re.sub(r"\s+", "", text).translate(str.maketrans({",": "，", "(": "（", ")": "）"}))


def _files():
    return resources.files(__package__)


@cache
def policy() -> Policy:
    """The bundled policy (read and validated once)."""
    raw = YAML(typ="safe").load(_files().joinpath("requirements.yaml").read_text("utf-8"))
    return Policy.model_validate(raw)


@cache
def policy_text() -> str:
    """The policy's public text as bundled."""
    return _files().joinpath(policy().document.text).read_text("utf-8")
