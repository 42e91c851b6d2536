"""Options and output shared by every command: the one place results are written.

A listing command is decorated with :func:`listing`: it gains ``--format``, ``--out``,
``--lang``, ``--no-bom``, ``--raw``, ``--columns`` and ``--wide`` and receives them as one
:class:`Shown` (parameter ``shown``); it hands its records to :func:`emit`.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import sys
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from meili.errors import Location, UserError
from meili.output import (
    Format,
    HeaderLang,
    View,
    all_columns,
    render,
    terminal_width,
    write_xlsx,
)

FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="table, csv, json or xlsx (xlsx needs --out). 输出格式",
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write to this file (required for xlsx). 输出文件"),
]
LangOption = Annotated[
    HeaderLang,
    typer.Option("--lang", help="Column headers: both (default), zh or en. 表头语言"),
]
BomOption = Annotated[
    bool,
    typer.Option(
        "--bom/--no-bom",
        help="CSV starts with a UTF-8 BOM so Excel reads Chinese (default); --no-bom for "
        "tools that dislike it. CSV 带 BOM（默认）",
    ),
]
RawOption = Annotated[
    bool,
    typer.Option(
        "--raw",
        help="Machine-readable CSV (open data): column keys as headers, no BOM, cells exactly "
        "as stored — not protected against spreadsheet formulas, not for opening in Excel. "
        "机读原始 CSV",
    ),
]
ColumnsOption = Annotated[
    str | None,
    typer.Option("--columns", help="Columns to show, comma-separated keys. 显示的列"),
]
WideOption = Annotated[
    bool, typer.Option("--wide", help="Show every column in the table. 显示全部列")
]


@dataclass(frozen=True)
class Shown:
    """Where and how a listing command writes its results."""

    view: View
    out: Path | None = None

    @property
    def fmt(self) -> Format:
        return self.view.fmt


def shown(
    fmt: Format | str = Format.table,
    out: Path | None = None,
    lang: HeaderLang | str = HeaderLang.both,
    *,
    bom: bool = True,
    raw: bool = False,
    columns: str | None = None,
    wide: bool = False,
) -> Shown:
    """A :class:`Shown` from option values (``columns`` comma-separated)."""
    cols = tuple(c.strip() for c in columns.split(",") if c.strip()) if columns else None
    view = View(Format(fmt), HeaderLang(lang), bom, raw, cols or None, wide)
    return Shown(view, out)


_OPTIONS: list[tuple[str, Any, Any]] = [
    ("fmt", FormatOption, Format.table),
    ("out", OutOption, None),
    ("lang", LangOption, HeaderLang.both),
    ("bom", BomOption, True),
    ("raw", RawOption, False),
    ("columns", ColumnsOption, None),
    ("wide", WideOption, False),
]


def listing(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command the output options; it receives them as ``shown: Shown``."""
    sig = inspect.signature(fn, eval_str=True)
    params = [p for name, p in sig.parameters.items() if name != "shown"]
    params += [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=ann)
        for name, ann, default in _OPTIONS
    ]

    @functools.wraps(fn)
    def command(*args: Any, **kwargs: Any) -> Any:
        opts = {name: kwargs.pop(name) for name, _a, _d in _OPTIONS}
        return fn(*args, shown=shown(**opts), **kwargs)

    del command.__wrapped__  # typer reads the signature below, not the wrapped function's
    command.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    return command


def choose_columns(
    recs: Sequence[Mapping[str, Any]], view: View, default: Sequence[str] | None
) -> list[str]:
    """The columns to write: ``--columns``; else for a table the default set (``--wide``:
    all); files carry every column."""
    have = all_columns(recs)
    if view.columns:
        unknown = [c for c in view.columns if c not in have]
        if unknown and recs:
            raise UserError(
                f"unknown column {unknown[0]!r}; columns: {', '.join(have)}",
                Location(column="--columns"),
            )
        return list(view.columns)
    if view.fmt is Format.table and default and not view.wide:
        return [c for c in default if c in have] or have
    return have


def note(message: str) -> None:
    """One line for the user on standard error (never mixed into the results)."""
    typer.echo(message, err=True)


def emit(
    recs: Sequence[Mapping[str, Any]],
    output: Shown | View | Format | str = Format.table,
    *,
    columns: Sequence[str] | None = None,
    meta: Mapping[str, Any] | None = None,
    title: str | None = None,
    sheet: str = "results",
    empty: str | None = None,
    verbatim: Collection[str] = (),
) -> None:
    """Write records as the user chose: stdout, or ``--out`` FILE (csv, json, xlsx, table).

    ``columns`` is the table's default column set; ``meta`` goes into JSON and the xlsx
    ``meta`` sheet; ``empty`` says why there are no records (printed on stderr);
    ``verbatim`` columns keep their key as file header (a source file's own columns).
    """
    if not isinstance(output, Shown):
        output = Shown(output if isinstance(output, View) else View(Format(output)))
    view, out = output.view, output.out
    if not recs:
        note(f"no results: {empty}" if empty else "no results")
    cols = choose_columns(recs, view, columns)
    if view.fmt is Format.xlsx:
        if out is None:
            raise UserError("--format xlsx needs --out FILE.xlsx", Location(column="--out"))
        try:
            write_xlsx(out, recs, cols, view.lang, sheet=sheet, meta=meta, verbatim=verbatim)
        except OSError as exc:
            raise UserError(f"cannot write {out}: {exc.strerror}") from exc
        note(f"wrote {len(recs)} rows to {out}")
        return
    if view.fmt is Format.table and not recs:
        return
    width = None if view.wide or out is not None else terminal_width()
    text = render(
        recs,
        view.fmt,
        columns=cols,
        meta=meta if view.fmt is Format.json else None,
        title=title,
        lang=view.lang,
        raw=view.raw,
        width=width,
        verbatim=verbatim,
    )
    bom = "\ufeff" if view.fmt is Format.csv and view.bom and not view.raw else ""
    if out is not None:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(bom + text + "\n", encoding="utf-8")
        except OSError as exc:
            raise UserError(f"cannot write {out}: {exc.strerror}") from exc
        note(f"wrote {len(recs)} rows to {out}")
        return
    typer.echo(bom + text)


@contextlib.contextmanager
def progress(label: str) -> Iterator[Callable[[str], None]]:
    """A transient rich spinner on stderr while something slow runs (only on a terminal).

    Yields ``step(message)``, which shows the step under way next to ``label``.
    """
    if not sys.stderr.isatty():
        yield lambda _message: None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as prog:
        task = prog.add_task(label, total=None)
        yield lambda message: prog.update(task, description=f"{label}: {message}")
