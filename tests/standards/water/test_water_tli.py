"""TLI(Σ), 总站生字〔2001〕090号 (standards.md §6): weights, formulas, a worked example."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from meili.standards.water import tli, tli_components, trophic_grade, weights


def test_weights_match_published_rounded_values() -> None:
    w = weights()
    expected = {"chla": 0.2663, "tp": 0.1879, "tn": 0.1790, "sd": 0.1834, "codmn": 0.1834}
    for k, v in expected.items():
        assert w[k] == pytest.approx(v, abs=5e-5)
    assert sum(w.values()) == pytest.approx(1.0)


def test_components_at_unit_values_are_the_intercepts() -> None:
    f = pd.DataFrame({"chla": [1.0], "tp": [1.0], "tn": [1.0], "sd": [1.0], "codmn": [1.0]})
    c = tli_components(f).iloc[0]
    assert c["chla"] == pytest.approx(25.0)
    assert c["tp"] == pytest.approx(94.36)
    assert c["tn"] == pytest.approx(54.53)
    assert c["sd"] == pytest.approx(51.18)
    assert c["codmn"] == pytest.approx(1.09)


def test_worked_example() -> None:
    # chla 10 mg/m³, TP 0.05, TN 1.0, SD 1.0 m, CODMn 4 mg/L, by hand:
    # TLI(chla) = 10(2.5 + 1.086·ln 10 = 2.500607) = 50.00607
    # TLI(TP)   = 10(9.436 + 1.624·ln 0.05 = −4.865069) = 45.70931
    # TLI(TN)   = 54.53; TLI(SD) = 51.18
    # TLI(CODMn)= 10(0.109 + 2.661·ln 4 = 3.688929) = 37.97929
    # Σ W·TLI with W = 0.2663, 0.1879, 0.1790, 0.1834, 0.1834:
    # 13.31662 + 8.58878 + 9.76087 + 9.38641 + 6.96540 = 48.0181
    f = pd.DataFrame({"chla": [10.0], "tp": [0.05], "tn": [1.0], "sd": [1.0], "codmn": [4.0]})
    value = tli(f).iloc[0]
    assert value == pytest.approx(48.018, abs=0.01)
    assert trophic_grade([value]).iloc[0] == "中营养"


def test_missing_parameter_needs_partial() -> None:
    f = pd.DataFrame({"chla": [10.0], "tp": [0.05], "tn": [np.nan], "sd": [1.0], "codmn": [4.0]})
    assert np.isnan(tli(f).iloc[0])
    w = {"chla": 1.0, "tp": 0.7056, "sd": 0.6889, "codmn": 0.6889}
    comps = {"chla": 50.00607, "tp": 45.70931, "sd": 51.18, "codmn": 37.97929}
    expected = sum(w[k] * comps[k] for k in w) / sum(w.values())
    assert tli(f, partial=True).iloc[0] == pytest.approx(expected, abs=1e-3)


def test_non_positive_values_give_nan() -> None:
    f = pd.DataFrame({"chla": [0.0], "tp": [0.05], "tn": [1.0], "sd": [1.0], "codmn": [4.0]})
    assert np.isnan(tli(f).iloc[0])


def test_grade_boundaries() -> None:
    got = trophic_grade([29.99, 30.0, 50.0, 50.01, 60.0, 60.01, 70.0, 70.01, np.nan])
    assert list(got[:8]) == [
        "贫营养",
        "中营养",
        "中营养",
        "轻度富营养",
        "轻度富营养",
        "中度富营养",
        "中度富营养",
        "重度富营养",
    ]
    assert pd.isna(got.iloc[8])
