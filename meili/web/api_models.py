"""Request and response models of the workflow API (OpenAPI 3 schemas)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class TokenOut(BaseModel):
    token: str = Field(description="The bearer token (shown once; keep it secret)")
    token_id: int
    expires_at: str
    username: str
    roles: list[str]


class MeOut(BaseModel):
    username: str
    display_name: str
    roles: list[str]


class UserOut(BaseModel):
    username: str
    display_name: str
    active: bool
    roles: list[str]
    created_at: str


class UserList(BaseModel):
    count: int
    records: list[UserOut]


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=1, max_length=1000)
    display_name: str = Field(default="", max_length=200)
    role: str | None = Field(default=None, max_length=32)
    zone: str | None = Field(default=None, max_length=64)


class GrantIn(BaseModel):
    role: str = Field(max_length=32)
    zone: str | None = Field(default=None, max_length=64)


class ExplainOut(BaseModel):
    allowed: bool
    lines: list[str]


class ChainLevel(BaseModel):
    level: str
    level_zh: str
    zone: str | None
    approved: bool
    current: bool


class ReviewOut(BaseModel):
    version: int
    level: str
    decision: str
    reason: str | None
    reviewer: str
    at: str
    void: bool


class DocSummary(BaseModel):
    id: int
    kind: str
    zone: str
    title: str
    state: str
    state_zh: str
    version: int = Field(description="Number of the latest submitted version (0: none yet)")
    lock: int = Field(description="Optimistic lock: send it back as If-Match or `version`")
    round: str | None
    created_by: str
    updated_at: str


class DocOut(DocSummary):
    draft: dict[str, Any] | None = Field(
        default=None, description="The editable draft (only for those who may edit it)"
    )
    chain: list[ChainLevel]
    reviews: list[ReviewOut]


class DocList(BaseModel):
    count: int
    next_after: int | None = Field(description="Pass as `after` for the next page")
    records: list[DocSummary]


class DocIn(BaseModel):
    zone: str = Field(max_length=64)
    title: str = Field(min_length=1, max_length=300)
    content: dict[str, Any] = Field(default_factory=dict)


class SelfAssessmentIn(BaseModel):
    zone: str = Field(max_length=64)
    round: str = Field(min_length=1, max_length=64)
    title: str = Field(default="", max_length=300)
    content: dict[str, Any] = Field(default_factory=dict)


class DocEdit(BaseModel):
    content: dict[str, Any]
    title: str | None = Field(default=None, max_length=300)
    version: int | None = Field(default=None, description="The lock read (or use If-Match)")


class ActionIn(BaseModel):
    version: int | None = Field(default=None, description="The lock read (or use If-Match)")
    reason: str = Field(default="", max_length=20_000)
    level: str | None = Field(default=None, description="For reopen: the level to re-open")


class VersionOut(BaseModel):
    number: int
    sha256: str
    submitted_by: str
    submitted_at: str
    approved_at: str | None
    content: dict[str, Any]


class VersionList(BaseModel):
    count: int
    records: list[VersionOut]


class Change(BaseModel):
    section: str
    change: Literal["added", "removed", "changed"]
    diff: list[str]


class DiffOut(BaseModel):
    version: int
    changes: list[Change]


class CommentIn(BaseModel):
    section: str = Field(min_length=1, max_length=64)
    body: str = Field(min_length=1, max_length=20_000)
    version: int | None = None


class CommentOut(BaseModel):
    id: int
    version: int
    section: str
    body: str
    author: str
    at: str


class CommentList(BaseModel):
    count: int
    records: list[CommentOut]


class AttachmentOut(BaseModel):
    id: int
    filename: str
    sha256: str
    size: int


class EvidenceOut(BaseModel):
    id: int
    zone: str
    indicator: str | None
    ledger_item: int | None
    year: int
    state: str | None
    title: str
    description: str
    status: str
    status_zh: str
    reason: str | None
    reviewer: str | None
    submitted_by: str
    submitted_at: str
    lock: int
    files: list[dict[str, Any]]


class EvidenceList(BaseModel):
    count: int
    next_after: int | None
    records: list[EvidenceOut]


class Problem(BaseModel):
    sheet: str
    row: int | None
    column: str | None
    reason_zh: str
    reason_en: str


class SubmissionOut(BaseModel):
    id: int
    zone: str
    year: int
    framework: str
    filename: str
    status: str
    rows_read: int
    rows_landed: int
    rows_refused: int
    landed: list[str]
    expected: list[str]
    problems: list[Problem]
    batches: list[str]
    submitted_by: str
    submitted_at: str


class SubmissionStatus(BaseModel):
    zone: str
    name_zh: str
    tier: str
    year: int
    submissions: int
    expected: int
    received: int
    completeness: float | None
    due_on: str | None
    first_at: str | None
    on_time: bool | None
    missing: list[str]


class StatusList(BaseModel):
    count: int
    records: list[SubmissionStatus]


class LedgerItemOut(BaseModel):
    id: int
    zone: str
    kind: str
    key: str
    title: str
    department: str | None
    deadline: str | None
    milestones: list[dict[str, Any]]
    amount: float | None
    funding_source: str | None
    project_status: str | None
    percent_complete: float
    money_spent: float
    overdue: bool
    source: str
    lock: int


class LedgerList(BaseModel):
    count: int
    records: list[LedgerItemOut]


class RollupRow(BaseModel):
    zone: str
    tasks: int
    projects: int
    done: int
    overdue: int
    amount: float
    spent: float


class RollupList(BaseModel):
    count: int
    records: list[RollupRow]


class ProgressIn(BaseModel):
    percent_complete: float = Field(ge=0, le=100)
    money_spent: float | None = Field(default=None, ge=0)
    note: str = Field(default="", max_length=5000)
    evidence_id: int | None = None
    version: int | None = None


class TargetOut(BaseModel):
    zone_code: str
    indicator_code: str
    framework_ref: str
    rule: dict[str, Any] | None
    baseline_year: int | None
    baseline_value: float | None
    target_year: int
    target_value: float | None
    unit: str | None
    source: str
    approved_by: str
    approved_at: str


class TargetList(BaseModel):
    count: int
    records: list[TargetOut]


class AuditOut(BaseModel):
    seq: int | None
    at: str
    actor: str
    action: str
    entity: str
    entity_id: str
    detail: dict[str, Any]
    prev_hash: str | None
    hash: str | None


class AuditList(BaseModel):
    count: int
    next_after: int | None
    records: list[AuditOut]


class VerifyOut(BaseModel):
    intact: bool
    entries: int
    broken_seq: int | None = None
    broken_id: int | None = None
    problem: str | None = None


class PublishOut(BaseModel):
    round: str
    zone: str | None
    published_by: str
    published_at: str


class Imported(BaseModel):
    count: int
