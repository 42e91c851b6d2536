"""``meili data``: the lake's batches (catalog), their versions and quarantined rows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from meili.assess.rounds import check_rounds, set_aside
from meili.cli.common import Shown, emit, listing, note
from meili.db.session import check_database
from meili.errors import Location, MeiliError, NotFoundError, UserError
from meili.ingest.quarantine import EXPORT_TAIL, export_frame
from meili.lake.catalog import get_batch, lake_version, list_batches, versions
from meili.lake.check import Problem, check_lake, repair_lake
from meili.lake.quarantine import quarantine_rows
from meili.lake.store import lake_root
from meili.output import Format, records

app = typer.Typer(
    help="Lake batches and quarantine. 数据湖批次与隔离区。",
    no_args_is_help=True,
)

LS_COLUMNS = ["batch_id", "kind", "file", "status", "rows_read", "rows_landed", "rows_quarantined"]


@app.command("ls")
@listing
def ls_cmd(
    shown: Shown,
    kind: Annotated[str | None, typer.Option(help="Only this kind. 数据类型")] = None,
    live: Annotated[bool, typer.Option("--live", help="Only live batches. 仅当前版本")] = False,
    as_of: Annotated[int | None, typer.Option(help="Lake version to list. 湖版本")] = None,
) -> None:
    """List ingested batches. 列出入湖批次。"""

    every = list_batches(as_of=as_of)
    rows = every
    if kind:
        rows = [r for r in rows if r["kind"] == kind]
    if live:
        rows = [r for r in rows if r["status"] == "live"]
    why = "the lake has no batches yet; run `meili ingest`"
    if every:
        wanted = (f"kind {kind}" if kind else "", "live" if live else "")
        asked = " and ".join(x for x in wanted if x)
        why = f"none of the {len(every)} batches is {asked}"
    emit(
        rows,
        shown,
        columns=LS_COLUMNS,
        meta={"lake_version": lake_version(), "count": len(rows)},
        sheet="batches",
        empty=why,
    )


@app.command()
@listing
def show(
    shown: Shown,
    batch: Annotated[str, typer.Argument(help="Batch id (or unique prefix). 批次")],
    version: Annotated[
        int | None, typer.Option(help="Version N of the same source file. 版本号")
    ] = None,
    rows: Annotated[int, typer.Option(help="Also print the first N landed rows. 行数")] = 0,
) -> None:
    """Show one batch (any version, live or superseded). 批次详情。"""

    rec = get_batch(batch)
    if version is not None:
        all_versions = versions(rec["source"])
        match = [v for v in all_versions if v["version"] == version]
        if not match:
            raise NotFoundError(f"{rec['file']} has versions 1–{len(all_versions)}, not {version}")
        rec = match[0]
    if rows:
        _print_rows(rec, rows, shown)
        return
    if shown.fmt is Format.table:
        items = [{"field": k, "value": v} for k, v in rec.items()]
        emit(items, shown, title=f"batch {rec['batch_id']}")
    else:
        emit([rec], shown, sheet="batch")


def _print_rows(rec: dict, n: int, shown: Shown) -> None:
    import duckdb

    files = rec["files"].get(rec["dataset"], [])
    if not files:
        emit([], shown, empty=f"batch {rec['batch_id']} landed no rows")
        return
    root = lake_root()
    listing = ", ".join("'" + str(root / f).replace("'", "''") + "'" for f in files)
    con = duckdb.connect()
    frame = con.sql(
        f"SELECT * FROM read_parquet([{listing}], hive_partitioning=true) LIMIT {int(n)}"
    ).df()
    emit(frame.to_dict("records"), shown, sheet=rec["dataset"] or "rows")


@app.command()
@listing
def quarantine(
    shown: Shown,
    batch: Annotated[str | None, typer.Argument(help="Batch id (default: all live). 批次")] = None,
    export: Annotated[
        Path | None, typer.Option(help="Write FILE.csv or FILE.xlsx to fix and resend. 导出")
    ] = None,
    limit: Annotated[int, typer.Option(help="Rows to print (0 = all). 行数")] = 50,
) -> None:
    """Rows refused by validation, with row, column and reason. 隔离区记录。

    ``--export FILE.csv|FILE.xlsx`` writes each refused record with its original columns
    (headers as in the source file) followed by file, row, column and the reason in zh
    and en, to be fixed and ingested again.
    """
    frame = quarantine_rows(batch)
    if export is not None:
        write_export(frame, export, shown)
        return
    head = frame if not limit or shown.fmt is not Format.table else frame.head(limit)
    cols = ["batch_id", "file", "row", "column", "value"]
    cols += [c for c in ("reason_zh", "reason_en") if c in frame] or ["reason"]
    scope = f"batch {batch}" if batch else "the live batches"
    emit(
        head[cols].to_dict("records"),
        shown,
        columns=cols,
        meta={"count": len(frame)},
        sheet="quarantine",
        empty=f"no rows are quarantined in {scope}",
    )
    if len(head) < len(frame):
        note(f"… {len(frame) - len(head)} more (use --limit 0 or --export)")


def write_export(frame: pd.DataFrame, path: Path, shown: Shown) -> None:
    """The fix-and-resend file: original columns under their own headers, then ours."""

    fmt = {".csv": Format.csv, ".xlsx": Format.xlsx}.get(path.suffix.lower())
    if fmt is None:
        raise UserError(
            f"export to .csv or .xlsx, not {path.suffix or 'no extension'!r}",
            Location(column="--export"),
        )
    table = export_frame(frame, shown.view.lang.value)
    ours = {"file", *EXPORT_TAIL, "reason_zh", "reason_en"}
    originals = [c for c in table.columns if c not in ours]
    emit(
        records(table),
        Shown(replace(shown.view, fmt=fmt, columns=None), path),
        sheet="quarantine",
        verbatim=originals,
        empty="no rows are quarantined",
    )


CHECK_COLUMNS = ["area", "severity", "file", "problem", "repair"]


class Damaged(MeiliError):
    """The check found damage (exit code 4, the store-damaged code)."""

    exit_code = 4


def _findings() -> list:

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
@listing
def check(shown: Shown) -> None:
    """Verify the store: lake manifest and parts, rounds, database (exit 4 on damage).
    检查数据存储是否损坏。"""
    found = _findings()
    rows = [p.record() for p in found]
    damage = [p for p in found if p.severity == "damage"]
    if not rows and shown.fmt is Format.table and shown.out is None:
        typer.echo("the store is sound (lake, rounds, database) 数据存储完好")
        return
    emit(rows, shown, columns=CHECK_COLUMNS, meta={"damage": len(damage)}, sheet="check")
    if damage:
        raise Damaged(f"{len(damage)} damaged; `meili data repair` restores what it can")


@app.command()
def export(
    to: Annotated[str, typer.Option("--to", help="A new folder or s3://bucket/prefix. 导出位置")],
    as_of: Annotated[
        int | None, typer.Option(help="Lake version (default: the current one). 湖版本")
    ] = None,
) -> None:
    """Copy a lake snapshot where a Spark cluster can read it: Parquet per dataset and
    _snapshot.json; read it back with MEILI_LAKE_URL. 导出数据湖快照（供集群读取）。"""
    from meili.engine.snapshot import export as export_snapshot

    info = export_snapshot(to, as_of=as_of)
    files = [e for entries in info["datasets"].values() for e in entries]
    size = sum(e["bytes"] for e in files) / 1e6
    typer.echo(
        f"lake version {info['lake_version']}: {len(info['datasets'])} datasets, "
        f"{len(files)} files, {size:.1f} MB → {to} 已导出"
    )


@app.command()
def repair() -> None:
    """Restore the last consistent state where possible (lake manifest, damaged batches,
    damaged rounds, leftovers). 修复数据存储。"""

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
