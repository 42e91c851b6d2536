"""``meili users``: accounts and roles (用户与角色)."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import func, select

from meili.cli.acting import AsOption, manager, read_password
from meili.cli.common import Shown, emit, listing
from meili.db.models import Credential, User
from meili.db.session import session
from meili.errors import NotFoundError
from meili.workflow import accounts
from meili.workflow.errors import Forbidden
from meili.workflow.roles import ROLES

app = typer.Typer(
    help="Users and roles: add, list, disable, grant, revoke, token. 用户与角色。",
    no_args_is_help=True,
)
ROLE_HELP = "Role: " + ", ".join(ROLES) + ". 角色"
ZoneOpt = Annotated[
    str | None, typer.Option("--zone", help="The zone a zone role is bound to. 所属先行区")
]


@app.command()
def add(
    username: Annotated[str, typer.Argument(help="Sign-in name. 用户名")],
    role: Annotated[str | None, typer.Option("--role", help=ROLE_HELP)] = None,
    zone: ZoneOpt = None,
    name: Annotated[str, typer.Option("--name", help="Display name. 姓名")] = "",
    as_user: AsOption = None,
) -> None:
    """Add a user; the password is read from standard input or a prompt (never argv).
    The first user must be an administrator: `meili users add NAME --role admin`."""
    with session(write=True) as s:
        first = s.scalar(select(func.count()).select_from(User)) == 0
        if first and role != "admin":
            raise Forbidden("the first user must be an administrator: add it with --role admin")
        by = manager(s, as_user)
        password = read_password()
        accounts.add_user(s, username, password, role=role, zone=zone, display_name=name, by=by)
    typer.echo(
        f"added user {username}" + (f" ({role}{'@' + zone if zone else ''})" if role else "")
    )


@app.command("list")
@listing
def list_cmd(shown: Shown) -> None:
    """List users and their roles. 用户列表。"""
    with session() as s:
        records = [accounts.user_record(u) for u in accounts.list_users(s)]
    emit(records, shown, sheet="users", empty="no users; add one with `meili users add`")


@app.command()
def disable(username: str, as_user: AsOption = None) -> None:
    """Disable a user and revoke every token and session. 停用用户。"""
    with session(write=True) as s:
        accounts.disable_user(s, username, by=manager(s, as_user))
    typer.echo(f"disabled user {username}")


@app.command()
def enable(username: str, as_user: AsOption = None) -> None:
    """Enable a disabled user again. 启用用户。"""
    with session(write=True) as s:
        accounts.enable_user(s, username, by=manager(s, as_user))
    typer.echo(f"enabled user {username}")


@app.command()
def grant(
    username: str,
    role: Annotated[str, typer.Argument(help=ROLE_HELP)],
    zone: ZoneOpt = None,
    as_user: AsOption = None,
) -> None:
    """Give a user a role (zone roles with --zone). 授予角色。"""
    with session(write=True) as s:
        accounts.grant(s, username, role, zone, by=manager(s, as_user))
    typer.echo(f"granted {role}{'@' + zone if zone else ''} to {username}")


@app.command()
def revoke(
    username: str,
    role: Annotated[str, typer.Argument(help=ROLE_HELP)],
    zone: ZoneOpt = None,
    as_user: AsOption = None,
) -> None:
    """Take a role away. 收回角色。"""
    with session(write=True) as s:
        accounts.revoke(s, username, role, zone, by=manager(s, as_user))
    typer.echo(f"revoked {role}{'@' + zone if zone else ''} from {username}")


@app.command()
def password(username: str, as_user: AsOption = None) -> None:
    """Set a new password (stdin or prompt); the user's tokens and sessions are revoked."""
    with session(write=True) as s:
        by = manager(s, as_user)
        accounts.set_password(s, username, read_password(), by=by)
    typer.echo(f"password of {username} changed; its tokens and sessions were revoked")


@app.command()
def token(
    username: str,
    label: Annotated[str, typer.Option(help="What the token is for. 用途")] = "",
    as_user: AsOption = None,
) -> None:
    """Issue an API token for a user (printed once; keep it secret). 签发接口令牌。"""
    with session(write=True) as s:
        manager(s, as_user)
        user = accounts.get_user(s, username)
        secret, cred = accounts.issue(s, user, "token", label=label)
    typer.echo(secret)
    typer.echo(
        f"token #{cred.id} for {username}; revoke with `meili users untoken {cred.id}`", err=True
    )


@app.command()
def untoken(token_id: int, as_user: AsOption = None) -> None:
    """Revoke an API token by its number. 吊销令牌。"""
    with session(write=True) as s:
        by = manager(s, as_user)
        cred = s.get(Credential, token_id)
        if cred is None or cred.kind != "token":
            raise NotFoundError(f"no token #{token_id}")
        accounts.revoke_credential(s, cred, by)
    typer.echo(f"revoked token #{token_id}")
