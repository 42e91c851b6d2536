"""Real data (../shared/data): CNEMC daily files, a UCI Beijing file, water, the site list."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from meili.ingest import ingest_paths
from meili.lake.store import connect

pytestmark = pytest.mark.shared


def test_cnemc_daily_files_hour_ending(home: Path, shared_dir: Path) -> None:
    sites = shared_dir / "data" / "cnemc-air-2019" / "sites"
    files = [sites / f"china_sites_2019010{d}.csv.gz" for d in (1, 2, 3)]
    results = ingest_paths("auto", files)
    assert [r.adapter for r in results] == ["cnemc-air-wide"] * 3
    for r in results:
        assert r.status == "landed"
        assert r.rows_landed + r.rows_quarantined == r.rows_read > 30_000
    con = connect()
    # first data line of 20190101: hour 0, PM2.5 of 1001A is 53 -> 24:00 of 2018-12-31
    pm25, t, day, period = con.execute(
        "SELECT pm25, time, day, period FROM air_hourly "
        "WHERE site_code = '1001A' AND time = '2019-01-01 00:00:00'"
    ).fetchone()
    assert (pm25, t, day, period) == (53.0, datetime(2019, 1, 1), date(2018, 12, 31), "2018-12")
    n = con.execute("SELECT count(*) FROM air_hourly").fetchone()[0]
    assert n == sum(r.rows_landed for r in results)
    dup = con.execute(
        "SELECT count(*) FROM (SELECT site_code, time FROM air_hourly GROUP BY ALL "
        "HAVING count(*) > 1)"
    ).fetchone()[0]
    assert dup == 0


def test_uci_beijing_station_codes_and_co(home: Path, shared_dir: Path) -> None:
    folder = shared_dir / "data" / "beijing-multisite"
    files = [
        folder / "PRSA_Data_Dongsi_20130301-20170228.csv",
        folder / "PRSA_Data_Dingling_20130301-20170228.csv",
    ]
    results = ingest_paths("air-hourly", files)
    assert all(r.adapter == "uci-beijing" and r.rows_read == 35_064 for r in results)
    assert all(r.rows_landed + r.rows_quarantined == r.rows_read for r in results)
    con = connect()
    codes = {r[0] for r in con.execute("SELECT DISTINCT site_code FROM air_hourly").fetchall()}
    assert codes == {"1003A", "1002A"}
    co, no2 = con.execute(
        "SELECT co, no2 FROM air_hourly WHERE site_code='1003A' AND time='2013-03-01 00:00:00'"
    ).fetchone()
    assert (co, no2) == (pytest.approx(0.3), 17.0)


def test_water_release_and_site_list(home: Path, shared_dir: Path) -> None:
    data = shared_dir / "data"
    water, sites = ingest_paths(
        "auto",
        [
            data / "water" / "cnemc_surface_water_4hourly_2021-04.csv",
            data / "cnemc-air-2019" / "sites.csv",
        ],
    )
    assert water.adapter == "cnemc-water" and water.rows_read == 46_183
    assert water.rows_landed + water.rows_quarantined == water.rows_read
    assert water.rows_landed > 35_000
    assert sites.kind == "air-sites" and sites.rows_landed == 2026
    con = connect()
    classes = {r[0] for r in con.sql("SELECT DISTINCT water_class FROM water_samples").fetchall()}
    assert classes <= {"Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ", None}
    control = con.execute("SELECT control FROM air_sites WHERE site_code='1002A'").fetchone()[0]
    assert control is True


def test_water_maintenance_copy_is_quarantined_and_the_normal_record_lands(home: Path) -> None:
    """The release repeats 东店 at 04-04 04:00: 正常 (class Ⅲ) and 维护 (class *)."""
    from meili.ingest.demo import demo_dir

    (result,) = ingest_paths(
        "water-samples", [demo_dir() / "cnemc_surface_water_4hourly_2021-04_jjj.csv"]
    )
    con = connect()
    row = con.execute(
        "SELECT water_class, codmn FROM water_samples WHERE section = '东店' "
        "AND time = TIMESTAMP '2021-04-04 04:00:00'"
    ).fetchall()
    assert row == [("Ⅲ", 5.18)]
    reasons = con.execute(
        "SELECT reason FROM quarantine WHERE batch_id = ? AND row = 20", [result.batch_id]
    ).fetchall()
    assert reasons and "maintenance" in reasons[0][0]
