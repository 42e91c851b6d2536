"""``meili zones targets``: the zones' assigned targets (import from a file, list)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from meili.cli.acting import AsOption, acting, operator
from meili.cli.common import Shown, emit, listing
from meili.db.assessment_inputs import assigned_targets
from meili.db.session import session
from meili.workflow.targets import import_targets

app = typer.Typer(help="Assigned targets: import, list. 目标值。", no_args_is_help=True)


@app.command("import")
def import_cmd(
    path: Annotated[Path, typer.Argument(help="CSV or XLSX of targets. 目标文件")],
    as_user: AsOption = None,
) -> None:
    """Import assigned targets (all rows or none); they supersede the zones' earlier ones."""
    with session(write=True) as s:
        actor = acting(s, as_user) if as_user else None
        rows = import_targets(s, actor, path, by=actor.username if actor else operator())
    typer.echo(f"imported {len(rows)} target(s) from {path.name}")


@app.command("list")
@listing
def list_cmd(
    shown: Shown,
    zone: Annotated[list[str] | None, typer.Option(help="Only these zones. 先行区")] = None,
) -> None:
    """The targets in force. 现行目标值。"""
    with session() as s:
        frame = assigned_targets(s, zone or None)
    rows = frame.drop(columns=["superseded_at"]).to_dict("records")
    emit(rows, shown, sheet="targets", empty="no assigned targets")
