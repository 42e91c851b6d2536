"""Regional water indicators over the bundled section lists (issue 16), checked by hand on
real CNEMC rows kept in the repository.

``data/cnemc_surface_water_2021-04_regional_sections.csv``: the rows of the listed sections
copied unchanged from the CNEMC real-time release of 2021-04-01…05 (../shared/data/water).
Hand work below uses GB 3838-2002 Table 1: Class Ⅱ limits DO ≥ 6, CODMn ≤ 4, NH3-N ≤ 0.5,
TP ≤ 0.1 (river) / 0.025 (lake); Class Ⅰ DO ≥ 7.5, CODMn ≤ 2, NH3-N ≤ 0.15, TP ≤ 0.02 /
0.01; Class Ⅲ CODMn ≤ 6, TP ≤ 0.2 / 0.05; Class Ⅳ TP ≤ 0.3 / 0.1.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from meili.db.session import session
from meili.framework.loader import regional_frameworks
from meili.ingest import ingest_paths
from meili.methods import Request, get, open_context
from meili.methods.regional_water import section_list, unit_sections
from meili.registry.units import ZoneUnit, zone_units

ROWS = Path(__file__).with_name("data") / "cnemc_surface_water_2021-04_regional_sections.csv"


def _zones() -> dict[str, ZoneUnit]:
    with session() as s:
        return {z.code: z for z in zone_units(s)}


def _value(zone: str, indicator: str) -> pd.Series:
    zones = _zones()
    ind = regional_frameworks()[zone].indicator(indicator)
    assert ind is not None
    ctx = open_context(zones=list(zones.values()), year=2021)
    out = get(ind.method).compute(ctx, Request(ind, (zones[zone],), (2021,)))
    assert len(out) == 1
    return out.iloc[0]


@pytest.fixture
def lake(store: Path) -> None:
    (result,) = ingest_paths("water-samples", [ROWS])
    assert result.ok and result.rows_landed > 600, result


def test_lists_name_their_source_and_exist_in_the_release() -> None:
    rows = pd.read_csv(ROWS, dtype=str)
    published = set(zip(rows["province"], rows["section"], strict=True))
    for name in ("yangtze_mainstream", "danjiangkou", "cross_boundary", "prd_river_network"):
        lst = section_list(name)
        assert "Source:" in lst.source and "To confirm" in lst.source, name
        assert set(lst.sections["waterbody"]) <= {"river", "lake"}
        missing = set(zip(lst.sections["province"], lst.sections["section"], strict=True))
        assert not missing - published, name


def test_danjiangkou_class_by_hand(lake: None) -> None:
    # 陶岔 (Henan) and 坝上中(胡家岭) (Hubei), a reservoir of fewer than 5 sections: the class
    # of the mean of the two sections. Means of the rows: CODMn 陶岔 ≈ 2.06–2.08, 胡家岭 ≈
    # 2.17 → mean ≈ 2.1 ∈ (2, 4] → Class Ⅱ; DO 8.5 and 10.6 ≥ 7.5, NH3-N 0.026 and 0.091
    # ≤ 0.15, TP 0.006 and 0.007 ≤ 0.01 (lake), pH 8.0 and 8.2: Class Ⅰ. So Ⅱ = 2, which
    # meets the plan's "稳定保持Ⅱ类". R-CJ holds only 胡家岭 (Hubei) by its members, yet the
    # reservoir's value is taken over both sections.
    row = _value("R-CJ", "cj.danjiangkou_class")
    assert row["value"] == 2.0 and row["valid"]
    rows = pd.read_csv(ROWS, dtype=str)
    codmn = pd.to_numeric(rows["codmn_mgL"], errors="coerce")
    for section in ("陶岔", "坝上中(胡家岭)"):
        assert 2.0 < codmn[rows["section"] == section].mean() <= 4.0


def test_yangtze_main_stream_share_by_hand(lake: None) -> None:
    # 21 listed sections, of which 巫峡口 published only "*" (maintenance) → 20 with data.
    # 凉姜沟: mean TP ≈ 0.124 > 0.1 (river Class Ⅱ limit) and ≤ 0.2 → Class Ⅲ; the other 19
    # have DO ≥ 6, CODMn ≤ 4 (max 东流/前江口 ≈ 2.5–2.7), NH3-N ≤ 0.5 (max 燕矶 ≈ 0.32),
    # TP ≤ 0.1 → Ⅱ or better. Share = 19 / 20 = 95.0 %, flagged: 巫峡口 has no data.
    row = _value("R-CJ", "cj.mainstream_class_ii_share")
    assert row["value"] == pytest.approx(95.0)
    assert not row["valid"] and "巫峡口" in row["reason_en"] and "巫峡口" in row["reason_zh"]
    rows = pd.read_csv(ROWS, dtype=str)
    tp = pd.to_numeric(rows["tp_mgL"], errors="coerce")
    assert 0.1 < tp[rows["section"] == "凉姜沟"].mean() <= 0.2


def test_boundary_sections_by_hand(lake: None) -> None:
    # Yangtze Delta, target Ⅲ: 急水港桥 (lake) mean TP ≈ 0.073 > 0.05 (lake Ⅲ) ≤ 0.1 → Ⅳ,
    # fails; 太浦河桥 CODMn ≈ 4.15 ∈ (4, 6] → Ⅲ, meets; 汾湖大桥 DO 7.9, CODMn ≈ 3.95,
    # NH3-N 0.22, TP 0.063 (river) → Ⅱ or Ⅲ, meets. 2 of 3 = 66.67 %.
    yrd = _value("R-YRD", "yrd.cross_boundary_compliance")
    assert yrd["value"] == pytest.approx(200 / 3) and yrd["valid"]
    # 成渝, 朱沱 target Ⅱ: DO 9.6, CODMn 1.04, NH3-N 0.035, TP 0.069 → Ⅱ, meets: 100 %.
    assert _value("R-CJ", "cj.chengyu_cross_boundary_compliance")["value"] == 100.0


def test_unit_outside_the_list_is_missing_with_why(lake: None) -> None:
    zones = _zones()
    jjj = zones["R-JJJ"]
    assert unit_sections(jjj, section_list("yangtze_mainstream").sections).empty
    ind = regional_frameworks()["R-CJ"].indicator("cj.mainstream_class_ii_share")
    ctx = open_context(zones=list(zones.values()), year=2021)
    out = get(ind.method).compute(ctx, Request(ind, (jjj,), (2021,)))
    assert out["value"].isna().all() and "yangtze_mainstream" in out["reason_en"].iloc[0]
    none_year = get(ind.method).compute(ctx, Request(ind, (zones["R-CJ"],), (2019,)))
    assert none_year["value"].isna().all() and (none_year["reason_en"] != "").all()


def test_national_release_gives_the_same_values(store: Path, shared_dir: Path) -> None:
    # the whole national file holds the same rows for the listed sections: same values
    path = shared_dir / "data" / "water" / "cnemc_surface_water_4hourly_2021-04.csv"
    if not path.exists():
        pytest.skip("national CNEMC water file absent")
    (result,) = ingest_paths("water-samples", [path])
    assert result.ok
    assert _value("R-CJ", "cj.mainstream_class_ii_share")["value"] == pytest.approx(95.0)
    assert _value("R-CJ", "cj.danjiangkou_class")["value"] == 2.0
    assert _value("R-YRD", "yrd.cross_boundary_compliance")["value"] == pytest.approx(200 / 3)
