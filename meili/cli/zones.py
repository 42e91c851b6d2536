"""``meili zones``: the pilot-zone registry (先行区名录)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from meili.cli import targets
from meili.cli.common import Shown, emit, listing
from meili.db.session import session
from meili.errors import Location, MeiliError, UserError, ValidationFailed
from meili.output import Format
from meili.registry.zones import (
    Status,
    Tier,
    ZoneSpec,
    get_zone,
    list_zones,
    load_zone_file,
    member_names,
    retire_zone,
    save_zones,
    update_zone,
    zone_record,
)

app = typer.Typer(
    help="Pilot zones: add, list, show, update, retire. 先行区名录：新增、列表、详情、修改、撤销。",
    no_args_is_help=True,
)
app.add_typer(targets.app, name="targets")

LIST_COLUMNS = ["code", "name_zh", "name_en", "tier", "status", "members", "themes"]
Members = Annotated[
    str,
    typer.Option("--members", "-m", help="Member division codes, comma-separated. 成员代码"),
]


AttributesOpt = Annotated[
    str | None,
    typer.Option(
        help="Attributes set on the zone, e.g. 'coastal=false; terrain=mountain' (they win over "
        "the division data; '' clears). 先行区属性（沿海、地形等）"
    ),
]


@app.command("list")
@listing
def list_cmd(
    shown: Shown,
    tier: Annotated[Tier | None, typer.Option(help="Only this tier. 层级")] = None,
    status: Annotated[Status | None, typer.Option(help="Only this status. 状态")] = None,
) -> None:
    """List zones. 列出先行区。"""
    with session() as s:
        records = [zone_record(z) for z in list_zones(s, tier, status)]
        total = len(list_zones(s)) if not records else len(records)
    wanted = " and ".join(
        f"{k} {v.value}" for k, v in (("tier", tier), ("status", status)) if v is not None
    )
    emit(
        records,
        shown,
        columns=LIST_COLUMNS,
        meta={"count": len(records)},
        sheet="zones",
        empty=f"none of the {total} registered zones has {wanted}" if wanted else "no zones",
    )


@app.command()
@listing
def show(shown: Shown, code: str) -> None:
    """Show one zone with its member divisions. 先行区详情。"""
    with session() as s:
        zone = get_zone(s, code)
        record = zone_record(zone, member_names(s, [zone]))
    if shown.fmt is Format.table:
        rows = [{"field": k, "value": v} for k, v in record.items()]
        emit(rows, shown, title=f"{record['name_zh']} / {record['name_en']}")
    else:
        emit([record], shown, sheet="zone")


@app.command()
def add(
    code: Annotated[str, typer.Option(help="Zone code, e.g. C-441600. 代码")],
    name_zh: Annotated[str, typer.Option(help="Chinese name. 中文名称")],
    name_en: Annotated[str, typer.Option(help="English name. 英文名称")],
    tier: Annotated[Tier, typer.Option(help="region | province | city | county. 层级")],
    members: Members,
    themes: Annotated[str, typer.Option(help="Specialty themes, ';'-separated. 特色主题")] = "",
    status: Annotated[Status, typer.Option(help="Status. 状态")] = Status.active,
    start: Annotated[str | None, typer.Option(help="Start date YYYY-MM-DD. 开始日期")] = None,
    end: Annotated[str | None, typer.Option(help="End date YYYY-MM-DD. 结束日期")] = None,
    attributes: AttributesOpt = None,
) -> None:
    """Register a new zone. 新增先行区。"""
    spec = _spec(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        tier=tier,
        members=members,
        themes=themes,
        status=status,
        start_date=start,
        end_date=end,
        attributes=attributes,
    )
    with session() as s:
        save_zones(s, [spec], mode="add")
    typer.echo(f"added zone {code}")


@app.command("import")
def import_cmd(
    path: Annotated[Path, typer.Argument(help="YAML or CSV file of zones. 先行区文件")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Update zones that exist. 覆盖已存在的先行区")
    ] = False,
) -> None:
    """Add (or with --replace, update) zones from a YAML or CSV file: all or nothing."""
    specs = load_zone_file(path)
    with session() as s:
        counts = save_zones(s, specs, mode="upsert" if replace else "add", source=str(path))
    typer.echo(", ".join(f"{v} {k}" for k, v in counts.items()))


@app.command()
def update(
    code: str,
    name_zh: Annotated[str | None, typer.Option(help="New Chinese name")] = None,
    name_en: Annotated[str | None, typer.Option(help="New English name")] = None,
    status: Annotated[Status | None, typer.Option(help="New status")] = None,
    themes: Annotated[str | None, typer.Option(help="Replace themes (';'-separated)")] = None,
    add_member: Annotated[list[str] | None, typer.Option(help="Add a member code")] = None,
    remove_member: Annotated[list[str] | None, typer.Option(help="Remove a member")] = None,
    end: Annotated[str | None, typer.Option(help="New end date YYYY-MM-DD")] = None,
    attributes: AttributesOpt = None,
) -> None:
    """Change a zone (validated as a whole; nothing is written on error). 修改先行区。"""
    changes = {
        "name_zh": name_zh,
        "name_en": name_en,
        "status": status,
        "themes": _themes(themes) if themes is not None else None,
        "end_date": _date(end, "--end"),
        "add_members": add_member or [],
        "remove_members": remove_member or [],
        "attributes": attributes,
    }
    with session() as s:
        update_zone(s, code, changes)
    typer.echo(f"updated zone {code}")


@app.command()
def retire(
    code: str,
    on: Annotated[str | None, typer.Option("--on", help="Retirement date (default today)")] = None,
) -> None:
    """Retire a zone; it stays on record. 撤销先行区（保留记录）。"""
    with session() as s:
        retire_zone(s, code, _date(on, "--on"))
    typer.echo(f"retired zone {code}")


def _themes(text: str) -> list[str]:
    return [t.strip() for t in text.replace("；", ";").split(";") if t.strip()]


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option}: {text!r} is not a date YYYY-MM-DD") from None


def _spec(**fields: object) -> ZoneSpec:
    fields["themes"] = _themes(str(fields.get("themes") or ""))
    try:
        return ZoneSpec.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        problems = [
            MeiliError(e["msg"], Location(column="--" + str(e["loc"][0]).replace("_", "-")))
            for e in exc.errors()
        ]
        raise ValidationFailed("invalid zone; nothing was written", problems) from None
