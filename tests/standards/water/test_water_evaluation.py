"""Section evaluation by 环办〔2011〕22号: worst routine item, TN/fecal coliform as reference items,
exceedance multiples, main pollutants, period means and target compliance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from meili.standards.water import (
    ROUTINE_ITEMS,
    classify,
    classify_period,
    exceedance_multiples,
    main_pollutants,
    meets_target,
    period_means,
    quality_grade,
)


def test_twenty_one_routine_items() -> None:
    assert len(ROUTINE_ITEMS) == 21
    assert not {"tn", "fecal_coliform", "temp"} & set(ROUTINE_ITEMS)
    assert "cod" in ROUTINE_ITEMS


def test_worst_item_wins_and_returns_labels() -> None:
    f = pd.DataFrame({"ph": [7.5, 7.0], "do": [8.0, 4.0], "nh3n": [0.6, 0.1], "tp": [0.05, 0.01]})
    out = classify(f)
    assert list(out) == ["Ⅲ", "Ⅳ"]
    assert out.dtype == "string"


def test_reference_items_do_not_count() -> None:
    f = pd.DataFrame({"nh3n": [0.1], "tn": [5.0], "fecal_coliform": [100000.0], "temp": [30.0]})
    assert classify(f).iloc[0] == "Ⅰ"
    assert classify(f, "lake").iloc[0] == "Ⅰ"


def test_tn_only_for_lakes_when_asked() -> None:
    f = pd.DataFrame({"nh3n": [0.1, 0.1], "tn": [1.2, 1.2]})
    assert list(classify(f, "river", with_tn=True)) == ["Ⅰ", "Ⅰ"]
    assert list(classify(f, "lake", with_tn=True)) == ["Ⅳ", "Ⅳ"]
    wb = pd.Series(["river", "lake"])
    assert list(classify(f, wb, with_tn=True)) == ["Ⅰ", "Ⅳ"]


def test_per_row_waterbody_and_missing_rows() -> None:
    f = pd.DataFrame({"tp": [0.05, 0.05, np.nan], "other": [1, 2, 3]})
    out = classify(f, pd.Series(["river", "湖", "lake"]))
    assert out.iloc[0] == "Ⅱ" and out.iloc[1] == "Ⅲ" and pd.isna(out.iloc[2])
    with pytest.raises(ValueError):
        classify(f, "ocean")


def test_bad_values_are_not_classified() -> None:
    f = pd.DataFrame({"ph": [15.0, 7.0], "nh3n": [-0.1, 0.6], "tp": ["x", 0.01]})
    assert pd.isna(classify(f).iloc[0])
    assert classify(f).iloc[1] == "Ⅲ"


def test_exceedance_multiples_against_class_iii() -> None:
    f = pd.DataFrame({"nh3n": [2.0, 0.5], "tp": [0.5, 0.1], "do": [1.0, 8.0], "ph": [10.0, 7.0]})
    m = exceedance_multiples(f)
    assert m.loc[0, "nh3n"] == pytest.approx(1.0)  # (2.0 − 1.0)/1.0
    assert m.loc[0, "tp"] == pytest.approx(1.5)  # (0.5 − 0.2)/0.2
    assert np.isnan(m.loc[1, "nh3n"])  # not exceeded
    assert "do" not in m.columns and "ph" not in m.columns  # no multiple for DO, pH
    lake = exceedance_multiples(f, "lake")
    assert lake.loc[1, "tp"] == pytest.approx(1.0)  # (0.1 − 0.05)/0.05


def test_exceedance_against_target_class() -> None:
    f = pd.DataFrame({"codmn": [5.0]})
    assert exceedance_multiples(f, target="Ⅱ").loc[0, "codmn"] == pytest.approx(0.25)


def test_main_pollutants_order_and_priority() -> None:
    f = pd.DataFrame(
        {
            "nh3n": [3.0],  # 劣Ⅴ, multiple 2.0
            "tp": [0.5],  # 劣Ⅴ, multiple 1.5
            "codmn": [12.0],  # Ⅴ, multiple 1.0
            "cod": [35.0],  # Ⅴ, multiple 0.75
            "pb": [0.06],  # Ⅴ, multiple 0.2 — heavy metal: first ("优先"), though 5th by class
            "do": [4.0],  # Ⅳ
        }
    )
    mp = main_pollutants(f)
    # issue 12 item 7: cyanide and heavy metals that exceed are placed first, then the
    # worst others fill the list up to three
    assert list(mp["item"]) == ["pb", "nh3n", "tp"]
    assert list(mp["reason"]) == ["priority", "top", "top"]
    assert list(mp["rank"]) == [1, 2, 3]
    assert mp["multiple"].iloc[1] == pytest.approx(2.0)
    # several priority items: all kept, ordered among themselves by class then multiple
    f2 = f.assign(cn=[0.25], cd=[0.02])  # CN 劣Ⅴ ×0.25, Cd 劣Ⅴ ×3.0, Pb Ⅴ
    assert list(main_pollutants(f2)["item"]) == ["cd", "cn", "pb"]


def test_no_main_pollutants_when_class_iii_or_better() -> None:
    f = pd.DataFrame({"nh3n": [0.9], "tp": [0.2]})
    assert main_pollutants(f).empty


def test_period_mean_then_classify() -> None:
    f = pd.DataFrame({"site": ["a", "a", "b"], "nh3n": [0.1, 0.2, 1.2], "tp": [0.01, 0.5, 0.1]})
    means = period_means(f, "site")
    assert means.loc["a", "tp"] == pytest.approx(0.255)
    cls = classify_period(f, "site")
    # a: NH3-N 0.15 → Ⅰ, TP 0.255 → Ⅳ (worst sample alone would give 劣Ⅴ)
    assert cls.loc["a"] == "Ⅳ" and cls.loc["b"] == "Ⅳ"


def test_meets_target() -> None:
    f = pd.DataFrame({"nh3n": [0.4, 1.2, np.nan]})
    ok = meets_target(f, "Ⅲ")
    assert ok.iloc[0] and not ok.iloc[1] and pd.isna(ok.iloc[2])
    per_row = meets_target(f, pd.Series(["I", "IV", "III"]))
    assert list(per_row.iloc[:2]) == [False, True]
    with pytest.raises(ValueError):
        meets_target(f, "劣Ⅴ")


def test_quality_grade() -> None:
    grades = quality_grade(pd.Series(["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ", None]))
    assert list(grades[:6]) == ["优", "优", "良好", "轻度污染", "中度污染", "重度污染"]
    assert pd.isna(grades.iloc[6])
