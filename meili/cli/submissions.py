"""``meili submissions``: data submission by bureaus (数据报送)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from meili.cli.acting import AsOption, acting
from meili.cli.common import Shown, emit, listing
from meili.db.session import session
from meili.errors import ProblemsFound, UserError
from meili.workflow import submissions

app = typer.Typer(
    help="Data submission: template, upload, status. 数据报送。", no_args_is_help=True
)


@app.command()
def template(
    zone: str,
    year: Annotated[int, typer.Option(help="Statistical year. 年份")],
    out: Annotated[Path, typer.Option("--out", "-o", help="XLSX file to write. 输出文件")],
    as_user: AsOption = None,
) -> None:
    """Write the zone's Excel template for a year. 生成报送模板。"""
    with session() as s:
        data = submissions.template(s, acting(s, as_user), zone, year)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror}") from None
    typer.echo(f"wrote {out}")


@app.command()
def upload(
    zone: str,
    file: Path,
    year: Annotated[int, typer.Option(help="Statistical year. 年份")],
    as_user: AsOption = None,
) -> None:
    """Upload a filled template; prints the validation report (exit 1 if rows were refused)."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {file}: {exc.strerror}") from None
    with session(write=True) as s:
        sub = submissions.upload(s, acting(s, as_user), zone, year, data, file.name)
        rec = submissions.record(sub)
    typer.echo(
        f"submission #{rec['id']}: {rec['status']}, {rec['rows_landed']} landed, "
        f"{rec['rows_refused']} refused"
    )
    for p in rec["problems"]:
        typer.echo(
            f"  {p['sheet']}, row {p['row']}, column {p['column']}: {p['reason_zh']} "
            f"({p['reason_en']})"
        )
    if rec["problems"]:
        raise ProblemsFound(f"{len(rec['problems'])} row(s) refused; correct them and upload again")


@app.command()
@listing
def status(
    shown: Shown,
    zone: str,
    year: Annotated[int, typer.Option(help="Statistical year. 年份")],
    as_user: AsOption = None,
) -> None:
    """Completeness and timeliness of the zone and the zones within it. 报送情况。"""
    with session() as s:
        rows = submissions.status(s, acting(s, as_user), zone, year)
    for r in rows:
        r["missing"] = ", ".join(r["missing"])
    emit(rows, shown, sheet="status", empty="nothing you may see")


@app.command()
def due(
    year: int,
    on: Annotated[str, typer.Option("--on", help="Due date YYYY-MM-DD. 截止日期")],
    as_user: AsOption = None,
) -> None:
    """Set when a year's data are due (administrators). 设置报送截止日期。"""
    try:
        day = date.fromisoformat(on)
    except ValueError:
        raise UserError(f"--on: {on!r} is not a date YYYY-MM-DD") from None
    with session(write=True) as s:
        submissions.set_period(s, acting(s, as_user), year, day)
    typer.echo(f"data for {year} are due on {day}")
