"""The task and project ledger (任务台账 / 项目库): per zone, from approved plans, with
progress reports (percent complete, money spent, evidence), overdue flags and a roll-up to
the province (every zone within a zone)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from meili.db.audit import append, utc
from meili.db.models import Evidence, LedgerItem, ProgressReport
from meili.errors import NotFoundError
from meili.workflow.accounts import now
from meili.workflow.documents import check_lock, flush
from meili.workflow.errors import Invalid
from meili.workflow.hierarchy import zone_tree
from meili.workflow.permissions import Resource, allowed, require
from meili.workflow.roles import Actor


def items_from_plan(
    session: Session, zone: str, content: dict[str, Any], source: str, by: str
) -> list[LedgerItem]:
    """Write an approved plan's tasks and projects into the ledger (by key: an item the
    ledger holds already is updated, its progress kept)."""
    have = {
        (i.kind, i.key): i
        for i in session.scalars(select(LedgerItem).where(LedgerItem.zone_code == zone))
    }
    out = []
    for kind, items in (
        ("task", content.get("tasks", [])),
        ("project", content.get("projects", [])),
    ):
        for it in items:
            row = have.get((kind, it["key"]))
            if row is None:
                row = LedgerItem(
                    zone_code=zone, kind=kind, key=it["key"], percent_complete=0.0, money_spent=0.0
                )
                session.add(row)
            row.title = it["title"]
            row.department = it.get("department")
            row.deadline = date.fromisoformat(it["deadline"]) if it.get("deadline") else None
            row.milestones = it.get("milestones", [])
            row.amount = it.get("amount")
            row.funding_source = it.get("funding_source")
            row.project_status = it.get("status")
            row.source = source
            out.append(row)
    session.flush()
    append(session, by, "ledger_from_plan", "ledger", zone, source=source, items=len(out))
    return out


def get_item(session: Session, item_id: int) -> LedgerItem:
    item = session.get(LedgerItem, item_id)
    if item is None:
        raise NotFoundError(f"no ledger item #{item_id}")
    return item


def overdue(item: LedgerItem, today: date | None = None) -> bool:
    """Past its deadline and not complete."""
    today = today or date.today()
    return item.deadline is not None and item.deadline < today and item.percent_complete < 100


def record(item: LedgerItem, today: date | None = None) -> dict[str, Any]:
    return {
        "id": item.id,
        "zone": item.zone_code,
        "kind": item.kind,
        "key": item.key,
        "title": item.title,
        "department": item.department,
        "deadline": item.deadline.isoformat() if item.deadline else None,
        "milestones": item.milestones,
        "amount": item.amount,
        "funding_source": item.funding_source,
        "project_status": item.project_status,
        "percent_complete": item.percent_complete,
        "money_spent": item.money_spent,
        "overdue": overdue(item, today),
        "source": item.source,
        "lock": item.lock,
    }


def items(
    session: Session, actor: Actor, zone: str, *, within: bool = False, kind: str | None = None
) -> list[LedgerItem]:
    """The zone's items (``within``: and those of every zone within it) the actor may read."""
    tree = zone_tree(session)
    zones = [zone, *tree.below(zone)] if within else [zone]
    zones = [
        z for z in zones if allowed(session, actor, "ledger.read", Resource("ledger", z, True))
    ]
    if not zones:
        return []
    query = select(LedgerItem).where(LedgerItem.zone_code.in_(zones))
    if kind:
        query = query.where(LedgerItem.kind == kind)
    return list(
        session.scalars(query.order_by(LedgerItem.zone_code, LedgerItem.kind, LedgerItem.key))
    )


def report(
    session: Session,
    actor: Actor,
    item: LedgerItem,
    *,
    percent: float,
    money_spent: float | None = None,
    note: str = "",
    evidence_id: int | None = None,
    expected: int | None = None,
    how: str = "if-match",
) -> ProgressReport:
    """A progress report: the item's percent complete (and money spent) as of now."""
    require(session, actor, "ledger.report", Resource("ledger", item.zone_code))
    check_lock(item, expected, how)
    if not 0 <= percent <= 100:
        raise Invalid("percent complete is between 0 and 100")
    if money_spent is not None and money_spent < 0:
        raise Invalid("money spent cannot be negative")
    if evidence_id is not None:
        ev = session.get(Evidence, evidence_id)
        if ev is None or ev.zone_code != item.zone_code:
            raise Invalid(f"evidence #{evidence_id} is not evidence of {item.zone_code}")
    before = {"percent_complete": item.percent_complete, "money_spent": item.money_spent}
    row = ProgressReport(
        item_id=item.id,
        percent_complete=percent,
        money_spent=money_spent,
        note=note[:5000],
        evidence_id=evidence_id,
        reported_by=actor.username,
        reported_at=now(),
    )
    session.add(row)
    item.percent_complete = percent
    if money_spent is not None:
        item.money_spent = money_spent
    item.done_at = now() if percent >= 100 else None
    flush(session)
    append(
        session,
        actor.username,
        "report",
        "ledger_item",
        item.id,
        before=before,
        after={"percent_complete": percent, "money_spent": item.money_spent},
        evidence=evidence_id,
    )
    return row


def reports(session: Session, item: LedgerItem) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(ProgressReport).where(ProgressReport.item_id == item.id).order_by(ProgressReport.id)
    )
    return [
        {
            "percent_complete": r.percent_complete,
            "money_spent": r.money_spent,
            "note": r.note,
            "evidence_id": r.evidence_id,
            "reported_by": r.reported_by,
            "reported_at": utc(r.reported_at).isoformat(timespec="seconds") + "Z",
        }
        for r in rows
    ]


def rollup(rows: list[LedgerItem], today: date | None = None) -> list[dict[str, Any]]:
    """Per zone: tasks and projects, done, overdue, planned investment and money spent."""
    out: dict[str, dict[str, Any]] = {}
    for it in rows:
        z = out.setdefault(
            it.zone_code,
            {
                "zone": it.zone_code,
                "tasks": 0,
                "projects": 0,
                "done": 0,
                "overdue": 0,
                "amount": 0.0,
                "spent": 0.0,
            },
        )
        z["tasks" if it.kind == "task" else "projects"] += 1
        z["done"] += it.percent_complete >= 100
        z["overdue"] += overdue(it, today)
        z["amount"] += it.amount or 0.0
        z["spent"] += it.money_spent or 0.0
    total = {
        "zone": "total",
        "tasks": 0,
        "projects": 0,
        "done": 0,
        "overdue": 0,
        "amount": 0.0,
        "spent": 0.0,
    }
    for z in out.values():
        for k in ("tasks", "projects", "done", "overdue", "amount", "spent"):
            total[k] += z[k]
    return [*sorted(out.values(), key=lambda z: z["zone"]), total] if out else []
