"""Plans and self-assessments: create, edit the draft, submit, withdraw; their versions.

States: ``draft`` → ``submitted`` → ``under_review`` → ``returned`` (reason required) →
``resubmitted`` → … → ``approved``; ``withdrawn`` from any state before approval (the
draft can be edited and submitted again). Every submission freezes the draft as an
immutable :class:`~meili.db.models.DocumentVersion`; approval locks it. Each write names the
``lock`` it read (optimistic locking): a stale one fails and nothing is overwritten.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from meili import i18n
from meili.db.audit import append, utc
from meili.db.models import Document, DocumentVersion, User, Zone
from meili.errors import NotFoundError
from meili.workflow import content as schema
from meili.workflow import uploads
from meili.workflow.accounts import actor_of, now
from meili.workflow.errors import Conflict, Invalid, PreconditionFailed
from meili.workflow.frameworks import zone_framework
from meili.workflow.permissions import Resource, allowed, require
from meili.workflow.roles import ANONYMOUS, Actor

KINDS = {"plan": "plan", "self_assessment": "selfassess"}  # kind → action prefix
STATES = ("draft", "submitted", "under_review", "returned", "resubmitted", "approved", "withdrawn")
EDITABLE = ("draft", "returned", "withdrawn")
IN_REVIEW = ("submitted", "under_review", "resubmitted")


def prefix(doc: Document) -> str:
    return KINDS[doc.kind]


def resource_of(doc: Document) -> Resource:
    """The document as a permission resource (public once approved)."""
    return Resource(
        prefix(doc),
        doc.zone_code,
        doc.state == "approved",
        f"{doc.kind} #{doc.id} of {doc.zone_code}",
    )


def anonymous_or(session: Session, username: str) -> Actor:
    if username in ("anonymous", "public"):
        return ANONYMOUS
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"no user {username!r}")
    return actor_of(user)


def check_lock(doc: Document | Any, expected: int | None, how: str = "if-match") -> None:
    """``expected`` must be the current lock (``how``: "if-match" → 412, "version" → 409)."""
    if expected is None or expected == doc.lock:
        return
    msg = (
        f"{type(doc).__name__.lower()} #{doc.id} changed meanwhile "
        f"(now version {doc.lock}, not {expected}); reload it"
    )
    raise PreconditionFailed(msg) if how == "if-match" else Conflict(msg)


def flush(session: Session) -> None:
    """Flush, turning a lost race on the lock into :class:`Conflict`."""
    try:
        session.flush()
    except StaleDataError:
        raise Conflict("changed meanwhile by another writer; reload and try again") from None


def get_document(session: Session, doc_id: int, kind: str | None = None) -> Document:
    doc = session.get(Document, doc_id)
    if doc is None or (kind is not None and doc.kind != kind):
        raise NotFoundError(f"no {(kind or 'document').replace('_', '-')} #{doc_id}")
    return doc


def readable(session: Session, actor: Actor, doc: Document) -> bool:
    action = "read" if doc.current_version else "read_draft"
    return allowed(session, actor, f"{prefix(doc)}.{action}", resource_of(doc))


def require_read(session: Session, actor: Actor, doc: Document) -> None:
    """May ``actor`` see this document? A missing right answers as not found (404), so a
    document's existence is not told to those who may not see it."""
    if not readable(session, actor, doc):
        raise NotFoundError(f"no {doc.kind.replace('_', '-')} #{doc.id}")


def _sha(content: dict[str, Any]) -> str:
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _validated(session: Session, kind: str, zone: str, data: Any) -> dict[str, Any]:
    model = schema.parse(kind, data)
    if isinstance(model, schema.PlanContent):
        schema.check_against(model, zone_framework(session, zone))
    return schema.dump(model)


def create(
    session: Session, actor: Actor, kind: str, zone: str, title: str, data: Any = None
) -> Document:
    """A new draft for ``zone``."""
    if kind not in KINDS:
        raise Invalid(f"kind must be one of {', '.join(KINDS)}")
    if session.get(Zone, zone) is None:
        raise NotFoundError(f"no zone with code {zone!r}")
    require(session, actor, f"{KINDS[kind]}.create", Resource(KINDS[kind], zone))
    title = (title or "").strip()
    if not title or len(title) > 300:
        raise Invalid("a title of 1–300 characters is required")
    content = _validated(session, kind, zone, data or {})
    at = now()
    doc = Document(
        kind=kind,
        zone_code=zone,
        title=title,
        state="draft",
        draft=content,
        current_version=0,
        review_level=0,
        created_by=actor.username,
        created_at=at,
        updated_at=at,
        round_name=content.get("round"),
    )
    session.add(doc)
    flush(session)
    append(session, actor.username, "create", kind, doc.id, zone=zone, after={"title": title})
    return doc


def edit(
    session: Session,
    actor: Actor,
    doc: Document,
    data: Any,
    *,
    title: str | None = None,
    expected: int | None = None,
    how: str = "if-match",
) -> Document:
    """Replace the draft (in draft, returned or withdrawn state)."""
    require(session, actor, f"{prefix(doc)}.edit", resource_of(doc))
    check_lock(doc, expected, how)
    if doc.state not in EDITABLE:
        raise Conflict(
            f"{doc.kind} #{doc.id} is {doc.state}: "
            "only a draft, returned or withdrawn one can be edited"
        )
    content = _validated(session, doc.kind, doc.zone_code, data)
    if doc.kind == "self_assessment" and content["round"] != doc.round_name:
        raise Invalid(
            "a self-assessment keeps the round it wraps; create a new one for another round"
        )
    before = {"title": doc.title, "sha256": _sha(doc.draft)}
    if title is not None:
        if not title.strip() or len(title) > 300:
            raise Invalid("a title of 1–300 characters is required")
        doc.title = title.strip()
    content["attachments"] = doc.draft.get("attachments", [])
    doc.draft = content
    doc.updated_at = now()
    flush(session)
    append(
        session,
        actor.username,
        "edit",
        doc.kind,
        doc.id,
        before=before,
        after={"title": doc.title, "sha256": _sha(content)},
    )
    return doc


def submit(
    session: Session,
    actor: Actor,
    doc: Document,
    *,
    expected: int | None = None,
    how: str = "if-match",
) -> DocumentVersion:
    """Freeze the draft as the next version and send it to the first review level."""
    require(session, actor, f"{prefix(doc)}.submit", resource_of(doc))
    check_lock(doc, expected, how)
    if doc.state not in EDITABLE:
        raise Conflict(
            f"{doc.kind} #{doc.id} is {doc.state}: "
            "it can be submitted from draft, returned or withdrawn"
        )
    content = _validated(session, doc.kind, doc.zone_code, doc.draft)
    content["attachments"] = doc.draft.get("attachments", [])
    before = doc.state
    number = doc.current_version + 1
    version = DocumentVersion(
        document_id=doc.id,
        number=number,
        content=content,
        sha256=_sha(content),
        submitted_by=actor.username,
        submitted_at=now(),
    )
    session.add(version)
    doc.current_version = number
    doc.state = "resubmitted" if before == "returned" else "submitted"
    doc.review_level = 0
    doc.updated_at = now()
    flush(session)
    append(
        session,
        actor.username,
        "submit",
        doc.kind,
        doc.id,
        before={"state": before},
        after={"state": doc.state, "version": number, "sha256": version.sha256},
    )
    return version


def withdraw(
    session: Session,
    actor: Actor,
    doc: Document,
    *,
    expected: int | None = None,
    how: str = "if-match",
) -> Document:
    """Take a submitted document back (not once approved: approval locks it)."""
    require(session, actor, f"{prefix(doc)}.withdraw", resource_of(doc))
    check_lock(doc, expected, how)
    if doc.state not in (*IN_REVIEW, "returned"):
        raise Conflict(
            f"{doc.kind} #{doc.id} is {doc.state}: only one in review or returned can be withdrawn"
        )
    before = doc.state
    doc.state = "withdrawn"
    doc.updated_at = now()
    flush(session)
    append(
        session,
        actor.username,
        "withdraw",
        doc.kind,
        doc.id,
        before={"state": before},
        after={"state": "withdrawn"},
    )
    return doc


def versions(session: Session, doc: Document) -> list[DocumentVersion]:
    return list(
        session.scalars(
            select(DocumentVersion)
            .where(DocumentVersion.document_id == doc.id)
            .order_by(DocumentVersion.number)
        )
    )


def version(session: Session, doc: Document, number: int) -> DocumentVersion:
    row = session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.document_id == doc.id, DocumentVersion.number == number
        )
    )
    if row is None:
        raise NotFoundError(f"{doc.kind} #{doc.id} has no version {number}")
    return row


def version_diff(session: Session, doc: Document, number: int) -> list[dict[str, Any]]:
    """The changes of version ``number`` against the one before (all added for the first)."""
    new = version(session, doc, number)
    old = version(session, doc, number - 1).content if number > 1 else None
    return schema.diff(old, new.content)


def listing(
    session: Session,
    actor: Actor,
    *,
    kind: str | None = None,
    zone: str | None = None,
    state: str | None = None,
    after: int = 0,
    limit: int = 50,
) -> list[Document]:
    """Documents the actor may see, by id, filtered; ``after`` an id (for paging)."""
    query = select(Document).where(Document.id > after).order_by(Document.id)
    if kind:
        query = query.where(Document.kind == kind)
    if zone:
        query = query.where(Document.zone_code == zone)
    if state:
        query = query.where(Document.state == state)
    out: list[Document] = []
    for doc in session.scalars(query.execution_options(yield_per=200)):
        if readable(session, actor, doc):
            out.append(doc)
            if len(out) >= limit:
                break
    return out


def record(doc: Document, *, with_draft: bool = False) -> dict[str, Any]:
    rec = {
        "id": doc.id,
        "kind": doc.kind,
        "zone": doc.zone_code,
        "title": doc.title,
        "state": doc.state,
        "state_zh": i18n.text("states", doc.state),
        "version": doc.current_version,
        "lock": doc.lock,
        "round": doc.round_name,
        "created_by": doc.created_by,
        "updated_at": iso(doc.updated_at),
    }
    if with_draft:
        rec["draft"] = doc.draft
    return rec


def version_record(v: DocumentVersion) -> dict[str, Any]:
    return {
        "number": v.number,
        "sha256": v.sha256,
        "submitted_by": v.submitted_by,
        "submitted_at": iso(v.submitted_at),
        "approved_at": iso(v.approved_at) if v.approved_at else None,
        "content": v.content,
    }


def iso(at: datetime) -> str:
    return utc(at).isoformat(timespec="seconds") + "Z"


def ids(docs: Iterable[Document]) -> list[int]:
    return [d.id for d in docs]


def attach(session: Session, actor: Actor, doc: Document, data: bytes, name: str) -> dict[str, Any]:
    """Attach a checked file to the draft (listed in the next submitted version)."""
    require(session, actor, f"{prefix(doc)}.attach", resource_of(doc))
    if doc.state not in EDITABLE:
        raise Conflict(f"{doc.kind} #{doc.id} is {doc.state}: attach files to a draft")
    row = uploads.attach(session, actor, "document", doc.id, doc.zone_code, data, name)
    entry = {"id": row.id, "filename": row.filename, "sha256": row.sha256, "size": row.size}
    doc.draft = {**doc.draft, "attachments": [*doc.draft.get("attachments", []), entry]}
    doc.updated_at = now()
    flush(session)
    return entry
