"""YAML files with line numbers, and pydantic errors mapped back to file, line and field.

The one place Meili parses user YAML: zones, frameworks and composite pipelines use it.
Limits are enforced while parsing, before anything is built: the events are counted with
aliases expanded (a 500-byte "billion laughs" file is refused at once, not after minutes)
and nesting is bounded. ``MEILI_YAML_MAX_NODES`` (default 1,000,000) and
``MEILI_YAML_MAX_DEPTH`` (default 100) set them; the file size is bounded by
:func:`meili.textfile.read_text`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from io import StringIO
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
)

from meili.errors import Location, MeiliError, UserError, ValidationFailed
from meili.textfile import read_text

FieldPath = Sequence[str | int]
DEFAULT_MAX_NODES = 1_000_000
DEFAULT_MAX_DEPTH = 100


def _limit(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def check_limits(text: str, file: str) -> None:
    """Refuse a document whose nodes, aliases expanded, pass ``MEILI_YAML_MAX_NODES`` or
    whose nesting passes ``MEILI_YAML_MAX_DEPTH`` (counted on parser events, so the cost is
    linear in the file's size whatever its aliases expand to)."""
    max_nodes = _limit("MEILI_YAML_MAX_NODES", DEFAULT_MAX_NODES)
    max_depth = _limit("MEILI_YAML_MAX_DEPTH", DEFAULT_MAX_DEPTH)
    sizes: dict[str, int] = {}
    stack: list[list[Any]] = [[0, None]]
    for event in YAML(typ="rt").parse(StringIO(text)):
        if isinstance(event, CollectionStartEvent):
            stack.append([1, event.anchor])
            if len(stack) - 1 > max_depth:
                line = event.start_mark.line + 1 if event.start_mark else None
                raise UserError(
                    f"YAML nested deeper than {max_depth} levels; refused", Location(file, line)
                )
            continue
        if isinstance(event, CollectionEndEvent):
            size, anchor = stack.pop()
            if anchor:
                sizes[anchor] = size
        elif isinstance(event, AliasEvent):
            size = sizes.get(event.anchor, 1)
        elif isinstance(event, NodeEvent):
            size = 1
            if event.anchor:
                sizes[event.anchor] = 1
        else:
            continue
        stack[-1][0] += size
        if stack[-1][0] > max_nodes or sum(s for s, _ in stack) > max_nodes:
            line = event.start_mark.line + 1 if event.start_mark else None
            raise UserError(
                f"YAML expands to more than {max_nodes:,} nodes (through aliases?); refused",
                Location(file, line),
            )


def parse_yaml(text: str, file: str) -> Any:
    """The YAML document as a round-trip tree that keeps line numbers.

    A syntax error raises :class:`ValidationFailed` with its line and column; a document
    past the limits (see :func:`check_limits`) a one-line :class:`UserError`.
    """
    try:
        check_limits(text, file)
        return YAML(typ="rt").load(StringIO(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        row = mark.line + 1 if mark else None
        col = str(mark.column + 1) if mark else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise ValidationFailed(
            f"{file}: invalid YAML", [MeiliError(problem, Location(file, row, col))]
        ) from None


def load_yaml(path: str | Path) -> Any:
    """Read (UTF-8 or GBK/GB18030) and parse a YAML file; see :func:`parse_yaml`."""
    return parse_yaml(read_text(path), str(path))


def plain(node: Any) -> Any:
    """The round-trip tree as plain dicts, lists and scalars."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    for kind in (int, float, str):
        if isinstance(node, kind):
            return kind(node)
    return node


def line_of(node: Any) -> int | None:
    """The 1-based line where a round-trip node starts."""
    lc = getattr(node, "lc", None)
    return lc.line + 1 if lc is not None and lc.line is not None else None


def locate(tree: Any, loc: FieldPath) -> tuple[int | None, str]:
    """The 1-based line of the deepest node on ``loc`` that exists, and the field path.

    Elements pydantic adds to a location that are not in the document (the tag of a
    discriminated union, validator names) are skipped.
    """
    node, line, parts = tree, line_of(tree), []
    for elem in loc:
        if isinstance(node, CommentedSeq) and isinstance(elem, int) and 0 <= elem < len(node):
            line = node.lc.item(elem)[0] + 1
            node = node[elem]
            parts.append(f"[{elem}]")
        elif isinstance(node, CommentedMap) and elem in node:
            line = node.lc.key(elem)[0] + 1
            node = node[elem]
            parts.append(f".{elem}")
        elif isinstance(node, CommentedMap) and elem in [
            v for v in node.values() if isinstance(v, str)
        ]:
            continue  # the tag pydantic adds for a tagged union
        elif isinstance(elem, str) and (elem.startswith("function-") or elem == "[key]"):
            continue
        else:
            node = None
            parts.append(f"[{elem}]" if isinstance(elem, int) else f".{elem}")
    return line, "".join(parts).lstrip(".")


def error_message(err: Any) -> str:
    """A pydantic error's message, without pydantic's prefixes, with the bad input."""
    msg = str(err["msg"])
    if err["type"] == "value_error":
        msg = msg.removeprefix("Value error, ")
    if err["type"] in ("literal_error", "enum") and "input" in err:
        msg = f"{msg} (got {err['input']!r})"
    return msg


def pydantic_problems(
    exc: ValidationError, file: str, tree: Any, prefix: FieldPath = ()
) -> list[MeiliError]:
    """One located problem per pydantic error, with file, line and field path."""
    problems = []
    for err in exc.errors():
        row, field = locate(tree, (*prefix, *err["loc"]))
        problems.append(MeiliError(error_message(err), Location(file, row, field or None)))
    return problems
