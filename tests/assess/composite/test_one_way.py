"""One way to do each thing in the composites (issue 14 item 5): one normalisation
dispatcher, one Monte Carlo entry point."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

import meili
from meili.assess.composite.normalise import normalise

ROOT = Path(meili.__file__).resolve().parent
METHOD_FUNCTIONS = {"minmax", "zscore", "distance_to_target", "goalposts", "rank_scores"}


def _imported(path: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.setdefault(node.module, set()).update(a.name for a in node.names)
    return out


def test_only_the_dispatcher_turns_method_names_into_normalisations() -> None:
    users = {}
    for path in ROOT.rglob("*.py"):
        names = _imported(path).get("meili.assess.composite.normalise", set())
        if names & METHOD_FUNCTIONS:
            users[str(path.relative_to(ROOT))] = sorted(names & METHOD_FUNCTIONS)
    assert users == {}, users  # everyone goes through normalise(...)


def test_only_one_module_runs_the_monte_carlo() -> None:
    users = {
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if {"monte_carlo", "build_model"}
        & _imported(path).get("meili.assess.composite.uncertainty", set())
    }
    assert users == set(), users  # the pipeline and the zone index call rank_uncertainty


def test_dispatcher_names_and_alias() -> None:
    data = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    direct = normalise(data, "dist2targ", targets={"a": 3.0})
    pd.testing.assert_frame_equal(normalise(data, "distance", targets={"a": 3.0}), direct)
    assert direct["a"].tolist() == pytest.approx([0.0, 50.0, 100.0])  # (x − 1)/(3 − 1)·100
    with pytest.raises(ValueError, match="unknown normalisation"):
        normalise(data, "nope")
