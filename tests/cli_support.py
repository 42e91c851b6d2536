"""Helpers for CLI tests: run ``meili`` in-process and check one-line errors."""

from __future__ import annotations

import pytest

from meili.cli.main import main


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``meili ARGS``; return (exit code, stdout, stderr)."""
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code: int, err: str) -> str:
    """Assert a user error: non-zero exit, no traceback, exactly one line; return it."""
    assert code != 0 and "Traceback" not in err
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1, err
    return lines[0]
