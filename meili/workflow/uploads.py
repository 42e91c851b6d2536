"""Uploaded files linked to what they prove or belong to (a document, evidence)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from meili.db.audit import append
from meili.db.models import Attachment
from meili.errors import NotFoundError
from meili.workflow import attachments
from meili.workflow.accounts import now
from meili.workflow.roles import Actor


def attach(
    session: Session, actor: Actor, owner: str, owner_id: int, zone: str, data: bytes, name: str
) -> Attachment:
    """Store a checked file and link it to its owner (a document, evidence)."""
    info = attachments.save(data, name)
    row = Attachment(
        owner=owner,
        owner_id=owner_id,
        zone_code=zone,
        filename=info.filename,
        media_type=info.media_type,
        size=info.size,
        sha256=info.sha256,
        uploaded_by=actor.username,
        uploaded_at=now(),
    )
    session.add(row)
    session.flush()
    append(
        session,
        actor.username,
        "attach",
        owner,
        owner_id,
        file=info.filename,
        sha256=info.sha256,
        size=info.size,
    )
    return row


def files_of(session: Session, owner: str, owner_id: int) -> list[Attachment]:
    return list(
        session.scalars(
            select(Attachment)
            .where(Attachment.owner == owner, Attachment.owner_id == owner_id)
            .order_by(Attachment.id)
        )
    )


def get_attachment(session: Session, attachment_id: int) -> Attachment:
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise NotFoundError(f"no attachment #{attachment_id}")
    return row
