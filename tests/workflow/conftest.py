"""Workflow fixtures: an initialised store with the sample zones and the test people, on
SQLite (a copy of a template built once) and, when configured, on PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from workflow_support import add_people


@pytest.fixture(scope="session")
def _people_template(_initialised_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The initialised store with every person of ``workflow_support.PEOPLE`` (built once:
    argon2 hashing is slow on purpose)."""
    from meili.db.session import engine

    path = tmp_path_factory.mktemp("people") / "home"
    shutil.copytree(_initialised_template, path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MEILI_HOME", str(path))
        mp.delenv("MEILI_DATABASE_URL", raising=False)
        add_people()
        engine().dispose()
    return path


@pytest.fixture
def people(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _people_template: Path) -> Path:
    """A fresh copy of the store with the people (SQLite)."""
    path = tmp_path / "home"
    shutil.copytree(_people_template, path)
    monkeypatch.setenv("MEILI_HOME", str(path))
    monkeypatch.delenv("MEILI_DATABASE_URL", raising=False)
    return path


@pytest.fixture
def any_db(db_url: str) -> str:
    """An initialised store with the sample zones and the people, on SQLite and PostgreSQL."""
    from meili import bootstrap

    bootstrap.initialise(samples=True, sites=False)
    add_people()
    return db_url
