"""Evidence and sign-off (佐证材料与审核确认): a zone proves a qualitative state (建立, 开展,
有效保障 …) or a task's progress with uploaded documents; a reviewer of a level above (or the
Ministry) accepts or rejects it with a reason. Each verdict is written to the store's
``evidence_verdicts``, where the assessment reads accepted evidence."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from meili import i18n
from meili.db.assessment_inputs import write_evidence_verdict
from meili.db.audit import append, utc
from meili.db.models import Attachment, Evidence, LedgerItem, Zone
from meili.errors import NotFoundError
from meili.framework.rules import STATES
from meili.workflow import attachments, uploads
from meili.workflow.accounts import now
from meili.workflow.documents import check_lock, flush
from meili.workflow.errors import Conflict, Invalid
from meili.workflow.frameworks import zone_framework
from meili.workflow.permissions import Resource, allowed, require
from meili.workflow.roles import Actor


def resource_of(ev: Evidence) -> Resource:
    return Resource("evidence", ev.zone_code, ev.status == "accepted", f"evidence #{ev.id}")


def get_evidence(session: Session, evidence_id: int) -> Evidence:
    ev = session.get(Evidence, evidence_id)
    if ev is None:
        raise NotFoundError(f"no evidence #{evidence_id}")
    return ev


def require_read(session: Session, actor: Actor, ev: Evidence) -> None:
    if not allowed(session, actor, "evidence.read", resource_of(ev)):
        raise NotFoundError(f"no evidence #{ev.id}")


def submit(
    session: Session,
    actor: Actor,
    zone: str,
    *,
    title: str,
    year: int,
    indicator: str | None = None,
    state: str | None = None,
    ledger_item: int | None = None,
    description: str = "",
    files: list[tuple[str, bytes]] = (),  # type: ignore[assignment]
) -> Evidence:
    """New evidence for a zone: for an indicator's state, or for a ledger item."""
    if session.get(Zone, zone) is None:
        raise NotFoundError(f"no zone with code {zone!r}")
    require(session, actor, "evidence.submit", Resource("evidence", zone))
    if not (title or "").strip() or len(title) > 300:
        raise Invalid("a title of 1–300 characters is required")
    if not 1990 <= year <= 2100:
        raise Invalid(f"year {year} is out of range")
    if indicator is None and ledger_item is None:
        raise Invalid("evidence is for an indicator or a ledger item (give one)")
    if indicator is not None:
        fw = zone_framework(session, zone)
        if fw.indicator(indicator) is None:
            raise Invalid(f"indicator {indicator!r} is not in {fw.ref}")
    if state is not None and state not in STATES:
        raise Invalid(f"unknown state {state!r}; states: {', '.join(STATES)}")
    if ledger_item is not None:
        item = session.get(LedgerItem, ledger_item)
        if item is None or item.zone_code != zone:
            raise Invalid(f"ledger item #{ledger_item} is not an item of {zone}")
    checked = [attachments.check(data, name) for name, data in files]
    ev = Evidence(
        zone_code=zone,
        indicator_code=indicator,
        ledger_item_id=ledger_item,
        year=year,
        state=state,
        title=title.strip(),
        description=description[:20_000],
        status="pending",
        submitted_by=actor.username,
        submitted_at=now(),
    )
    session.add(ev)
    flush(session)
    for (name, data), _ in zip(files, checked, strict=True):
        uploads.attach(session, actor, "evidence", ev.id, zone, data, name)
    append(
        session,
        actor.username,
        "submit",
        "evidence",
        ev.id,
        zone=zone,
        indicator=indicator,
        year=year,
        state=state,
        files=[c.filename for c in checked],
    )
    return ev


def review(
    session: Session,
    actor: Actor,
    ev: Evidence,
    decision: str,
    reason: str = "",
    *,
    expected: int | None = None,
    how: str = "if-match",
) -> Evidence:
    """Accept or reject (a reason is required to reject) pending evidence."""
    require(session, actor, "evidence.review", resource_of(ev))
    check_lock(ev, expected, how)
    if decision not in ("accept", "reject"):
        raise Invalid("decision is accept or reject")
    if decision == "reject" and not reason.strip():
        raise Invalid("a reason is required to reject evidence (不予确认须说明理由)")
    if ev.status != "pending":
        raise Conflict(f"evidence #{ev.id} is {ev.status} already")
    if ev.submitted_by == actor.username:
        raise Conflict("evidence is reviewed by someone other than the one who submitted it")
    status = "accepted" if decision == "accept" else "rejected"
    ev.status, ev.reason, ev.reviewer, ev.reviewed_at = (
        status,
        reason.strip() or None,
        actor.username,
        now(),
    )
    flush(session)
    if ev.indicator_code is not None:
        write_evidence_verdict(
            session,
            zone_code=ev.zone_code,
            indicator_code=ev.indicator_code,
            year=ev.year,
            state=ev.state,
            status=status,
            evidence_id=ev.id,
            reviewer=actor.username,
            reason=ev.reason,
            at=ev.reviewed_at,
        )
    append(
        session,
        actor.username,
        decision,
        "evidence",
        ev.id,
        before={"status": "pending"},
        after={"status": status},
        reason=ev.reason,
    )
    return ev


def inbox(
    session: Session,
    actor: Actor,
    *,
    status: str | None = "pending",
    zone: str | None = None,
    after: int = 0,
    limit: int = 50,
) -> list[Evidence]:
    """Evidence the actor may read (pending first by default), filtered."""
    query = select(Evidence).where(Evidence.id > after).order_by(Evidence.id)
    if status:
        query = query.where(Evidence.status == status)
    if zone:
        query = query.where(Evidence.zone_code == zone)
    out = []
    for ev in session.scalars(query):
        if allowed(session, actor, "evidence.read", resource_of(ev)):
            out.append(ev)
            if len(out) >= limit:
                break
    return out


def record(ev: Evidence, files: list[Attachment] | None = None) -> dict[str, Any]:
    return {
        "id": ev.id,
        "zone": ev.zone_code,
        "indicator": ev.indicator_code,
        "ledger_item": ev.ledger_item_id,
        "year": ev.year,
        "state": ev.state,
        "title": ev.title,
        "description": ev.description,
        "status": ev.status,
        "status_zh": i18n.text("states", ev.status),
        "reason": ev.reason,
        "reviewer": ev.reviewer,
        "submitted_by": ev.submitted_by,
        "submitted_at": utc(ev.submitted_at).isoformat(timespec="seconds") + "Z",
        "lock": ev.lock,
        "files": [
            {"id": f.id, "filename": f.filename, "size": f.size, "sha256": f.sha256}
            for f in files or []
        ],
    }
