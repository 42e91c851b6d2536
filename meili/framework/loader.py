"""Read a framework YAML file (UTF-8 or GBK/GB18030) and validate it, reporting every error
with its file, line and field path."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap

from meili.errors import Location, MeiliError, ValidationFailed
from meili.framework.checks import check
from meili.framework.schema import Framework
from meili.textfile import read_text
from meili.yamlfile import error_message, line_of, locate, parse_yaml, plain

DEFAULT_DIR = Path(__file__).with_name("default")
DEFAULT_FILE = "meili-default-2026.1.yaml"
#: The frameworks of the five regional efforts (国办函〔2025〕2号 §二), each extending the
#: default and naming its regional zone (``zone: R-JJJ`` …).
REGIONAL_DIR = Path(__file__).with_name("regional")

Resolver = Callable[[str, str], "Framework | None"]


def validate(
    tree: Any, file: str, resolve: Resolver | None, *, methods: Collection[str] | None
) -> Framework:
    """Validate a parsed tree: schema first, then the semantic checks; all errors at once.

    ``methods``: the method ids an indicator may name (``meili.methods.known_ids()``, passed
    by the caller: the framework layer does not know the methods); None where the caller
    checks them itself (the bundled frameworks, checked by the tests).
    """
    if not isinstance(tree, CommentedMap):
        raise ValidationFailed(
            f"{file}: not a framework",
            [MeiliError("the file must be a YAML mapping", Location(file, line_of(tree) or 1))],
        )
    data = plain(tree)
    problems: list[MeiliError] = []
    fw: Framework | None = None
    try:
        fw = Framework.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            row, field = locate(tree, tuple(err["loc"]))
            problems.append(MeiliError(error_message(err), Location(file, row, field or None)))
    for loc, msg in check(data, resolve or bundled, methods):
        row, field = locate(tree, loc)
        problems.append(MeiliError(msg, Location(file, row, field or None)))
    if problems or fw is None:
        raise _failed(file, problems)
    return fw


def _failed(file: str, problems: list[MeiliError]) -> ValidationFailed:
    problems.sort(key=lambda p: (p.location.row or 0) if p.location else 0)  # stable
    n = len(problems)
    return ValidationFailed(f"{file}: {n} error{'s' if n != 1 else ''}", problems)


def load_framework_file(
    path: str | Path, resolve: Resolver | None = None, *, methods: Collection[str] | None
) -> Framework:
    """Load and validate a framework file; raises ValidationFailed listing every error.

    ``resolve(code, version)`` finds the base framework of a specialty file (default: the
    frameworks bundled with Meili); ``methods`` as for :func:`validate`.
    """
    path = Path(path)
    return validate(parse_yaml(read_text(path), str(path)), str(path), resolve, methods=methods)


def default_framework_path() -> Path:
    """The bundled default framework file."""
    return DEFAULT_DIR / DEFAULT_FILE


@cache
def _bundled_all() -> dict[tuple[str, str], Framework]:
    out: dict[tuple[str, str], Framework] = {}
    for path in sorted(DEFAULT_DIR.glob("*.yaml")):
        fw = load_framework_file(path, resolve=lambda code, version: None, methods=None)
        out[(fw.code, fw.version)] = fw
    for path in sorted(REGIONAL_DIR.glob("*.yaml")):  # they extend a default, loaded above
        fw = load_framework_file(path, resolve=lambda c, v: out.get((c, v)), methods=None)
        out[(fw.code, fw.version)] = fw
    return out


def bundled_frameworks() -> list[Framework]:
    """Every framework bundled with Meili (default versions, then the regional ones)."""
    return list(_bundled_all().values())


def latest_bundled(code: str) -> Framework | None:
    """The newest bundled version of framework ``code``, or None."""
    found = [fw for (c, _), fw in _bundled_all().items() if c == code]
    return max(found, key=lambda fw: version_key(fw.version)) if found else None


def regional_frameworks() -> dict[str, Framework]:
    """Regional zone code → the newest bundled framework of that zone (unmerged)."""
    out: dict[str, Framework] = {}
    for fw in _bundled_all().values():
        if fw.zone and fw.base_ref:
            best = out.get(fw.zone)
            if best is None or version_key(fw.version) > version_key(best.version):
                out[fw.zone] = fw
    return out


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key of a version: numeric parts as numbers (2025.10 after 2025.9)."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-]", version))


def bundled(code: str, version: str) -> Framework | None:
    """A framework bundled with Meili, by code and version, or None."""
    return _bundled_all().get((code, version))


def default_framework() -> Framework:
    """The bundled default framework (validated once per process)."""
    return _default()


@cache
def _default() -> Framework:
    return load_framework_file(
        default_framework_path(), resolve=lambda code, version: None, methods=None
    )
