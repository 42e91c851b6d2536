"""``meili permissions``: why an action is allowed or denied; administrators' rules."""

from __future__ import annotations

from typing import Annotated

import typer

from meili.cli.acting import AsOption, manager
from meili.cli.common import Shown, emit, listing
from meili.db.session import session
from meili.workflow import documents
from meili.workflow.errors import Invalid
from meili.workflow.permissions import (
    ACTIONS,
    Resource,
    bundled_rules,
    decide,
    stored_rules,
)
from meili.workflow.rules_admin import add_rule, remove_rule

app = typer.Typer(
    help="Permissions: explain a decision, list and add rules. 权限：说明、规则。",
    no_args_is_help=True,
)


@app.command()
def explain(
    username: Annotated[str, typer.Argument(help="The user (or 'anonymous'). 用户")],
    action: Annotated[str, typer.Argument(help="The action, e.g. plan.submit. 操作")],
    zone: Annotated[str | None, typer.Option(help="On a thing of this zone. 先行区")] = None,
    plan: Annotated[int | None, typer.Option(help="On this plan or self-assessment. 方案")] = None,
    public: Annotated[bool, typer.Option(help="The thing is published. 已公开")] = False,
) -> None:
    """Say whether USER may do ACTION (on --zone or --plan) and which rule decides.
    说明权限判定。"""
    if action not in ACTIONS:
        raise Invalid(f"unknown action {action!r}; actions: {', '.join(ACTIONS)}")
    with session() as s:
        actor = documents.anonymous_or(s, username)
        if plan is not None:
            resource = documents.resource_of(documents.get_document(s, plan))
        else:
            resource = Resource(action.split(".")[0], zone, public)
        decision = decide(s, actor, action, resource)
    for line in decision.explain():
        typer.echo(line)
    if not decision.allowed:
        raise typer.Exit(1)


@app.command("list")
@listing
def list_cmd(shown: Shown) -> None:
    """Every rule: the bundled ones, then the administrators'. 列出规则。"""
    with session() as s:
        rules = [*bundled_rules(), *stored_rules(s)]
    emit(
        [
            {
                "origin": r.origin,
                "effect": r.effect,
                "who": r.who,
                "action": r.action,
                "scope": r.scope,
                "zone": r.zone,
                "reason": r.reason,
            }
            for r in rules
        ],
        shown,
        sheet="rules",
    )


@app.command()
def add(
    effect: Annotated[str, typer.Argument(help="allow or deny")],
    action: Annotated[str, typer.Argument(help="Action or pattern, e.g. plan.review")],
    user: Annotated[str | None, typer.Option(help="For this user. 用户")] = None,
    role: Annotated[str | None, typer.Option(help="For this role. 角色")] = None,
    zone: Annotated[str | None, typer.Option(help="Within this zone. 先行区")] = None,
    scope: Annotated[str, typer.Option(help="self, below, subtree, all or public")] = "subtree",
    reason: Annotated[str, typer.Option(help="Why (required). 理由")] = "",
    as_user: AsOption = None,
) -> None:
    """Add a rule (most specific wins; between equals, deny). 新增权限规则。"""
    with session(write=True) as s:
        by = manager(s, as_user)
        row = add_rule(
            s, effect, action, user=user, role=role, zone=zone, scope=scope, reason=reason, by=by
        )
    typer.echo(f"added rule #{row.id}")


@app.command()
def remove(rule_id: int, as_user: AsOption = None) -> None:
    """Remove an administrator's rule. 删除权限规则。"""
    with session(write=True) as s:
        remove_rule(s, rule_id, by=manager(s, as_user))
    typer.echo(f"removed rule #{rule_id}")
