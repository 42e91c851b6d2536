"""Root of the ``meili`` command: registers the command groups and turns errors into one line."""

from __future__ import annotations

import importlib
import sys

import click
import typer

from meili import __version__, bootstrap
from meili.config import settings
from meili.errors import MeiliError

app = typer.Typer(
    name="meili",
    help="Meili 美丽 — Beautiful China Pilot Zones platform (美丽中国先行区平台).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# (module under meili.cli, command-group name); a module exposes ``app`` (a group) or
# ``register(root)`` (top-level commands).
GROUPS: list[tuple[str, str | None]] = [
    ("setup", None),
    ("regions", "regions"),
    ("zones", "zones"),
    ("framework", "framework"),
    ("ingest", None),
    ("data", "data"),
    ("composite", "composite"),
    ("air", "air"),
    ("assess", "assess"),
    ("water", "water"),
    ("noise", "noise"),
    ("carbon", "carbon"),
    ("serve", None),
    ("users", "users"),
    ("permissions", "permissions"),
    ("plans", "plans"),
    ("selfassess", "selfassess"),
    ("evidence", "evidence"),
    ("submissions", "submissions"),
    ("ledger", "ledger"),
    ("audit", "audit"),
    ("report", None),
]

# typer bundles its own copy of click; usage errors may come from either.
try:
    from typer._click.exceptions import ClickException as _TyperClickException

    CLICK_ERRORS: tuple[type[Exception], ...] = (click.ClickException, _TyperClickException)
except ImportError:  # pragma: no cover - older typer uses click itself
    CLICK_ERRORS = (click.ClickException,)

_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"meili {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    _state["debug"] = debug


def _register() -> None:
    for module_name, group in GROUPS:
        try:
            module = importlib.import_module(f"meili.cli.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"meili.cli.{module_name}":
                continue
            raise
        if group is None:
            module.register(app)
        else:
            app.add_typer(module.app, name=group)


_register()

#: Commands that run without initialising the store first: they make it themselves
#: (init, demo), only describe it (info) or manage its schema (db); and the commands that
#: check and repair a damaged store, which must run when initialising would fail.
NO_STORE = {"init", "demo", "info", "db"}
NO_STORE_COMMANDS = {("data", "check"), ("data", "repair")}


def _needs_store(args: list[str]) -> bool:
    """Whether ``meili ARGS`` runs a command on the store (not help, version or a group)."""
    if any(a in ("--help", "-h", "--version") for a in args):
        return False
    words = [a for a in args if not a.startswith("-")]
    if not words or words[0] in NO_STORE or tuple(words[:2]) in NO_STORE_COMMANDS:
        return False
    group = next((g for _m, g in GROUPS if g == words[0]), None)
    return group is None or len(words) > 1


def _first_use() -> None:
    """Initialise the store on first use (the reference data, under a lock); a person at a
    terminal is told where (``meili info`` says it any time)."""
    if not bootstrap.initialised():
        if sys.stderr.isatty():
            typer.echo(f"first use: setting up the Meili store in {settings().home}", err=True)
        bootstrap.ensure_initialised()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script: runs the CLI, prints user errors as one line.

    Exits with the code of the outcome (0 success, 1 problems found, 2 user error, 3 not
    found, 4 damaged store, 130 interrupted). In ``standalone_mode=False`` click does not
    raise ``typer.Exit(n)`` but returns ``n``: that return value is the exit code.
    """
    args = list(argv if argv is not None else sys.argv[1:])
    debug = "--debug" in args
    try:
        if _needs_store(args):
            _first_use()
        code = app(args=args, standalone_mode=False)
    except MeiliError as exc:
        if debug:
            raise
        typer.secho(f"error: {exc}", err=True, fg=typer.colors.RED)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except CLICK_ERRORS as exc:  # usage errors: bad option, missing argument, bad value
        if debug:
            raise
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" or ctx is None:
            exc.show()  # a group without its command: the help is the answer
        else:  # one line: what is wrong, and where to read more
            hint = f" (see `{ctx.command_path} --help`)"
            typer.secho(f"error: {exc.format_message()}{hint}", err=True, fg=typer.colors.RED)
        sys.exit(exc.exit_code)
    if isinstance(code, int) and not isinstance(code, bool) and code != 0:
        sys.exit(code)
