"""`meili noise limits` and `meili noise compliance` on a hand-checked noise file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import one_line_error, run

NOISE = """point_code,zone_class,time,leq_day,leq_night
P1,1,2024-01-10,54,46
P1,1,2024-04-10,56,44
P2,4a,2024-01-10,69,56
P2,4a,2024-04-10,71,55
P3,2,2024-01-10,58,49
P3,2,2024-04-10,59,52
"""


@pytest.fixture
def noise_lake(home: Path, tmp_path: Path) -> Path:
    from meili.ingest import ingest_paths

    f = tmp_path / "noise.csv"
    f.write_text(NOISE, encoding="utf-8")
    assert all(r.ok and r.rows_landed == 6 for r in ingest_paths("noise", [f]))
    return home


def rates(out: str) -> dict[tuple[str, str], dict]:
    return {(r["period"], r["zone_class"]): r for r in json.loads(out)["records"]}


def test_compliance_day_night(noise_lake: Path, capsys) -> None:
    code, out, err = run(["noise", "compliance", "-f", "json"], capsys)
    assert code == 0, err
    r = rates(out)
    # class 1 (55/45): day 54 ok, 56 no → 50 %; night 46 no, 44 ok → 50 %
    assert r[("day", "1")]["rate_pct"] == pytest.approx(50.0)
    assert r[("night", "1")]["rate_pct"] == pytest.approx(50.0)
    # class 2 (60/50): day 58, 59 ok → 100 %; night 49 ok, 52 no → 50 %
    assert r[("day", "2")]["rate_pct"] == pytest.approx(100.0)
    # 4a (70/55): night 56 no, 55 ok (≤ limit) → 50 %
    assert r[("night", "4a")]["rate_pct"] == pytest.approx(50.0)
    # overall day: 1 + 2 + 1 = 4 of 6 → 66.67 %; night 1 + 1 + 1 = 3 of 6 → 50 %
    assert r[("day", "all")]["n_compliant"] == 4
    assert r[("day", "all")]["rate_pct"] == pytest.approx(400 / 6)  # unrounded in the data
    assert r[("night", "all")]["rate_pct"] == pytest.approx(50.0)
    assert r[("day", "all")]["standard"] == "GB 3096-2008"


def test_compliance_period_filter(noise_lake: Path, capsys) -> None:
    code, out, err = run(["noise", "compliance", "--from", "2024-04-01", "-f", "json"], capsys)
    assert code == 0, err
    r = rates(out)
    # April only: day 56 no, 71 no, 59 ok → 1 of 3
    assert r[("day", "all")]["n_measurements"] == 3
    assert r[("day", "all")]["n_compliant"] == 1
    code, out, _ = run(["noise", "compliance", "-f", "csv", "--raw"], capsys)
    assert out.splitlines()[0].startswith("period,zone_class")


def test_compliance_errors(noise_lake: Path, capsys) -> None:
    code, _, err = run(
        ["noise", "compliance", "--from", "2020-01-01", "--to", "2020-12-31"], capsys
    )
    assert "no noise measurements" in one_line_error(code, err)
    code, _, err = run(["noise", "compliance", "--by", "city"], capsys)
    assert "city" in one_line_error(code, err)


def test_compliance_without_data(home: Path, capsys) -> None:
    code, _, err = run(["noise", "compliance"], capsys)
    assert "noise" in one_line_error(code, err)


def test_limits(capsys) -> None:
    code, out, err = run(["noise", "limits", "-f", "json"], capsys)
    assert code == 0, err
    rows = {r["zone_class"]: r for r in json.loads(out)["records"]}
    assert set(rows) == {"0", "1", "2", "3", "4a", "4b"}
    assert (rows["4b"]["day"], rows["4b"]["night"]) == (70.0, 60.0)
    assert (rows["0"]["day"], rows["0"]["night"]) == (50.0, 40.0)
    code, out, _ = run(["noise", "limits"], capsys)
    assert code == 0 and "4a" in out
