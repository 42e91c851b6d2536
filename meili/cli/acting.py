"""Who a workflow command acts as: ``--as USER`` (permissions checked, named in the audit).

The CLI runs beside the database, so it does not ask for the user's password: whoever can
run it can read the store anyway. It checks what the named user may do, exactly as the API
does, and the audit chain records that user. Commands that manage accounts may run without
``--as`` as the server's operator (recorded as ``cli:<login name>``).
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from meili.workflow.accounts import actor_of, get_user
from meili.workflow.errors import Unauthenticated
from meili.workflow.permissions import ACCOUNTS, require
from meili.workflow.roles import Actor

AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        envvar="MEILI_USER",
        help="Act as this user (permissions checked; MEILI_USER). 操作用户",
    ),
]


def operator() -> str:
    """The server operator, as the audit names them."""
    try:
        login = getpass.getuser()
    except Exception:  # no login name (containers)
        login = os.environ.get("USER", "unknown")
    return f"cli:{login}"


def acting(session: Session, username: str | None) -> Actor:
    """The actor named by ``--as`` (an active user)."""
    if not username:
        raise Unauthenticated("name the user to act as: --as USER (or set MEILI_USER)")
    user = get_user(session, username)
    if not user.active:
        raise Unauthenticated(f"user {username!r} is disabled")
    return actor_of(user)


def read_password(prompt: str = "Password 密码") -> str:
    """A password from standard input (first line) or, at a terminal, a hidden prompt
    asked twice — never from the command line."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    return typer.prompt(prompt, hide_input=True, confirmation_prompt=True)


def manager(session: Session, username: str | None) -> str:
    """Who manages accounts and rules: ``--as`` an administrator (checked), else the
    server's operator."""
    if username is None:
        return operator()
    actor = acting(session, username)
    require(session, actor, "users.manage", ACCOUNTS)
    return actor.username
