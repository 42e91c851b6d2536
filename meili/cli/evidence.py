"""``meili evidence``: evidence for qualitative states and task progress, and its review."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from meili.cli.acting import AsOption, acting
from meili.cli.common import Shown, emit, listing
from meili.db.session import session
from meili.errors import UserError
from meili.workflow import evidence, uploads

app = typer.Typer(help="Evidence and sign-off. 佐证材料与审核确认。", no_args_is_help=True)
COLUMNS = ["id", "zone", "indicator", "year", "state", "title", "status", "reviewer", "reason"]


@app.command()
def submit(
    zone: str,
    title: Annotated[str, typer.Option(help="What it proves. 标题")],
    year: Annotated[int, typer.Option(help="Year it is for. 年份")],
    indicator: Annotated[str | None, typer.Option(help="Indicator. 指标")] = None,
    state: Annotated[str | None, typer.Option(help="State proven, e.g. established")] = None,
    item: Annotated[int | None, typer.Option(help="Ledger item. 台账事项")] = None,
    description: Annotated[str, typer.Option(help="Description. 说明")] = "",
    file: Annotated[list[Path] | None, typer.Option(help="PDF/DOCX/XLSX files. 附件")] = None,
    as_user: AsOption = None,
) -> None:
    """Submit evidence (with files) for review. 提交佐证材料。"""
    files = []
    for path in file or []:
        try:
            files.append((path.name, path.read_bytes()))
        except OSError as exc:
            raise UserError(f"cannot read {path}: {exc.strerror}") from None
    with session(write=True) as s:
        ev = evidence.submit(
            s,
            acting(s, as_user),
            zone,
            title=title,
            year=year,
            indicator=indicator,
            state=state,
            ledger_item=item,
            description=description,
            files=files,
        )
        typer.echo(f"submitted evidence #{ev.id} (pending)")


@app.command("list")
@listing
def list_cmd(
    shown: Shown,
    status: Annotated[str | None, typer.Option(help="pending, accepted or rejected")] = None,
    zone: Annotated[str | None, typer.Option(help="Only this zone. 先行区")] = None,
    as_user: AsOption = None,
) -> None:
    """Evidence you may see (the inbox: --status pending). 佐证材料列表。"""
    with session() as s:
        found = evidence.inbox(s, acting(s, as_user), status=status, zone=zone, limit=10_000)
        rows = [evidence.record(e, uploads.files_of(s, "evidence", e.id)) for e in found]
    emit(rows, shown, columns=COLUMNS, sheet="evidence", empty="no evidence you may see")


def _review(evidence_id: int, decision: str, reason: str, lock: int | None, as_user: str | None):  # type: ignore[no-untyped-def]
    with session(write=True) as s:
        ev = evidence.get_evidence(s, evidence_id)
        evidence.review(s, acting(s, as_user), ev, decision, reason, expected=lock)
        typer.echo(f"evidence #{evidence_id}: {ev.status}")


@app.command()
def accept(
    evidence_id: int,
    reason: Annotated[str, typer.Option(help="Note. 说明")] = "",
    lock: Annotated[int | None, typer.Option(help="The lock you read. 版本锁")] = None,
    as_user: AsOption = None,
) -> None:
    """Accept evidence (its verdict goes to the assessment). 确认。"""
    _review(evidence_id, "accept", reason, lock, as_user)


@app.command()
def reject(
    evidence_id: int,
    reason: Annotated[str, typer.Option(help="Why (required). 理由")] = "",
    lock: Annotated[int | None, typer.Option(help="The lock you read. 版本锁")] = None,
    as_user: AsOption = None,
) -> None:
    """Reject evidence with a reason. 不予确认。"""
    _review(evidence_id, "reject", reason, lock, as_user)
