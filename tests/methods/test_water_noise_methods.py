"""Water and noise methods against hand-worked values (issue 14 item 3).

Every expected value below is worked out from the documents, not from Meili's output:
GB 3838-2002 Table 1 class limits, the 环办〔2011〕22号 status rules (≥ 5 sections: shares;
< 5: class of the mean), the TLI formulas of 总站生字〔2001〕090号 and GB 3096-2008 Table 1.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from meili.framework.loader import default_framework
from meili.ingest import ingest_paths
from meili.methods import Request, get, open_context
from meili.registry.units import ZoneUnit

YEAR = 2022
CODMN_III = 6.0  # GB 3838-2002 Table 1, Class Ⅲ


def _unit(code: str, member: str, tier: str = "county") -> ZoneUnit:
    return ZoneUnit(code, code, code, tier, (member,), member[:2] + "0000", None)


def _land(tmp: Path, kind: str, rows: list[dict]) -> None:
    path = tmp / f"{kind}.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    (result,) = ingest_paths(kind, [path])
    assert result.ok and result.rows_landed == len(rows), result


RIVER_II = {"ph": 7.5, "do": 7.0, "codmn": 3.0, "nh3n": 0.3, "tp": 0.05}  # Class Ⅱ
# 湖 section: TLI parameters, chla in mg/L as the lake holds it (0.010 mg/L = 10 mg/m³)
LAKE = {"ph": 7.8, "do": 8.0, "codmn": 4.0, "nh3n": 0.2, "tp": 0.05, "tn": 1.0,
        "chla": 0.010, "sd": 1.0}  # fmt: skip


@pytest.fixture
def water_lake(store: Path, tmp_path: Path) -> None:
    """County 110105: five river sections (four Ⅱ, one 劣Ⅴ by NH3-N 2.5 > 2.0) and one lake;
    county 110106: three river sections with NH3-N 0.3, 0.3 and 2.5 (fewer than 5)."""
    register, samples = [], []

    def section(name: str, area: str, kind: str, values: dict) -> None:
        register.append({"section": name, "province": "北京市", "area_code": area,
                         "city": "北京市", "waterbody_type": kind})  # fmt: skip
        for day in ("2022-05-01 08:00", "2022-06-01 08:00"):
            samples.append({"section": name, "province": "北京市", "time": day, **values})

    for i in range(4):
        section(f"A{i}", "110105", "river", RIVER_II)
    section("A4", "110105", "river", {**RIVER_II, "nh3n": 2.5})
    section("甲湖", "110105", "lake", LAKE)
    for i, nh3n in enumerate((0.3, 0.3, 2.5)):
        section(f"B{i}", "110106", "river", {**RIVER_II, "nh3n": nh3n})
    _land(tmp_path, "water-sections", register)
    _land(tmp_path, "water-samples", samples)


def _compute(method: str, units: list[ZoneUnit], engine: str = "duckdb") -> pd.DataFrame:
    ind = default_framework().indicators[0]  # water and noise methods do not read it
    ctx = open_context(engine=engine)
    out = get(method).compute(ctx, Request(ind, tuple(units), (YEAR,)))
    return out.set_index("zone")


def test_status_by_shares_and_by_the_mean(water_lake: None) -> None:
    got = _compute("water.quality_status", [_unit("C1", "110105"), _unit("C2", "110106")])
    # 110105: 6 sections (5 river Ⅱ/Ⅱ/Ⅱ/Ⅱ/劣Ⅴ and the lake, Ⅱ: TP 0.05 ≤ 0.025? no → lake TP
    # 0.05 is Class Ⅲ for lakes (Ⅱ ≤ 0.025, Ⅲ ≤ 0.05)) → Ⅰ–Ⅲ 5/6 = 83.3 % → 良好 (75–90 %)
    assert got.loc["C1", "value"] == 2.0 and "良好" in got.loc["C1", "edition"]
    assert "类别比例法" in got.loc["C1", "edition"]
    # 110106: 3 sections < 5 → mean NH3-N (0.3 + 0.3 + 2.5)/3 = 1.033 > 1.0 (Ⅲ) ≤ 1.5 (Ⅳ)
    # → Class Ⅳ → 轻度污染 (3)
    assert got.loc["C2", "value"] == 3.0 and "断面均值" in got.loc["C2", "edition"]
    shares = _compute("water.good_section_share", [_unit("C1", "110105")])
    assert shares.loc["C1", "value"] == pytest.approx(500 / 6)


def _tli_by_hand(chla: float, tp: float, tn: float, sd: float, codmn: float) -> float:
    parts = {
        1.0: 10 * (2.5 + 1.086 * math.log(chla)),
        0.84: 10 * (9.436 + 1.624 * math.log(tp)),
        0.82: 10 * (5.453 + 1.694 * math.log(tn)),
        -0.83: 10 * (5.118 - 1.94 * math.log(sd)),
        0.83: 10 * (0.109 + 2.661 * math.log(codmn)),
    }
    total = sum(r * r for r in parts)
    return sum(r * r / total * v for r, v in parts.items())


def test_lake_tli_of_a_county(water_lake: None) -> None:
    got = _compute("water.lake_tli", [_unit("C1", "110105"), _unit("C2", "110106")])
    want = _tli_by_hand(10.0, 0.05, 1.0, 1.0, 4.0)  # chla 0.010 mg/L = 10 mg/m³
    assert 45 < want < 50  # 中营养 (30–50)
    assert got.loc["C1", "value"] == pytest.approx(want, rel=1e-12)
    assert got.loc["C1", "valid"] and "中营养" in got.loc["C1", "edition"]
    # no lake section in 110106: missing, with the reason
    assert math.isnan(got.loc["C2", "value"]) and "lake" in got.loc["C2", "reason_en"]


def test_tli_needs_all_five_parameters(store: Path, tmp_path: Path) -> None:
    # as the CNEMC release: chla, TP, TN, CODMn but no transparency
    _land(
        tmp_path,
        "water-sections",
        [
            {
                "section": "乙湖",
                "province": "北京市",
                "area_code": "110105",
                "waterbody_type": "lake",
            }
        ],
    )
    no_sd = {k: v for k, v in LAKE.items() if k != "sd"}
    _land(
        tmp_path,
        "water-samples",
        [{"section": "乙湖", "province": "北京市", "time": "2022-05-01 08:00", **no_sd}],
    )
    got = _compute("water.lake_tli", [_unit("C1", "110105")])
    assert math.isnan(got.loc["C1", "value"]) and "sd" in got.loc["C1", "reason_en"]


def test_counties_need_an_area_code_in_the_register(store: Path, tmp_path: Path) -> None:
    _land(
        tmp_path,
        "water-sections",
        [{"section": "S1", "province": "北京市", "waterbody_type": "river"}],
    )
    _land(
        tmp_path,
        "water-samples",
        [{"section": "S1", "province": "北京市", "time": "2022-05-01 08:00", **RIVER_II}],
    )
    got = _compute("water.good_section_share", [_unit("C1", "110105")])
    assert math.isnan(got.loc["C1", "value"]) and "area_code" in got.loc["C1", "reason_en"]


ALL21 = {"ph": 7.0, "do": 5.0, "codmn": 6.0, "cod": 20.0, "bod5": 4.0, "nh3n": 1.0,
         "tp": 0.2, "cu": 1.0, "zn": 1.0, "f": 1.0, "se": 0.01, "as": 0.05, "hg": 0.0001,
         "cd": 0.005, "cr6": 0.05, "pb": 0.05, "cn": 0.2, "volatile_phenol": 0.005,
         "petroleum": 0.05, "las": 0.2, "s2": 0.2}  # fmt: skip
# every item at its Class Ⅲ limit (river): CWQI(i) = 1 for the 19 concentration items and
# DO (5/5); pH 7 gives 0 → CWQI = 20 (环办监测〔2017〕51号)


def test_cwqi_rank_among_the_register_cities(store: Path, tmp_path: Path) -> None:
    cities = {"石家庄市": 1.0, "唐山市": 0.5, "邯郸市": 1.0}  # CODMn factor of Class Ⅲ
    register, samples = [], []
    for i, (city, k) in enumerate(cities.items()):
        register.append({"section": f"S{i}", "province": "河北省", "city": city,
                         "waterbody_type": "river"})  # fmt: skip
        samples.append({"section": f"S{i}", "province": "河北省", "time": "2022-05-01 08:00",
                        **ALL21, "codmn": CODMN_III * k})  # fmt: skip
    _land(tmp_path, "water-sections", register)
    _land(tmp_path, "water-samples", samples)
    sjz, ts, hd = (_unit(c, c, "city") for c in ("130100", "130200", "130400"))
    cw = _compute("water.cwqi", [sjz, ts])
    assert cw.loc["130100", "value"] == pytest.approx(20.0) and cw.loc["130100", "valid"]
    assert cw.loc["130200", "value"] == pytest.approx(19.5)  # CODMn 3/6 = 0.5
    got = _compute("water.cwqi_rank", [sjz, ts, hd, _unit("P", "130000", "province")])
    # 唐山 19.5 first; 石家庄 and 邯郸 tie at 20 and share rank 2
    assert got.loc["130200", "value"] == 1.0
    assert got.loc["130100", "value"] == got.loc["130400", "value"] == 2.0
    assert math.isnan(got.loc["P", "value"]) and "one" in got.loc["P", "reason_en"]


@pytest.fixture
def noise_lake(store: Path, tmp_path: Path) -> None:
    # GB 3096-2008 Table 1 (day/night dB(A)): class 1 55/45, class 2 60/50, class 4a 70/55
    rows = [
        ("N1", "110105", "1", 54.0, 44.0),  # day met, night met
        ("N2", "110105", "1", 56.0, 46.0),  # neither
        ("N3", "110105", "2", 60.0, 51.0),  # day met (= limit), night not
        ("N4", "110105", "4a", 69.0, 55.0),  # both met (night = limit)
    ]
    _land(tmp_path, "noise", [
        {"point_code": p, "area_code": a, "zone_class": z, "time": "2022-05-10 10:00",
         "leq_day": d, "leq_night": n} for p, a, z, d, n in rows
    ])  # fmt: skip


@pytest.mark.parametrize(
    ("method", "want"),
    [
        ("noise.day_compliance", 75.0),  # N1, N3, N4 of 4
        ("noise.night_compliance", 50.0),  # N1, N4 of 4
        ("noise.day_compliance_class_1", 50.0),
        ("noise.night_compliance_class_1", 50.0),
        ("noise.day_compliance_class_2", 100.0),
        ("noise.night_compliance_class_2", 0.0),
        ("noise.night_compliance_class_4a", 100.0),
    ],
)
def test_noise_compliance_by_period_and_class(noise_lake: None, method: str, want: float) -> None:
    got = _compute(method, [_unit("C1", "110105")])
    assert got.loc["C1", "value"] == pytest.approx(want)


def test_noise_class_without_points_is_missing(noise_lake: None) -> None:
    got = _compute("noise.night_compliance_class_3", [_unit("C1", "110105")])
    assert math.isnan(got.loc["C1", "value"]) and "class 3" in got.loc["C1", "reason_en"]
