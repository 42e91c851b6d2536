"""The bundled GB/T 2260 division list (yescallop/areacodes, CC0) read into one table.

A row is one version of a code: valid in year ``Y`` when ``valid_from <= Y < valid_to``
(``valid_to`` empty while in use). Parents follow the source's 2024 list: a county under a
municipality (直辖市) or directly under a province (省直辖县级行政单位) has the province as
parent; any other county has its prefecture; a prefecture has its province.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

import pandas as pd

LEVELS: tuple[str, ...] = ("province", "prefecture", "county")
LEVEL_NAMES_ZH: dict[str, str] = {"province": "省级", "prefecture": "地级", "county": "县级"}
STATUS_NAMES_ZH: dict[str, str] = {"active": "在用", "renamed": "变更", "retired": "弃用"}
COLUMNS: tuple[str, ...] = (
    "code",
    "name",
    "level",
    "parent_code",
    "province_code",
    "valid_from",
    "valid_to",
    "status",
    "successor_code",
    "current",
)
HISTORY_FILE = "result.csv"
CURRENT_FILE = "mca_codes_2024_with_parents.csv"
CURRENT_YEAR = 2024
# Bump when the way rows are derived from the files changes, so stores re-sync.
TRANSFORM_VERSION = "1"

_LEVEL_FROM_ZH = {zh: en for en, zh in LEVEL_NAMES_ZH.items()}
_STATUS_FROM_ZH = {zh: en for en, zh in STATUS_NAMES_ZH.items()}
_DIRECT = "直辖"  # 二级行政区 of a county with no prefecture between it and its province
# Longest first, so 自治区 is removed before 区.
_SUFFIXES = (
    *("特别行政区", "自治区", "自治州", "自治县", "地区", "林区"),
    *("省", "市", "县", "区", "盟", "旗"),
)
_CODE_RE = re.compile(r"^\d{6}$")
_YEAR_TAG = re.compile(r"\[\d{4}\]$")


def data_file(name: str) -> Traversable:
    """A file of the bundled division data (``meili/registry/data/adcodes``)."""
    return resources.files("meili.registry").joinpath("data", "adcodes", name)


def bundle_sha256() -> str:
    """Content hash of the bundled files and of the transform that reads them."""
    digest = hashlib.sha256(f"transform:{TRANSFORM_VERSION}\n".encode())
    for name in (HISTORY_FILE, CURRENT_FILE):
        digest.update(data_file(name).read_bytes())
    return digest.hexdigest()


def is_code(text: str) -> bool:
    """Whether ``text`` has the shape of a division code (six digits)."""
    return bool(_CODE_RE.match(text))


def province_of(code: str) -> str:
    """The province-level code a division code belongs to (its first two digits)."""
    return code[:2] + "0000"


def contains(parent: str, code: str) -> bool:
    """Whether division ``code`` lies in division ``parent`` (or is it), by GB/T 2260 code
    structure: a province ``xx0000`` holds ``xx····``, a prefecture ``xxxx00`` holds
    ``xxxx··``."""
    if code == parent:
        return True
    if parent.endswith("0000"):
        return code[:2] == parent[:2]
    if parent.endswith("00"):
        return code[:4] == parent[:4]
    return False


def name_stem(name: str) -> str:
    """``name`` without its type suffix (市, 县, 区, 省, 自治区...): 河源市 → 河源."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def successor_codes(raw: str) -> list[str]:
    """Codes in the source's 新代码 cell, without year tags and repeats: ``a[2020];b`` → [a, b]."""
    codes = (_YEAR_TAG.sub("", part.strip()) for part in raw.split(";"))
    return list(dict.fromkeys(c for c in codes if c))


def _read_csv(name: str) -> pd.DataFrame:
    with data_file(name).open("rb") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@cache
def _current_list() -> pd.DataFrame:
    frame = _read_csv(CURRENT_FILE)
    under_prefecture = (frame["level"] == "county") & (frame["prefecture_code"] != "")
    frame["parent_code"] = frame["prefecture_code"].where(under_prefecture, frame["province_code"])
    frame.loc[frame["level"] == "province", "parent_code"] = None
    return frame


def load_current_list() -> pd.DataFrame:
    """The bundled 2024 list: code, name, level, province_code, prefecture_code, parent_code."""
    return _current_list().copy()


def _parent(level: str, code: str, second: str) -> str | None:
    if level == "province":
        return None
    if level == "prefecture" or second == _DIRECT:
        return province_of(code)
    return code[:4] + "00"


@cache
def _divisions() -> pd.DataFrame:
    src = _read_csv(HISTORY_FILE)
    src.columns = ["code", "province", "second", "name", "level", "status", "from", "to", "new"]
    level = src["level"].map(_LEVEL_FROM_ZH)
    status = src["status"].map(_STATUS_FROM_ZH)
    if level.isna().any() or status.isna().any():
        raise ValueError(f"{HISTORY_FILE}: unknown 级别 or 状态 value")
    frame = pd.DataFrame(
        {
            "code": src["code"],
            "name": src["name"],
            "level": level,
            "parent_code": [
                _parent(lv, c, s)
                for lv, c, s in zip(level, src["code"], src["second"], strict=True)
            ],
            "province_code": src["code"].map(province_of),
            "valid_from": src["from"].astype(int),
            "valid_to": pd.to_numeric(src["to"].replace("", None)).astype("Int64"),
            "status": status,
            "successor_code": [
                None if st == "active" else (";".join(successor_codes(raw)) or None)
                for st, raw in zip(status, src["new"], strict=True)
            ],
            "current": status == "active",
            "new_codes": src["new"].replace("", None),
        }
    )
    # The 2024 list is authoritative for the parents of the divisions in use.
    parents = _current_list().set_index("code")
    cur = frame["current"]
    frame.loc[cur, "parent_code"] = frame.loc[cur, "code"].map(parents["parent_code"])
    frame.loc[cur, "province_code"] = frame.loc[cur, "code"].map(parents["province_code"])
    if frame.loc[cur, "province_code"].isna().any():
        raise ValueError(f"{HISTORY_FILE} and {CURRENT_FILE} disagree on the codes in use")
    return frame.sort_values(["code", "valid_from"], ignore_index=True)


def load_divisions() -> pd.DataFrame:
    """Every version of every code, history included, ordered by code then ``valid_from``.

    Columns: code, name, level, parent_code, province_code, valid_from, valid_to (nullable),
    status (active|renamed|retired), successor_code (``;``-joined codes, only for rows no
    longer in use), current, and new_codes (the source's 新代码 cell as written).
    """
    return _divisions().copy()


def division_rows() -> list[dict[str, object]]:
    """The rows of :func:`load_divisions` as plain dicts with the store's columns."""
    frame = _divisions()
    rows = []
    for rec in frame.loc[:, list(COLUMNS)].to_dict("records"):
        rec["valid_to"] = None if pd.isna(rec["valid_to"]) else int(rec["valid_to"])
        rec["valid_from"] = int(rec["valid_from"])
        rec["current"] = bool(rec["current"])
        rows.append(rec)
    return rows
