"""``meili ingest KIND PATH...``: land data files in the lake (one atomic batch per file)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from meili.cli.common import Shown, emit, listing
from meili.errors import ProblemsFound, UserError

KINDS_HELP = "air-hourly, air-sites, water-samples, water-sections, noise, stats or auto"
SUMMARY = ["file", "kind", "status", "read", "landed", "quarantined", "batch_id", "message"]


@listing
def ingest(
    shown: Shown,
    kind: Annotated[str, typer.Argument(help=f"Dataset kind: {KINDS_HELP}. 数据类型")],
    paths: Annotated[
        list[Path], typer.Argument(help="Files, folders or globs. 文件、目录或通配符")
    ],
    user: Annotated[str | None, typer.Option(help="Recorded user (default: login). 用户")] = None,
) -> None:
    """Validate files and land them in the lake; bad rows go to quarantine. 数据入湖。

    Exits 1 when a file failed (its reason is in the message column).
    """
    from meili.ingest import ingest_paths
    from meili.ingest.pipeline import KIND_NAMES

    if kind not in (*KIND_NAMES, "auto"):
        raise UserError(f"unknown dataset kind {kind!r} (one of {KINDS_HELP})")
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

        results = ingest_paths(kind, [str(p) for p in paths], user=user, progress=progress)
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
