"""Frameworks in the relational store: save idempotently, fetch, list, merge specialties."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from meili.db.models import FrameworkVersion
from meili.errors import NotFoundError, UserError
from meili.framework.loader import (
    bundled,
    default_framework,
    default_framework_path,
    latest_bundled,
    load_framework_file,
    regional_frameworks,
    version_key,
)
from meili.framework.schema import Framework

__all__ = [
    "default_framework",
    "default_framework_path",
    "document_hash",
    "get_framework",
    "list_frameworks",
    "load_framework_file",
    "merge_specialty",
    "resolver",
    "save_framework",
    "zone_framework",
    "zone_framework_code",
    "zone_frameworks",
]

DEFAULT_CODE = "meili-default"


def document(fw: Framework) -> dict[str, Any]:
    """The framework as a JSON document (what is stored)."""
    return fw.model_dump(mode="json", exclude_none=True)


def document_hash(fw: Framework) -> str:
    """SHA-256 of the canonical JSON document: same content → same hash, whatever the file."""
    text = json.dumps(document(fw), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_version_key = version_key


def save_framework(session: Session, fw: Framework) -> bool:
    """Store ``fw``; True if written, False if the same code+version+content is already there.

    The same code and version with different content is refused: bump the version.
    """
    digest = document_hash(fw)
    row = session.scalar(
        select(FrameworkVersion).where(
            FrameworkVersion.code == fw.code, FrameworkVersion.version == fw.version
        )
    )
    if row is not None:
        if row.sha256 == digest:
            return False
        raise UserError(
            f"framework {fw.ref} is already stored with different content; "
            "bump the version to publish a change (框架内容已变更，请提高版本号)"
        )
    session.add(
        FrameworkVersion(
            code=fw.code,
            version=fw.version,
            zone_code=fw.zone,
            name_zh=fw.name_zh,
            name_en=fw.name_en,
            sha256=digest,
            document=document(fw),
        )
    )
    session.flush()
    return True


def _rows(session: Session, code: str | None = None) -> list[FrameworkVersion]:
    query = select(FrameworkVersion)
    if code is not None:
        query = query.where(FrameworkVersion.code == code)
    return list(session.scalars(query))


def _stored(session: Session, code: str, version: str | None) -> Framework | None:
    rows = _rows(session, code)
    if version is not None:
        rows = [r for r in rows if r.version == version]
    if not rows:
        return None
    latest = max(rows, key=lambda r: _version_key(r.version))
    return Framework.model_validate(latest.document)


def resolver(session: Session) -> Callable[[str, str], Framework | None]:
    """A ``resolve(code, version)`` finding base frameworks in the store, then bundled ones."""

    def resolve(code: str, version: str) -> Framework | None:
        return _stored(session, code, version) or bundled(code, version)

    return resolve


def get_framework(
    session: Session, code: str | None = None, version: str | None = None, *, merged: bool = True
) -> Framework:
    """A stored framework (latest version unless ``version``); the default when ``code`` is None.

    The bundled default is returned when the store holds none. A specialty framework comes
    merged with its base unless ``merged`` is False.
    """
    code = code or DEFAULT_CODE
    fw = _stored(session, code, version)
    if fw is None:
        fw = bundled(code, version) if version else _latest_bundled(code)
    if fw is None:
        what = f"{code}@{version}" if version else code
        raise NotFoundError(f"no framework {what} (框架不存在); see `meili framework versions`")
    if merged and fw.base_ref:
        base = resolver(session)(*fw.base_ref)
        if base is None:
            raise NotFoundError(f"base framework {fw.extends} of {fw.ref} is not stored")
        fw = merge_specialty(base, fw)
    return fw


def _latest_bundled(code: str) -> Framework | None:
    fw = default_framework()
    return fw if fw.code == code else latest_bundled(code)


def list_frameworks(session: Session) -> list[dict[str, Any]]:
    """Every stored framework version, newest first within each code."""
    rows = sorted(_rows(session), key=lambda r: _version_key(r.version), reverse=True)
    rows.sort(key=lambda r: r.code)
    return [
        {
            "code": r.code,
            "version": r.version,
            "zone": r.zone_code,
            "extends": r.document.get("extends"),
            "name_zh": r.name_zh,
            "name_en": r.name_en,
            "indicators": len(r.document.get("indicators", [])),
            "sha256": r.sha256[:12],
            "loaded_at": r.loaded_at,
        }
        for r in rows
    ]


def merge_specialty(base: Framework, specialty: Framework) -> Framework:
    """The zone's full framework: the base indicators followed by the specialty ones.

    It keeps the specialty's code, version, names, zone and ``extends``; the programme
    baseline year and grading are the specialty's, else the base's.
    """
    if specialty.base_ref != (base.code, base.version):
        raise UserError(f"{specialty.ref} extends {specialty.extends}, not {base.ref}")
    clash = sorted({i.code for i in base.indicators} & {i.code for i in specialty.indicators})
    if clash:
        raise UserError(f"{specialty.ref} redefines indicators of {base.ref}: {', '.join(clash)}")
    areas = list(base.target_areas) + [
        a for a in specialty.target_areas if base.area(a.code) is None
    ]
    return specialty.model_copy(
        update={
            "target_areas": areas,
            "indicators": list(base.indicators) + list(specialty.indicators),
            "grading": specialty.grading or base.grading,
            "baseline_year": specialty.baseline_year or base.baseline_year,
        }
    )


def _zone_codes(session: Session, zones: Iterable[str]) -> dict[str, str | None]:
    """Zone → code of the framework in force: the newest stored framework naming the zone,
    else the bundled framework of a regional zone (§二), else None (the default)."""
    rows = session.execute(
        select(FrameworkVersion.id, FrameworkVersion.code, FrameworkVersion.zone_code)
    ).all()
    latest: dict[str, tuple[int, str]] = {}
    for id_, code, zone in rows:
        if zone is not None and (zone not in latest or id_ > latest[zone][0]):
            latest[zone] = (id_, code)
    regional = regional_frameworks()
    return {
        z: latest[z][1] if z in latest else (regional[z].code if z in regional else None)
        for z in zones
    }


def zone_framework_code(session: Session, zone: str) -> str | None:
    """The code of the framework in force for ``zone`` other than the default, or None."""
    return _zone_codes(session, [zone])[zone]


def zone_frameworks(
    session: Session, zones: Iterable[str], version: str | None = None
) -> dict[str, Framework]:
    """The framework in force per zone (merged with the base it extends): its stored
    specialty framework (latest version), else its bundled regional framework, else the
    default (``version``, default latest). Zones sharing a framework share one object."""
    codes = _zone_codes(session, list(zones))
    found: dict[str | None, Framework] = {}
    out = {}
    for zone, code in codes.items():
        if code not in found:
            found[code] = get_framework(session, code, None if code else version)
        out[zone] = found[code]
    return out


def zone_framework(session: Session, zone: str) -> Framework:
    """The framework in force for one zone (:func:`zone_frameworks`)."""
    return zone_frameworks(session, [zone])[zone]
