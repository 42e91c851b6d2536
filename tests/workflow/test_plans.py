"""Plans: states, immutable versions with diffs, tiered review, return, re-open, approval
writing assigned targets and the ledger — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import run
from ruamel.yaml import YAML
from workflow_support import PLAN, actor

from meili.db.assessment_inputs import assigned_targets
from meili.db.models import DocumentVersion
from meili.db.session import session
from meili.errors import NotFoundError
from meili.workflow import documents, ledger, review
from meili.workflow.errors import Conflict, Forbidden, Invalid, PreconditionFailed


def _doc(doc_id: int):  # type: ignore[no-untyped-def]
    with session() as s:
        return documents.get_document(s, doc_id)


def _do(fn, who: str, doc_id: int, *args, **kw):  # type: ignore[no-untyped-def]
    with session(write=True) as s:
        doc = documents.get_document(s, doc_id)
        fn(s, actor(who), doc, *args, **kw)
        return doc


def test_county_plan_through_the_tiers(any_db: str) -> None:
    with session(write=True) as s:
        doc = documents.create(s, actor("ca"), "plan", "X-330127", "淳安县实施方案", PLAN)
        doc_id = doc.id
    assert _doc(doc_id).state == "draft"
    # the province cannot approve before the city
    _do(documents.submit, "ca", doc_id)
    with pytest.raises(Conflict, match="city level has not approved"):
        _do(review.approve, "zj", doc_id)
    with pytest.raises(Forbidden):  # another county's editor
        _do(review.approve, "aj", doc_id)
    _do(review.approve, "hz", doc_id)
    assert _doc(doc_id).state == "under_review"
    with pytest.raises(Conflict, match="approved version 1 already"):
        _do(review.approve, "hz", doc_id)
    with pytest.raises(Invalid, match="reason is required"):
        _do(review.return_, "zj", doc_id, "  ")
    _do(review.return_, "zj", doc_id, "PM2.5 目标偏低")
    assert _doc(doc_id).state == "returned"
    # edit and resubmit: a second, immutable version with a diff to the first
    changed = {**PLAN, "specialty": "千岛湖生态保护与绿色发展"}
    changed["targets"] = [{**PLAN["targets"][0], "target_value": 24}, PLAN["targets"][1]]
    _do(documents.edit, "ca", doc_id, changed)
    _do(documents.submit, "ca", doc_id)
    doc = _doc(doc_id)
    assert doc.state == "resubmitted" and doc.current_version == 2
    with session() as s:
        changes = {c["section"]: c for c in documents.version_diff(s, doc, 2)}
        first = documents.version(s, doc, 1).content
    assert set(changes) == {"specialty", "targets"}
    assert '-  "target_value": 25.0' in "\n".join(changes["targets"]["diff"]).replace(' "', ' "')
    assert first["specialty"] == "千岛湖生态保护"  # the earlier version is unchanged
    # the levels again, in order; the Ministry's approval locks the version
    for who in ("hz", "zj", "mee"):
        _do(review.approve, who, doc_id)
    doc = _doc(doc_id)
    assert doc.state == "approved"
    with session() as s:
        status = review.chain_status(s, doc)
        assert [(c["level"], c["approved"]) for c in status] == [
            ("city", True),
            ("province", True),
            ("ministry", True),
        ]
        targets = assigned_targets(s, ["X-330127"])
        items = ledger.items(s, actor("zj"), "P-330000", within=True)
    assert dict(zip(targets["indicator_code"], targets["target_value"], strict=True)) == {
        "env.pm25_annual_mean": 24.0,
        "env.good_day_ratio": 95.0,
    }
    assert set(targets["source"]) == {f"plan:{doc_id}@2"}
    assert {(i.kind, i.key) for i in items} == {("task", "T1"), ("project", "P1")}
    with pytest.raises(Conflict):  # approval locks it: no edit, no withdrawal
        _do(documents.edit, "ca", doc_id, PLAN)
    with pytest.raises(Conflict):
        _do(documents.withdraw, "ca", doc_id)


def test_reopen_by_a_higher_level(any_db: str) -> None:
    with session(write=True) as s:
        doc_id = documents.create(s, actor("ca"), "plan", "X-330127", "方案", PLAN).id
    _do(documents.submit, "ca", doc_id)
    _do(review.approve, "hz", doc_id)
    _do(review.approve, "zj", doc_id)
    with pytest.raises(Forbidden, match="above city"):  # a level cannot re-open itself
        _do(review.reopen, "hz", doc_id, "city", "oops")
    with pytest.raises(Invalid, match="reason"):
        _do(review.reopen, "mee", doc_id, "city", "")
    _do(review.reopen, "mee", doc_id, "city", "核实基准值")
    doc = _doc(doc_id)
    assert doc.state == "under_review" and doc.review_level == 0
    with session() as s:
        assert [c["approved"] for c in review.chain_status(s, doc)] == [False, False, False]
    with pytest.raises(Conflict, match="city level"):
        _do(review.approve, "mee", doc_id)
    for who in ("hz", "zj", "mee"):
        _do(review.approve, who, doc_id)
    assert _doc(doc_id).state == "approved"
    # after approval the Ministry can still re-open the province's approval
    _do(review.reopen, "mee", doc_id, "province", "抽查")
    assert _doc(doc_id).state == "under_review"


def test_skipped_levels_and_withdrawal(any_db: str) -> None:
    # 安吉县: no city zone above it, so the chain is province → Ministry
    with session(write=True) as s:
        doc_id = documents.create(s, actor("aj"), "plan", "X-330523", "安吉县方案", {}).id
    _do(documents.submit, "aj", doc_id)
    _do(documents.withdraw, "aj", doc_id)
    assert _doc(doc_id).state == "withdrawn"
    _do(documents.submit, "aj", doc_id)
    assert _doc(doc_id).current_version == 2
    _do(review.approve, "zj", doc_id)
    _do(review.approve, "mee", doc_id)
    assert _doc(doc_id).state == "approved"


def test_drafts_are_private_and_content_is_checked(any_db: str) -> None:
    with session(write=True) as s:
        doc = documents.create(s, actor("ca"), "plan", "X-330127", "方案", PLAN)
        doc_id = doc.id
        with pytest.raises(Invalid, match="not in meili-default"):
            documents.edit(
                s, actor("ca"), doc, {"targets": [{"indicator": "nope", "target_value": 1}]}
            )
        with pytest.raises(Invalid, match="funding_source"):
            bad = {**PLAN, "projects": [{**PLAN["projects"][0], "funding_source": "lottery"}]}
            documents.edit(s, actor("ca"), doc, bad)
        with pytest.raises(Forbidden):
            documents.create(s, actor("ca"), "plan", "X-330523", "别人的方案", {})
    with session() as s:
        doc = documents.get_document(s, doc_id)
        for who in ("aj", "hz", "zj", "mee"):  # a draft is seen by its own zone only
            with pytest.raises(NotFoundError):
                documents.require_read(s, actor(who), doc)
        documents.require_read(s, actor("ca"), doc)
        assert documents.listing(s, actor("hz"), kind="plan") == []


def test_stale_lock_is_refused(any_db: str) -> None:
    with session(write=True) as s:
        doc = documents.create(s, actor("ca"), "plan", "X-330127", "方案", PLAN)
        doc_id, lock = doc.id, doc.lock
    _do(documents.edit, "ca", doc_id, PLAN, expected=lock)
    with pytest.raises(PreconditionFailed):
        _do(documents.edit, "ca", doc_id, PLAN, expected=lock)
    with pytest.raises(Conflict):
        _do(documents.submit, "ca", doc_id, expected=lock, how="version")


def test_versions_are_immutable_rows(people: Path) -> None:
    with session(write=True) as s:
        doc_id = documents.create(s, actor("ca"), "plan", "X-330127", "方案", PLAN).id
    _do(documents.submit, "ca", doc_id)
    with session() as s:
        v = s.query(DocumentVersion).filter_by(document_id=doc_id).one()
        assert v.number == 1 and len(v.sha256) == 64


def test_plan_cli(people: Path, tmp_path: Path, capsys) -> None:
    file = tmp_path / "plan.yaml"
    with file.open("w", encoding="utf-8") as fh:
        YAML().dump(PLAN, fh)
    code, out, err = run(
        ["plans", "new", "X-330127", "--title", "淳安县方案", "--file", str(file), "--as", "ca"],
        capsys,
    )
    assert code == 0, err
    doc_id = out.split("#")[1].split()[0]
    assert run(["plans", "submit", doc_id, "--as", "ca"], capsys)[0] == 0
    code, _, err = run(["plans", "approve", doc_id, "--as", "zj"], capsys)
    assert code == 1 and "city level has not approved" in err  # 409 → exit 1
    code, _, err = run(["plans", "return", doc_id, "--as", "hz"], capsys)
    assert code == 2 and "reason" in err
    assert run(["plans", "return", doc_id, "--reason", "补充项目", "--as", "hz"], capsys)[0] == 0
    file.write_text(file.read_text("utf-8").replace("千岛湖生态保护", "千岛湖"), "utf-8")
    assert run(["plans", "edit", doc_id, "--file", str(file), "--as", "ca"], capsys)[0] == 0
    assert run(["plans", "submit", doc_id, "--as", "ca"], capsys)[0] == 0
    code, out, _ = run(["plans", "diff", doc_id, "--as", "hz"], capsys)
    assert "== specialty (changed)" in out and "+千岛湖" in out
    assert (
        run(
            [
                "plans",
                "comment",
                doc_id,
                "--section",
                "targets",
                "--text",
                "请核实",
                "--as",
                "expert",
            ],
            capsys,
        )[0]
        == 0
    )
    for who in ("hz", "zj", "mee"):
        code, out, err = run(["plans", "approve", doc_id, "--as", who], capsys)
        assert code == 0, err
    assert "approved" in out
    code, out, _ = run(["plans", "show", doc_id, "--as", "ca"], capsys)
    shown = json.loads(out)
    assert shown["state"] == "approved" and len(shown["reviews"]) == 4
    code, out, _ = run(["plans", "list", "-f", "json"], capsys)  # the public sees it now
    assert [r["id"] for r in json.loads(out)] == [int(doc_id)]
    code, out, _ = run(["zones", "targets", "list", "-f", "json"], capsys)
    assert {r["indicator_code"] for r in json.loads(out)} == {
        "env.pm25_annual_mean",
        "env.good_day_ratio",
    }
