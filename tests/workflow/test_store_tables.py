"""The store's workflow tables: migrations up and down, one live assigned target per zone and
indicator, the readers the assessment calls, the targets file import (issue 15 item 1)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_support import one_line_error, run
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, inspect
from sqlalchemy.orm import Session

from meili.db import audit
from meili.db import session as db
from meili.db.assessment_inputs import TargetRow, assigned_targets, write_assigned_targets
from meili.db.models import AssignedTarget, AuditEntry, Base
from meili.errors import Conflict

WORKFLOW_TABLES = {
    "users",
    "role_grants",
    "permission_rules",
    "credentials",
    "login_attempts",
    "documents",
    "document_versions",
    "reviews",
    "comments",
    "attachments",
    "evidence",
    "evidence_verdicts",
    "assigned_targets",
    "data_submissions",
    "submission_periods",
    "ledger_items",
    "progress_reports",
    "published_rounds",
}


def test_migrations_up_and_down(db_url: str) -> None:
    db.upgrade()
    assert set(inspect(db.engine()).get_table_names()) >= WORKFLOW_TABLES
    columns = {c["name"] for c in inspect(db.engine()).get_columns("audit_log")}
    assert {"seq", "prev_hash", "hash"} <= columns
    db.downgrade(revision="0001")
    names = set(inspect(db.engine()).get_table_names())
    assert not (WORKFLOW_TABLES & names) and "audit_log" in names
    assert "hash" not in {c["name"] for c in inspect(db.engine()).get_columns("audit_log")}
    db.upgrade()
    assert set(inspect(db.engine()).get_table_names()) >= WORKFLOW_TABLES


def test_one_live_target_per_zone_and_indicator(any_db: str) -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    row = TargetRow("X-330127", "env.pm25_annual_mean", "meili-default@2025.1", 30.0)
    with db.session(write=True) as s:
        write_assigned_targets(s, [row], source="import:a.csv", approved_by="admin", at=t0)
        later = TargetRow("X-330127", "env.pm25_annual_mean", "meili-default@2025.1", 26.0)
        write_assigned_targets(
            s, [later], source="plan:1@2", approved_by="mee", at=t0 + timedelta(days=30)
        )
    with db.session() as s:
        now = assigned_targets(s, ["X-330127"])
        then = assigned_targets(s, ["X-330127"], as_of=t0 + timedelta(days=1))
        before = assigned_targets(s, ["X-330127"], as_of=t0 - timedelta(days=1))
    assert list(now["target_value"]) == [26.0] and list(now["source"]) == ["plan:1@2"]
    assert list(then["target_value"]) == [30.0]
    assert before.empty
    with pytest.raises(Conflict, match=r"(?i)unique"), db.session(write=True) as s:
        for value in (1.0, 2.0):
            s.add(
                AssignedTarget(
                    zone_code="C-330100",
                    indicator_code="x",
                    framework_ref="f",
                    target_value=value,
                    target_year=2027,
                    source="t",
                    approved_by="t",
                    approved_at=t0,
                )
            )
        s.flush()


def test_targets_import(people: Path, tmp_path: Path, capsys) -> None:
    good = tmp_path / "targets.csv"
    good.write_text(
        "先行区代码,指标代码,目标值,基准年,基准值,单位\n"
        "X-330127,env.pm25_annual_mean,24,2024,27.5,μg/m³\n"
        "P-330000,env.good_day_ratio,93,,,\n",
        encoding="gb18030",
    )
    code, out, err = run(["zones", "targets", "import", str(good)], capsys)
    assert code == 0 and "imported 2 target(s)" in out, err
    code, out, _ = run(["zones", "targets", "list", "-f", "json"], capsys)
    rows = {r["zone_code"]: r for r in json.loads(out)}
    assert rows["X-330127"]["baseline_value"] == 27.5 and rows["X-330127"]["target_year"] == 2027
    assert rows["P-330000"]["unit"] == "%" and rows["P-330000"]["source"] == "import:targets.csv"
    bad = tmp_path / "bad.csv"
    bad.write_text("zone_code,indicator_code,target_value\nX-330127,nope,1\n", encoding="utf-8")
    code, _, err = run(["zones", "targets", "import", str(bad)], capsys)
    line = one_line_error(code, err)
    assert "bad.csv, row 2, column indicator_code" in line and "nope" in line
    rule = tmp_path / "rule.csv"
    rule.write_text(
        'zone_code,indicator_code,rule\nX-330127,env.pm25_annual_mean,"{""kind"": '
        '""threshold"", ""op"": ""<="", ""value"": 25}"\n',
        encoding="utf-8",
    )
    assert run(["zones", "targets", "import", str(rule)], capsys)[0] == 0
    code, _, err = run(["zones", "targets", "import", str(rule), "--as", "zj"], capsys)
    assert code == 2 and "denied" in err  # only the Ministry imports targets


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.text(max_size=8),
            st.one_of(
                st.integers(),
                st.floats(allow_nan=False, allow_infinity=False),
                st.text(max_size=20),
                st.none(),
            ),
            max_size=4,
        ),
        min_size=1,
        max_size=12,
    ),
    st.data(),
)
def test_any_change_to_one_entry_is_found_there(details: list[dict], data: st.DataObject) -> None:
    """Whatever the entries hold, the chain verifies; changing one entry's content breaks
    the chain exactly at that entry."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s, s.begin():
        for i, detail in enumerate(details):
            audit.append(s, f"u{i}", "edit", "plan", i, **{"d": detail})
    with Session(engine) as s:
        count, broken = audit.verify(s)
        assert broken is None and count == len(details)
    victim = data.draw(st.integers(1, len(details)))
    with Session(engine) as s, s.begin():
        entry = s.query(AuditEntry).filter_by(seq=victim).one()
        entry.detail = {**entry.detail, "tampered": True}
    with Session(engine) as s:
        _, broken = audit.verify(s)
    assert broken is not None and broken.seq == victim
