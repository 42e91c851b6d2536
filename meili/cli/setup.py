"""Top-level commands: ``init``, ``demo``, ``status`` and ``db`` migrations."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from sqlalchemy.engine import make_url

from meili import __version__, bootstrap
from meili.cli.common import Shown, emit, listing
from meili.cli.serve import run_server
from meili.config import settings
from meili.db import session as db
from meili.demo import DEMO_PASSWORD, DEMO_USERS, ROUND, STEPS, DemoState
from meili.engine.air_period import Selection, period, records
from meili.engine.water import demo_summary
from meili.lake.store import connect
from meili.output import Format

db_app = typer.Typer(help="Relational store migrations. 数据库迁移。", no_args_is_help=True)


def register(root: typer.Typer) -> None:
    root.command()(init)
    root.command()(demo)
    root.command()(status)
    root.command()(info)
    root.add_typer(db_app, name="db")


def init() -> None:
    """Create the stores and load divisions, regional zones and the default framework.

    创建数据库与数据湖，载入行政区划、五大区域先行区和默认指标体系。再次运行不做任何改动。
    """
    with Console(stderr=True).status("initialising the Meili stores…"):
        written = bootstrap.initialise()
    if any(written.values()):
        typer.echo(
            f"initialised: {written['divisions']} division rows, {written['zones']} zones, "
            f"{written['frameworks']} framework version(s), {written['sites']} air sites "
            f"written (store: {settings().home})"
        )
    else:
        typer.echo("already initialised: nothing changed")


def _print_summary() -> None:
    s = bootstrap.summary()
    lv = s["divisions"]
    typer.echo(f"Meili home 数据目录: {s['home']} ({s['home_source']})")
    typer.echo(f"  database 数据库: {s['database']}")
    typer.echo(f"  lake 数据湖: {s['lake']}")
    typer.echo(
        "  divisions 行政区划: "
        f"{lv.get('province', 0)} province-level 省级, {lv.get('prefecture', 0)} prefecture-level "
        f"地级, {lv.get('county', 0)} county-level 县级"
    )
    typer.echo("  zones 先行区: " + ", ".join(f"{n} {t}" for t, n in sorted(s["zones"].items())))
    typer.echo(
        f"  framework 指标体系: {', '.join(s['frameworks'])} ({s['indicators']} indicators 项指标)"
    )


def demo(
    serve: Annotated[
        bool, typer.Option("--serve", help="Serve the portal after the demo. 演示后启动门户")
    ] = False,
    port: Annotated[int, typer.Option(help="Port of the portal. 端口")] = 8000,
) -> None:
    """Build the demo store and end with a populated portal; run again, it changes nothing.

    演示：载入示例先行区与真实监测样本，冻结并公开评估轮次；
    建立演示账户、审核中的实施方案、已通过的自评估和典型案例；
    最后给出启动门户的命令与网址。
    """
    state = DemoState()
    for step in STEPS:
        with Console(stderr=True).status(f"{step.label}…"):
            summary = step.run(state)
        typer.echo(f"✓ {step.label}: {summary}")
    typer.echo("")
    _print_summary()
    typer.echo(
        "  measurements 监测数据 (bundled real samples, see meili/demo_data/ATTRIBUTION.md):"
    )
    emit(
        [b.record() for b in state.batches],
        Format.table,
        columns=["file", "kind", "status", "rows_read", "rows_landed", "rows_quarantined"],
    )
    _engines_demo()
    _demo_ending(state, port)
    if serve:
        run_server("127.0.0.1", port)


def _demo_ending(state: DemoState, port: int) -> None:
    """What the demo left behind, how to sign in and how to open the portal."""
    plan, sa = state.plan, state.self_assessment
    typer.echo(
        f"\nThe demo store 演示数据 (round {ROUND}, published 已公开): "
        f"plan #{plan['id']} {plan['zone']} {plan['state']} {plan['state_zh']}; "
        f"self-assessment #{sa['id']} {sa['zone']} {sa['state']} {sa['state_zh']}; "
        f"case 案例 {state.case}"
    )
    for path in state.reports:
        typer.echo(f"Report 自评估报告: {path}")
    typer.echo(
        f"  PDF:  meili report {sa['zone']} --round {ROUND} --format pdf "
        f"--output {sa['zone']}-{ROUND}.pdf"
    )
    typer.echo(
        f"Sign in 登录 at /signin (or --as USER on the CLI), password 密码 {DEMO_PASSWORD} "
        "(demo accounts only 仅限演示):"
    )
    for username, role, zone, _ in DEMO_USERS:
        typer.echo(f"  {username:<11} {role}{'@' + zone if zone else ''}")
    typer.echo(
        f"Try 试一试:  meili assess zone {sa['zone']} --round {ROUND}  |  "
        f"meili plans approve {plan['id']} --as demo-mee  |  meili zones list  |  meili data ls"
    )
    command = "meili serve" + (f" --port {port}" if port != 8000 else "")
    typer.echo(
        f"Portal 门户:  {command}   → http://127.0.0.1:{port}/  "
        f"(zone 先行区 /zones/{sa['zone']}, API docs /docs; or `meili demo --serve`)"
    )


def _engines_demo() -> None:
    """A first look at the engines on the bundled samples (air, surface water)."""

    with Console(stderr=True).status("HJ 663 air statistics of the 168 key cities…"):
        air = period("2019-01-01", "2019-01-03", Selection(group="168"))
    air = air[air["rank"].notna()]
    cols = ["rank", "city_name", "composite_index", "main_pollutant", "pm25", "good_days"]
    typer.echo(
        "\n  Air 空气质量, 2019-01-01…03, 168 key cities 重点城市 (HJ 663 / HJ 633-2012; "
        "3 days only, not an official ranking 仅为演示): cleanest and most polluted"
    )
    shown = pd.concat([air.head(5), air.tail(5)])
    emit(records(shown, cols), Format.table, columns=cols)
    typer.echo("\n  Surface water 地表水, April 2021 (GB 3838-2002, 环办〔2011〕22号):")
    emit(demo_summary(connect()), Format.table)


@listing
def status(shown: Shown) -> None:
    """Show what the stores hold. 显示数据概况。"""
    if shown.fmt is Format.table:
        _print_summary()
        return
    emit([bootstrap.summary()], shown, meta={"status": "ok"}, sheet="status")


@listing
def info(shown: Shown) -> None:
    """Which store is in use and why; creates nothing. 当前使用的数据目录与数据库。

    The home is MEILI_HOME when set, else ./.meili when that folder exists here, else the
    per-user data directory.
    """
    cfg = settings()
    url = make_url(cfg.database_url).render_as_string(hide_password=True)
    fields = {
        "version": __version__,
        "home": str(cfg.home),
        "home_source": cfg.home_source,
        "database": url,
        "lake": str(cfg.lake_dir),
        "initialised": bootstrap.initialised(cfg) if cfg.home.exists() else False,
    }
    if shown.fmt is Format.table:
        emit([{"field": k, "value": v} for k, v in fields.items()], shown)
    else:
        emit([fields], shown, sheet="info")


@db_app.command()
def upgrade(revision: str = "head") -> None:
    """Migrate the relational store up. 升级数据库结构。"""
    db.upgrade(revision=revision)
    typer.echo(f"database at revision {db.current_revision()}")


@db_app.command()
def downgrade(revision: str = typer.Argument(..., help="Target revision, or 'base'.")) -> None:
    """Migrate the relational store down. 回退数据库结构。"""
    db.downgrade(revision=revision)
    typer.echo(f"database at revision {db.current_revision()}")


@db_app.command()
def current() -> None:
    """Print the store's migration revision. 当前数据库版本。"""
    typer.echo(str(db.current_revision()))
