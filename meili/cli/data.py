"""``meili data``: the lake's batches (catalog), their versions and quarantined rows."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from meili.cli.common import FormatOption, emit
from meili.errors import MeiliError, NotFoundError
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


CHECK_COLUMNS = ["area", "severity", "file", "problem", "repair"]


class Damaged(MeiliError):
    """The check found damage (exit code 4, the store-damaged code)."""

    exit_code = 4


def _findings() -> list:
    from meili.assess.rounds import check_rounds
    from meili.db.session import check_database
    from meili.lake.check import Problem, check_lake
    from meili.lake.store import lake_root

    found = list(check_lake(lake_root()))
    found += [
        Problem("rounds", f, why, repair="set the round aside (rounds/.damaged-…)")
        for f, why in check_rounds()
    ]
    found += [
        Problem(
            "database",
            f,
            why,
            repair="restore it from a backup, or move it aside and run `meili init`",
        )
        for f, why in check_database()
    ]
    return found


@app.command()
def check(fmt: FormatOption = Format.table) -> None:
    """Verify the store: lake manifest and parts, rounds, database (exit 4 on damage).
    检查数据存储是否损坏。"""
    found = _findings()
    rows = [p.record() for p in found]
    damage = [p for p in found if p.severity == "damage"]
    if fmt is Format.table and not rows:
        typer.echo("the store is sound (lake, rounds, database) 数据存储完好")
        return
    emit(
        rows,
        fmt,
        columns=CHECK_COLUMNS,
        meta={"damage": len(damage)} if fmt is Format.json else None,
    )
    if damage:
        raise Damaged(f"{len(damage)} damaged; `meili data repair` restores what it can")


@app.command()
def repair() -> None:
    """Restore the last consistent state where possible (lake manifest, damaged batches,
    damaged rounds, leftovers). 修复数据存储。"""
    from meili.assess.rounds import check_rounds, set_aside
    from meili.lake.check import repair_lake
    from meili.lake.store import lake_root

    actions = repair_lake(lake_root())
    for file, _why in check_rounds():
        name = Path(file).parent.name
        if Path(file).parent.exists():
            actions.append(f"round {name}: damaged; set aside as {set_aside(name).name}")
    for line in actions:
        typer.echo(line)
    left = [p for p in _findings() if p.severity == "damage"]
    if left:
        first = left[0]
        more = f" (and {len(left) - 1} more: see `meili data check`)" if len(left) > 1 else ""
        raise Damaged(f"not repaired: {first.file}: {first.problem} ({first.repair}){more}")
    if not actions:
        typer.echo("nothing to repair 无需修复")
