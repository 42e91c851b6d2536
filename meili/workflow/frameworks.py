"""The framework a zone is assessed and planned against: its specialty (merged with its
base) when one is stored for the zone, else the default framework."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from meili.db.models import FrameworkVersion
from meili.framework.schema import Framework
from meili.framework.store import get_framework


def zone_framework(session: Session, zone: str) -> Framework:
    code = session.scalar(
        select(FrameworkVersion.code)
        .where(FrameworkVersion.zone_code == zone)
        .order_by(FrameworkVersion.id.desc())
        .limit(1)
    )
    return get_framework(session, code)
