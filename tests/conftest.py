"""Shared fixtures: a fresh MEILI_HOME per test, and the real data in ../shared (skips if absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MEILI_SHARED", ROOT.parent / "shared"))


@pytest.fixture
def shared_dir() -> Path:
    """The ``../shared`` folder beside the repository; tests needing it skip when absent."""
    if not (SHARED / "data").is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED
