"""``meili regions``: administrative divisions (GB/T 2260) and their boundaries."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from meili.cli.common import Shown, emit, listing
from meili.db.models import Division
from meili.db.session import session
from meili.errors import NotFoundError, UserError
from meili.output import Format
from meili.registry import division_store as store
from meili.registry.boundaries import boundary_json
from meili.registry.divisions import LEVEL_NAMES_ZH

app = typer.Typer(
    help="Administrative divisions (GB/T 2260 codes) and boundaries. 行政区划代码与边界",
    no_args_is_help=True,
)

COLUMNS = ["code", "name", "level", "parent_code", "valid_from", "valid_to", "status"]


# A plain string checked by the store (a UserError, so one line), not a typer choice.
LevelOption = Annotated[
    str | None,
    typer.Option(
        "--level",
        "-l",
        metavar="province|prefecture|county",
        help="Only this level: province, prefecture or county. 只列出该级别 (省级/地级/县级)",
    ),
]


def _records(divisions: list[Division]) -> list[dict[str, Any]]:
    return [store.division_record(d) for d in divisions]


@app.command("list")
@listing
def list_cmd(
    shown: Shown,
    level: LevelOption = None,
    parent: Annotated[
        str | None, typer.Option("--parent", "-p", help="Only divisions under CODE. 上级代码")
    ] = None,
    province: Annotated[
        str | None,
        typer.Option("--province", help="Only divisions in this province. 所属省级代码"),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", "-y", help="Divisions valid in this year. 该年份有效的区划"),
    ] = None,
) -> None:
    """List divisions in use, or valid in a year. 列出行政区划."""
    with session() as s:
        store.sync_divisions(s)
        found = store.list_divisions(s, level, parent=parent, year=year, province=province)
        meta = {"count": len(found), "year": year, "level": level, "parent": parent}
        if province:
            meta["province"] = province
        emit(
            _records(found),
            shown,
            columns=COLUMNS,
            meta=meta,
            sheet="divisions",
            empty="no division matches these filters",
        )


@app.command("show")
@listing
def show_cmd(
    shown: Shown,
    code: Annotated[str, typer.Argument(help="Six-digit division code. 六位行政区划代码")],
) -> None:
    """Show a division: parents, children count and history. 查看区划详情与沿革."""
    with session() as s:
        store.sync_divisions(s)
        history = store.division_history(s, code)
        if not history:
            raise NotFoundError(f"no division with code {code.strip()}")
        current = [d for d in history if d.current]
        d = current[0] if current else history[-1]
        chain = store.parent_chain(s, d)
        n_children = len(store.children(s, d.code)) if d.current else 0
        record = store.division_record(d)
        if shown.fmt is Format.json:
            meta = {
                "parents": _records(chain),
                "children_count": n_children,
                "history": _records(history),
            }
            emit([record], shown, meta=meta)
            return
        record["level_zh"] = LEVEL_NAMES_ZH.get(d.level)
        record["parents"] = " > ".join(f"{p.code} {p.name}" for p in chain)
        record["children_count"] = n_children
        if shown.fmt is not Format.table:
            emit([record], shown, sheet="division")
            return
        fields = [{"field": k, "value": v} for k, v in record.items()]
        emit(fields, shown, title=f"{d.code} {d.name}")
        if len(history) > 1 or not d.current:
            cols = ["code", "name", "valid_from", "valid_to", "status", "successor_code"]
            emit(_records(history), shown, columns=cols, title="History 沿革")


@app.command("find")
@listing
def find_cmd(
    shown: Shown,
    query: Annotated[
        str, typer.Argument(help="Code prefix or Chinese name, e.g. 4416 or 河源. 代码前缀或名称")
    ],
    level: LevelOption = None,
    history: Annotated[
        bool, typer.Option("--history", help="Also codes no longer in use. 包括已撤销的代码")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most N results. 最多条数")] = 50,
) -> None:
    """Find divisions by code prefix or name. 按代码或名称查找区划."""
    with session() as s:
        store.sync_divisions(s)
        found = store.find_divisions(s, query, level=level, limit=limit, include_history=history)
        if not found:
            raise NotFoundError(f"no division matches {query.strip()!r}")
        emit(
            _records(found),
            shown,
            columns=COLUMNS,
            meta={"query": query, "count": len(found)},
            sheet="divisions",
        )


@app.command("boundary")
def boundary_cmd(
    code: Annotated[str, typer.Argument(help="Six-digit division code. 六位行政区划代码")],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write GeoJSON to FILE (default: stdout). 输出文件"),
    ] = None,
    simplified: Annotated[
        bool,
        typer.Option("--simplified", help="Coordinates rounded to ~100 m, for web maps. 简化"),
    ] = False,
) -> None:
    """Write the boundary of a division as GeoJSON. 导出区划边界 (GeoJSON)."""
    text = boundary_json(code, simplified=simplified)
    if out is None:
        typer.echo(text)
        return
    try:
        out.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror}") from exc
    typer.echo(f"wrote {out} ({len(text.encode()):,} bytes)", err=True)
