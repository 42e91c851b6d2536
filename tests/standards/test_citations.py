"""The citation file resolves: every [@ID] in the code names an entry, nothing cites outside files.

Issue 12 item 9: docstrings cited ``standards.md`` (not in the repository) and marks
``[V1]/[V2]/[M]`` defined nowhere.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import meili
import meili.standards
from meili.standards.citations import (
    CITE,
    UNCONFIRMED,
    citation,
    citations,
    cited,
    cited_by,
    marks,
)

ROOT = Path(meili.__file__).resolve().parent
SOURCES = sorted(ROOT.rglob("*.py"))
#: Files outside the repository that docstrings used to cite.
OUTSIDE = re.compile(r"standards\.md|DESIGN\.md|\.\./shared|/work/shared|reference/standards/")
#: Confidence marks written bare in the code (they live in the citation file only).
BARE_MARK = re.compile(r"\[(?:P|D|R|C|V1|V2|M)(?:[\],]| —)")
STANDARD_NAME = re.compile(r"\b(?:HJ \d|GB \d|GB/T \d|环办|总站生字|排名技术规定)")
SAYS_UNCONFIRMED = re.compile(r"unconfirmed|not read|from memory|NOT available|not available")


def _docstrings(path: Path) -> list[tuple[str, str]]:
    """(where, docstring) of the module, classes and functions of a source file."""
    tree = ast.parse(path.read_text("utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node)
            if doc:
                out.append((f"{path.relative_to(ROOT.parent)}:{getattr(node, 'name', '')}", doc))
    return out


def test_every_citation_in_the_code_resolves() -> None:
    used: dict[str, str] = {}
    for path in SOURCES:
        for m in CITE.finditer(path.read_text("utf-8")):
            used.setdefault(m.group(1), str(path.relative_to(ROOT.parent)))
    unknown = {cid: where for cid, where in used.items() if cid not in citations()}
    assert not unknown, f"citations not in meili/standards/citations.yaml: {unknown}"
    assert len(used) > 60  # the standards are cited, not just a few


def test_no_docstring_cites_a_file_outside_the_repository() -> None:
    bad = [
        (where, m.group(0))
        for path in SOURCES
        for where, doc in _docstrings(path)
        for m in OUTSIDE.finditer(doc)
    ]
    assert not bad, bad
    comments = [
        (str(path), line)
        for path in SOURCES
        for line in path.read_text("utf-8").splitlines()
        if line.strip().startswith("#") and OUTSIDE.search(line)
    ]
    assert not comments, comments


def test_no_undefined_confidence_marks_in_the_code() -> None:
    bad = [
        (str(path.relative_to(ROOT.parent)), m.group(0))
        for path in SOURCES
        for m in BARE_MARK.finditer(path.read_text("utf-8"))
        if "datetime64[D]" not in m.string[max(0, m.start() - 12) : m.end()]
    ]
    assert not bad, bad


def test_the_file_defines_its_marks_documents_and_entries() -> None:
    defined = marks()
    assert {"P", "V2", "V1", "D", "M", "R", "C"} <= set(defined)
    assert all(set(v) == {"en", "zh"} for v in defined.values())
    for cid, c in citations().items():
        assert re.fullmatch(r"[a-z0-9][a-z0-9.:_\-]*", cid), cid
        assert c.mark in defined, (cid, c.mark)
        assert c.standard and c.edition and c.clause and c.about and c.text, cid
        if c.mark in UNCONFIRMED:  # unconfirmed content says what would confirm it
            assert c.confirm, f"{cid} ({c.mark}) lacks 'confirm'"
        assert not OUTSIDE.search(c.text + c.source + c.checked), cid


def test_loader_for_later_work() -> None:
    c = citation("hj633-2026:5.3.1")
    assert (c.standard, c.edition, c.clause, c.mark) == ("HJ 633", "2026", "§5.3.1", "P")
    assert c.confirmed and c.label() == "HJ 633-2026 §5.3.1"
    assert citation("[@gb3096-2008:lmax]").confirmed is False
    with pytest.raises(KeyError, match="no citation"):
        citation("hj633-2026:9.9")
    assert cited("a [@x:1] b [@y:2] [@x:1]") == ["x:1", "y:2"]
    from meili.standards.air.index import aqi

    assert "hj633-2026:5.3.1" in [c.id for c in cited_by(aqi)]


def _standard_functions() -> list[tuple[str, object]]:
    out = []
    for info in pkgutil.walk_packages(meili.standards.__path__, "meili.standards."):
        module = importlib.import_module(info.name)
        out.append((info.name, module))
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != info.name:
                continue
            if inspect.isfunction(obj) or inspect.isclass(obj):
                out.append((f"{info.name}.{name}", obj))
    return out


def test_every_standards_module_and_method_naming_a_standard_cites_it() -> None:
    missing = []
    for where, obj in _standard_functions():
        doc = inspect.getdoc(obj) or ""
        is_module = inspect.ismodule(obj)
        if (is_module or STANDARD_NAME.search(doc)) and not cited(doc):
            missing.append(where)
    assert not missing, f"name a standard but cite no [@ID]: {missing}"


def test_unconfirmed_citations_are_said_plainly() -> None:
    silent = []
    for where, obj in _standard_functions():
        doc = inspect.getdoc(obj) or ""
        module = obj if inspect.ismodule(obj) else inspect.getmodule(obj)
        context = doc + (inspect.getdoc(module) or "")
        weak = [cid for cid in cited(doc) if not citation(cid).confirmed]
        if weak and not SAYS_UNCONFIRMED.search(context):
            silent.append((where, weak))
    assert not silent, f"cite unconfirmed entries without saying so: {silent}"
