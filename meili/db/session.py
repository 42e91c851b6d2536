"""Engine, sessions and migrations for the relational store (SQLite or PostgreSQL)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from meili.config import settings
from meili.db import audit as _audit  # noqa: F401  (chains every audit entry on flush)
from meili.errors import Conflict, StoreDamaged, UserError

MIGRATIONS = Path(__file__).with_name("migrations")
#: how long a SQLite writer waits for the one write lock before giving up (many writers
#: queue for it under load: the web app's concurrent requests)
SQLITE_BUSY_SECONDS = 60


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


@cache
def _engine(url: str) -> Engine:
    args: dict = {}
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        args = {"connect_args": {"timeout": SQLITE_BUSY_SECONDS}}
    engine = create_engine(url, future=True, **args)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: the configured database), created once per URL."""
    return _engine(url or settings().database_url)


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", (url or settings().database_url).replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Migrate the store up to ``revision`` (creates it when new)."""
    _CURRENT.clear()
    eng = engine(url)
    cfg = alembic_config(url)
    try:
        with eng.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except OperationalError as exc:
        raise UserError(f"cannot open the database {eng.url!r}: {exc.orig}") from exc
    except DatabaseError as exc:
        raise _damaged(eng, exc) from None


def downgrade(url: str | None = None, revision: str = "base") -> None:
    """Migrate the store down to ``revision``."""
    _CURRENT.clear()
    eng = engine(url)
    cfg = alembic_config(url)
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def _where(eng: Engine) -> str:
    """The database file (SQLite) or URL without password, for messages."""
    if eng.dialect.name == "sqlite" and eng.url.database:
        return eng.url.database
    return eng.url.render_as_string(hide_password=True)


def _damaged(eng: Engine, exc: DatabaseError) -> StoreDamaged | UserError:
    """A database error as what it means: damage (not a database, corrupt) or a user error
    (cannot connect)."""
    orig = getattr(exc, "orig", exc)
    msg = str(orig).splitlines()[0] if str(orig) else type(orig).__name__
    if isinstance(exc, OperationalError) and "malformed" not in msg and "not a database" not in msg:
        return UserError(f"cannot open the database {_where(eng)}: {msg}")
    return StoreDamaged(_where(eng), f"the database is damaged ({msg})")


def current_revision(url: str | None = None) -> str | None:
    eng = engine(url)
    try:
        with eng.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except DatabaseError as exc:
        raise _damaged(eng, exc) from None


@cache
def _head(script_location: str) -> str | None:
    cfg = Config()
    cfg.set_main_option("script_location", script_location)
    return ScriptDirectory.from_config(cfg).get_current_head()


def head_revision() -> str | None:
    """The newest migration (read once per process: the scripts ship with the code)."""
    return _head(str(MIGRATIONS))


_CURRENT: set[str] = set()


@cache
def _writers(url: str) -> threading.Lock:
    """The writers of one process queue here for a SQLite database's single write lock
    (woken at once when it is free, instead of SQLite's sleeping retries)."""
    return threading.Lock()


@cache
def _maker(eng: Engine) -> sessionmaker[Session]:
    return sessionmaker(eng, expire_on_commit=False)


def _check_revision(eng: Engine, url: str) -> None:
    """The store must be at the newest migration. Once seen there, a process does not ask
    again for the same database (migrations run through :func:`upgrade`, which forgets)."""
    if url in _CURRENT:
        return
    if current_revision(url) != head_revision():
        raise UserError("the Meili store is not initialised or out of date; run `meili init`")
    _CURRENT.add(url)


@contextmanager
def session(url: str | None = None, *, write: bool = False) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error.

    ``write``: the transaction will write, so on SQLite it takes the write lock at its start
    (``BEGIN IMMEDIATE``; concurrent writers wait their turn instead of failing on a stale
    read). A damaged database raises :class:`StoreDamaged` (exit code 4) naming the file.
    """
    url = url or settings().database_url
    eng = engine(url)
    _check_revision(eng, url)
    maker = _maker(eng)
    queue = _writers(url) if write and eng.dialect.name == "sqlite" else contextlib.nullcontext()
    try:
        with queue, maker() as s, s.begin():
            if write and eng.dialect.name == "sqlite":
                s.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield s
    except StaleDataError:  # a row's version counter moved: another writer came first
        raise Conflict("changed meanwhile by another writer; reload and try again") from None
    except IntegrityError as exc:  # a rule of the store (unique, foreign key) held: no damage
        first = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
        raise Conflict(f"refused by the store's rules ({first}); nothing was written") from None
    except DatabaseError as exc:
        problem = _damaged(eng, exc)
        if isinstance(problem, StoreDamaged):
            _CURRENT.discard(url)
            raise problem from None
        raise


def check_database(url: str | None = None) -> list[tuple[str, str]]:
    """(file or URL, problem) of a damaged or out-of-date database (empty when sound)."""
    url = url or settings().database_url
    eng = engine(url)
    if eng.dialect.name == "sqlite" and eng.url.database:
        path = Path(eng.url.database)
        if not path.exists():
            return []  # not created yet: `meili init` makes it
    try:
        with eng.connect() as conn:
            if eng.dialect.name == "sqlite":
                rows = [r[0] for r in conn.execute(text("PRAGMA integrity_check")).fetchall()]
                if rows != ["ok"]:
                    return [(_where(eng), f"the database is damaged ({'; '.join(rows[:3])})")]
            current = MigrationContext.configure(conn).get_current_revision()
    except DatabaseError as exc:
        problem = _damaged(eng, exc)
        return [
            (_where(eng), problem.problem if isinstance(problem, StoreDamaged) else str(problem))
        ]
    if current != head_revision():
        return [
            (
                _where(eng),
                f"the database is at migration {current}, not {head_revision()}; run `meili init`",
            )
        ]
    return []
