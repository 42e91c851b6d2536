"""`meili framework coverage` (issue 16): every requirement of 国办函〔2025〕2号 with the
indicators that show it and how each is evaluated; the totals the README states."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import run

import meili.methods
from meili.errors import ValidationFailed
from meili.framework.coverage import EVALUATED, NONE, bundled_set, coverage, totals
from meili.framework.loader import default_framework_path, load_framework_file
from meili.framework.policy import policy

EVALUATED_ALL = (*EVALUATED, NONE)


def _rows():
    return coverage(bundled_set(), {m.id: m.kind for m in meili.methods.methods()})


def test_totals() -> None:
    t = totals(_rows())
    assert t["all"]["requirements"] == 149 == len(policy().requirements())
    assert (t["measurable"]["requirements"], t["checkable"]["requirements"]) == (94, 55)
    # every measurable requirement is evaluable: 19 computed, 70 reported, 5 by evidence
    m = t["measurable"]
    assert (m["evaluable"], m["computed"], m["reported"], m["evidence"]) == (94, 19, 70, 5)
    assert m["evaluable_pct"] == 100.0
    # checkable: all but the Ministry's own two duties (§六 5, 6)
    c = t["checkable"]
    assert (c["evaluable"], c["evidence"], c["reported"], c["none"]) == (53, 52, 1, 2)
    assert t["all"]["evaluable"] == 147 and t["all"]["targets_to_confirm"] == 43


def test_monitoring_requirements_are_computed_but_the_coastal_ones() -> None:
    rows = {r.requirement.id: r for r in _rows() if r.requirement.basis == "monitoring"}
    assert len(rows) == 18
    not_computed = {k for k, r in rows.items() if r.evaluated_by != "computed"}
    # no coastal (GB 3097) monitoring reaches the lake: the bay figures are reported
    assert not_computed == {"二.三.10", "三.七.12"}
    assert all("not computed" in rows[k].gap for k in not_computed)
    # the regional ones are computed by the regional methods
    assert {c.indicator.method for c in rows["二.四.7"].covering} == {"water.danjiangkou_class"}
    assert {c.indicator.method for c in rows["二.五.7"].covering} == {"air.fenwei_pm25_annual_mean"}


def test_every_covering_target_is_cited_or_says_what_confirms_it() -> None:
    for row in _rows():
        for c in row.covering:
            ind = c.indicator
            assert ind.target_source or ind.to_confirm, ind.code
            if c.target_status == "to confirm":
                assert ind.to_confirm and len(ind.to_confirm) > 20, ind.code
    gaps = {r.requirement.id: r.gap for r in _rows() if not r.covering}
    assert set(gaps) == {"六.5", "六.6"} and all("Ministry" in g for g in gaps.values())


def test_unknown_requirement_id_is_an_error_with_its_line(tmp_path: Path) -> None:
    text = default_framework_path().read_text(encoding="utf-8")
    bad = text.replace("requirements: [三.六.4, 四.十一.1]", "requirements: [三.六.4, 九.九.9]", 1)
    assert bad != text
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ValidationFailed) as exc:
        load_framework_file(path, methods=meili.methods.known_ids())
    [problem] = exc.value.problems
    assert (
        "九.九.9" in problem.message
        and problem.location.row == bad[: bad.index("九.九.9")].count("\n") + 1
    )


def test_cli_json_one_record_per_requirement(home: Path, capsys) -> None:
    code, out, err = run(["framework", "coverage", "--format", "json"], capsys)
    assert code == 0, err
    doc = json.loads(out)
    recs = doc["records"]
    assert len(recs) == 149 and doc["measurable"]["evaluable"] == 94
    assert [r["requirement_id"] for r in recs] == [r.id for r in policy().requirements()]
    for r in recs:
        assert {"clause", "requirement_id", "indicators", "evaluated_by"} <= set(r)
        assert r["evaluated_by"] in ("computed", "reported", "evidence", "none")
    dj = next(r for r in recs if r["requirement_id"] == "二.四.7")
    assert dj["indicators"] == ["cj.danjiangkou_class"] and dj["evaluated_by"] == "computed"
    assert dj["frameworks"] == ["meili-regional-cj@2026.1"]


def test_cli_clause_gaps_and_errors(home: Path, capsys) -> None:
    code, out, _ = run(["framework", "coverage", "--clause", "二.五", "-f", "csv"], capsys)
    assert code == 0 and out.count("\n") == 1 + 9  # header + the 9 requirements of (五)
    code, out, _ = run(["framework", "coverage", "--gaps"], capsys)
    assert code == 0 and "六.5" in out and "三.七.12" in out and "二.四.7" not in out
    assert "measurable: 94/94 evaluable (100.0 %)" in out
    code, _, err = run(["framework", "coverage", "--clause", "九.九"], capsys)
    assert code == 2 and "unknown clause" in err


def test_readme_table_is_the_report() -> None:
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    section = text.split("## Policy coverage", 1)[1].split("\n## ", 1)[0]
    table = {
        cells[0]: [int(c) for c in cells[1:]]
        for line in section.splitlines()
        if line.startswith("| ")
        and (cells := [c.strip() for c in line.strip("|").split("|")])
        and cells[1].isdigit()
    }
    rows = _rows()
    for clause in dict.fromkeys(r.clause for r in rows):
        mine = [r for r in rows if r.clause == clause]
        kinds = [sum(r.evaluated_by == k for r in mine) for k in EVALUATED_ALL]
        measurable = sum(r.requirement.kind == "measurable" for r in mine)
        assert table[clause] == [len(mine), measurable, *kinds], clause
    assert table["total 合计"][0] == 149
    assert "94/94 evaluable (100.0 %)" in section.replace("\n", " ")
