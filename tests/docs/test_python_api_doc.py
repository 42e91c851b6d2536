"""docs/python-api.md runs as written: its ```python blocks, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "python-api.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def test_the_page_has_examples() -> None:
    blocks = BLOCK.findall(DOC.read_text("utf-8"))
    assert len(blocks) >= 8


def test_python_api_page_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEILI_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "python_api_doc"}
    for i, code in enumerate(BLOCK.findall(DOC.read_text("utf-8")), 1):
        try:
            exec(compile(code, f"{DOC.name} block {i}", "exec"), namespace)
        except Exception as exc:  # name the block that failed
            raise AssertionError(f"block {i} of {DOC.name} failed: {exc!r}\n{code}") from exc
    assert not (tmp_path / "home").exists()  # the API computed on frames: no store created
