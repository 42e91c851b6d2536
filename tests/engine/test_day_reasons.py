"""Missing-day reasons (GB 3095 Table 4; HJ 663 §6.1.2) built per distinct count combination
equal the plain per-row string concatenation they replace."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from meili.engine.air_period import DAILY_POLS, _day_reasons
from meili.standards.air.validity import MIN_HOURS_DAILY, MIN_WINDOWS_MDA8


def _row_wise(frame: pd.DataFrame, site_level: bool) -> pd.Series:
    text = pd.Series("", index=frame.index, dtype=object)
    for p in DAILY_POLS:
        missing = frame[p].isna()
        if site_level:
            n = frame[f"n_{p}"].fillna(0).astype(int).astype(str)
            why = p + ": " + n + f" hourly values < {MIN_HOURS_DAILY}; "
        else:
            why = pd.Series(
                f"{p}: no site with ≥ {MIN_HOURS_DAILY} hourly values; ", index=frame.index
            )
        text = text + why.where(missing, "")
    w = frame["o3_8h_windows"].fillna(0).astype(int).astype(str)
    why = "o3_8h: " + w + f" valid 8-h windows < {MIN_WINDOWS_MDA8}; "
    text = text + why.where(frame["o3_8h"].isna(), "")
    return text.str.rstrip("; ")


@pytest.mark.parametrize("n", [0, 1, 50, 5000])
@pytest.mark.parametrize("site_level", [True, False])
def test_reasons_equal_row_wise(n: int, site_level: bool) -> None:
    rng = np.random.default_rng(n)
    cols = {p: np.where(rng.random(n) < 0.3, np.nan, 1.0) for p in (*DAILY_POLS, "o3_8h")}
    frame = pd.DataFrame(cols, index=np.arange(n)[::-1] + 5)
    for p in DAILY_POLS:
        frame[f"n_{p}"] = rng.integers(0, 24, n).astype(float)
        frame.loc[frame.index[rng.random(n) < 0.1], f"n_{p}"] = np.nan
    frame["o3_8h_windows"] = rng.integers(0, 17, n)
    got = _day_reasons(frame, site_level)
    pd.testing.assert_series_equal(got["en"], _row_wise(frame, site_level))
    # the zh sentence has the same parts, in the same order, joined by "；"
    zh = got["zh"][got["en"] != ""]
    assert (zh.str.count("；") == got["en"][got["en"] != ""].str.count("; ")).all()
    assert not zh.str.contains(r"\[|\]").any()  # one flat sentence, nothing nested
