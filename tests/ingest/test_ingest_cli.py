"""`meili ingest`: declared decimal separator and date order, the conflict policy, and
`meili ingest kinds --columns KIND` (the header aliases, zh and en)."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import one_line_error, run

from meili.lake.store import connect


def test_kinds_columns_lists_the_aliases(home: Path, capsys) -> None:
    code, out, err = run(["ingest", "kinds", "--columns", "air-hourly", "-f", "json"], capsys)
    assert code == 0, err
    rows = {r["column"]: r for r in json.loads(out)}
    site = rows["site_code"]["headers"].split(", ")
    assert {"站点", "站点编码", "监测点编码", "site code"} <= set(site)
    assert rows["site_code"]["key"] and rows["time"]["required"]
    assert "时间" in rows["time"]["headers"] and "小时" in rows["time"]["headers"]
    code, out, _ = run(["ingest", "kinds", "-f", "json"], capsys)
    assert {r["kind"] for r in json.loads(out)} >= {"air-hourly", "stats"}
    code, _, err = run(["ingest", "kinds", "--columns", "weather"], capsys)
    assert "unknown dataset kind 'weather'" in one_line_error(code, err)


def _value(sql: str):
    return connect().execute(sql).fetchone()[0]


def test_declared_decimal_and_date_order(home: Path, tmp_path: Path, capsys) -> None:
    f = tmp_path / "air.csv"
    f.write_text('site_code,time,pm25\n1001A,12/01/2019 01:00,"1,234"\n', "utf-8")
    # a failed file's reason is in its record's message (one summary line on stderr)
    code, out, _ = run(["ingest", "air-hourly", str(f), "-f", "json"], capsys)
    assert code == 1 and "--decimal" in json.loads(out)["records"][0]["message"]
    code, out, _ = run(["ingest", "air-hourly", str(f), "--decimal", ",", "-f", "json"], capsys)
    assert code == 1 and "--date-order" in json.loads(out)["records"][0]["message"]
    code, _, err = run(
        ["ingest", "air-hourly", str(f), "--decimal", ",", "--date-order", "mdy", "-f", "json"],
        capsys,
    )
    assert code == 0, err
    assert _value("SELECT pm25 FROM air_hourly") == 1.234
    assert str(_value("SELECT time FROM air_hourly")) == "2019-12-01 01:00:00"


def test_on_conflict_option(home: Path, tmp_path: Path, capsys) -> None:
    a = tmp_path / "a.csv"
    a.write_text("site_code,time,pm25\n1001A,2019-01-01 01:00,14\n", "utf-8")
    b = tmp_path / "b.csv"
    b.write_text("site_code,time,pm25\n1001A,2019-01-01 01:00,26\n", "utf-8")
    assert run(["ingest", "air-hourly", str(a)], capsys)[0] == 0
    code, out, _ = run(["ingest", "air-hourly", str(b), "-f", "json"], capsys)
    [rec] = json.loads(out)["records"]
    assert (rec["landed"], rec["quarantined"]) == (0, 1)
    assert _value("SELECT pm25 FROM air_hourly") == 14
    code, out, _ = run(
        ["ingest", "air-hourly", str(b), "--on-conflict", "replace", "-f", "json"], capsys
    )
    assert code == 0
    assert _value("SELECT pm25 FROM air_hourly") == 26
    assert _value("SELECT count(*) FROM air_hourly") == 1
    assert _value("SELECT old_pm25 FROM air_hourly_revisions") == 14
    code, _, err = run(["ingest", "air-hourly", str(b), "--on-conflict", "sum"], capsys)
    assert "--on-conflict" in one_line_error(code, err)
