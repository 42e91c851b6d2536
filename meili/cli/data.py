"""``meili data``: the lake's batches (catalog), their versions and quarantined rows."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from meili.cli.common import FormatOption, emit
from meili.errors import NotFoundError
from meili.output import Format

app = typer.Typer(
    help="Lake batches and quarantine. 数据湖批次与隔离区。",
    no_args_is_help=True,
)

LS_COLUMNS = [
    "batch_id",
    "kind",
    "file",
    "version",
    "status",
    "rows_read",
    "rows_landed",
    "rows_quarantined",
    "finished",
    "user",
]


@app.command("ls")
def ls_cmd(
    kind: Annotated[str | None, typer.Option(help="Only this kind. 数据类型")] = None,
    live: Annotated[bool, typer.Option("--live", help="Only live batches. 仅当前版本")] = False,
    as_of: Annotated[int | None, typer.Option(help="Lake version to list. 湖版本")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List ingested batches. 列出入湖批次。"""
    from meili.lake.catalog import lake_version, list_batches

    rows = list_batches(as_of=as_of)
    if kind:
        rows = [r for r in rows if r["kind"] == kind]
    if live:
        rows = [r for r in rows if r["status"] == "live"]
    emit(
        rows,
        fmt,
        columns=LS_COLUMNS if fmt is not Format.json else None,
        meta={"lake_version": lake_version(), "count": len(rows)} if fmt is Format.json else None,
    )


@app.command()
def show(
    batch: Annotated[str, typer.Argument(help="Batch id (or unique prefix). 批次")],
    version: Annotated[
        int | None, typer.Option(help="Version N of the same source file. 版本号")
    ] = None,
    rows: Annotated[int, typer.Option(help="Also print the first N landed rows. 行数")] = 0,
    fmt: FormatOption = Format.table,
) -> None:
    """Show one batch (any version, live or superseded). 批次详情。"""
    from meili.lake.catalog import get_batch, versions

    rec = get_batch(batch)
    if version is not None:
        all_versions = versions(rec["source"])
        match = [v for v in all_versions if v["version"] == version]
        if not match:
            raise NotFoundError(f"{rec['file']} has versions 1–{len(all_versions)}, not {version}")
        rec = match[0]
    if rows:
        _print_rows(rec, rows, fmt)
        return
    if fmt is Format.table:
        items = [{"field": k, "value": v} for k, v in rec.items()]
        emit(items, fmt, title=f"batch {rec['batch_id']}")
    else:
        emit([rec], fmt)


def _print_rows(rec: dict, n: int, fmt: Format) -> None:
    import duckdb

    from meili.lake.store import lake_root

    files = rec["files"].get(rec["dataset"], [])
    if not files:
        emit([], fmt)
        return
    root = lake_root()
    listing = ", ".join("'" + str(root / f).replace("'", "''") + "'" for f in files)
    con = duckdb.connect()
    frame = con.sql(
        f"SELECT * FROM read_parquet([{listing}], hive_partitioning=true) LIMIT {int(n)}"
    ).df()
    emit(frame.to_dict("records"), fmt)


@app.command()
def quarantine(
    batch: Annotated[str | None, typer.Argument(help="Batch id (default: all live). 批次")] = None,
    export: Annotated[
        Path | None, typer.Option(help="Write FILE.csv or FILE.xlsx to fix and resend. 导出")
    ] = None,
    limit: Annotated[int, typer.Option(help="Rows to print (0 = all). 行数")] = 50,
    fmt: FormatOption = Format.table,
) -> None:
    """Rows refused by validation, with row, column and reason. 隔离区记录。"""
    from meili.ingest.quarantine import export as write_export
    from meili.lake.quarantine import quarantine_rows

    frame = quarantine_rows(batch)
    if export is not None:
        n = write_export(frame, export)
        typer.echo(f"{n} rows → {export}", err=True)
        return
    shown = frame if not limit else frame.head(limit)
    cols = ["batch_id", "file", "row", "column", "reason", "value"]
    meta = {"count": len(frame)} if fmt is Format.json else None
    emit(shown[cols].to_dict("records"), fmt, columns=cols, meta=meta)
    if limit and len(frame) > limit and fmt is Format.table:
        typer.echo(f"… {len(frame) - limit} more (use --limit 0 or --export)", err=True)
