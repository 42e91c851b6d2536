"""YAML files with line numbers, and pydantic errors mapped back to file, line and field."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from io import StringIO
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from meili.errors import Location, MeiliError, UserError
from meili.textfile import read_text

Locator = Callable[[Sequence[str | int]], int | None]


def _plain(node: Any) -> Any:
    if isinstance(node, CommentedMap):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [_plain(v) for v in node]
    return node


def parse_yaml(text: str, name: str) -> tuple[Any, Locator]:
    """Parse YAML text; return plain data and a function giving the 1-based line of a path."""
    yaml = YAML(typ="rt")
    try:
        root = yaml.load(StringIO(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        row = mark.line + 1 if mark else None
        col = f"{mark.column + 1}" if mark else None
        raise UserError(f"YAML syntax error: {exc.problem}", Location(name, row, col)) from None

    def locate(path: Sequence[str | int]) -> int | None:
        node, line = root, None
        for key in path:
            try:
                if isinstance(node, CommentedMap) and key in node:
                    line = node.lc.key(key)[0] + 1
                    node = node[key]
                elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
                    line = node.lc.item(key)[0] + 1
                    node = node[key]
                else:
                    break
            except (KeyError, IndexError, TypeError, AttributeError):
                break
        if line is None and hasattr(root, "lc"):
            line = root.lc.line + 1
        return line

    return _plain(root), locate


def load_yaml(path: str | Path) -> tuple[Any, Locator]:
    """Read and parse a YAML file (UTF-8 or GBK); see :func:`parse_yaml`."""
    return parse_yaml(read_text(path), str(path))


def field_path(loc: Sequence[str | int]) -> str:
    """``("zones", 2, "members")`` → ``zones[2].members``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def pydantic_problems(
    exc: ValidationError,
    file: str,
    locate: Locator,
    prefix: Sequence[str | int] = (),
) -> list[MeiliError]:
    """One located problem per pydantic error, with file, line and field path."""
    problems: list[MeiliError] = []
    for err in exc.errors():
        loc = [*prefix, *[p for p in err["loc"] if not _is_tag(p)]]
        problems.append(MeiliError(err["msg"], Location(file, locate(loc), field_path(loc))))
    return problems


def _is_tag(part: Any) -> bool:
    # discriminated-union tags and function-validator names appear in pydantic's loc
    return isinstance(part, str) and (part.startswith("function-") or "[" in part)
