"""Tables of the relational store (SQLAlchemy 2 declarative models).

Changes here need a new Alembic revision in ``meili/db/migrations/versions``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Division(Base):
    """An administrative division (GB/T 2260 code) with its years of validity."""

    __tablename__ = "divisions"
    __table_args__ = (
        UniqueConstraint("code", "valid_from", name="uq_division_code_from"),
        Index("ix_divisions_current", "current", "level"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(6), index=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    level: Mapped[str] = mapped_column(String(16))  # province | prefecture | county
    parent_code: Mapped[str | None] = mapped_column(String(6), index=True)
    province_code: Mapped[str] = mapped_column(String(6))
    valid_from: Mapped[int] = mapped_column(Integer)
    valid_to: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # active | renamed | retired
    successor_code: Mapped[str | None] = mapped_column(String(64))
    current: Mapped[bool] = mapped_column(default=False)


class Zone(Base):
    """A Beautiful China pilot zone (美丽中国先行区) at one of the four tiers."""

    __tablename__ = "zones"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(300))
    tier: Mapped[str] = mapped_column(String(16), index=True)  # region|province|city|county
    status: Mapped[str] = mapped_column(String(16), default="active")
    title_zh: Mapped[str | None] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text)
    policy_ref: Mapped[str | None] = mapped_column(String(200))
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # attributes set on the zone (coastal, terrain, …), winning over the division data
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    members: Mapped[list[ZoneMember]] = relationship(
        back_populates="zone", cascade="all, delete-orphan", order_by="ZoneMember.division_code"
    )


class ZoneMember(Base):
    """A division that belongs to a zone."""

    __tablename__ = "zone_members"

    zone_code: Mapped[str] = mapped_column(
        ForeignKey("zones.code", ondelete="CASCADE"), primary_key=True
    )
    division_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    zone: Mapped[Zone] = relationship(back_populates="members")


class FrameworkVersion(Base):
    """One version of an indicator framework, stored as its validated document."""

    __tablename__ = "framework_versions"
    __table_args__ = (UniqueConstraint("code", "version", name="uq_framework_code_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    zone_code: Mapped[str | None] = mapped_column(String(64))  # set for a zone's specialty file
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AuditEntry(Base):
    """Who changed what and when (append-only), one link of a hash chain.

    ``seq`` numbers the entries without gaps; ``hash`` is SHA-256 over the previous entry's
    hash and this entry's canonical content (:mod:`meili.db.audit` fills both on flush), so
    a changed, removed or inserted entry breaks the chain at that point.
    """

    __tablename__ = "audit_log"
    __table_args__ = (UniqueConstraint("seq", name="uq_audit_log_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(128))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    seq: Mapped[int | None] = mapped_column(Integer)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class Meta(Base):
    """Key/value facts about the store (e.g. the hash of the loaded division list)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# ---- assessment inputs written by the workflow (read by the assessment) ------------------


class AssignedTarget(Base):
    """A zone's assigned target for one indicator (from an approved plan or an import).

    One live row (``superseded_at`` empty) per zone and indicator; a new target supersedes
    the old one, which stays for the record.
    """

    __tablename__ = "assigned_targets"
    __table_args__ = (
        Index(
            "uq_assigned_targets_live",
            "zone_code",
            "indicator_code",
            unique=True,
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    zone_code: Mapped[str] = mapped_column(String(64), index=True)
    indicator_code: Mapped[str] = mapped_column(String(64))
    framework_ref: Mapped[str] = mapped_column(String(100))
    rule: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    baseline_value: Mapped[float | None] = mapped_column(Float)
    target_year: Mapped[int] = mapped_column(Integer, default=2027)
    target_value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(300))
    approved_by: Mapped[str] = mapped_column(String(128))
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class EvidenceVerdict(Base):
    """A reviewer's verdict on one piece of evidence for a qualitative state."""

    __tablename__ = "evidence_verdicts"
    __table_args__ = (Index("ix_evidence_verdicts_zone_year", "zone_code", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    zone_code: Mapped[str] = mapped_column(String(64))
    indicator_code: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    state: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # accepted | rejected
    evidence_id: Mapped[int] = mapped_column(Integer, index=True)
    reviewer: Mapped[str] = mapped_column(String(128))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)


# ---- accounts, roles and credentials -----------------------------------------------------


class User(Base):
    """A person who signs in (passwords stored as argon2 hashes only)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", order_by="RoleGrant.id", lazy="selectin"
    )


class RoleGrant(Base):
    """A role held by a user, bound to a zone (Ministry roles need none)."""

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    zone_code: Mapped[str | None] = mapped_column(String(64))
    granted_by: Mapped[str] = mapped_column(String(128))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    user: Mapped[User] = relationship(back_populates="grants")


class PermissionRule(Base):
    """An administrator's rule that adds to or overrides the bundled permission rules."""

    __tablename__ = "permission_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    effect: Mapped[str] = mapped_column(String(8))  # allow | deny
    action: Mapped[str] = mapped_column(String(64))
    username: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(32))
    zone_code: Mapped[str | None] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(16), default="all")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Credential(Base):
    """An API token or a page session: only the SHA-256 of the secret is kept."""

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # token | session
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf: Mapped[str | None] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginAttempt(Base):
    """One sign-in attempt (for throttling repeated failures by name and by address)."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_name_at", "username", "at"),
        Index("ix_login_attempts_remote_at", "remote", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    remote: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ok: Mapped[bool] = mapped_column(Boolean)


# ---- plans, self-assessments and their review --------------------------------------------


class Document(Base):
    """An implementation plan (实施方案) or a self-assessment (自评估) of one zone.

    ``draft`` is the editable document; each submission freezes it as a
    :class:`DocumentVersion`. ``lock`` counts changes (optimistic locking: a write names
    the ``lock`` it read and fails when another write came first).
    """

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_zone_kind", "zone_code", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # plan | self_assessment
    zone_code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    round_name: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    draft: Mapped[dict[str, Any]] = mapped_column(JSON)
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    review_level: Mapped[int] = mapped_column(Integer, default=0)
    lock: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": lock}


class DocumentVersion(Base):
    """A submitted version: immutable once written."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_document_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Review(Base):
    """One decision of a review level on a version: approve, return or re-open."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(16))  # city | province | ministry
    decision: Mapped[str] = mapped_column(String(16))  # approve | return | reopen
    reason: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    void: Mapped[bool] = mapped_column(Boolean, default=False)


class Comment(Base):
    """A reviewer's comment on one section of a version."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Attachment(Base):
    """An uploaded file (PDF, DOCX, XLSX), stored by content hash inside the store."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    owner: Mapped[str] = mapped_column(String(16))  # document | evidence | progress
    owner_id: Mapped[int] = mapped_column(Integer)
    zone_code: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Evidence(Base):
    """Evidence that a zone reached a qualitative state or made progress on a task."""

    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_zone_status", "zone_code", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    zone_code: Mapped[str] = mapped_column(String(64))
    indicator_code: Mapped[str | None] = mapped_column(String(64))
    ledger_item_id: Mapped[int | None] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    state: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))  # pending | accepted | rejected
    reason: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lock: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": lock}


# ---- data submission, ledger, publication ------------------------------------------------


class SubmissionPeriod(Base):
    """A reporting period (a statistical year) and the date its data are due."""

    __tablename__ = "submission_periods"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    due_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(64))


class DataSubmission(Base):
    """One uploaded data-submission workbook and what the ingest made of it."""

    __tablename__ = "data_submissions"
    __table_args__ = (Index("ix_data_submissions_zone_year", "zone_code", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    zone_code: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    framework_ref: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))  # accepted | partial | rejected
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_landed: Mapped[int] = mapped_column(Integer, default=0)
    rows_refused: Mapped[int] = mapped_column(Integer, default=0)
    expected: Mapped[list[str]] = mapped_column(JSON, default=list)
    landed: Mapped[list[str]] = mapped_column(JSON, default=list)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    batches: Mapped[list[str]] = mapped_column(JSON, default=list)
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LedgerItem(Base):
    """A task (任务) or major project (重大项目) of a zone, tracked to completion."""

    __tablename__ = "ledger_items"
    __table_args__ = (Index("ix_ledger_items_zone_kind", "zone_code", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    zone_code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # task | project
    key: Mapped[str] = mapped_column(String(64))  # the id within the plan
    title: Mapped[str] = mapped_column(String(300))
    department: Mapped[str | None] = mapped_column(String(200))
    deadline: Mapped[date | None] = mapped_column(Date)
    milestones: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    amount: Mapped[float | None] = mapped_column(Float)  # 万元
    funding_source: Mapped[str | None] = mapped_column(String(32))
    project_status: Mapped[str | None] = mapped_column(String(32))
    percent_complete: Mapped[float] = mapped_column(Float, default=0.0)
    money_spent: Mapped[float] = mapped_column(Float, default=0.0)
    source: Mapped[str] = mapped_column(String(100))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lock: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": lock}


class ProgressReport(Base):
    """A progress report on a ledger item: percent complete, money spent, evidence."""

    __tablename__ = "progress_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("ledger_items.id"), index=True)
    percent_complete: Mapped[float] = mapped_column(Float)
    money_spent: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_id: Mapped[int | None] = mapped_column(Integer)
    reported_by: Mapped[str] = mapped_column(String(64))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PublishedRound(Base):
    """A computed assessment round made public: for one zone (its approved self-assessment)
    or for every zone (``zone_code`` empty: published by the Ministry)."""

    __tablename__ = "published_rounds"
    __table_args__ = (UniqueConstraint("round_name", "zone_code", name="uq_published_round"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_name: Mapped[str] = mapped_column(String(64), index=True)
    zone_code: Mapped[str | None] = mapped_column(String(64))
    document_id: Mapped[int | None] = mapped_column(Integer)
    published_by: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
