"""Pilot-zone registry (美丽中国先行区): zone specs, tier rules, file import, and store writes.

Tiers follow 国办函〔2025〕2号: regional efforts (§二), provinces (§三), cities and counties (§四).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from meili.db.models import AuditEntry, Division, Zone, ZoneMember
from meili.errors import Location, MeiliError, NotFoundError, UserError, ValidationFailed
from meili.registry.attributes import check_attributes
from meili.textfile import read_text
from meili.yamlfile import error_message, locate, parse_yaml, plain, pydantic_problems

PACKAGE_DIR = Path(__file__).parent
REGIONAL_ZONES = PACKAGE_DIR / "regional_zones.yaml"
SAMPLE_ZONES = PACKAGE_DIR / "sample_zones.yaml"

MUNICIPALITIES = {"110000", "120000", "310000", "500000"}  # 直辖市: province-level cities
SARS = {"810000", "820000"}  # Hong Kong, Macao
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class Tier(StrEnum):
    region = "region"
    province = "province"
    city = "city"
    county = "county"


class Status(StrEnum):
    planned = "planned"
    active = "active"
    sample = "sample"
    retired = "retired"


TIER_NAMES = {
    Tier.region: ("区域", "regional"),
    Tier.province: ("省域", "provincial"),
    Tier.city: ("城市", "city"),
    Tier.county: ("县域", "county"),
}
STATUS_NAMES = {
    Status.planned: ("筹建", "planned"),
    Status.active: ("建设中", "active"),
    Status.sample: ("示例", "sample"),
    Status.retired: ("已撤销", "retired"),
}


class ZoneSpec(BaseModel):
    """A zone as written in a file or on the command line."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    tier: Tier
    members: list[str] = Field(min_length=1)
    themes: list[str] = Field(default_factory=list)
    attributes: dict[str, bool | str] = Field(default_factory=dict)
    status: Status = Status.active
    title_zh: str | None = None
    title_en: str | None = None
    policy_ref: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    _line: int | None = PrivateAttr(default=None)  # where the spec was read, for errors

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not CODE_RE.match(v):
            raise ValueError("zone code must be 1–64 letters, digits, '-', '_' or '.'")
        return v

    @field_validator("members", mode="before")
    @classmethod
    def _members(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = [p for p in re.split(r"[;,\s]+", v) if p]
        if isinstance(v, list):
            v = [str(x).strip() for x in v]
            for code in v:
                if not re.fullmatch(r"\d{6}", code):
                    raise ValueError(f"member {code!r} is not a 6-digit GB/T 2260 code")
            if len(set(v)) != len(v):
                raise ValueError("a member is listed twice")
            v = sorted(v)  # membership is a set; one canonical order
        return v

    @field_validator("attributes", mode="before")
    @classmethod
    def _attributes(cls, v: Any) -> Any:
        if isinstance(v, str):  # CSV: "coastal=true; terrain=mountain"
            pairs = [p.split("=", 1) for p in re.split(r"[;；]", v) if p.strip()]
            if any(len(p) != 2 for p in pairs):
                raise ValueError("attributes are written name=value; name=value")
            v = {k.strip(): x.strip() for k, x in pairs}
        return check_attributes(v) if isinstance(v, dict) else v

    @field_validator("themes", mode="before")
    @classmethod
    def _themes(cls, v: Any) -> Any:
        if isinstance(v, str):
            return [p.strip() for p in re.split(r"[;；]", v) if p.strip()]
        return v


def tier_problems(tier: Tier, members: Sequence[Division]) -> list[str]:
    """Why ``members`` may not form a zone of ``tier`` (empty list when they may)."""
    problems = []
    levels = {d.code: d.level for d in members}
    if tier is Tier.county:
        bad = [c for c, lv in levels.items() if lv != "county"]
        if bad:
            problems.append(f"a county zone may only contain county-level divisions: {bad}")
    elif tier is Tier.city:
        bad = [c for c, lv in levels.items() if lv != "prefecture" and c not in MUNICIPALITIES]
        if bad:
            problems.append(
                f"a city zone may only contain prefecture-level divisions or municipalities: {bad}"
            )
    elif tier is Tier.province:
        bad = [c for c, lv in levels.items() if lv != "province" or c in SARS]
        if bad:
            problems.append(f"a province zone may only contain a province-level division: {bad}")
        if len(levels) != 1:
            problems.append("a province zone has exactly one member (一省域一特色)")
    elif tier is Tier.region:
        bad = [c for c, lv in levels.items() if lv == "county"]
        if bad:
            problems.append(f"a regional zone spans provinces or prefectures, not counties: {bad}")
        if len(levels) < 2:
            problems.append("a regional zone spans at least two divisions")
    return problems


def _current_divisions(session: Session, codes: Iterable[str]) -> dict[str, Division]:
    codes = list(codes)
    rows = session.scalars(
        select(Division).where(Division.code.in_(codes), Division.current.is_(True))
    )
    return {d.code: d for d in rows}


def check_spec(session: Session, spec: ZoneSpec) -> list[str]:
    """Every reason the spec cannot be stored (unknown members, wrong tier, bad dates)."""
    found = _current_divisions(session, spec.members)
    problems = []
    unknown = [c for c in spec.members if c not in found]
    if unknown:
        problems.append(f"unknown division code(s) (not current in GB/T 2260): {unknown}")
    problems += tier_problems(spec.tier, [found[c] for c in spec.members if c in found])
    if spec.start_date and spec.end_date and spec.end_date < spec.start_date:
        problems.append("end_date is before start_date")
    return problems


def _audit(session: Session, actor: str, action: str, code: str, detail: dict[str, Any]) -> None:
    session.add(
        AuditEntry(actor=actor, action=action, entity="zone", entity_id=code, detail=detail)
    )


def _apply(zone: Zone, spec: ZoneSpec) -> None:
    for field in (
        "name_zh",
        "name_en",
        "tier",
        "status",
        "title_zh",
        "title_en",
        "policy_ref",
        "start_date",
        "end_date",
    ):
        setattr(zone, field, getattr(spec, field))
    zone.themes = list(spec.themes)
    zone.attributes = dict(spec.attributes) or None
    zone.members = [ZoneMember(division_code=c) for c in spec.members]


def spec_of(zone: Zone) -> ZoneSpec:
    """The spec that reproduces a stored zone."""
    return ZoneSpec(
        code=zone.code,
        name_zh=zone.name_zh,
        name_en=zone.name_en,
        tier=Tier(zone.tier),
        members=[m.division_code for m in zone.members],
        themes=list(zone.themes or []),
        attributes=dict(zone.attributes or {}),
        status=Status(zone.status),
        title_zh=zone.title_zh,
        title_en=zone.title_en,
        policy_ref=zone.policy_ref,
        start_date=zone.start_date,
        end_date=zone.end_date,
    )


def get_zone(session: Session, code: str) -> Zone:
    zone = session.get(Zone, code)
    if zone is None:
        raise NotFoundError(f"no zone with code {code!r}; see `meili zones list`")
    return zone


def list_zones(
    session: Session, tier: Tier | str | None = None, status: Status | str | None = None
) -> list[Zone]:
    tier_order = case({t.value: i for i, t in enumerate(Tier)}, value=Zone.tier)
    q = select(Zone).order_by(tier_order, Zone.code)
    if tier:
        q = q.where(Zone.tier == Tier(tier).value)
    if status:
        q = q.where(Zone.status == Status(status).value)
    return list(session.scalars(q))


def save_zones(
    session: Session,
    specs: Sequence[ZoneSpec],
    *,
    mode: str = "add",
    actor: str = "cli",
    source: str = "<command line>",
) -> dict[str, int]:
    """Validate every spec, then write all of them or none.

    ``mode``: ``add`` (a code that exists is an error), ``upsert`` (replace), or
    ``missing`` (only add codes not yet stored; used by ``meili init``).
    Returns counts of ``added``, ``updated`` and ``unchanged`` zones.
    """
    problems: list[MeiliError] = []
    seen: set[str] = set()
    for i, spec in enumerate(specs, start=1):
        row = spec._line if spec._line is not None else (i if len(specs) > 1 else None)
        where = Location(source, row)
        if spec.code in seen:
            problems.append(MeiliError(f"zone {spec.code} appears twice in the input", where))
        seen.add(spec.code)
        if mode == "add" and session.get(Zone, spec.code) is not None:
            problems.append(
                MeiliError(
                    f"zone {spec.code} exists already (change it with `meili zones update`, "
                    "or import with --replace)",
                    where,
                )
            )
        problems += [MeiliError(f"zone {spec.code}: {p}", where) for p in check_spec(session, spec)]
    if problems:
        raise ValidationFailed(f"{len(problems)} problem(s); nothing was written", problems)
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    for spec in specs:
        zone = session.get(Zone, spec.code)
        if zone is None:
            zone = Zone(code=spec.code)
            _apply(zone, spec)
            session.add(zone)
            _audit(session, actor, "add", spec.code, spec.model_dump(mode="json"))
            counts["added"] += 1
        elif mode == "missing" or spec_of(zone).model_dump() == spec.model_dump():
            counts["unchanged"] += 1
        else:
            before = spec_of(zone).model_dump(mode="json")
            _apply(zone, spec)
            _audit(
                session,
                actor,
                "update",
                spec.code,
                {"before": before, "after": spec.model_dump(mode="json")},
            )
            counts["updated"] += 1
    session.flush()
    return counts


def update_zone(session: Session, code: str, changes: dict[str, Any], actor: str = "cli") -> Zone:
    """Change some fields of a stored zone (validated as a whole before writing)."""
    zone = get_zone(session, code)
    data = spec_of(zone).model_dump()
    add = changes.pop("add_members", None) or []
    remove = changes.pop("remove_members", None) or []
    data.update({k: v for k, v in changes.items() if v is not None})
    missing = [c for c in remove if c not in data["members"]]
    if missing:
        raise UserError(f"zone {code} has no member(s) {missing}")
    data["members"] = [c for c in data["members"] if c not in remove] + [
        c for c in add if c not in data["members"]
    ]
    try:
        spec = ZoneSpec.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(
            "invalid change; nothing was written",
            [
                MeiliError(e["msg"], Location(column=".".join(map(str, e["loc"]))))
                for e in exc.errors()
            ],
        ) from None
    save_zones(session, [spec], mode="upsert", actor=actor)
    return zone


def retire_zone(session: Session, code: str, on: date | None = None, actor: str = "cli") -> Zone:
    """Mark a zone retired (kept for the record, never deleted)."""
    zone = get_zone(session, code)
    if zone.status == Status.retired:
        raise UserError(f"zone {code} is already retired")
    update_zone(
        session, code, {"status": Status.retired, "end_date": on or date.today()}, actor=actor
    )
    return zone


def zone_record(zone: Zone, names: dict[str, str] | None = None) -> dict[str, Any]:
    """A zone as a plain record for output and the API (``names``: member code → name)."""
    tier, status = Tier(zone.tier), Status(zone.status)
    members = [m.division_code for m in zone.members]
    return {
        "code": zone.code,
        "name_zh": zone.name_zh,
        "name_en": zone.name_en,
        "tier": tier.value,
        "tier_zh": TIER_NAMES[tier][0],
        "status": status.value,
        "status_zh": STATUS_NAMES[status][0],
        "members": members,
        "member_names": [names.get(c, c) for c in members] if names else None,
        "themes": list(zone.themes or []),
        "attributes": dict(zone.attributes or {}),
        "title_zh": zone.title_zh,
        "title_en": zone.title_en,
        "policy_ref": zone.policy_ref,
        "start_date": zone.start_date,
        "end_date": zone.end_date,
    }


def member_names(session: Session, zones: Iterable[Zone]) -> dict[str, str]:
    codes = {m.division_code for z in zones for m in z.members}
    return {c: d.name for c, d in _current_divisions(session, codes).items()}


# ---- files -------------------------------------------------------------------------------


def _specs_from_yaml(text: str, name: str) -> list[ZoneSpec]:
    tree = parse_yaml(text, name)
    data = plain(tree)
    prefix: tuple[str, ...] = ("zones",) if isinstance(data, dict) and "zones" in data else ()
    items = data["zones"] if prefix else data
    if not isinstance(items, list):
        raise UserError(
            "expected a list of zones (or a mapping with key `zones`)", Location(name, 1)
        )
    specs, problems = [], []
    for i, item in enumerate(items):
        try:
            spec = ZoneSpec.model_validate(item)
        except ValidationError as exc:
            problems += pydantic_problems(exc, name, tree, (*prefix, i))
            continue
        spec._line = locate(tree, (*prefix, i))[0]
        specs.append(spec)
    if problems:
        raise ValidationFailed(f"{name}: {len(problems)} error(s); nothing was loaded", problems)
    return specs


def _specs_from_csv(text: str, name: str) -> list[ZoneSpec]:
    reader = csv.DictReader(io.StringIO(text))
    required = {"code", "name_zh", "name_en", "tier", "members"}
    missing = required - set(reader.fieldnames or [])
    if missing:
        raise UserError(f"missing column(s) {sorted(missing)}", Location(name, 1))
    specs, problems = [], []
    for row_no, row in enumerate(reader, start=2):  # the header is row 1
        item = {k: v for k, v in row.items() if v not in ("", None)}
        try:
            spec = ZoneSpec.model_validate(item)
        except ValidationError as exc:
            problems += [
                MeiliError(error_message(e), Location(name, row_no, str(e["loc"][0])))
                for e in exc.errors()
            ]
            continue
        spec._line = row_no
        specs.append(spec)
    if problems:
        raise ValidationFailed(f"{name}: {len(problems)} error(s); nothing was loaded", problems)
    return specs


def load_zone_file(path: str | Path) -> list[ZoneSpec]:
    """Read zones from a YAML or CSV file (UTF-8 or GBK); every error carries file and row."""
    p = Path(path)
    text = read_text(p)
    if p.suffix.lower() == ".csv":
        return _specs_from_csv(text, str(path))
    if p.suffix.lower() in {".yaml", ".yml"}:
        return _specs_from_yaml(text, str(path))
    raise UserError("zone files are .yaml, .yml or .csv", Location(str(path)))
