"""The audit chain: every :class:`AuditEntry` is a link of a SHA-256 hash chain.

When a session flushes new audit entries (from any writer: zones, frameworks, the
workflow), :func:`_chain` numbers them after the newest entry (``seq``), records the
previous entry's hash and computes their own::

    hash = SHA-256(prev_hash | seq | at | actor | action | entity | entity_id | detail)

over a canonical text (UTC time to the microsecond, detail as sorted compact JSON). On
PostgreSQL the append holds a transaction-level advisory lock, so concurrent writers queue
and the chain never forks; on SQLite the database's single writer does the same (a writer
that read an older head fails instead of forking). :func:`verify` walks the chain and
names the first entry whose content, link or number does not hold.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, bindparam, event, inspect, select, text
from sqlalchemy.orm import Session

from meili.db.models import AuditEntry

GENESIS = "0" * 64
LOCK_KEY = 7_170_021  # pg_advisory_xact_lock key of the audit chain


def utc(at: datetime) -> datetime:
    """``at`` as naive UTC (SQLite returns naive UTC, PostgreSQL aware times)."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at


def canonical_detail(detail: Any) -> str:
    """The detail as sorted, compact JSON (what is hashed and what is stored)."""
    return json.dumps(
        detail, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )


def entry_hash(
    prev_hash: str,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    detail: Any,
) -> str:
    """The hash of one link of the chain."""
    parts = [
        prev_hash,
        str(seq),
        utc(at).isoformat(timespec="microseconds"),
        actor,
        action,
        entity,
        entity_id,
        canonical_detail(detail),
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _hash_of(e: AuditEntry, prev_hash: str) -> str:
    return entry_hash(
        prev_hash, e.seq or 0, e.at, e.actor, e.action, e.entity, e.entity_id, e.detail
    )


def _head(session: Session) -> tuple[int, str]:
    row = session.execute(
        select(AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.seq.is_not(None))
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def _chain(session: Session, _ctx: object, _instances: object) -> None:
    new = [o for o in session.new if isinstance(o, AuditEntry) and o.hash is None]
    if not new:
        return
    new.sort(key=lambda o: inspect(o).insert_order)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    seq, prev = _head(session)
    now = datetime.now(UTC)
    for entry in new:
        seq += 1
        entry.seq = seq
        entry.at = utc(entry.at).replace(tzinfo=UTC) if entry.at is not None else now
        entry.detail = json.loads(canonical_detail(entry.detail or {}))
        entry.prev_hash = prev
        entry.hash = prev = _hash_of(entry, prev)


event.listen(Session, "before_flush", _chain)


def backfill(connection: Any) -> int:
    """Chain entries written before the chain existed (oldest first); used by the migration."""
    rows = connection.execute(
        text(
            "SELECT id, at, actor, action, entity, entity_id, detail FROM audit_log "
            "WHERE seq IS NULL ORDER BY id"
        )
    ).fetchall()
    head = connection.execute(
        text("SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1")
    ).first()
    seq, prev = (head[0], head[1]) if head else (0, GENESIS)
    update = text(
        "UPDATE audit_log SET seq = :seq, prev_hash = :prev, hash = :hash, at = :at, "
        "detail = :detail WHERE id = :id"
    ).bindparams(bindparam("at", type_=DateTime(timezone=True)), bindparam("detail", type_=JSON))
    for row in rows:
        at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(str(row.at))
        detail = row.detail if not isinstance(row.detail, str) else json.loads(row.detail)
        detail = json.loads(canonical_detail(detail or {}))
        seq += 1
        digest = entry_hash(prev, seq, at, row.actor, row.action, row.entity, row.entity_id, detail)
        connection.execute(
            update,
            {
                "seq": seq,
                "prev": prev,
                "hash": digest,
                "at": utc(at).replace(tzinfo=UTC),
                "detail": detail,
                "id": row.id,
            },
        )
        prev = digest
    return len(rows)


@dataclass(frozen=True)
class Broken:
    """The first entry where the chain does not hold."""

    seq: int | None
    id: int
    problem: str


def verify(session: Session) -> tuple[int, Broken | None]:
    """(entries checked, the first broken entry or None when the chain is intact)."""
    unchained = session.scalar(
        select(AuditEntry.id).where(AuditEntry.seq.is_(None)).order_by(AuditEntry.id).limit(1)
    )
    prev, expected, count = GENESIS, 1, 0
    query = select(AuditEntry).where(AuditEntry.seq.is_not(None)).order_by(AuditEntry.seq)
    for entry in session.scalars(query.execution_options(yield_per=1000)):
        count += 1
        if entry.seq != expected:
            return count, Broken(
                entry.seq, entry.id, f"entry {expected} is missing (next is {entry.seq})"
            )
        if entry.prev_hash != prev:
            return count, Broken(
                entry.seq, entry.id, "its link to the previous entry does not match"
            )
        if _hash_of(entry, prev) != entry.hash:
            return count, Broken(entry.seq, entry.id, "its content was changed after writing")
        prev, expected = entry.hash, expected + 1
    if unchained is not None:
        return count, Broken(None, unchained, "an entry outside the chain (no sequence number)")
    return count, None


def record(entry: AuditEntry) -> dict[str, Any]:
    """An entry as a plain record (for listing and export)."""
    return {
        "seq": entry.seq,
        "at": utc(entry.at).isoformat(timespec="microseconds") + "Z",
        "actor": entry.actor,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "detail": entry.detail,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def entries(
    session: Session,
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
    after: int = 0,
    limit: int | None = None,
) -> Iterator[AuditEntry]:
    """Chained entries in order, filtered; ``after`` a sequence number (for paging)."""
    query = select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if limit:
        query = query.limit(limit)
    yield from session.scalars(query.execution_options(yield_per=1000))


def append(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int,
    *,
    before: Any = None,
    after: Any = None,
    **detail: Any,
) -> AuditEntry:
    """Add an entry (who, what, before/after); it is chained when the session flushes."""
    body = dict(detail)
    if before is not None:
        body["before"] = before
    if after is not None:
        body["after"] = after
    entry = AuditEntry(
        actor=actor, action=action, entity=entity, entity_id=str(entity_id), detail=body
    )
    session.add(entry)
    return entry
