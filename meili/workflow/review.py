"""Tiered review (分级审核): a county plan goes to the city, then the province, then the
Ministry, per the chain of its zone's tier in ``review_chains.yaml``.

A level approves only after the levels below it have; the last approval locks the version
and takes effect (a plan's targets into ``assigned_targets`` and its tasks and projects into
the ledger; a self-assessment's round published for its zone). Any level may return the
version with a reason; a higher level may re-open a lower level's approval with a reason.
Reviewers comment per section of the version under review.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ruamel.yaml import YAML
from sqlalchemy import select
from sqlalchemy.orm import Session

from meili.db.assessment_inputs import TargetRow, write_assigned_targets
from meili.db.audit import append
from meili.db.models import Comment, Document, Review
from meili.workflow import content as schema
from meili.workflow.accounts import now
from meili.workflow.documents import (
    IN_REVIEW,
    check_lock,
    flush,
    prefix,
    require_read,
    resource_of,
    version,
)
from meili.workflow.errors import Conflict, Forbidden, Invalid
from meili.workflow.frameworks import zone_framework
from meili.workflow.hierarchy import ZoneTree, zone_tree
from meili.workflow.ledger import items_from_plan
from meili.workflow.permissions import require
from meili.workflow.publication import publish_for_zone
from meili.workflow.roles import MINISTRY_ROLES, Actor

LEVEL_NAMES = {
    "city": ("市级", "city"),
    "province": ("省级", "province"),
    "ministry": ("生态环境部", "Ministry"),
}
MINISTRY_REVIEWERS = MINISTRY_ROLES - {"expert"}


@dataclass(frozen=True)
class Chain:
    levels: tuple[str, ...]
    after: tuple[str, ...] = ()


@cache
def chains() -> dict[str, Chain]:
    """The review chain of each tier (from ``review_chains.yaml``)."""
    raw = YAML(typ="safe").load(
        resources.files(__package__).joinpath("review_chains.yaml").read_text("utf-8")
    )
    out = {}
    for tier, spec in raw.items():
        levels = tuple(spec["levels"])
        unknown = [lv for lv in levels if lv not in LEVEL_NAMES]
        if unknown or not levels or levels[-1] != "ministry":
            raise ValueError(f"review chain of {tier}: levels {levels} must end with ministry")
        out[tier] = Chain(levels, tuple(spec.get("after") or ()))
    return out


def levels_for(tree: ZoneTree, zone: str) -> list[tuple[str, str | None]]:
    """The (level, reviewing zone) of the zone's chain; levels without a registered zone
    above are skipped."""
    chain = chains()[tree.tiers[zone]]
    out: list[tuple[str, str | None]] = []
    for level in chain.levels:
        if level == "ministry":
            out.append((level, None))
        else:
            above = tree.parent_at(zone, level)
            if above is not None:
                out.append((level, above))
    return out


def actor_levels(actor: Actor, levels: list[tuple[str, str | None]]) -> list[int]:
    """Indices of the chain's levels at which ``actor`` reviews."""
    out = []
    for i, (level, zone) in enumerate(levels):
        if level == "ministry":
            if actor.roles & MINISTRY_REVIEWERS:
                out.append(i)
        elif any(g.zone == zone and g.role.endswith("_editor") for g in actor.grants):
            out.append(i)
    return out


def _live_reviews(session: Session, doc: Document) -> list[Review]:
    return list(
        session.scalars(
            select(Review)
            .where(
                Review.document_id == doc.id,
                Review.version == doc.current_version,
                Review.void.is_(False),
            )
            .order_by(Review.id)
        )
    )


def _my_level(session: Session, actor: Actor, doc: Document, action: str) -> tuple[int, list]:
    """The level index at which ``actor`` acts now on ``doc`` (its current level)."""
    require(session, actor, f"{prefix(doc)}.{action}", resource_of(doc))
    levels = levels_for(zone_tree(session), doc.zone_code)
    mine = actor_levels(actor, levels)
    if not mine:
        chain = " → ".join(lv for lv, _ in levels)
        raise Forbidden(f"{actor.username} reviews at no level of this chain ({chain})")
    return mine, levels


def _current(session: Session, actor: Actor, doc: Document) -> tuple[int, list]:
    if doc.state not in IN_REVIEW:
        raise Conflict(f"{doc.kind} #{doc.id} is {doc.state}, not in review")
    mine, levels = _my_level(session, actor, doc, "review")
    level = doc.review_level
    if level in mine:
        return level, levels
    if max(mine) > level:
        waiting = LEVEL_NAMES[levels[level][0]][1]
        raise Conflict(
            f"the {waiting} level has not approved version {doc.current_version} yet; "
            "a level approves only after the levels below it"
        )
    raise Conflict(f"your level has approved version {doc.current_version} already")


def _after_ok(session: Session, doc: Document, tree: ZoneTree) -> None:
    """The chain's ``after`` tiers: their zones within this zone have approved plans."""
    tiers = chains()[tree.tiers[doc.zone_code]].after
    if not tiers:
        return
    lower = [z for z in tree.below(doc.zone_code) if tree.tiers[z] in tiers]
    approved = set(
        session.scalars(
            select(Document.zone_code).where(
                Document.zone_code.in_(lower),
                Document.kind == doc.kind,
                Document.state == "approved",
            )
        )
    )
    waiting = sorted(set(lower) - approved)
    if waiting:
        raise Conflict(f"the chain waits for the approved plans of {', '.join(waiting[:10])}")


def approve(
    session: Session,
    actor: Actor,
    doc: Document,
    *,
    expected: int | None = None,
    how: str = "if-match",
) -> Document:
    """Approve the current version at the actor's level; the last level locks it."""
    level, levels = _current(session, actor, doc)
    check_lock(doc, expected, how)
    last = level == len(levels) - 1
    if last:
        _after_ok(session, doc, zone_tree(session))
    at = now()
    session.add(
        Review(
            document_id=doc.id,
            version=doc.current_version,
            level=levels[level][0],
            decision="approve",
            reviewer=actor.username,
            at=at,
        )
    )
    before = {"state": doc.state, "level": levels[level][0]}
    if last:
        doc.state = "approved"
        v = version(session, doc, doc.current_version)
        v.approved_at = at
        _take_effect(session, actor, doc, v.content)
    else:
        doc.state = "under_review"
        doc.review_level = level + 1
    doc.updated_at = at
    flush(session)
    append(
        session,
        actor.username,
        "approve",
        doc.kind,
        doc.id,
        before=before,
        after={"state": doc.state, "version": doc.current_version},
    )
    return doc


def return_(
    session: Session,
    actor: Actor,
    doc: Document,
    reason: str,
    *,
    expected: int | None = None,
    how: str = "if-match",
) -> Document:
    """Send the current version back to the zone with a reason (required)."""
    if not (reason or "").strip():
        raise Invalid("a reason is required to return a document (退回须说明理由)")
    check_lock(doc, expected, how)
    level, levels = _current(session, actor, doc)
    session.add(
        Review(
            document_id=doc.id,
            version=doc.current_version,
            level=levels[level][0],
            decision="return",
            reason=reason.strip(),
            reviewer=actor.username,
            at=now(),
        )
    )
    before = doc.state
    doc.state = "returned"
    doc.review_level = 0
    doc.updated_at = now()
    flush(session)
    append(
        session,
        actor.username,
        "return",
        doc.kind,
        doc.id,
        before={"state": before},
        after={"state": "returned"},
        reason=reason.strip(),
        level=levels[level][0],
    )
    return doc


def reopen(
    session: Session,
    actor: Actor,
    doc: Document,
    level_name: str,
    reason: str,
    *,
    expected: int | None = None,
    how: str = "if-match",
) -> Document:
    """Re-open ``level_name``'s approval of the current version (by a higher level, with a
    reason): that approval and those after it no longer count; review resumes there."""
    if not (reason or "").strip():
        raise Invalid("a reason is required to re-open an approval (重新打开须说明理由)")
    mine, levels = _my_level(session, actor, doc, "reopen")
    check_lock(doc, expected, how)
    names = [lv for lv, _ in levels]
    if level_name not in names:
        raise Invalid(f"level {level_name!r} is not in this chain ({' → '.join(names)})")
    target = names.index(level_name)
    if max(mine) <= target:
        raise Forbidden(f"only a level above {level_name} can re-open its approval")
    reviews = _live_reviews(session, doc)
    approved = [r for r in reviews if r.decision == "approve" and r.level == level_name]
    if not approved:
        raise Conflict(f"{level_name} has not approved version {doc.current_version}")
    for r in reviews:
        if r.decision == "approve" and names.index(r.level) >= target:
            r.void = True
    before = doc.state
    session.add(
        Review(
            document_id=doc.id,
            version=doc.current_version,
            level=names[max(mine)],
            decision="reopen",
            reason=reason.strip(),
            reviewer=actor.username,
            at=now(),
        )
    )
    doc.state = "under_review"
    doc.review_level = target
    doc.updated_at = now()
    flush(session)
    append(
        session,
        actor.username,
        "reopen",
        doc.kind,
        doc.id,
        before={"state": before},
        after={"state": "under_review", "level": level_name},
        reason=reason.strip(),
    )
    return doc


def comment(
    session: Session,
    actor: Actor,
    doc: Document,
    section: str,
    body: str,
    number: int | None = None,
) -> Comment:
    """A comment on one section of a submitted version (default: the current one)."""
    require(session, actor, f"{prefix(doc)}.comment", resource_of(doc))
    if doc.current_version == 0:
        raise Conflict("nothing submitted yet to comment on")
    number = number or doc.current_version
    v = version(session, doc, number)
    sections = schema.sections_of(v.content)
    if section not in sections:
        raise Invalid(
            f"no section {section!r} in version {number}; sections: {', '.join(sections)}"
        )
    body = (body or "").strip()
    if not body or len(body) > 20_000:
        raise Invalid("a comment of 1–20,000 characters is required")
    row = Comment(
        document_id=doc.id,
        version=number,
        section=section,
        body=body,
        author=actor.username,
        at=now(),
    )
    session.add(row)
    flush(session)
    append(session, actor.username, "comment", doc.kind, doc.id, section=section, version=number)
    return row


def comments(session: Session, actor: Actor, doc: Document) -> list[Comment]:
    require_read(session, actor, doc)
    return list(
        session.scalars(select(Comment).where(Comment.document_id == doc.id).order_by(Comment.id))
    )


def history(session: Session, doc: Document) -> list[dict[str, Any]]:
    rows = session.scalars(select(Review).where(Review.document_id == doc.id).order_by(Review.id))
    return [
        {
            "version": r.version,
            "level": r.level,
            "decision": r.decision,
            "reason": r.reason,
            "reviewer": r.reviewer,
            "at": r.at,
            "void": r.void,
        }
        for r in rows
    ]


def chain_status(session: Session, doc: Document) -> list[dict[str, Any]]:
    """Each level of the chain with its reviewing zone and whether it approved the current
    version."""
    levels = levels_for(zone_tree(session), doc.zone_code)
    done = {r.level for r in _live_reviews(session, doc) if r.decision == "approve"}
    return [
        {
            "level": lv,
            "level_zh": LEVEL_NAMES[lv][0],
            "zone": z,
            "approved": lv in done,
            "current": doc.state in IN_REVIEW and i == doc.review_level,
        }
        for i, (lv, z) in enumerate(levels)
    ]


def _take_effect(session: Session, actor: Actor, doc: Document, content: dict[str, Any]) -> None:
    source = f"plan:{doc.id}@{doc.current_version}"
    if doc.kind == "plan":
        fw = zone_framework(session, doc.zone_code)
        rows = [
            TargetRow(
                zone_code=doc.zone_code,
                indicator_code=t["indicator"],
                framework_ref=fw.ref,
                target_value=t.get("target_value"),
                rule=t.get("rule"),
                baseline_year=t.get("baseline_year"),
                baseline_value=t.get("baseline_value"),
                target_year=t.get("target_year", 2027),
                unit=t.get("unit") or fw.indicator(t["indicator"]).unit,  # type: ignore[union-attr]
            )
            for t in content.get("targets", [])
        ]
        write_assigned_targets(session, rows, source=source, approved_by=actor.username)
        items_from_plan(session, doc.zone_code, content, source, actor.username)
    else:
        publish_for_zone(
            session, doc.round_name or content["round"], doc.zone_code, doc.id, actor.username
        )
