"""The framework a zone is assessed and planned against: its specialty (merged with its
base) when one is stored for the zone, else the default framework.

A framework is validated once and kept while the stored versions are the same (the
newest row of the code, by id and hash): the workflow asks for it on every plan write.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from meili.db.models import FrameworkVersion
from meili.framework.schema import Framework
from meili.framework.store import DEFAULT_CODE, get_framework

_KEPT: dict[tuple, Framework] = {}


def zone_framework(session: Session, zone: str) -> Framework:
    rows = session.execute(
        select(FrameworkVersion.id, FrameworkVersion.code, FrameworkVersion.zone_code)
    ).all()  # a handful of rows, no documents: any new version changes the key
    code = max(((i, c) for i, c, z in rows if z == zone), default=(0, None))[1]
    key = (str(session.get_bind().url), code or DEFAULT_CODE, tuple(sorted(i for i, _, _ in rows)))
    fw = _KEPT.get(key)
    if fw is None:
        fw = get_framework(session, code)
        if len(_KEPT) > 256:
            _KEPT.clear()
        _KEPT[key] = fw
    return fw
