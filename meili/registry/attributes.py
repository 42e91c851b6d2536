"""Zone attributes for indicator scope and differentiated targets: coastal, key regions,
basins, grassland, mining, terrain, region.

A division's attributes come from ``data/division_attributes.yaml`` (each list with its
source, and "to confirm" where it was written without one); a zone's from its members —
in scope when any member is — unless the zone sets the attribute itself (its ``attributes``),
which wins. An attribute that cannot be decided is ``None``, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

DATA_FILE = Path(__file__).parent / "data" / "division_attributes.yaml"
#: Scope attributes (yes/no); ``terrain`` and ``region`` are the other attributes a zone has.
SCOPE_FLAGS = (
    "coastal",
    "grassland",
    "mining",
    "key_region_jjj",
    "key_region_yrd",
    "key_region_gba",
    "yangtze_basin",
    "yellow_river_basin",
)
TERRAINS = ("mountain", "hill", "plain")
REGIONS = ("east", "central", "west", "northeast")
ATTRIBUTES = (*SCOPE_FLAGS, "terrain", "region")
TO_CONFIRM = ("待核实", "to confirm")


@dataclass(frozen=True)
class Attribute:
    """A zone's value of one attribute, and how it was found (zh, en)."""

    value: bool | str | None
    why_zh: str
    why_en: str


def check_attributes(data: Mapping[str, Any]) -> dict[str, bool | str]:
    """A zone's own attributes, checked (raises ValueError naming the bad key or value)."""
    out: dict[str, bool | str] = {}
    for key, value in data.items():
        if key in SCOPE_FLAGS:
            if isinstance(value, str) and value.lower() in ("true", "yes", "1", "是"):
                value = True
            elif isinstance(value, str) and value.lower() in ("false", "no", "0", "否"):
                value = False
            if not isinstance(value, bool):
                raise ValueError(f"attribute {key} must be true or false, not {value!r}")
        elif key == "terrain" and value not in TERRAINS:
            raise ValueError(f"terrain must be one of {', '.join(TERRAINS)}, not {value!r}")
        elif key == "region" and value not in REGIONS:
            raise ValueError(f"region must be one of {', '.join(REGIONS)}, not {value!r}")
        elif key not in ATTRIBUTES:
            raise ValueError(f"unknown attribute {key!r}; known: {', '.join(ATTRIBUTES)}")
        out[key] = value
    return out


@cache
def _data() -> dict[str, Any]:
    return YAML(typ="safe").load(DATA_FILE.read_text("utf-8"))


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    return "prefecture" if code.endswith("00") else "county"


def _ancestors(code: str) -> list[str]:
    found = [code[:2] + "0000", code[:4] + "00"]
    return [c for c in dict.fromkeys(found) if c != code]


def _contains(code: str, other: str) -> bool:
    """True when ``other`` lies inside division ``code`` (not equal)."""
    if other == code:
        return False
    level = _level(code)
    if level == "province":
        return other[:2] == code[:2]
    return level == "prefecture" and other[:4] == code[:4]


def _member_flag(flag: str, code: str) -> tuple[bool | None, dict[str, Any] | None]:
    """One division's value of a scope flag and the list that decided it."""
    lists = _data()["scopes"].get(flag) or []
    for entry in lists:
        whole = [str(c) for c in entry.get("whole") or []]
        part = [str(c) for c in entry.get("part") or []]
        if code in whole or any(a in whole for a in _ancestors(code)) or code in part:
            return True, entry
        if any(_contains(code, c) for c in whole + part):
            return True, entry
    province = code[:2] + "0000"
    for entry in lists:
        listed = {str(c) for c in (entry.get("whole") or []) + (entry.get("part") or [])}
        if entry["level"] == "province" and province not in listed:
            return False, entry  # the province list is complete: nothing in it is in scope
    own = [e for e in lists if e["level"] == _level(code)]
    if own:
        return False, own[0]
    return None, lists[-1] if lists else None


def _source(entry: dict[str, Any] | None) -> tuple[str, str]:
    if entry is None:
        return "无数据来源，待核实", "no source at hand, to confirm"
    mark = "" if entry.get("confirmed") else "，待核实"
    mark_en = "" if entry.get("confirmed") else ", to confirm"
    return f"来源：{entry['source']}{mark}", f"source: {entry['source']}{mark_en}"


def zone_attribute(
    name: str,
    members: Iterable[str],
    own: Mapping[str, bool | str] | None = None,
    region: str | None = None,
) -> Attribute:
    """The zone's value of attribute ``name`` with how it was found.

    ``own``: the attributes set on the zone (they win); ``region``: the NBS region of the
    zone's province when it has one (the registry's).
    """
    own = own or {}
    if name in own:
        v = own[name]
        return Attribute(v, f"先行区设定 {name}={v}", f"set on the zone: {name}={v}")
    members = list(members)
    if name == "region":
        if region:
            return Attribute(region, "按所在省份的国家统计局四大地区", "the province's NBS region")
        return Attribute(None, "成员跨地区，待核实", "members span regions, to confirm")
    if name == "terrain":
        known = {_data()["terrain"].get(m) for m in members} - {None}
        if len(known) == 1:
            return Attribute(known.pop(), "地形数据表", "the terrain table")
        src = _data().get("terrain_source") or "待核实"
        return Attribute(None, f"地形未知（{src}）", "terrain unknown (no source; to confirm)")
    if name not in SCOPE_FLAGS:
        raise KeyError(name)
    unknown: list[tuple[str, dict[str, Any] | None]] = []
    last: dict[str, Any] | None = None
    for m in members:
        flag, entry = _member_flag(name, m)
        if flag:
            zh, en = _source(entry)
            return Attribute(True, f"成员 {m} 属于该范围（{zh}）", f"member {m} is in it ({en})")
        if flag is None:
            unknown.append((m, entry))
        last = entry or last
    if unknown:
        m, entry = unknown[0]
        zh, en = _source(entry)
        return Attribute(
            None,
            f"成员 {m} 是否属于该范围未知（{zh}）",
            f"whether member {m} is in it is unknown ({en})",
        )
    zh, en = _source(last)
    return Attribute(False, f"成员均不属于该范围（{zh}）", f"no member is in it ({en})")
