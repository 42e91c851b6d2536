"""``meili ingest KIND PATH...``: land data files in the lake (one atomic batch per file)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from meili.cli.common import Shown, emit, listing
from meili.errors import ProblemsFound, UserError
from meili.ingest import ingest_paths
from meili.ingest.kinds import get_kind, kinds
from meili.ingest.pipeline import KIND_NAMES
from meili.ingest.synonyms import accepted_headers

KINDS_HELP = "air-hourly, air-sites, water-samples, water-sections, noise, stats or auto"
SUMMARY = ["file", "kind", "status", "read", "landed", "quarantined", "batch_id", "message"]
COLUMNS = ["column", "type", "unit", "required", "key", "headers"]


def kinds_listing(shown: Shown) -> None:
    """``meili ingest kinds [--columns KIND]``: the kinds, or the headers one kind accepts.

    Here ``--columns`` names a kind (the headers its columns accept), not columns to show.
    """
    asked = shown.view.columns or ()
    plain = dataclasses.replace(shown, view=dataclasses.replace(shown.view, columns=None))
    if not asked:
        rows = [
            {
                "kind": k.name,
                "dataset": k.dataset,
                "title": f"{k.title_zh} {k.title_en}",
                "key": ", ".join(k.key),
            }
            for k in kinds().values()
        ]
        emit(rows, plain, columns=["kind", "dataset", "title", "key"])
        return
    if len(asked) != 1:
        raise UserError("give one kind after --columns, e.g. --columns air-hourly")
    kind = get_kind(asked[0])
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
    emit(rows, plain, columns=COLUMNS, title=f"{kind.name}: {kind.title_zh} {kind.title_en}")


@listing
def ingest(
    shown: Shown,
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
) -> None:
    """Validate files and land them in the lake; bad rows go to quarantine. 数据入湖。

    Exits 1 when a file failed (its reason is in the message column).
    `meili ingest kinds --columns KIND` lists the headers (zh and en) each column accepts.
    """
    if kind == "kinds":
        kinds_listing(shown)
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
    emit(
        rows,
        shown,
        columns=SUMMARY,
        meta={"files": len(results), "failed": len(failed)},
        sheet="ingest",
        empty="no files matched",
    )
    if failed:  # each reason is in the message column above: not repeated here
        first = failed[0].file
        raise ProblemsFound(
            f"{len(failed)} of {len(results)} files failed (first: {first}); see the message column"
        )


def register(root: typer.Typer) -> None:
    """Add the top-level ``ingest`` command."""
    root.command("ingest")(ingest)
