"""The schema a dataset is written with: its columns, natural key and partitioning.

The lake knows no ingest kinds: whoever writes a batch hands it a :class:`DatasetSchema`
(or a plain dict of the same fields). The natural ``key`` says which columns name one fact
(site × hour for air, section × time for water, area × year × indicator for statistics); the
lake holds each key once among the live data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

ARROW_TYPES: dict[str, pa.DataType] = {
    "code": pa.string(),
    "text": pa.string(),
    "enum": pa.string(),
    "float": pa.float64(),
    "int": pa.int64(),
    "bool": pa.bool_(),
    "datetime": pa.timestamp("s"),
    "date": pa.date32(),
}


@dataclass(frozen=True)
class Field:
    """One column: its name and type (one of :data:`ARROW_TYPES`)."""

    name: str
    type: str


@dataclass(frozen=True)
class DatasetSchema:
    """What the lake needs to know about a dataset to store it.

    ``time`` is the time column (partitions by month); with ``hour_ending`` a ``day`` column
    is added (the day an hour-ending value belongs to: 00:00 is the previous day's 24:00).
    ``period_column`` partitions by that column's value instead (yearly statistics).
    """

    dataset: str
    key: tuple[str, ...]
    fields: tuple[Field, ...]
    time: str | None = None
    hour_ending: bool = False
    period_column: str | None = None

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        unknown = [k for k in self.key if k not in names]
        if not self.key or unknown:
            raise ValueError(f"dataset {self.dataset}: key {list(self.key)} not among {names}")
        bad = [f.type for f in self.fields if f.type not in ARROW_TYPES]
        if bad:
            raise ValueError(f"dataset {self.dataset}: unknown column types {bad}")

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def values(self) -> list[str]:
        """The columns that are not part of the key."""
        return [f.name for f in self.fields if f.name not in self.key]

    def arrow(self) -> pa.Schema:
        """The Arrow schema of landed records (plus ``day`` when hour-ending, and ``batch_id``)."""
        out = [pa.field(f.name, ARROW_TYPES[f.type]) for f in self.fields]
        if self.hour_ending:
            out.append(pa.field("day", pa.date32()))
        out.append(pa.field("batch_id", pa.string()))
        return pa.schema(out)


def as_schema(spec: DatasetSchema | Mapping[str, Any]) -> DatasetSchema:
    """A :class:`DatasetSchema` from itself or from a dict with the same fields.

    ``fields`` may be ``[{"name": …, "type": …}]`` or ``[(name, type)]``.
    """
    if isinstance(spec, DatasetSchema):
        return spec
    fields = tuple(
        Field(**f) if isinstance(f, Mapping) else Field(*f) for f in spec.get("fields", ())
    )
    return DatasetSchema(
        dataset=str(spec["dataset"]),
        key=tuple(spec["key"]),
        fields=fields,
        time=spec.get("time"),
        hour_ending=bool(spec.get("hour_ending", False)),
        period_column=spec.get("period_column"),
    )
