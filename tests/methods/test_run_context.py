"""The run context reads one lake version: a round is not changed by data ingested while it
is computed, and a round recomputed as of its version reproduces its values exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from meili.assess.rounds import compute, load_round, run_round
from meili.engine import DuckDBEngine
from meili.engine.air_period import daily
from meili.ingest import ingest_paths
from meili.lake.catalog import lake_version
from meili.methods import open_context

SITES = [("H1", "杭州", "杭州市"), ("H3", "杭州", "杭州市"), ("N1", "宁波", "宁波市")]


def _land(kind: str, frame: pd.DataFrame, path: Path) -> str:
    frame.to_csv(path, index=False)
    (result,) = ingest_paths(kind, [path])
    assert result.ok and result.rows_landed == len(frame), result
    assert result.batch_id is not None
    return result.batch_id


def _hours(site: str, pm25: float, year: int = 2019) -> pd.DataFrame:
    hours = pd.date_range(f"{year}-01-01 01:00", f"{year + 1}-01-01 00:00", freq="h")
    return pd.DataFrame(
        {"site_code": site, "time": hours.strftime("%Y-%m-%d %H:%M"), "pm25": pm25,
         "pm10": 60.0, "so2": 8.0, "no2": 30.0, "co": 0.7, "o3": 90.0}
    )  # fmt: skip


@pytest.fixture
def air_lake(store: Path, tmp_path: Path) -> dict[str, str]:
    sites = pd.DataFrame(
        {"site_code": [s[0] for s in SITES], "name": [s[0] for s in SITES],
         "city": [s[1] for s in SITES], "province": "浙江省",
         "prefecture": [s[2] for s in SITES], "control": False}
    )  # fmt: skip
    _land("air-sites", sites, tmp_path / "sites.csv")
    hourly = pd.concat([_hours("H1", 30.0), _hours("N1", 50.0)], ignore_index=True)
    return {"air": _land("air-hourly", hourly, tmp_path / "air-2019.csv")}


def _pm25(values: pd.DataFrame, zone: str) -> float:
    row = values[(values["zone"] == zone) & (values["indicator"] == "env.pm25_annual_mean")]
    return float(row.loc[row["year"] == 2019, "value"].item())


def test_data_ingested_while_a_round_is_computed_do_not_change_it(
    air_lake: dict[str, str], tmp_path: Path
) -> None:
    before = lake_version()
    landed: list[str] = []

    def hook(message: str) -> None:  # between steps: just before the air engine pass
        if message.startswith("air ") and not landed:
            landed.append(_land("air-hourly", _hours("H3", 90.0), tmp_path / "h3.csv"))

    meta = run_round("r1", 2019, first_year=2019, progress=hook)
    assert landed and lake_version() == before + 1  # the new batch did land meanwhile
    _, values = load_round("r1", "values")
    assert _pm25(values, "C-330100") == 30.0  # 杭州 without H3 (90) — the round's version
    assert meta["lake_version"] == before
    assert landed[0] not in meta["input_batches"] and air_lake["air"] in meta["input_batches"]
    _, now = compute(2019, first_year=2019)  # a new run reads the new version
    assert _pm25(now["values"], "C-330100") == 60.0  # mean of H1 30 and H3 90


def test_a_round_recomputed_as_of_its_version_reproduces_its_values(
    air_lake: dict[str, str], tmp_path: Path
) -> None:
    meta = run_round("r1", 2019, first_year=2019)
    _land("air-hourly", _hours("H3", 90.0), tmp_path / "h3.csv")
    stats = pd.DataFrame(
        {"area_code": ["P-330000"], "year": [2019], "indicator": ["glc.nonfossil_share"],
         "value": [30.0], "unit": ["%"], "source": ["later ledger"]}
    )  # fmt: skip
    _land("stats", stats, tmp_path / "stats.csv")
    again, tables = compute(2019, first_year=2019, as_of=meta["lake_version"])
    _, frozen = load_round("r1", "values")
    keys = ["zone", "indicator", "year"]
    pd.testing.assert_frame_equal(
        tables["values"].sort_values(keys).reset_index(drop=True),
        frozen.sort_values(keys).reset_index(drop=True),
        check_dtype=False,
    )
    assert again["input_batches"] == meta["input_batches"]
    _, now = compute(2019, first_year=2019)  # and today's lake differs
    assert _pm25(now["values"], "C-330100") == 60.0


def test_engine_reads_the_lake_as_of_its_version(air_lake: dict[str, str], tmp_path: Path) -> None:
    old = lake_version()
    _land("air-hourly", _hours("H3", 90.0), tmp_path / "h3.csv")
    then, now = DuckDBEngine(as_of=old), DuckDBEngine()
    assert (then.lake_version, now.lake_version) == (old, old + 1)
    day = "2019-06-01"
    hz_then = daily(day, day, engine=then).set_index("key").loc["330100", "pm25"]
    hz_now = daily(day, day, engine=now).set_index("key").loc["330100", "pm25"]
    assert (hz_then, hz_now) == (30.0, 60.0)
    # the same engine keeps answering from its version (its cache is keyed on it)
    assert daily(day, day, engine=then).set_index("key").loc["330100", "pm25"] == 30.0


def test_context_memo_runs_a_method_once(air_lake: dict[str, str]) -> None:
    ctx = open_context()
    calls: list[int] = []
    assert ctx.memo("k", lambda: calls.append(1) or 7) == 7
    assert ctx.memo("k", lambda: calls.append(1) or 8) == 7
    assert calls == [1]
    assert ctx.has("air_hourly") and not ctx.has("noise")
    assert ctx.lake_version == lake_version() and ctx.engine.lake_version == ctx.lake_version


def test_values_name_their_lineage(air_lake: dict[str, str]) -> None:
    _, tables = compute(2019, first_year=2019)
    v = tables["values"].set_index(["zone", "indicator", "year"])
    row = v.loc[("C-330100", "env.pm25_annual_mean", 2019)]
    assert row["status"] == "computed" and row["method"] == "air.pm25_annual_mean"
    assert json.loads(row["batches"]) == [air_lake["air"]] and bool(row["valid"])
    county = v.loc[("X-330127", "env.pm25_annual_mean", 2019)]
    assert county["status"] == "missing" and "counties" in county["reason_en"]
    assert not tables["values"]["reason_en"].str.contains("engine not available").any()


@pytest.mark.slow
def test_the_same_round_on_spark(air_lake: dict[str, str]) -> None:
    pytest.importorskip("pyspark")
    meta_duck, duck = compute(2019, first_year=2019)
    meta_spark, spark = compute(2019, first_year=2019, engine="spark")
    assert (meta_duck["engine"], meta_spark["engine"]) == ("duckdb", "spark")
    assert meta_spark["lake_version"] == meta_duck["lake_version"]
    keys = ["zone", "indicator", "year"]
    cols = [*keys, "value", "status", "valid", "reason_en", "batches"]
    pd.testing.assert_frame_equal(
        spark["values"][cols].sort_values(keys).reset_index(drop=True),
        duck["values"][cols].sort_values(keys).reset_index(drop=True),
    )
    assert _pm25(spark["values"], "C-330100") == 30.0
