"""Pipeline YAML: validation, line numbers in errors, generic runner on any data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from ruamel.yaml import YAML

from meili.assess.composite.coin import CoinInputError, build_coin
from meili.assess.composite.pipeline import (
    NormaliseStep,
    PipelineError,
    load_pipeline,
    parse_pipeline,
)
from meili.assess.composite.runner import StepError, run_pipeline

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "coinr-asem.yaml"


def test_example_pipeline_loads() -> None:
    p = load_pipeline(EXAMPLE)
    assert [s.step for s in p.steps] == [
        "denominate",
        "impute",
        "screen",
        "treat",
        "normalise",
        "aggregate",
    ]
    assert [s.name for s in p.steps] == [
        "Denominated",
        "Imputed",
        "Screened",
        "Treated",
        "Normalised",
        "Aggregated",
    ]
    norm = p.steps[4]
    assert isinstance(norm, NormaliseStep) and (norm.lower, norm.upper) == (0, 100)
    assert p.uncertainty is not None and len(p.uncertainty.normalisation) == 3
    # every step is commented with the COINr function it mirrors
    text = EXAMPLE.read_text(encoding="utf-8")
    for fn in ("Denominate(", "Impute(", "Screen(", "Treat(", "Normalise(", "Aggregate("):
        assert f"# {fn}" in text


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_step_reports_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "name: x\nsteps:\n  - step: denominate\n  - step: frobnicate\n")
    with pytest.raises(PipelineError, match="unknown step 'frobnicate'") as err:
        load_pipeline(path)
    assert err.value.line == 4


def test_unknown_key_and_bad_value(tmp_path: Path) -> None:
    path = _write(tmp_path, "steps:\n  - step: treat\n    winmx: 5\n")
    with pytest.raises(PipelineError, match="winmx") as err:
        load_pipeline(path)
    assert err.value.line == 3
    path = _write(tmp_path, "steps:\n  - step: impute\n    method: group_mean\n")
    with pytest.raises(PipelineError, match="group"):
        load_pipeline(path)
    path = _write(tmp_path, "steps:\n  - step: screen\n    dat_thresh: 2\n")
    with pytest.raises(PipelineError, match="dat_thresh"):
        load_pipeline(path)


def test_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="invalid YAML") as err:
        load_pipeline(_write(tmp_path, "steps:\n  - step: [unclosed\n"))
    assert err.value.line is not None
    with pytest.raises(PipelineError, match="mapping"):
        parse_pipeline(["not", "a", "mapping"])


def _toy() -> tuple[pd.DataFrame, pd.DataFrame]:
    idata = pd.DataFrame(
        {
            "uCode": ["A", "B", "C", "D"],
            "grp": ["x", "x", "y", "y"],
            "Pop": [1.0, 2.0, 4.0, 5.0],
            "i1": [1.0, None, 3.0, 8.0],
            "i2": [10.0, 20.0, 30.0, 40.0],
        }
    )
    imeta = pd.DataFrame(
        {
            "Level": [1, 1, 2, None, None],
            "iCode": ["i1", "i2", "Index", "grp", "Pop"],
            "Direction": [1, -1, 1, None, None],
            "Weight": [1, 1, 1, None, None],
            "Denominator": [None, "Pop", None, None, None],
            "Parent": ["Index", "Index", None, None, None],
            "Type": ["Indicator", "Indicator", "Aggregate", "Group", "Denominator"],
        }
    )
    return idata, imeta


def test_generic_runner_on_other_data() -> None:
    doc = YAML(typ="safe").load(
        "steps:\n"
        "  - {step: denominate}\n"
        "  - {step: impute, method: group_mean, group: grp}\n"
        "  - {step: normalise, method: minmax}\n"
        "  - {step: aggregate, method: arithmetic}\n"
    )
    result = run_pipeline(build_coin(*_toy()), parse_pipeline(doc))
    den = result.datasets["Denominated"]
    # i2/Pop = 10, 10, 7.5, 8
    assert den["i2"].tolist() == [10.0, 10.0, 7.5, 8.0]
    assert result.datasets["Imputed"].loc["B", "i1"] == 1.0  # group x mean of {1}
    norm = result.datasets["Normalised"]
    # i1: 1, 1, 3, 8 → 0, 0, 200/7, 100; i2 (direction −1): (10 − x)/2.5·100 = 0, 0, 100, 80
    assert norm["i2"].tolist() == [0.0, 0.0, 100.0, 80.0]
    res = result.results()
    assert list(res.columns) == ["Index", "Rank"]
    # Index: A 0, B 0, C (200/7 + 100)/2 = 64.29, D 90 → ranks 3, 3, 2, 1
    assert res["Rank"].tolist() == [3.0, 3.0, 2.0, 1.0]


def test_step_errors_and_input_errors() -> None:
    doc = {"steps": [{"step": "impute", "method": "group_mean", "group": "nope"}]}
    with pytest.raises(StepError, match="nope"):
        run_pipeline(build_coin(*_toy()), parse_pipeline(doc))
    doc = {"steps": [{"step": "normalise"}, {"step": "aggregate", "method": "geometric"}]}
    with pytest.raises(StepError, match="positive"):  # min-max 0 is not allowed in a gmean
        run_pipeline(build_coin(*_toy()), parse_pipeline(doc))
    idata, imeta = _toy()
    with pytest.raises(CoinInputError, match="i2") as err:
        build_coin(idata.drop(columns="i2"), imeta)
    assert err.value.source == "data" and err.value.column == "i2"
    bad = imeta.copy()
    bad.loc[0, "Parent"] = "Nowhere"
    with pytest.raises(CoinInputError, match="Nowhere") as err:
        build_coin(idata, bad)
    assert err.value.row == 2 and err.value.column == "Parent"
    bad = imeta.copy()
    bad.loc[1, "Direction"] = 0
    with pytest.raises(CoinInputError, match="Direction"):
        build_coin(idata, bad)
    with pytest.raises(CoinInputError, match="uCode"):
        build_coin(idata.drop(columns="uCode"), imeta)
    bad = idata.copy()
    bad["i1"] = bad["i1"].astype(object)
    bad.loc[2, "i1"] = "n/a?"
    with pytest.raises(CoinInputError, match="non-numeric") as err:
        build_coin(bad, imeta)
    assert err.value.row == 4
