"""Where python-aqi 0.6.1 (HJ 633-2012 "MEP") disagrees with Meili, the standard sides with Meili.

Expected values are worked by hand from HJ 633-2012 Table 1 and formula (1) with the §6.2
ceiling (standards.md §10.1 P1–P5). Skips when python-aqi is not installed.
"""

from __future__ import annotations

import pytest

from meili.standards.air import iaqi

python_aqi = pytest.importorskip("aqi")

CASES = [  # (python-aqi pollutant, Meili item, concentration, HJ 633-2012 IAQI)
    ("pm25", "PM25_24H", "36", 52),  # P1: 50 + 50/40·1 = 51.25 → 52
    ("no2_1h", "NO2_1H", "250", 105),  # P1: 100 + 50/500·50 = 105
    ("co_24h", "CO_24H", "3.5", 88),  # P2: 50 + 50/2·1.5 = 87.5 → 88
    ("pm25", "PM25_24H", "35.9", 52),  # P2: 50 + 50/40·0.9 = 51.125 → 52
    ("pm25", "PM25_24H", "250.4", 301),  # P3: 300 + 100/100·0.4 → 301
    ("o3_8h", "O3_8H", "160.5", 101),  # P3: 100 + 50/55·0.5 → 101
]


@pytest.mark.parametrize(("pa_item", "item", "conc", "standard"), CASES)
def test_standard_sides_with_meili(pa_item: str, item: str, conc: str, standard: int) -> None:
    theirs = python_aqi.to_iaqi(pa_item, conc, algo=python_aqi.ALGO_MEP)
    assert int(theirs) != standard
    assert iaqi(item, [float(conc)], "2012").iloc[0] == standard


@pytest.mark.parametrize(("pa_item", "item"), [("so2_1h", "SO2_1H"), ("o3_8h", "O3_8H")])
def test_over_800_python_aqi_crashes_meili_follows_the_footnote(pa_item: str, item: str) -> None:
    with pytest.raises((TypeError, IndexError)):
        python_aqi.to_iaqi(pa_item, "801", algo=python_aqi.ALGO_MEP)
    # HJ 633-2012 Table 1 notes 2/3: no IAQI from this value (aqi() uses the fallback)
    assert iaqi(item, [801], "2012").isna().iloc[0]
