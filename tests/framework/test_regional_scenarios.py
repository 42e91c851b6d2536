"""Each regional framework (国办函〔2025〕2号 §二) validates and is assessed for its regional
zone (issue 16): real data from the repository — the bundled CNEMC air days (2019-01-01…03),
the Jing-Jin-Ji water month and the CNEMC rows of the listed sections (2021-04) — and
statistics made by hand, whose verdicts are worked out in the comments.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import meili.methods
from meili.assess.targets import evaluate_targets
from meili.assess.values import higher_tasks, indicator_values
from meili.db.session import session
from meili.framework.loader import (
    REGIONAL_DIR,
    default_framework,
    load_framework_file,
    regional_frameworks,
)
from meili.framework.policy import policy
from meili.framework.store import zone_framework
from meili.ingest import ingest_paths
from meili.ingest.demo import ingest_demo_samples
from meili.methods import judged, open_context
from meili.registry.units import zone_units

ROWS = (
    Path(__file__).parents[1] / "methods" / "data"
    / "cnemc_surface_water_2021-04_regional_sections.csv"
)  # fmt: skip
ZONES = ("R-JJJ", "R-YRD", "R-GBA", "R-CJ", "R-HH")
CLAUSE = {"R-JJJ": "二.一", "R-YRD": "二.二", "R-GBA": "二.三", "R-CJ": "二.四", "R-HH": "二.五"}

# (zone, year, indicator, value): the hand-made statistics and what each must give in 2021
STATS = [
    ("R-JJJ", 2021, "jjj.groundwater_overdraft_reduction", 2.1),
    ("R-JJJ", 2021, "task:jjj.groundwater_overdraft_reduction", 1),  # task done → met
    ("R-JJJ", 2021, "jjj.zero_emission_freight_corridors", 0),  # 0 < 1 → not met
    ("R-YRD", 2021, "yrd.emission_rights_trading", 1250),  # 1250 > 0 → met
    ("R-YRD", 2020, "yrd.energy_saving_env_industry_share", 3.1),
    ("R-YRD", 2021, "yrd.energy_saving_env_industry_share", 3.4),  # 3.1 → 3.4 rising → met
    ("R-GBA", 2020, "gba.green_patents", 5200),
    ("R-GBA", 2021, "gba.green_patents", 4900),  # 5200 → 4900 falling → not met
    ("R-CJ", 2020, "cj.compensation_agreements", 4),
    ("R-CJ", 2021, "cj.compensation_agreements", 6),  # 4 → 6 → met
    ("R-HH", 2021, "hh.water_use_total", 380.0),
    ("R-HH", 2021, "task:hh.water_use_total", 0),  # over the quota → not met
    ("R-HH", 2020, "hh.soil_conservation_rate", 67.0),
    ("R-HH", 2021, "hh.soil_conservation_rate", 67.5),  # < 73 but rising → met (any)
]
EXPECTED = {
    ("R-JJJ", "jjj.groundwater_overdraft_reduction"): "met",
    ("R-JJJ", "jjj.zero_emission_freight_corridors"): "not_met",
    ("R-YRD", "yrd.emission_rights_trading"): "met",
    ("R-YRD", "yrd.energy_saving_env_industry_share"): "met",
    # 急水港桥 Ⅳ against Ⅲ: 2 of 3 boundary sections meet → 66.7 % < 100 %
    ("R-YRD", "yrd.cross_boundary_compliance"): "not_met",
    ("R-GBA", "gba.green_patents"): "not_met",
    # 石龙南河 has no data: the share is flagged, so the target is not judged
    ("R-GBA", "gba.prd_river_network_good_share"): "not_evaluable",
    ("R-CJ", "cj.compensation_agreements"): "met",
    ("R-CJ", "cj.danjiangkou_class"): "met",  # Ⅱ ≤ Ⅱ
    ("R-CJ", "cj.chengyu_cross_boundary_compliance"): "met",  # 朱沱 Ⅱ ≤ Ⅱ
    ("R-CJ", "cj.mainstream_class_ii_share"): "not_evaluable",  # 巫峡口 without data
    ("R-HH", "hh.water_use_total"): "not_met",
    ("R-HH", "hh.soil_conservation_rate"): "met",
    # no air data of 2021 (nor 2020) in the lake: the change versus 2020 cannot be judged
    ("R-JJJ", "jjj.pm25_reduction_2020"): "not_evaluable",
    ("R-HH", "hh.fenwei_pm25_reduction_2020"): "not_evaluable",
    # evidence not yet accepted by a reviewer
    ("R-CJ", "cj.fishing_ban"): "not_evaluable",
}


@pytest.mark.parametrize("path", sorted(REGIONAL_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_regional_framework_validates_for_its_zone(path: Path) -> None:
    fw = load_framework_file(path, methods=meili.methods.known_ids())
    assert fw.zone in ZONES and fw.extends == "meili-default@2026.1"
    clause = CLAUSE[fw.zone]
    for ind in fw.indicators:
        assert ind.requirements and all(r.startswith(clause + ".") for r in ind.requirements)
        assert "region" in ind.tiers
        assert ind.target_source or ind.to_confirm, ind.code
    # every requirement of the zone's clause is shown by the regional or default framework
    covered = {r for i in fw.indicators for r in i.requirements}
    covered |= {r for i in default_framework().indicators for r in i.requirements}
    clause_reqs = {r.id for c in policy().clauses if c.id == clause for r in c.requirements}
    assert clause_reqs <= covered


@pytest.fixture
def assessed(store: Path, tmp_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    assert all(r.ok for r in ingest_demo_samples())
    (water,) = ingest_paths("water-samples", [ROWS])
    assert water.ok
    path = tmp_path / "stats.csv"

    def unit(zone: str, code: str) -> str:
        ind = regional_frameworks()[zone].indicator(code)
        return "" if ind is None else ind.unit  # a task: 1 or 0, no unit

    rows = [(z, y, i, v, unit(z, i)) for z, y, i, v in STATS]
    cols = ["area_code", "year", "indicator", "value", "unit"]
    pd.DataFrame([dict(zip(cols, r, strict=True), source="hand") for r in rows]).to_csv(
        path, index=False
    )
    (stats,) = ingest_paths("stats", [path])
    assert stats.ok and stats.rows_landed == len(STATS), stats
    with session() as s:
        zones = {z.code: z for z in zone_units(s)}
        frameworks = {code: zone_framework(s, code) for code in ZONES}
    ctx = open_context(zones=[zones[c] for c in ZONES], year=2021)
    values, verdicts = [], []
    for code, fw in frameworks.items():
        assert fw.ref == regional_frameworks()[code].ref and fw.zone == code
        unit = [zones[code]]
        v = indicator_values(ctx, fw, unit, [2019, 2020, 2021])
        values.append(v)
        tasks = higher_tasks(ctx, fw, unit, 2021)
        verdicts.append(evaluate_targets(judged(v), fw, unit, 2021, tasks))
    return pd.concat(values, ignore_index=True), pd.concat(verdicts, ignore_index=True)


def test_each_zone_is_assessed_with_its_framework(
    assessed: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    values, verdicts = assessed
    got = verdicts.set_index(["zone", "indicator"])["status"]
    for key, status in EXPECTED.items():
        assert got[key] == status, (key, got[key])
    # every regional indicator is assessed for its zone and no other
    for code, fw in regional_frameworks().items():
        mine = set(verdicts.loc[verdicts["zone"] == code, "indicator"])
        assert {i.code for i in fw.indicators} <= mine
        others = {
            i.code for f in regional_frameworks().values() if f is not fw for i in f.indicators
        }
        assert not mine & others
    v = values.set_index(["zone", "indicator", "year"])
    # the computed regional values name their method and batches
    dj = v.loc[("R-CJ", "cj.danjiangkou_class", 2021)]
    assert dj["status"] == "computed" and dj["value"] == 2.0 and dj["batches"] != "[]"
    # air on the real CNEMC days of 2019: computed for the Fen–Wei plain and for Jing-Jin-Ji,
    # flagged (3 days fail the GB 3095 year rule)
    for zone, ind in (
        ("R-HH", "hh.fenwei_pm25_reduction_2020"),
        ("R-JJJ", "jjj.pm25_reduction_2020"),
    ):
        row = v.loc[(zone, ind, 2019)]
        assert row["status"] == "computed" and row["value"] > 0 and not row["valid"], (zone, row)
    # default indicators are assessed too: Jing-Jin-Ji's April 2021 water from the demo month
    assert v.loc[("R-JJJ", "env.water_good_section_share", 2021)]["status"] == "computed"
