"""``meili assess zone --progress-method`` as a user: a round from filed statistics, the arrow
by either method with its explanation, and a wrong method refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import one_line_error, run

NEV = "glc.nev_share_new_vehicles"


def test_zone_progress_by_either_method(store: Path, tmp_path: Path, capsys) -> None:
    csv = tmp_path / "stats.csv"
    rows = [f"P-330000,{y},{NEV},{v},%,test" for y, v in ((2024, 30), (2025, 35), (2026, 40))]
    csv.write_text("area_code,year,indicator,value,unit,source\n" + "\n".join(rows) + "\n")
    code, _, err = run(["ingest", "stats", str(csv)], capsys)
    assert code == 0, err
    code, _, err = run(["assess", "run", "--round", "r", "--year", "2026"], capsys)
    assert code == 0, err
    base = ["assess", "zone", "P-330000", "--round", "r", "--format", "json", "--explain"]
    code, out, err = run([*base, "--lang", "en"], capsys)
    assert code == 0, err
    [nev] = [r for r in json.loads(out)["records"] if r["indicator"] == NEV]
    # default SDR: 45 % is the national 2027 anchor, not the zone's target → no arrow
    assert nev["arrow"] == "no_target"
    assert "SDR" in nev["arrow_explain_en"] and "national reference 45%" in nev["arrow_explain_en"]
    code, out, err = run([*base, "--lang", "en", "--progress-method", "statcan"], capsys)
    assert code == 0, err
    [nev] = [r for r in json.loads(out)["records"] if r["indicator"] == NEV]
    # StatCan without target: (40/30)^(1/2) − 1 = 15.47 % a year ≥ 1.5 %·C → on track
    assert nev["arrow"] == "on_track"
    assert "Statistics Canada" in nev["arrow_explain_en"]
    assert "baseline 2024 30%" in nev["arrow_explain_en"]
    code, _, err = run([*base, "--progress-method", "eurostat"], capsys)
    assert code == 2 and "unknown progress method" in one_line_error(code, err)
