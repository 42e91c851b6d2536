"""Property tests: monotonicity and consistency of GB 3838-2002 classes and the 2011 method."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from meili.standards.water import (
    ROUTINE_ITEMS,
    class_numbers,
    classify,
    exceedance_multiples,
    item_class,
    single_factor_classes,
)

MAX_ITEMS = [i for i in ROUTINE_ITEMS if i not in ("ph", "do")] + ["tn", "fecal_coliform"]
conc = st.floats(min_value=0, max_value=1e5, allow_nan=False)


@given(st.sampled_from(MAX_ITEMS), conc, conc, st.booleans())
def test_class_monotone_in_concentration(item: str, a: float, b: float, lake: bool) -> None:
    lo, hi = sorted((a, b))
    got = item_class(item, [lo, hi], lake=lake)
    assert got[0] <= got[1]


@given(st.floats(min_value=0, max_value=30), st.floats(min_value=0, max_value=30))
def test_do_class_antitone(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    got = item_class("do", [lo, hi])
    assert got[0] >= got[1]


@given(st.floats(min_value=0, max_value=2))
def test_lake_tp_never_better_than_river(tp: float) -> None:
    assert item_class("tp", [tp], lake=True)[0] >= item_class("tp", [tp], lake=False)[0]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0, 14), st.floats(0, 20), st.floats(0, 5), st.floats(0, 1), st.floats(0, 10)
        ),
        min_size=1,
        max_size=30,
    )
)
def test_section_class_is_worst_single_factor(rows: list[tuple[float, ...]]) -> None:
    f = pd.DataFrame(rows, columns=["ph", "do", "nh3n", "tp", "tn"])
    worst = single_factor_classes(f, "river", ("ph", "do", "nh3n", "tp")).max(axis=1)
    got = class_numbers(classify(f))
    assert (got.to_numpy(dtype=float) == worst.to_numpy(dtype=float)).all()
    # TN is a reference item: never changes a river's class
    assert classify(f, with_tn=True).equals(classify(f))
    # exceedance multiple positive exactly where the item is worse than Ⅲ
    m = exceedance_multiples(f)
    cls = single_factor_classes(f)
    assert ((m["nh3n"] > 0).to_numpy() == (cls["nh3n"] > 3).to_numpy(dtype=bool)).all()


@given(st.floats())
def test_any_float_is_handled(x: float) -> None:
    out = item_class("nh3n", [x])
    assert np.isnan(out[0]) or 1 <= out[0] <= 6
