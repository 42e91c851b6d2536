"""``meili audit``: the hash-chained audit log (审计日志)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from meili.cli.common import Shown, emit, listing
from meili.db import audit
from meili.db.session import session
from meili.errors import ProblemsFound, UserError

app = typer.Typer(help="The audit chain: verify, list, export. 审计日志。", no_args_is_help=True)


@app.command()
def verify() -> None:
    """Check every link of the chain; name the first broken entry (exit 1). 校验审计链。"""
    with session() as s:
        count, broken = audit.verify(s)
    if broken is not None:
        where = f"entry {broken.seq}" if broken.seq is not None else f"row id {broken.id}"
        raise ProblemsFound(f"audit chain broken at {where} (id {broken.id}): {broken.problem}")
    typer.echo(f"audit chain intact: {count} entries (审计链完整)")


@app.command("list")
@listing
def list_cmd(
    shown: Shown,
    entity: Annotated[str | None, typer.Option(help="Only this kind of thing. 对象类型")] = None,
    entity_id: Annotated[str | None, typer.Option("--id", help="Only this thing. 对象")] = None,
    actor: Annotated[str | None, typer.Option(help="Only this actor. 操作人")] = None,
    limit: Annotated[int, typer.Option(help="At most this many. 条数")] = 100,
) -> None:
    """List entries, oldest first. 列出审计记录。"""
    with session() as s:
        rows = [
            audit.record(e)
            for e in audit.entries(s, entity=entity, entity_id=entity_id, actor=actor, limit=limit)
        ]
    for r in rows:
        r["detail"] = json.dumps(r["detail"], ensure_ascii=False, sort_keys=True)
    emit(
        rows,
        shown,
        columns=["seq", "at", "actor", "action", "entity", "entity_id", "detail"],
        sheet="audit",
        empty="no audit entries",
    )


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="JSON Lines file to write. 输出文件")],
) -> None:
    """Export the whole chain as JSON Lines (one entry a line, with its hashes), to check
    it elsewhere. 导出审计链。"""
    if out.exists():
        raise UserError(f"{out} exists already; choose another file")
    count = 0
    try:
        with session() as s, out.open("w", encoding="utf-8") as fh:
            for e in audit.entries(s):
                fh.write(json.dumps(audit.record(e), ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror}") from exc
    typer.echo(f"wrote {count} entries to {out}")
