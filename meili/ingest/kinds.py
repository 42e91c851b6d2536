"""Dataset kinds and their schemas, loaded from ``kinds.yaml`` (schemas declared as data)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict
from ruamel.yaml import YAML

from meili.errors import UserError
from meili.lake.schema import DatasetSchema, Field

ColumnType = Literal["code", "text", "float", "int", "datetime", "date", "bool", "enum"]


class Column(BaseModel):
    """One column of a dataset: type, declared unit, hard plausibility limits."""

    model_config = ConfigDict(frozen=True)

    name: str
    type: ColumnType
    unit: str | None = None
    required: bool = False
    min: float | None = None
    max: float | None = None
    alt_unit: str | None = None
    values: list[str] | None = None


class Reference(BaseModel):
    """Codes in ``column`` must be registered in the dataset of ``kind``."""

    column: str
    kind: str


class StatusRule(BaseModel):
    """Records whose ``column`` holds one of ``values`` are flagged by the source as invalid.

    ``reason`` is a key of the catalogue's ``reasons`` section.
    """

    column: str
    values: list[str]
    reason: str


class Kind(BaseModel):
    """A dataset kind: its lake dataset, key, time column and columns."""

    name: str
    dataset: str
    title_zh: str
    title_en: str
    key: list[str]
    columns: list[Column]
    time: str | None = None
    hour_ending: bool = False
    period_column: str | None = None
    reference: Reference | None = None
    invalid_status: StatusRule | None = None
    measures: list[str] = []
    checks: list[str] = []  # named checks of meili.ingest.checks run on its records

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def lake_schema(self) -> DatasetSchema:
        """The schema the lake stores this kind's records with (dataset, key, columns)."""
        return DatasetSchema(
            dataset=self.dataset,
            key=tuple(self.key),
            fields=tuple(Field(c.name, c.type) for c in self.columns),
            time=self.time,
            hour_ending=self.hour_ending,
            period_column=self.period_column,
        )


@cache
def kinds() -> dict[str, Kind]:
    """Every kind declared in ``kinds.yaml``, by name."""
    text = resources.files("meili.ingest").joinpath("kinds.yaml").read_text("utf-8")
    data = YAML(typ="safe").load(text)
    return {name: Kind(name=name, **spec) for name, spec in data.items()}


def get_kind(name: str) -> Kind:
    """The kind called ``name``; an unknown name is a user error."""
    try:
        return kinds()[name]
    except KeyError:
        known = ", ".join(kinds())
        raise UserError(f"unknown dataset kind {name!r} (known: {known}, auto)") from None


def kind_of_dataset(dataset: str) -> Kind | None:
    """The kind whose lake dataset is ``dataset``."""
    return next((k for k in kinds().values() if k.dataset == dataset), None)
