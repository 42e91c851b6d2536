"""Which computed rounds are public: a round is public for a zone once the zone's
self-assessment wrapping it is approved, and for every zone once the Ministry publishes it.

The public API and pages ask :func:`public_zones`; drafts and unapproved rounds stay
private.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from meili.db.audit import append
from meili.db.models import PublishedRound
from meili.workflow.accounts import now
from meili.workflow.errors import Conflict
from meili.workflow.permissions import Resource, require
from meili.workflow.roles import Actor

ALL = "*"


def publish_for_zone(
    session: Session, round_name: str, zone: str, document_id: int | None, by: str
) -> PublishedRound:
    """Make ``round_name`` public for ``zone`` (its approved self-assessment)."""
    row = session.scalar(
        select(PublishedRound).where(
            PublishedRound.round_name == round_name, PublishedRound.zone_code == zone
        )
    )
    if row is None:
        row = PublishedRound(
            round_name=round_name,
            zone_code=zone,
            document_id=document_id,
            published_by=by,
            published_at=now(),
        )
        session.add(row)
        session.flush()
        append(session, by, "publish", "round", round_name, zone=zone, document=document_id)
    return row


def publish_round(session: Session, actor: Actor, round_name: str) -> PublishedRound:
    """The Ministry publishes a round for every zone."""
    require(session, actor, "round.publish", Resource("round", None, label=f"round {round_name}"))
    exists = session.scalar(
        select(PublishedRound.id).where(
            PublishedRound.round_name == round_name, PublishedRound.zone_code.is_(None)
        )
    )
    if exists is not None:
        raise Conflict(f"round {round_name!r} is published already")
    row = PublishedRound(
        round_name=round_name, zone_code=None, published_by=actor.username, published_at=now()
    )
    session.add(row)
    session.flush()
    append(session, actor.username, "publish", "round", round_name, zone=None)
    return row


def public_zones(session: Session) -> dict[str, set[str]]:
    """round → the zones it is public for (``{"*"}``: every zone)."""
    out: dict[str, set[str]] = {}
    for name, zone in session.execute(select(PublishedRound.round_name, PublishedRound.zone_code)):
        out.setdefault(name, set()).add(zone or ALL)
    return out


def is_public(published: dict[str, set[str]], round_name: str, zone: str | None = None) -> bool:
    zones = published.get(round_name, set())
    return ALL in zones or (zone is not None and zone in zones)
