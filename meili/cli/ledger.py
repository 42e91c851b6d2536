"""``meili ledger``: tasks and projects of approved plans, progress, overdue, roll-up."""

from __future__ import annotations

from typing import Annotated

import typer

from meili.cli.acting import AsOption, acting
from meili.cli.common import Shown, emit, listing
from meili.db.session import session
from meili.workflow import ledger
from meili.workflow.roles import ANONYMOUS

app = typer.Typer(help="Task and project ledger. 任务台账与项目库。", no_args_is_help=True)
COLUMNS = [
    "id",
    "zone",
    "kind",
    "key",
    "title",
    "department",
    "deadline",
    "percent_complete",
    "money_spent",
    "amount",
    "funding_source",
    "overdue",
]


@app.command("list")
@listing
def list_cmd(
    shown: Shown,
    zone: str,
    within: Annotated[bool, typer.Option(help="And every zone within it. 含下级")] = False,
    kind: Annotated[str | None, typer.Option(help="task or project")] = None,
    as_user: AsOption = None,
) -> None:
    """A zone's tasks and projects. 台账。"""
    with session() as s:
        actor = acting(s, as_user) if as_user else ANONYMOUS
        rows = [ledger.record(i) for i in ledger.items(s, actor, zone, within=within, kind=kind)]
    emit(rows, shown, columns=COLUMNS, sheet="ledger", empty=f"no ledger items of {zone}")


@app.command()
@listing
def rollup(shown: Shown, zone: str, as_user: AsOption = None) -> None:
    """Per zone within ZONE: tasks, projects, done, overdue, investment, spent. 汇总。"""
    with session() as s:
        actor = acting(s, as_user) if as_user else ANONYMOUS
        rows = ledger.rollup(ledger.items(s, actor, zone, within=True))
    emit(rows, shown, sheet="rollup", empty=f"no ledger items within {zone}")


@app.command()
def report(
    item_id: int,
    percent: Annotated[float, typer.Option(help="Percent complete. 完成百分比")],
    spent: Annotated[float | None, typer.Option(help="Money spent, 万元. 已投入")] = None,
    note: Annotated[str, typer.Option(help="Note. 说明")] = "",
    evidence: Annotated[int | None, typer.Option(help="Evidence id. 佐证材料")] = None,
    lock: Annotated[int | None, typer.Option(help="The lock you read. 版本锁")] = None,
    as_user: AsOption = None,
) -> None:
    """Report progress on a task or project. 报告进展。"""
    with session(write=True) as s:
        item = ledger.get_item(s, item_id)
        ledger.report(
            s,
            acting(s, as_user),
            item,
            percent=percent,
            money_spent=spent,
            note=note,
            evidence_id=evidence,
            expected=lock,
        )
        typer.echo(f"item #{item_id}: {item.percent_complete:g}% complete")
