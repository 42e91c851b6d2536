"""The framework a zone is assessed and planned against (its specialty, else its regional
framework, else the default), kept between calls.

A framework is validated once and kept while the stored versions are the same (the
newest row of the code, by id and hash): the workflow asks for it on every plan write.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from meili.db.models import FrameworkVersion
from meili.framework.schema import Framework
from meili.framework.store import DEFAULT_CODE, get_framework, zone_framework_code

_KEPT: dict[tuple, Framework] = {}


def zone_framework(session: Session, zone: str) -> Framework:
    """The zone's framework as :func:`meili.framework.store.zone_framework` resolves it."""
    ids = tuple(sorted(session.scalars(select(FrameworkVersion.id))))  # any new version
    code = zone_framework_code(session, zone)
    key = (str(session.get_bind().url), code or DEFAULT_CODE, ids)
    fw = _KEPT.get(key)
    if fw is None:
        fw = get_framework(session, code)
        if len(_KEPT) > 256:
            _KEPT.clear()
        _KEPT[key] = fw
    return fw
