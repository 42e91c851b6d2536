"""Options and output shared by every command."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from meili.errors import Location, UserError
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


class ResultFormat(StrEnum):
    """Output formats of result commands: the listing formats plus an Excel workbook."""

    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


ResultFormatOption = Annotated[
    ResultFormat,
    typer.Option("--format", "-f", help="table, csv, json or xlsx (xlsx needs --out). 输出格式"),
]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", help="Write to this file (required for xlsx). 输出文件"),
]


def write_results(
    records: Sequence[Mapping[str, Any]],
    fmt: ResultFormat,
    out: Path | None,
    meta: Mapping[str, Any],
    *,
    sheet: str = "results",
    columns: Sequence[str] | None = None,
) -> None:
    """Print records, or write them to ``out``; xlsx gets the records and a ``meta`` sheet.

    ``columns`` chooses what a table shows; csv, json and xlsx carry every field.
    """
    if fmt is ResultFormat.xlsx:
        if out is None:
            raise UserError("--format xlsx needs --out FILE.xlsx", Location(column="--out"))
        frame = pd.DataFrame(list(records))
        for col in frame.columns:
            if frame[col].map(lambda v: isinstance(v, dict | list)).any():
                frame[col] = frame[col].map(lambda v: "" if v is None else str(v))
        with pd.ExcelWriter(out, engine="openpyxl") as xl:
            frame.to_excel(xl, sheet_name=sheet[:31], index=False)
            pd.DataFrame([(k, str(v)) for k, v in meta.items()], columns=["key", "value"]).to_excel(
                xl, sheet_name="meta", index=False
            )
        typer.echo(f"wrote {len(frame)} rows to {out}")
        return
    json_meta = meta if fmt is ResultFormat.json else None
    cols = columns if fmt is ResultFormat.table else None
    text = render(records, Format(fmt.value), columns=cols, meta=json_meta)
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote {len(records)} rows to {out}")
        return
    typer.echo(text)


@contextlib.contextmanager
def progress(label: str) -> Iterator[None]:
    """A transient rich spinner on stderr while something slow runs (only on a terminal)."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as prog:
        prog.add_task(label, total=None)
        yield
