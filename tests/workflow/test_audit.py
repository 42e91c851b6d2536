"""The audit chain: every change appended and linked; verify names the first broken entry;
migrations up and down keep it; export for inspection — on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from pathlib import Path

from cli_support import run
from sqlalchemy import text
from workflow_support import PASSWORD, actor

from meili.db import audit
from meili.db import session as db
from meili.db.models import AuditEntry
from meili.workflow import accounts, documents


def _verify() -> tuple[int, audit.Broken | None]:
    with db.session() as s:
        return audit.verify(s)


def test_changes_are_chained(any_db: str) -> None:
    with db.session(write=True) as s:
        doc = documents.create(s, actor("ca"), "plan", "X-330127", "方案", {"specialty": "湖"})
        doc_id = doc.id
    with db.session() as s:
        last = s.query(AuditEntry).order_by(AuditEntry.seq.desc()).first()
        prev = s.query(AuditEntry).filter_by(seq=last.seq - 1).one()
    assert (last.actor, last.action, last.entity, last.entity_id) == (
        "ca",
        "create",
        "plan",
        str(doc_id),
    )
    assert last.prev_hash == prev.hash and len(last.hash) == 64
    count, broken = _verify()
    assert broken is None and count == last.seq


def test_tampering_is_found(any_db: str, capsys) -> None:
    _count, broken = _verify()
    assert broken is None
    with db.engine().begin() as conn:  # someone edits an entry in the database
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 7"))
    code, _, err = run(["audit", "verify"], capsys)
    assert code == 1 and "entry 7" in err and "changed after writing" in err
    with db.engine().begin() as conn:  # …then deletes it
        conn.execute(text("DELETE FROM audit_log WHERE seq = 7"))
    _, broken = _verify()
    assert broken is not None and broken.seq == 8 and "entry 7 is missing" in broken.problem


def test_relinking_is_found(any_db: str) -> None:
    with db.engine().begin() as conn:
        conn.execute(text("UPDATE audit_log SET prev_hash = :h WHERE seq = 5"), {"h": "0" * 64})
    _, broken = _verify()
    assert broken is not None and broken.seq == 5 and "link" in broken.problem


def test_migration_down_and_up_keeps_a_sound_chain(any_db: str) -> None:
    count, _ = _verify()
    db.downgrade(revision="0001")
    db.upgrade()
    again, broken = _verify()
    assert broken is None and again == count


def test_export_and_list(people: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "audit.jsonl"
    code, _msg, _ = run(["audit", "export", "--out", str(out)], capsys)
    assert code == 0
    lines = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert [x["seq"] for x in lines] == list(range(1, len(lines) + 1))
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(lines))
    # an entry re-hashed from the export matches (the export is enough to check the chain)
    x = lines[-1]
    at = datetime.fromisoformat(x["at"].rstrip("Z"))
    assert (
        audit.entry_hash(
            x["prev_hash"],
            x["seq"],
            at,
            x["actor"],
            x["action"],
            x["entity"],
            x["entity_id"],
            x["detail"],
        )
        == x["hash"]
    )
    code, _, err = run(["audit", "export", "--out", str(out)], capsys)
    assert code == 2 and "exists" in err
    code, listed, _ = run(["audit", "list", "--actor", "test", "-f", "json"], capsys)
    assert code == 0 and {r["action"] for r in json.loads(listed)} == {"add", "grant"}


def test_user_changes_are_audited_without_secrets(people: Path) -> None:
    with db.session(write=True) as s:
        accounts.set_password(s, "ca", PASSWORD + "!", by="admin")
        user = accounts.get_user(s, "ca")
        secret, _ = accounts.issue(s, user, "token", label="ci")
    with db.session() as s:
        text_of_log = json.dumps([audit.record(e) for e in audit.entries(s)], ensure_ascii=False)
    assert PASSWORD not in text_of_log and secret not in text_of_log
    assert '"set_password"' in text_of_log and '"issue"' in text_of_log
