"""The ledger: items from an approved plan, progress reports, overdue flags, roll-up."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from cli_support import run
from workflow_support import PLAN, actor

from meili.db.session import session
from meili.workflow import documents, ledger, review
from meili.workflow.errors import Forbidden, Invalid, PreconditionFailed
from meili.workflow.roles import ANONYMOUS


def _approved_plan(who: str, zone: str, reviewers: tuple[str, ...]) -> None:
    with session(write=True) as s:
        doc = documents.create(s, actor(who), "plan", zone, "方案", PLAN)
        documents.submit(s, actor(who), doc)
        for r in reviewers:
            review.approve(s, actor(r), doc)


def test_progress_overdue_and_rollup(people: Path, capsys) -> None:
    _approved_plan("ca", "X-330127", ("hz", "zj", "mee"))
    _approved_plan("aj", "X-330523", ("zj", "mee"))
    with session() as s:
        items = {
            (i.zone_code, i.key): i for i in ledger.items(s, ANONYMOUS, "P-330000", within=True)
        }
    task = items[("X-330127", "T1")]
    assert ledger.overdue(task, date(2026, 7, 1)) and not ledger.overdue(task, date(2026, 6, 30))
    with session(write=True) as s:
        item = ledger.get_item(s, task.id)
        with pytest.raises(Forbidden):
            ledger.report(s, actor("aj"), item, percent=50)
        with pytest.raises(Invalid):
            ledger.report(s, actor("ca"), item, percent=150)
        ledger.report(
            s, actor("ca"), item, percent=100, money_spent=300, note="完成", expected=item.lock
        )
        lock = item.lock
    with session(write=True) as s, pytest.raises(PreconditionFailed):
        ledger.report(s, actor("ca"), ledger.get_item(s, task.id), percent=90, expected=lock - 1)
    with session() as s:
        item = ledger.get_item(s, task.id)
        assert not ledger.overdue(item, date(2030, 1, 1))
        assert [r["percent_complete"] for r in ledger.reports(s, item)] == [100]
        rows = ledger.rollup(
            ledger.items(s, actor("zj"), "P-330000", within=True), date(2030, 1, 1)
        )
    by_zone = {r["zone"]: r for r in rows}
    assert by_zone["X-330127"] == {
        "zone": "X-330127",
        "tasks": 1,
        "projects": 1,
        "done": 1,
        "overdue": 0,
        "amount": 12000.0,
        "spent": 300.0,
    }
    assert by_zone["X-330523"]["overdue"] == 1  # its task is past its deadline, not done
    assert by_zone["total"]["amount"] == 24000.0 and by_zone["total"]["tasks"] == 2
    code, out, _ = run(["ledger", "rollup", "P-330000", "-f", "json"], capsys)
    assert code == 0 and json.loads(out)[-1]["projects"] == 2
