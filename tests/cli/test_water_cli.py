"""`meili water` classify / period / rank, and the lake-query API, on hand-checked files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from cli_support import one_line_error, run


def write(path: Path, text: str) -> Path:
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


def ingest(kind: str, path: Path) -> None:
    from meili.ingest import ingest_paths

    results = ingest_paths(kind, [path])
    assert all(r.ok for r in results), [r.error for r in results]


# --- classify -----------------------------------------------------------------------------


def test_classify_file_river_lake_auto(home: Path, tmp_path: Path, capsys) -> None:
    f = write(
        tmp_path / "s.csv",
        """
断面名称,pH,溶解氧,高锰酸盐指数,氨氮,总磷
甲桥,7,6,5,0.8,0.25
某湖湖心,7,8,1.5,0.1,0.08
乙闸,7.2,8,1.5,0.01L,--
""",
    )
    code, out, err = run(["water", "classify", str(f), "-f", "json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["standard"] == "GB 3838-2002; 环办〔2011〕22号"
    a, b, c = data["records"]
    # 甲桥 river: TP 0.25 in (0.2, 0.3] → Ⅳ; multiple (0.25 − 0.2)/0.2 = 0.25; main pollutant TP
    assert (a["class"], a["waterbody"], a["waterbody_source"]) == ("Ⅳ", "river", "name")
    assert a["exceedance_vs_III"] == {"tp": pytest.approx(0.25)}
    assert a["main_pollutants"] == ["tp"]
    assert a["row"] == 2 and a["standard"].startswith("GB 3838-2002")
    # 湖心 → lake by name: TP 0.08 in (0.05, 0.1] of the lake limits → Ⅳ, multiple 0.6
    assert (b["class"], b["waterbody"]) == ("Ⅳ", "lake")
    assert b["exceedance_vs_III"] == {"tp": pytest.approx(0.6)}
    # 0.01L → 0.005 (half DL) Ⅰ; pH/DO/CODMn all Ⅰ → Ⅰ, nothing exceeded
    assert c["class"] == "Ⅰ" and c["nh3n"] == pytest.approx(0.005)
    assert c["exceedance_vs_III"] == {} and c["main_pollutants"] == []
    # forced river: TP 0.08 in (0.02, 0.1] → Ⅱ
    code, out, _ = run(["water", "classify", str(f), "--waterbody", "river", "-f", "json"], capsys)
    b = json.loads(out)["records"][1]
    assert (b["class"], b["waterbody_source"]) == ("Ⅱ", "option")


def test_classify_uses_section_register(home: Path, tmp_path: Path, capsys) -> None:
    reg = write(
        tmp_path / "sections.csv",
        """
section,province,waterbody_type
甲桥,北京市,lake
""",
    )
    ingest("water-sections", reg)
    f = write(tmp_path / "s.csv", "section,province,tp\n甲桥,北京市,0.08\n")
    code, out, err = run(["water", "classify", str(f), "-f", "json"], capsys)
    assert code == 0, err
    rec = json.loads(out)["records"][0]
    assert (rec["waterbody"], rec["waterbody_source"], rec["class"]) == ("lake", "register", "Ⅳ")


def test_classify_csv_and_xlsx(home: Path, tmp_path: Path, capsys) -> None:
    f = write(tmp_path / "s.csv", "section,nh3n\nA,1.2\n")
    code, out, _ = run(["water", "classify", str(f), "-f", "csv", "--raw"], capsys)
    assert code == 0 and out.splitlines()[0].startswith("row,section")
    x = tmp_path / "o.xlsx"
    code, out, _ = run(["water", "classify", str(f), "-f", "xlsx", "--out", str(x)], capsys)
    assert code == 0 and x.stat().st_size > 0
    code, _, err = run(["water", "classify", str(f), "-f", "xlsx"], capsys)
    assert "--out" in one_line_error(code, err)


def test_classify_bad_input(home: Path, tmp_path: Path, capsys) -> None:
    f = write(tmp_path / "nosec.csv", "ph,tp\n7,0.1\n")
    code, _, err = run(["water", "classify", str(f)], capsys)
    assert "section" in one_line_error(code, err)
    f = write(tmp_path / "bad.csv", "section,tp\nA,0.1\nB,abc\n")
    code, _, err = run(["water", "classify", str(f)], capsys)
    line = one_line_error(code, err)
    assert "row 3" in line and "abc" in line
    f = write(tmp_path / "noitem.csv", "section,foo\nA,1\n")
    code, _, err = run(["water", "classify", str(f)], capsys)
    assert "item" in one_line_error(code, err)
    code, _, err = run(["water", "classify", str(tmp_path / "missing.csv")], capsys)
    assert "not found" in one_line_error(code, err)


# --- period / rank over the lake ------------------------------------------------------------

SAMPLES = """
province,basin,section,time,ph,do,codmn,nh3n,tp
P,B1,A,2024-04-01 08:00,7.5,8,3,0.9,0.05
P,B1,A,2024-04-02 08:00,7.5,8,3,1.3,0.05
P,B1,B,2024-04-01 08:00,7.5,8,3,0.3,0.05
P,B1,C,2024-04-01 08:00,7.5,8,3,0.3,0.05
P,B1,D,2024-04-01 08:00,7.5,8,3,0.3,0.05
P,B2,E,2024-04-01 08:00,7.5,8,3,2.5,0.05
P,B2,F,2024-04-01 08:00,7.5,8,3,0.3,0.05
P,B2,G,2024-04-01 08:00,7.5,8,3,0.3,0.05
P,B2,H,2024-04-01 08:00,7.5,8,3,0.3,0.05
P,B2,I,2024-04-01 08:00,7.5,8,3,0.3,0.05
P,B2,E,2024-03-01 08:00,7.5,8,3,0.3,0.05
P,B2,F,2024-03-01 08:00,7.5,8,3,0.3,0.05
P,B2,G,2024-03-01 08:00,7.5,8,3,0.3,0.05
P,B2,H,2024-03-01 08:00,7.5,8,3,0.3,0.05
P,B2,I,2024-03-01 08:00,7.5,8,3,0.3,0.05
"""


def register(tmp_path: Path, rows: list[tuple[str, str, str]]) -> None:
    """Land a section register (province, section, city; all rivers): samples must name
    registered sections."""
    body = "\n".join(f"{p},{s},{c},river" for p, s, c in rows)
    ingest(
        "water-sections",
        write(tmp_path / "reg.csv", f"province,section,city,waterbody_type\n{body}"),
    )


@pytest.fixture
def water_lake(home: Path, tmp_path: Path) -> Path:
    register(tmp_path, [("P", s, "C") for s in "ABCDEFGHI"])
    ingest("water-samples", write(tmp_path / "samples.csv", SAMPLES))
    return home


def test_period_sections_mean_then_classify(water_lake: Path, capsys) -> None:
    args = ["water", "period", "--from", "2024-04-01", "--to", "2024-04-30"]
    code, out, err = run([*args, "--level", "section", "--basin", "B1", "-f", "json"], capsys)
    assert code == 0, err
    recs = {r["section"]: r for r in json.loads(out)["records"]}
    # A: NH3-N 0.9 (Ⅲ) and 1.3 (Ⅳ) → mean 1.1 > 1.0 → Ⅳ (mean first, then classify)
    assert recs["A"]["nh3n"] == pytest.approx(1.1)
    assert recs["A"]["class"] == "Ⅳ" and recs["A"]["n_samples"] == 2
    assert recs["B"]["class"] == "Ⅱ"  # NH3-N 0.3, CODMn 3, TP 0.05 → Ⅱ
    assert all(r["standard"] == "GB 3838-2002; 环办〔2011〕22号" for r in recs.values())


def test_period_groups_fewer_than_five_and_change(water_lake: Path, capsys) -> None:
    args = ["water", "period", "--from", "2024-04-01", "--to", "2024-04-30", "-f", "json"]
    cmp = ["--compare-from", "2024-03-01", "--compare-to", "2024-03-31"]
    code, out, err = run(args, capsys)
    assert code == 0, err
    g = {r["basin"]: r for r in json.loads(out)["records"]}
    # B1: 4 sections (< 5) → mean of the sections: NH3-N (1.1+0.3+0.3+0.3)/4 = 0.5 → Ⅱ → 优
    assert (g["B1"]["n_sections"], g["B1"]["method"]) == (4, "mean")
    assert (g["B1"]["class"], g["B1"]["status"]) == ("Ⅱ", "优")
    assert g["B1"]["share_I_III"] == pytest.approx(75.0)
    # B2: 5 sections, one 劣Ⅴ (NH3-N 2.5 > 2.0) → Ⅰ–Ⅲ 80 % → 良好 (75 ≤ 80 < 90), 劣Ⅴ 20 %
    assert (g["B2"]["method"], g["B2"]["status"]) == ("shares", "良好")
    assert g["B2"]["share_worse_V"] == pytest.approx(20.0)
    code, out, err = run([*args, *cmp], capsys)
    assert code == 0, err
    g = {r["basin"]: r for r in json.loads(out)["records"]}
    # March: 100 % Ⅰ–Ⅲ, 0 % 劣Ⅴ → ΔG = −20, ΔD = +20, ΔG − ΔD = −40 < −20 → 明显变差
    assert g["B2"]["delta_g"] == pytest.approx(-20.0)
    assert g["B2"]["score"] == pytest.approx(-40.0)
    assert g["B2"]["change"] == "明显变差"
    assert g["B1"]["change"] is None  # no March samples in B1


def test_period_errors(water_lake: Path, capsys) -> None:
    code, _, err = run(["water", "period", "--from", "2020-01-01", "--to", "2020-01-31"], capsys)
    assert "no water samples" in one_line_error(code, err)
    code, _, err = run(
        ["water", "period", "--from", "2024-04-01", "--to", "2024-04-30", "--compare-from", "x"],
        capsys,
    )
    assert "--compare" in one_line_error(code, err)


def test_period_without_lake_data(home: Path, capsys) -> None:
    code, _, err = run(["water", "period", "--from", "2024-04-01", "--to", "2024-04-30"], capsys)
    assert "water_samples" in one_line_error(code, err)


RANK = """
province,section,time,ph,do,codmn,nh3n,tp
P1,S1,2024-04-01 08:00,7,5,3,0.5,0.1
P2,S2,2024-04-01 08:00,7,5,3,0.5,0.1
P3,S3,2024-04-01 08:00,7,5,3,1.0,0.1
P3,S3,2024-03-01 08:00,7,5,3,0.5,0.1
"""


def test_rank_cwqi_with_tie_and_change(home: Path, tmp_path: Path, capsys) -> None:
    register(tmp_path, [("P1", "S1", "C1"), ("P2", "S2", "C2"), ("P3", "S3", "C3")])
    ingest("water-samples", write(tmp_path / "rank.csv", RANK))
    args = ["water", "rank", "--from", "2024-04-01", "--to", "2024-04-30", "-f", "json"]
    # issue 12 item 6: the full CWQI needs all 21 items; these five rank no one
    code, out, err = run(args, capsys)
    assert code == 0, err
    full = json.loads(out)["records"]
    assert all(x["rank"] is None and x["complete"] is False for x in full)
    assert full[0]["variant"] == "full" and "cu" in full[0]["missing_items"].split(";")
    args += ["--variant", "automatic"]
    code, out, err = run(
        [*args, "--compare-from", "2024-03-01", "--compare-to", "2024-03-31"], capsys
    )
    assert code == 0, err
    r = {x["province"]: x for x in json.loads(out)["records"]}
    assert {x["complete"] for x in r.values()} == {True}
    # CWQI = pH |7−7|/1 = 0 + DO 5/5 = 1 + CODMn 3/6 = 0.5 + NH3-N 0.5/1 + TP 0.1/0.2 = 2.5
    assert r["P1"]["cwqi"] == pytest.approx(2.5) and r["P2"]["cwqi"] == pytest.approx(2.5)
    assert r["P1"]["rank"] == r["P2"]["rank"] == 1  # tie shares the best rank
    # P3: NH3-N 1.0/1 → 3.0, rank 3; March 2.5 → (3.0 − 2.5)/2.5 × 100 = +20 %
    assert r["P3"]["cwqi"] == pytest.approx(3.0) and r["P3"]["rank"] == 3
    assert r["P3"]["cwqi_change_pct"] == pytest.approx(20.0)
    assert r["P1"]["cwqi_change_pct"] is None
    assert r["P1"]["standard"].startswith("环办监测〔2017〕51号")
    code, out, err = run([*args, "--by", "city"], capsys)
    assert code == 0, err
    assert [(x["city"], x["rank"]) for x in json.loads(out)["records"]] == [
        ("C1", 1),
        ("C2", 1),
        ("C3", 3),
    ]


def test_rank_by_city_needs_register(home: Path, tmp_path: Path, capsys) -> None:
    ingest(
        "water-samples",
        write(tmp_path / "rank.csv", "province,section,time,nh3n\nP,东店,2024-04-01,0.5"),
    )
    code, _, err = run(
        ["water", "rank", "--from", "2024-04-01", "--to", "2024-04-30", "--by", "city"], capsys
    )
    assert "city" in one_line_error(code, err)


# --- API and demo ----------------------------------------------------------------------------


def test_assess_period_on_a_frame() -> None:
    import pandas as pd

    from meili.engine.water import assess_period

    frame = pd.read_csv(__import__("io").StringIO(SAMPLES.strip()), parse_dates=["time"])
    res = assess_period(frame, "2024-04-01", "2024-04-30", by="basin")
    assert list(res.groups["basin"]) == ["B1", "B2"]
    assert list(res.groups["status"]) == ["优", "良好"]


def test_demo_summary_after_the_demo_ingest(home: Path) -> None:
    from meili.engine.water import demo_summary
    from meili.ingest.demo import demo_dir, ingest_demo_samples
    from meili.lake.store import connect
    from meili.standards.water import status_from_shares

    assert demo_summary(connect()) == []  # nothing in the lake yet
    ingest_demo_samples()
    recs = {r["province"]: r for r in demo_summary(connect())}
    assert set(recs) == {"北京市", "天津市", "河北省"}
    raw = pd.read_csv(demo_dir() / "cnemc_surface_water_4hourly_2021-04_jjj.csv")
    beijing = raw[(raw["province"] == "北京市") & (raw["site_status"] != "维护")]
    assert recs["北京市"]["n_sections"] == beijing["section"].nunique()
    for r in recs.values():
        assert 0 <= r["share_worse_V"] <= r["share_worse_V"] + r["share_I_III"] <= 100
        if r["method"] == "shares":
            assert r["status"] == status_from_shares(r["share_I_III"], r["share_worse_V"]).item()
        assert r["standard"]
