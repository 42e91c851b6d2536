"""Water and noise on both engines: Spark gives DuckDB's results to the bit (issue 14 item 3).

Real data: the bundled CNEMC surface-water month (Beijing–Tianjin–Hebei, April 2021, 105
sections); the noise rows are hand-made (no public functional-zone noise data is bundled).
Compared: the section means (exact sums, :mod:`meili.engine.exact_sql`), the section classes
and group status, the CWQI table, the noise measurements and compliance rates, and the
methods' values over a run context on each engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from engine_support import assert_same

from meili.engine import DuckDBEngine, SparkEngine
from meili.engine.noise import compliance, noise_measurements
from meili.engine.water import assess_period, cwqi_by_group, section_means
from meili.framework.loader import default_framework
from meili.ingest import ingest_paths
from meili.ingest.demo import ingest_demo_samples
from meili.methods import Request, get, open_context
from meili.registry.units import ZoneUnit

START, END = "2021-04-01", "2021-04-30"


def _noise_rows() -> pd.DataFrame:
    """120 points × 4 quarters, classes 0–4b, levels in 0.1 dB steps around the limits."""
    rng = np.random.default_rng(3096)
    classes = ["0", "1", "2", "3", "4a", "4b"]
    rows = []
    for p in range(120):
        z = classes[p % 6]
        area = ("110105", "110106", "130102")[p % 3]
        for month in (2, 5, 8, 11):
            rows.append({
                "point_code": f"P{p:03d}", "area_code": area, "zone_class": z,
                "time": f"2022-{month:02d}-15 10:00",
                "leq_day": float(np.round(rng.uniform(45, 75), 1)),
                "leq_night": float(np.round(rng.uniform(35, 65), 1)),
            })  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the bundled CNEMC water month, a register giving some sections a city
    and a type, and the hand-made noise rows."""
    home = tmp_path_factory.mktemp("water-parity") / "home"
    tmp = home.parent
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MEILI_HOME", str(home))
        mp.delenv("MEILI_DATABASE_URL", raising=False)
        assert all(r.ok for r in ingest_demo_samples())
        register = pd.DataFrame(
            {"section": ["东店", "八间房漫水桥", "南大荒桥"], "province": "北京市",
             "city": "北京市", "area_code": ["110105", "110105", "110106"],
             "waterbody_type": ["river", "lake", "river"]}
        )  # fmt: skip
        register.to_csv(tmp / "register.csv", index=False)
        _noise_rows().to_csv(tmp / "noise.csv", index=False)
        for kind, path in (("water-sections", "register.csv"), ("noise", "noise.csv")):
            (result,) = ingest_paths(kind, [tmp / path])
            assert result.ok, result
    return home


def _results(eng: Any) -> dict[str, pd.DataFrame]:
    means = section_means(eng, START, END)
    period = assess_period(eng, START, END, by="province")
    return {
        "section means": means,
        "sections": period.sections,
        "province status": period.groups,
        "cwqi": cwqi_by_group(eng, START, END, by="province", variant="automatic"),
        "cwqi by city": cwqi_by_group(eng, START, END, by="city", variant="automatic"),
        "noise": noise_measurements(eng, "2022-01-01", "2022-12-31", by="area_code"),
        "noise compliance": compliance(eng, "2022-01-01", "2022-12-31", by="area_code"),
    }


@pytest.fixture(scope="module")
def duck(lake: Path) -> dict[str, pd.DataFrame]:
    return _results(DuckDBEngine(lake / "lake", threads=2))


def test_duckdb_results_on_the_real_month(duck: dict[str, pd.DataFrame]) -> None:
    """Facts read off the CNEMC release, independent of Spark."""
    means = duck["section means"].set_index(["province", "section"])
    assert len(means) == 105 and set(means.index.get_level_values(0)) == {
        "北京市", "天津市", "河北省",
    }  # fmt: skip
    # the register's type wins over the name (八间房漫水桥 is a 桥 name, registered a lake)
    assert means.loc[("北京市", "八间房漫水桥"), "waterbody"] == "lake"
    assert means.loc[("北京市", "八间房漫水桥"), "waterbody_source"] == "register"
    assert means.loc[("北京市", "东店"), "n_samples"] > 20  # 4-hourly for ~5 days
    status = duck["province status"].set_index("province")
    assert (status["method"] == "shares").all()  # ≥ 5 sections in each province
    shares = status[["share_I_III", "share_worse_V"]].sum(axis=1)
    assert (shares <= 100).all()
    rates = duck["noise compliance"]
    assert set(rates["zone_class"]) == {"0", "1", "2", "3", "4a", "4b", "all"}


@pytest.mark.slow
def test_spark_equals_duckdb_on_water_and_noise(
    spark: Any, lake: Path, duck: dict[str, pd.DataFrame]
) -> None:
    got = _results(SparkEngine(lake / "lake", session=spark))
    for what, frame in duck.items():
        assert_same(frame, got[what], what)


METHODS = [
    "water.good_section_share", "water.inferior_v_share", "water.cwqi", "water.quality_status",
    "water.lake_tli", "noise.night_compliance", "noise.day_compliance",
    "noise.night_compliance_class_2", "noise.day_compliance_class_4b",
]  # fmt: skip
UNITS = [
    ZoneUnit("P-BJ", "北京", "Beijing", "province", ("110000",), "110000", None),
    ZoneUnit("P-HE", "河北", "Hebei", "province", ("130000",), "130000", None),
    ZoneUnit("C-朝阳", "朝阳", "Chaoyang", "county", ("110105",), "110000", None),
    ZoneUnit("C-130102", "长安", "Chang'an", "county", ("130102",), "130000", None),
]


@pytest.mark.slow
def test_methods_give_the_same_values_on_both_engines(
    spark: Any, lake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEILI_HOME", str(lake))
    ind = default_framework().indicators[0]
    out = {}
    for engine in ("duckdb", "spark"):
        ctx = open_context(engine=engine)
        frames = []
        for m in METHODS:
            for year in (2021, 2022):
                got = get(m).compute(ctx, Request(ind, tuple(UNITS), (year,)))
                frames.append(got.assign(method=m))
        out[engine] = pd.concat(frames, ignore_index=True)
    duck, spark_ = out["duckdb"], out["spark"]
    assert_same(duck.drop(columns="batches"), spark_.drop(columns="batches"), "methods")
    assert duck["batches"].tolist() == spark_["batches"].tolist()
    v = duck.set_index(["method", "zone", "year"])["value"]
    assert 0 <= v[("water.good_section_share", "P-BJ", 2021)] <= 100
    assert v[("noise.night_compliance", "C-130102", 2022)] >= 0
