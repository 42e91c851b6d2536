"""Read a framework YAML file (UTF-8 or GBK/GB18030) and validate it, reporting every error
with its file, line and field path."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes
from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from meili.errors import Location, MeiliError, UserError, ValidationFailed
from meili.framework.checks import Path as FieldPath
from meili.framework.checks import check
from meili.framework.schema import Framework

DEFAULT_DIR = Path(__file__).with_name("default")
DEFAULT_FILE = "meili-default-2025.1.yaml"
_CHINESE = {"gb2312", "gbk", "gb18030", "hz", "cp936"}

Resolver = Callable[[str, str], "Framework | None"]


def read_text(path: Path) -> str:
    """The text of ``path``, decoded from UTF-8 or (detected) GBK/GB18030."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw).best()
    for encoding in ([best.encoding] if best and best.encoding in _CHINESE else []) + ["gb18030"]:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    guess = best.encoding if best else "unknown"
    raise UserError(f"{path}: not UTF-8 or GBK/GB18030 text (detected: {guess})")


def parse_yaml(text: str, file: str) -> Any:
    """The YAML document as a round-trip tree that keeps line numbers."""
    yaml = YAML(typ="rt")
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        row = mark.line + 1 if mark else None
        col = str(mark.column + 1) if mark else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise ValidationFailed(
            f"{file}: invalid YAML", [MeiliError(problem, Location(file, row, col))]
        ) from exc


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


def locate(tree: Any, loc: FieldPath) -> tuple[int | None, str]:
    """The 1-based line of the deepest node on ``loc`` that exists, and the field path."""
    node, line, parts = tree, _line_of(tree), []
    for elem in loc:
        if isinstance(node, CommentedSeq) and isinstance(elem, int) and 0 <= elem < len(node):
            line = node.lc.item(elem)[0] + 1
            node = node[elem]
            parts.append(f"[{elem}]")
        elif isinstance(node, CommentedMap) and elem in node:
            line = node.lc.key(elem)[0] + 1
            node = node[elem]
            parts.append(f".{elem}")
        elif isinstance(node, CommentedMap) and elem == node.get("kind"):
            continue  # the tag pydantic adds for a tagged union
        elif isinstance(elem, str) and (elem.startswith("function-") or elem == "[key]"):
            continue
        else:
            node = None
            parts.append(f"[{elem}]" if isinstance(elem, int) else f".{elem}")
    return line, "".join(parts).lstrip(".")


def _line_of(node: Any) -> int | None:
    lc = getattr(node, "lc", None)
    return lc.line + 1 if lc is not None and lc.line is not None else None


def _message(err: dict[str, Any]) -> str:
    msg = str(err["msg"])
    if err["type"] == "value_error":
        msg = msg.removeprefix("Value error, ")
    if err["type"] in ("literal_error", "enum") and "input" in err:
        msg = f"{msg} (got {err['input']!r})"
    return msg


def validate(tree: Any, file: str, resolve: Resolver | None = None) -> Framework:
    """Validate a parsed tree: schema first, then the semantic checks; all errors at once."""
    if not isinstance(tree, CommentedMap):
        raise ValidationFailed(
            f"{file}: not a framework",
            [MeiliError("the file must be a YAML mapping", Location(file, _line_of(tree) or 1))],
        )
    data = plain(tree)
    problems: list[MeiliError] = []
    fw: Framework | None = None
    try:
        fw = Framework.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            row, field = locate(tree, tuple(err["loc"]))
            problems.append(MeiliError(_message(err), Location(file, row, field or None)))
    for loc, msg in check(data, resolve or bundled):
        row, field = locate(tree, loc)
        problems.append(MeiliError(msg, Location(file, row, field or None)))
    if problems or fw is None:
        raise _failed(file, problems)
    return fw


def _failed(file: str, problems: list[MeiliError]) -> ValidationFailed:
    problems.sort(key=lambda p: (p.location.row or 0) if p.location else 0)  # stable
    n = len(problems)
    return ValidationFailed(f"{file}: {n} error{'s' if n != 1 else ''}", problems)


def load_framework_file(path: str | Path, resolve: Resolver | None = None) -> Framework:
    """Load and validate a framework file; raises ValidationFailed listing every error.

    ``resolve(code, version)`` finds the base framework of a specialty file (default: the
    frameworks bundled with Meili).
    """
    path = Path(path)
    return validate(parse_yaml(read_text(path), str(path)), str(path), resolve)


def default_framework_path() -> Path:
    """The bundled default framework file."""
    return DEFAULT_DIR / DEFAULT_FILE


@cache
def _bundled_all() -> dict[tuple[str, str], Framework]:
    out: dict[tuple[str, str], Framework] = {}
    for path in sorted(DEFAULT_DIR.glob("*.yaml")):
        fw = load_framework_file(path, resolve=lambda code, version: None)
        out[(fw.code, fw.version)] = fw
    return out


def bundled(code: str, version: str) -> Framework | None:
    """A framework bundled with Meili, by code and version, or None."""
    return _bundled_all().get((code, version))


def default_framework() -> Framework:
    """The bundled default framework (validated once per process)."""
    return _default()


@cache
def _default() -> Framework:
    return load_framework_file(default_framework_path(), resolve=lambda code, version: None)
