"""Where Meili keeps its data: one home directory holding the relational store and the lake.

The home is, in this order: ``MEILI_HOME`` when set; ``./.meili`` when that folder exists in
the current folder (a project-local store); else the per-user data directory
(``platformdirs``, e.g. ``~/.local/share/meili`` on Linux). ``MEILI_DATABASE_URL``
overrides the relational store (SQLite file ``meili.db`` in the home by default,
PostgreSQL in production).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_path

LOCAL_HOME = ".meili"


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    #: why this home: "MEILI_HOME", "./.meili" or "per-user data directory"
    home_source: str = "MEILI_HOME"

    @property
    def lake_dir(self) -> Path:
        """Root of the Parquet measurement lake."""
        return self.home / "lake"

    @property
    def cases_dir(self) -> Path:
        """The case library's YAML files (典型案例, :mod:`meili.web.cases`)."""
        return self.home / "cases"

    @property
    def reports_dir(self) -> Path:
        """Reports written by ``meili demo`` (``meili report`` writes where it is told)."""
        return self.home / "reports"


def _home() -> tuple[Path, str]:
    env = os.environ.get("MEILI_HOME")
    if env:
        return Path(env).expanduser().resolve(), "MEILI_HOME"
    local = Path(LOCAL_HOME)
    if local.is_dir():
        return local.resolve(), f"./{LOCAL_HOME}"
    return user_data_path("meili", appauthor=False), "per-user data directory"


def default_database_url(home: Path) -> str:
    """The relational store when ``MEILI_DATABASE_URL`` is not set: ``meili.db`` in the home."""
    return f"sqlite:///{home / 'meili.db'}"


def settings() -> Settings:
    """Read the settings from the environment (fresh on every call, so tests can change it)."""
    home, source = _home()
    url = os.environ.get("MEILI_DATABASE_URL") or default_database_url(home)
    return Settings(home=home, database_url=url, home_source=source)
