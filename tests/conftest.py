"""Shared fixtures: fresh stores per test, and the real data in ../shared (skips if absent)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from workflow_support import add_people

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MEILI_SHARED", ROOT.parent / "shared"))


@pytest.fixture
def shared_dir() -> Path:
    """The ``../shared`` folder beside the repository; tests needing it skip when absent."""
    if not (SHARED / "data").is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED


PG_URL = os.environ.get("MEILI_TEST_POSTGRES_URL")


@pytest.fixture(scope="session", autouse=True)
def _no_user_store(tmp_path_factory: pytest.TempPathFactory):
    """A test that names no home never touches the per-user store (nor ./.meili)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MEILI_HOME", str(tmp_path_factory.mktemp("default-home")))
        yield


def _point_at(monkeypatch: pytest.MonkeyPatch, home: Path, url: str | None) -> None:
    monkeypatch.setenv("MEILI_HOME", str(home))
    if url:
        monkeypatch.setenv("MEILI_DATABASE_URL", url)
    else:
        monkeypatch.delenv("MEILI_DATABASE_URL", raising=False)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty MEILI_HOME with the default SQLite store (nothing created yet)."""
    path = tmp_path / "home"
    _point_at(monkeypatch, path, None)
    return path


@pytest.fixture(scope="session")
def _initialised_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store after `meili init`, built once and copied by the `store` fixture."""
    from meili import bootstrap
    from meili.db.session import engine

    path = tmp_path_factory.mktemp("template") / "home"
    with pytest.MonkeyPatch.context() as mp:
        _point_at(mp, path, None)
        bootstrap.initialise(samples=True, sites=False)  # tests place their own air sites
        engine().dispose()
    return path


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _initialised_template: Path) -> Path:
    """A fresh copy of an initialised SQLite store (divisions, regional + sample zones; no air
    sites in the lake, so a test's hand-placed ``lake/air_sites`` is the one read)."""
    import shutil

    path = tmp_path / "home"
    shutil.copytree(_initialised_template, path)
    _point_at(monkeypatch, path, None)
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An empty relational store on SQLite, and on PostgreSQL when MEILI_TEST_POSTGRES_URL is set.

    Each PostgreSQL test gets its own schema (dropped afterwards).
    """
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'meili.db'}"
        _point_at(monkeypatch, tmp_path / "home", url)
        yield url
        return
    if not PG_URL:
        pytest.skip("PostgreSQL tests need MEILI_TEST_POSTGRES_URL (set by .ci/run)")
    import uuid

    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    _point_at(monkeypatch, tmp_path / "home", url)
    try:
        yield url
    finally:
        from meili.db.session import engine

        engine(url).dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


# ---- the workflow: stores with people (tests/workflow_support.py) --------------------------


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
