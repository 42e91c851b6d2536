"""``meili ingest KIND PATH...``: land data files in the lake (one atomic batch per file)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from meili.cli.common import FormatOption, emit
from meili.errors import UserError
from meili.output import Format

KINDS_HELP = "air-hourly, air-sites, water-samples, water-sections, noise, stats or auto"
SUMMARY = ["file", "kind", "status", "read", "landed", "quarantined", "batch_id", "message"]
COLUMNS = ["column", "type", "unit", "required", "key", "headers"]


def kinds_listing(columns: str | None, fmt: Format) -> None:
    """``meili ingest kinds [--columns KIND]``: the kinds, or the headers one accepts."""
    from meili.ingest.kinds import get_kind, kinds
    from meili.ingest.synonyms import accepted_headers

    if columns is None:
        rows = [
            {
                "kind": k.name,
                "dataset": k.dataset,
                "title": f"{k.title_zh} {k.title_en}",
                "key": ", ".join(k.key),
            }
            for k in kinds().values()
        ]
        emit(rows, fmt, columns=["kind", "dataset", "title", "key"])
        return
    kind = get_kind(columns)
    rows = []
    for c in kind.columns:
        headers = accepted_headers(c.name)
        if c.type == "datetime":
            parts = [f"{p}: " + "/".join(accepted_headers(p)[1:]) for p in ("_date", "_hour")]
            headers = [*headers, f"(or {'; '.join(parts)})"]
        rows.append(
            {
                "column": c.name,
                "type": c.type,
                "unit": c.unit or "",
                "required": c.required,
                "key": c.name in kind.key,
                "headers": ", ".join(headers),
            }
        )
    emit(rows, fmt, columns=COLUMNS, title=f"{kind.name}: {kind.title_zh} {kind.title_en}")


def ingest(
    kind: Annotated[str, typer.Argument(help=f"Dataset kind: {KINDS_HELP}; or `kinds`. 数据类型")],
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files, folders or globs. 文件、目录或通配符")
    ] = None,
    user: Annotated[str | None, typer.Option(help="Recorded user (default: login). 用户")] = None,
    decimal: Annotated[
        str | None,
        typer.Option(help="Decimal separator of the files, '.' or ',' (default: found). 小数点"),
    ] = None,
    date_order: Annotated[
        str | None,
        typer.Option(help="Order of dd/mm/yyyy dates: dmy, mdy or ymd (default: found). 日期顺序"),
    ] = None,
    on_conflict: Annotated[
        str,
        typer.Option(
            help="A record restating one in the lake with other values: refuse (quarantine it) "
            "or replace (keep the old value as a revision). 冲突处理"
        ),
    ] = "refuse",
    columns: Annotated[
        str | None,
        typer.Option("--columns", help="With `kinds`: the headers KIND accepts. 可用列名"),
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Validate files and land them in the lake; bad rows go to quarantine. 数据入湖。

    `meili ingest kinds --columns KIND` lists the headers (zh and en) each column accepts.
    """
    from meili.ingest import ingest_paths
    from meili.ingest.pipeline import KIND_NAMES

    if kind == "kinds":
        kinds_listing(columns, fmt)
        return
    if kind not in (*KIND_NAMES, "auto"):
        raise UserError(f"unknown dataset kind {kind!r} (one of {KINDS_HELP})")
    if not paths:
        raise UserError("no files to ingest: give files, folders or globs after the kind")
    console = Console(file=sys.stderr)
    with Progress(
        TextColumn("[bold]ingest 入湖"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task("", total=None)

        def progress(name: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=name)

        results = ingest_paths(
            kind,
            [str(p) for p in paths],
            user=user,
            progress=progress,
            decimal=decimal,
            date_order=date_order,
            on_conflict=on_conflict,
        )
    rows = [
        {
            "file": r.file,
            "kind": r.kind or "",
            "status": r.status,
            "read": r.rows_read,
            "landed": r.rows_landed,
            "quarantined": r.rows_quarantined,
            "batch_id": r.batch_id or "",
            "version": r.version,
            "message": r.error or "; ".join(r.notes),
        }
        for r in results
    ]
    failed = [r for r in results if not r.ok]
    for r in failed:
        typer.secho(f"error: {r.error}", err=True, fg=typer.colors.RED)
    meta = None
    if fmt is Format.json:
        meta = {"files": len(results), "failed": len(failed)}
    emit(rows, fmt, columns=SUMMARY if fmt is Format.table else None, meta=meta)
    if failed:
        raise UserError(f"{len(failed)} of {len(results)} files failed")


def register(root: typer.Typer) -> None:
    """Add the top-level ``ingest`` command."""
    root.command("ingest")(ingest)
