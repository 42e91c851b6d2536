"""Issue 12 items 6–7: CWQI variants and completeness; GB 3838 DO saturation, TN in lakes.

Item 7's priority of cyanide and heavy metals is in test_water_evaluation.py.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from meili.engine.water import cwqi_by_group
from meili.standards.water import (
    ROUTINE_ITEMS,
    city_cwqi,
    classify,
    cwqi_rank,
    item_class,
    main_pollutants,
    parse_values,
    single_factor_classes,
)
from meili.standards.water.cwqi import VARIANTS, cwqi_table, rank_cwqi
from meili.standards.water.gb3838 import do_saturation

DEMO = Path(str(resources.files("meili").joinpath("demo_data")))
RELEASE = {
    "ph": "ph",
    "do_mgL": "do",
    "codmn_mgL": "codmn",
    "nh3n_mgL": "nh3n",
    "tp_mgL": "tp",
    "tn_mgL": "tn",
    "temp_c": "temp_c",
}


def _release(path: Path) -> pd.DataFrame:
    """A CNEMC surface-water release as lake columns (province, section, time, items)."""
    raw = pd.read_csv(path, dtype=str)
    values = parse_values(raw[list(RELEASE)].rename(columns=RELEASE)).values
    out = raw[["province", "basin", "section", "water_class"]].join(values)
    stamp = "2021-" + raw["monitor_time_raw"].fillna("")
    out["time"] = pd.to_datetime(stamp, format="%Y-%m-%d %H:%M", errors="coerce")
    return out[out["time"].notna()]  # a few records carry "*" for the time


# --- 6. CWQI variants ------------------------------------------------------------------------


def test_a_city_measuring_fewer_items_no_longer_ranks_better() -> None:
    full = dict.fromkeys(ROUTINE_ITEMS, 0.0) | {"ph": 7.0, "do": 8.0, "nh3n": 0.5, "tp": 0.1}
    sections = pd.DataFrame(
        [
            {"city": "A", **full},  # every item, all clean: CWQI 0.625 + 0.5 + 0.5 = 1.625
            {"city": "B", "ph": 7.0, "do": 8.0, "nh3n": 0.6},  # dirtier, but only 3 items
        ]
    )
    table = city_cwqi(sections, "city")
    assert table.loc["B", "cwqi"] < table.loc["A", "cwqi"]  # fewer items → smaller sum
    assert cwqi_rank(table["cwqi"]).tolist() == [2, 1]  # the old ranking: B first
    assert table["complete"].tolist() == [True, False]
    assert "tp" in table.loc["B", "missing_items"].split(";")
    assert rank_cwqi(table).tolist()[0] == 1 and pd.isna(rank_cwqi(table).iloc[1])
    auto = city_cwqi(sections, "city", variant="automatic")
    assert auto.loc["A", "complete"] and not auto.loc["B", "complete"]
    assert auto.loc["B", "missing_items"] == "codmn;tp"


def test_variants_are_named_and_not_mixed() -> None:
    assert len(VARIANTS["full"]) == 21
    assert VARIANTS["automatic"] == ("ph", "do", "codmn", "nh3n", "tp")
    f = pd.DataFrame({"ph": [7.0], "do": [5.0], "codmn": [3.0], "nh3n": [0.5], "tp": [0.1]})
    a = cwqi_table(f, variant="automatic")
    assert a["cwqi"].iloc[0] == pytest.approx(2.5) and a["complete"].iloc[0]
    b = cwqi_table(f, variant="full")
    assert b["n_items"].iloc[0] == 5 and not b["complete"].iloc[0]
    with pytest.raises(ValueError, match="different variants"):
        rank_cwqi(pd.concat([a, b]))
    with pytest.raises(ValueError, match="unknown CWQI variant"):
        cwqi_table(f, variant="eight")


def test_cwqi_variants_on_the_bundled_release() -> None:
    samples = _release(DEMO / "cnemc_surface_water_4hourly_2021-04_jjj.csv")
    full = cwqi_by_group(samples, "2021-04-01", "2021-04-30", by="province")
    assert not full["complete"].any() and full["rank"].isna().all()  # 5 of 21 items measured
    auto = cwqi_by_group(samples, "2021-04-01", "2021-04-30", by="province", variant="automatic")
    assert set(auto["province"]) == {"北京市", "天津市", "河北省"}
    assert auto["complete"].all() and auto["rank"].notna().all()
    assert (auto["variant"] == "automatic").all()
    assert sorted(auto["rank"].tolist()) == [1, 2, 3]


# --- 7. GB 3838 details ----------------------------------------------------------------------


def test_do_saturation_matches_published_tables() -> None:
    # USGS DOTABLES / ISO 5814 fresh water at 760 mm Hg: 0 °C 14.62, 20 °C 9.09, 30 °C 7.56
    got = do_saturation([0.0, 20.0, 30.0, np.nan, 45.0])
    assert got[:3] == pytest.approx([14.62, 9.09, 7.56], abs=0.01)
    assert np.isnan(got[3:]).all()


def test_do_class_i_at_7_5_or_90_percent_saturation() -> None:
    do = [7.0, 7.0, 8.0, 6.5]
    temp = [30.0, np.nan, 5.0, 30.0]  # 90 % saturation: 6.80, –, 11.50, 6.80 mg/L
    assert item_class("do", do).tolist() == [2, 2, 1, 2]  # without temperatures: 7.5 only
    assert item_class("do", do, temperature=temp).tolist() == [1, 2, 1, 2]
    frame = pd.DataFrame({"do": do, "temp_c": temp, "nh3n": [0.1] * 4})
    assert classify(frame).tolist() == ["Ⅰ", "Ⅱ", "Ⅰ", "Ⅱ"]


@pytest.mark.shared
def test_do_or_reading_on_the_real_release(shared_dir: Path) -> None:
    # "饱和率90%（或7.5）" read as "or": records with DO ≥ 7.5 mg/L but below 90 % saturation
    # (cold water) and every other item in Class Ⅰ (as rivers) are published Ⅰ: measured
    # 1,578 of 1,681 (93.9 %); a "saturation only" reading would make them all Ⅱ
    rows = _release(shared_dir / "data/water/cnemc_surface_water_4hourly_2021-04.csv")
    items = ["ph", "do", "codmn", "nh3n", "tp"]
    rows = rows.dropna(subset=[*items, "temp_c", "water_class"])
    classes = single_factor_classes(rows[[*items, "temp_c"]], "river")
    others = classes[["ph", "codmn", "nh3n", "tp"]].max(axis=1) == 1
    cold = others & (rows["do"] >= 7.5) & (rows["do"] < 0.9 * do_saturation(rows["temp_c"]))
    assert cold.sum() > 1000
    assert (classes.loc[cold, "do"] == 1).all()
    assert (rows.loc[cold, "water_class"] == "Ⅰ").mean() > 0.9


def test_tn_is_a_main_pollutant_of_lakes_assessed_with_tn() -> None:
    f = pd.DataFrame({"tn": [2.5, 2.5], "tp": [0.06, 0.06], "nh3n": [0.2, 0.2]})
    wb = pd.Series(["lake", "river"])
    mp = main_pollutants(f, wb, with_tn=True)
    # lake: TN 劣Ⅴ (×1.5 over Ⅲ) then TP Ⅳ (lake limits); river: TP Ⅱ → nothing
    assert mp["row"].tolist() == [0, 0] and mp["item"].tolist() == ["tn", "tp"]
    assert mp["multiple"].iloc[0] == pytest.approx(1.5)
    assert main_pollutants(f, wb)["item"].tolist() == ["tp"]  # without TN: TP only
