"""The README's "Using it" block runs as written against the demo store.

Every line is a real command (no ``a | b`` alternatives, no ``[--option]`` brackets) whose
inputs exist; lines marked long-running or destructive (``meili serve``, the Spark engine,
``db downgrade``) are the only ones not run.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from cli_support import run

ROOT = Path(__file__).resolve().parents[2]
SKIP_MARKS = ("long-running", "destructive")


def using_lines() -> list[str]:
    """The command lines of the README's "Using it" block (comment lines left out)."""
    text = (ROOT / "README.md").read_text("utf-8")
    block = text.split("## Using it", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [x for x in block.splitlines() if x.strip() and not x.lstrip().startswith("#")]


def test_every_line_is_a_real_command() -> None:
    lines = using_lines()
    assert len(lines) > 30
    for line in lines:
        words = shlex.split(line, comments=True)
        assert words[0] in ("meili", "source"), line
        command = " ".join(words)
        assert " | " not in command and "[" not in command, line
        for word in words:
            if word.startswith("examples/"):
                assert (ROOT / word).is_file(), line


@pytest.mark.slow
def test_the_block_runs_on_the_demo_store(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    work = tmp_path / "repo"
    work.mkdir()
    (work / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(work)
    code, _, err = run(["demo"], capsys)
    assert code == 0, err
    ran = 0
    for line in using_lines():
        words = shlex.split(line, comments=True)
        if words[0] != "meili" or any(mark in line for mark in SKIP_MARKS):
            continue
        code, _out, err = run(words[1:], capsys)
        assert code == 0, f"{line}\n{err}"
        ran += 1
    assert ran >= 30
    assert (work / "fix-me.xlsx").is_file() and (work / "air.xlsx").is_file()
