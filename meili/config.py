"""Where Meili keeps its data: one home directory holding the relational store and the lake.

``MEILI_HOME`` names it (default ``./.meili``); ``MEILI_DATABASE_URL`` overrides the
relational store (SQLite file ``meili.db`` in the home by default, PostgreSQL in production).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str

    @property
    def lake_dir(self) -> Path:
        """Root of the Parquet measurement lake."""
        return self.home / "lake"


def settings() -> Settings:
    """Read the settings from the environment (fresh on every call, so tests can change it)."""
    home = Path(os.environ.get("MEILI_HOME") or ".meili").expanduser().resolve()
    url = os.environ.get("MEILI_DATABASE_URL") or f"sqlite:///{home / 'meili.db'}"
    return Settings(home=home, database_url=url)
