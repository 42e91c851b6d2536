"""What the workflow writes and the assessment reads: assigned targets, evidence verdicts.

The assessment reads these through its run context with :func:`assigned_targets` and
:func:`accepted_evidence` (pandas frames), never by importing the workflow. The writers
here are the only ones: a plan's approval and ``meili zones targets import`` both call
:func:`write_assigned_targets`; an evidence review calls :func:`write_evidence_verdict`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from meili.db.models import AssignedTarget, EvidenceVerdict

TARGET_COLUMNS = [
    "zone_code",
    "indicator_code",
    "framework_ref",
    "rule",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "unit",
    "source",
    "approved_by",
    "approved_at",
    "superseded_at",
]
EVIDENCE_COLUMNS = [
    "zone_code",
    "indicator_code",
    "year",
    "state",
    "status",
    "evidence_id",
    "reviewer",
    "reviewed_at",
    "reason",
]


@dataclass(frozen=True)
class TargetRow:
    """One assigned target to write."""

    zone_code: str
    indicator_code: str
    framework_ref: str
    target_value: float | None
    rule: dict[str, Any] | None = None
    baseline_year: int | None = None
    baseline_value: float | None = None
    target_year: int = 2027
    unit: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _now() -> datetime:
    return datetime.now(UTC)


def _frame(rows: Sequence[Any], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([{c: getattr(r, c) for c in columns} for r in rows], columns=columns)


def write_assigned_targets(
    session: Session,
    rows: Iterable[TargetRow],
    *,
    source: str,
    approved_by: str,
    at: datetime | None = None,
) -> list[AssignedTarget]:
    """Write targets as the live ones for their (zone, indicator); the rows they replace
    are kept with ``superseded_at`` set. Returns the new rows."""
    at = at or _now()
    written = []
    for row in rows:
        session.execute(
            update(AssignedTarget)
            .where(
                AssignedTarget.zone_code == row.zone_code,
                AssignedTarget.indicator_code == row.indicator_code,
                AssignedTarget.superseded_at.is_(None),
            )
            .values(superseded_at=at)
        )
        new = AssignedTarget(
            zone_code=row.zone_code,
            indicator_code=row.indicator_code,
            framework_ref=row.framework_ref,
            rule=row.rule,
            baseline_year=row.baseline_year,
            baseline_value=row.baseline_value,
            target_year=row.target_year,
            target_value=row.target_value,
            unit=row.unit,
            source=source,
            approved_by=approved_by,
            approved_at=at,
        )
        session.add(new)
        session.flush()  # the live-row index sees one row at a time
        written.append(new)
    return written


def assigned_targets(
    session: Session, zones: Iterable[str] | None = None, as_of: datetime | None = None
) -> pd.DataFrame:
    """The targets in force (``as_of`` a time; default now) for ``zones`` (default all):
    one row per zone and indicator, columns :data:`TARGET_COLUMNS`."""
    query = select(AssignedTarget).order_by(AssignedTarget.zone_code, AssignedTarget.indicator_code)
    if zones is not None:
        query = query.where(AssignedTarget.zone_code.in_(list(zones)))
    if as_of is None:
        query = query.where(AssignedTarget.superseded_at.is_(None))
    else:
        query = query.where(
            AssignedTarget.approved_at <= as_of,
            or_(AssignedTarget.superseded_at.is_(None), AssignedTarget.superseded_at > as_of),
        )
    return _frame(list(session.scalars(query)), TARGET_COLUMNS)


def write_evidence_verdict(
    session: Session,
    *,
    zone_code: str,
    indicator_code: str,
    year: int,
    state: str | None,
    status: str,
    evidence_id: int,
    reviewer: str,
    reason: str | None,
    at: datetime | None = None,
) -> EvidenceVerdict:
    """Record a reviewer's verdict (``accepted`` or ``rejected``) on one piece of evidence."""
    if status not in ("accepted", "rejected"):
        raise ValueError(f"verdict status must be accepted or rejected, not {status!r}")
    verdict = EvidenceVerdict(
        zone_code=zone_code,
        indicator_code=indicator_code,
        year=year,
        state=state,
        status=status,
        evidence_id=evidence_id,
        reviewer=reviewer,
        reviewed_at=at or _now(),
        reason=reason,
    )
    session.add(verdict)
    session.flush()
    return verdict


def accepted_evidence(
    session: Session, zones: Iterable[str] | None = None, year: int | None = None
) -> pd.DataFrame:
    """Evidence whose latest verdict is ``accepted`` (for ``zones`` and up to ``year``),
    columns :data:`EVIDENCE_COLUMNS`. A verdict later withdrawn (re-reviewed as rejected)
    no longer counts."""
    query = select(EvidenceVerdict).order_by(EvidenceVerdict.id)
    conditions = []
    if zones is not None:
        conditions.append(EvidenceVerdict.zone_code.in_(list(zones)))
    if year is not None:
        conditions.append(EvidenceVerdict.year <= year)
    if conditions:
        query = query.where(and_(*conditions))
    frame = _frame(list(session.scalars(query)), EVIDENCE_COLUMNS)
    if frame.empty:
        return frame
    newest = frame.drop_duplicates("evidence_id", keep="last")
    return newest[newest["status"] == "accepted"].reset_index(drop=True)
