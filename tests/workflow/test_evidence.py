"""Evidence and sign-off: submitted with files, accepted or rejected (with a reason) by a
level above; verdicts land in evidence_verdicts, which the assessment reads."""

from __future__ import annotations

import pytest
from workflow_support import PDF, actor

from meili.db.assessment_inputs import accepted_evidence
from meili.db.session import session
from meili.errors import NotFoundError
from meili.workflow import evidence, uploads
from meili.workflow.errors import Conflict, Forbidden, Invalid
from meili.workflow.roles import ANONYMOUS


def _submit(who: str = "ca", zone: str = "X-330127", **kw):  # type: ignore[no-untyped-def]
    with session(write=True) as s:
        args = {
            "title": "河湖长制文件",
            "year": 2025,
            "indicator": "ref.river_lake_forest_chief",
            "state": "established",
            "files": [("河长制.pdf", PDF)],
            **kw,
        }
        return evidence.submit(s, actor(who), zone, **args).id


def _review(who: str, ev_id: int, decision: str, reason: str = "") -> None:
    with session(write=True) as s:
        evidence.review(s, actor(who), evidence.get_evidence(s, ev_id), decision, reason)


def test_accept_and_reject(any_db: str) -> None:
    indicator = "ref.river_lake_forest_chief"  # 河湖长制、林长制: a state proven by evidence
    good = _submit(indicator=indicator)
    bad = _submit(indicator=indicator, title="未盖章的文件")
    with pytest.raises(Forbidden):
        _review("aj", good, "accept")  # another county
    with pytest.raises(Forbidden):
        _review("ca", good, "accept")  # its own zone's evidence is reviewed above it
    own = _submit(who="admin", indicator=indicator)
    with pytest.raises(Conflict, match="someone other"):
        _review("admin", own, "accept")  # never one's own
    _review("hz", good, "accept")
    with pytest.raises(Invalid, match="reason is required"):
        _review("hz", bad, "reject")
    _review("mee", bad, "reject", "未加盖公章")
    with pytest.raises(Conflict, match="accepted already"):
        _review("zj", good, "reject", "x")
    with session() as s:
        frame = accepted_evidence(s, ["X-330127"], 2025)
        assert list(frame["evidence_id"]) == [good]
        assert frame.iloc[0]["state"] == "established" and frame.iloc[0]["reviewer"] == "hz"
        assert accepted_evidence(s, ["X-330127"], 2024).empty  # not yet proven in 2024
        files = uploads.files_of(s, "evidence", good)
        assert [f.filename for f in files] == ["河长制.pdf"]
        # the public sees accepted evidence only
        seen = [e.id for e in evidence.inbox(s, ANONYMOUS, status=None)]
        assert seen == [good]
        with pytest.raises(NotFoundError):
            evidence.require_read(s, ANONYMOUS, evidence.get_evidence(s, bad))


def test_evidence_is_checked(any_db: str) -> None:
    with pytest.raises(Invalid, match="indicator or a ledger item"):
        _submit(indicator=None)
    with pytest.raises(Invalid, match="unknown state"):
        _submit(state="flying")
    with pytest.raises(Invalid, match="not in"):
        _submit(indicator="nope")
    with pytest.raises(Forbidden):
        _submit(who="hz")  # a city editor does not submit its county's evidence
