"""Options and output shared by every command."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

import typer

from meili.output import Format, render

FormatOption = Annotated[
    Format,
    typer.Option("--format", "-f", help="Output format: table, csv or json. 输出格式"),
]


def emit(
    records: Sequence[Mapping[str, Any]],
    fmt: Format,
    *,
    columns: Sequence[str] | None = None,
    meta: Mapping[str, Any] | None = None,
    title: str | None = None,
) -> None:
    """Print records in the chosen format to standard output."""
    typer.echo(render(records, fmt, columns=columns, meta=meta, title=title))
