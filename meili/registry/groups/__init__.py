"""Comparison groups, one source: the 31 provinces, the NBS regions, the 168 key cities and the
337 cities (``cities339`` an explicit alias), with their GB/T 2260 codes and sources.

Data and sources in ``data/`` (``data/README.md``). Every group resolves through
:func:`group_name` and :func:`group_members`; any layer may use this package (it imports only
pandas, YAML and :mod:`meili.errors`).

Groups: ``provinces31`` (GB/T 2260), ``east``, ``central``, ``west``, ``northeast`` (NBS
four-region division, 2011), ``key168`` (``168``) and ``cities337`` (``337``, ``339``,
``cities339``) — and for the air ranking [@ranking-2018:city-list] ``2+26``, a region group of
the 168 (``长三角地区``, ``汾渭平原`` …) or a province by name (its cities of the 337 list).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd
from ruamel.yaml import YAML

from meili.errors import NotFoundError

REGIONS = ("east", "central", "west", "northeast")
GROUPS = ("provinces31", *REGIONS, "key168", "cities337")
#: Other names of the groups: the air ranking's ``168`` and ``337``, and ``339``/``cities339``.
GROUP_ALIASES = {"168": "key168", "337": "cities337", "339": "cities337", "cities339": "cities337"}
#: Why an alias stands for a different list than its name says.
ALIAS_REASONS = {
    name: (
        "339 个地级及以上城市名单（2021 年起）无可引用来源，暂按 2019 年 337 城市名单",
        "no cited list of the 339 cities (from 2021) is at hand; the 2019 list of 337 is used",
    )
    for name in ("339", "cities339")
}
#: Suffixes stripped to compare city names (北京, 石家庄) with official names.
_SUFFIXES = ("特别行政区", "自治州", "地区", "市", "盟", "州", "省", "自治区")


def short_name(name: str) -> str:
    """Name without its administrative suffix (石家庄市 → 石家庄); GB/T 2260 naming.

    [@gbt2260:codes]
    """
    text = str(name).strip()
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return text[: -len(suffix)]
    return text


def group_name(name: str) -> str:
    """The canonical name of a comparison group (``168`` → ``key168``, ``339`` → ``cities337``)."""
    text = str(name).strip()
    return GROUP_ALIASES.get(text, text)


def _file(name: str):
    return resources.files(__package__).joinpath("data", name)


@cache
def _groups_yaml() -> dict:
    return YAML(typ="safe").load(_file("groups.yaml").read_text("utf-8"))


@cache
def _provinces() -> pd.DataFrame:
    frame = pd.DataFrame(_groups_yaml()["provinces31"]).rename(columns={"short": "short_name"})
    return frame.astype(str)


def provinces31() -> pd.DataFrame:
    """The 31 mainland provinces: code, name, short_name, region (NBS four regions)."""
    return _provinces().copy()


def province_regions() -> dict[str, str]:
    """Province code → NBS region (``east``, ``central``, ``west``, ``northeast``)."""
    return dict(zip(_provinces()["code"], _provinces()["region"], strict=True))


def region_names() -> dict[str, dict[str, str]]:
    """Region → its name ``{"zh": …, "en": …}``."""
    return dict(_groups_yaml()["regions"])


@cache
def _cities337() -> pd.DataFrame:
    with _file("cities337.csv").open("rb") as fh:
        frame = pd.read_csv(fh, dtype=str)
    frame["short_name"] = frame["name"].map(short_name)
    frame["province_short"] = frame["province"].map(short_name)
    return frame


def cities337() -> pd.DataFrame:
    """The 337 地级及以上城市 of 2019: code (6 digits), name, short_name, province,
    province_short, unit_type, basis.

    《城市环境空气质量排名技术规定》 comparison group "337 cities" (338 in 2018, 339 from 2021:
    see ``ALIAS_REASONS``). [@ranking-2018:city-list]
    """
    return _cities337().copy()


@cache
def _key168() -> pd.DataFrame:
    with _file("key168.csv").open("rb") as fh:
        return pd.read_csv(fh, dtype=str)


def key168() -> pd.DataFrame:
    """The 168 key cities (MEE ranking from 2019): code, name, short_name, province,
    region_group, in_2plus26 and the basis of each membership. [@ranking-2018:city-list]"""
    return _key168().copy()


def _air_regions() -> list[str]:
    return sorted({r.split("(")[0] for r in _key168()["region_group"]})


def group_names() -> list[str]:
    """Every name :func:`group_members` accepts (provinces by name are accepted too)."""
    return [*GROUPS, *GROUP_ALIASES, "2+26", *_air_regions()]


def group_members(group: str) -> pd.DataFrame:
    """Members of a named group: columns code (6-digit GB/T 2260), name, short_name and more.

    Raises :class:`NotFoundError` for an unknown name.
    """
    g = group_name(group)
    if g == "provinces31":
        return provinces31()
    if g in REGIONS:
        p = _provinces()
        return p[p["region"] == g].reset_index(drop=True)
    if g == "key168":
        return key168()
    if g == "cities337":
        return cities337()
    k = _key168()
    if g == "2+26":
        return k[k["in_2plus26"] == "Y"].reset_index(drop=True)
    hit = k["region_group"].str.split("(").str[0] == g
    if hit.any():
        return k[hit].reset_index(drop=True)
    c = _cities337()
    prov = (c["province_short"] == short_name(g)) | (c["code"].str[:2] + "0000" == g)
    if g and prov.any():
        return c[prov].reset_index(drop=True)
    raise NotFoundError(
        f"unknown comparison group {group!r}; known: {', '.join(group_names())} or a province"
    )


def group_tier(group: str) -> str:
    """The tier of a group's members: ``province`` (provinces31, regions) or ``city``."""
    g = group_name(group)
    return "province" if g == "provinces31" or g in REGIONS else "city"


def _same_unit(data_name: str, official: str) -> bool:
    a, b = short_name(data_name), short_name(official)
    if a == b:
        return True
    return data_name.endswith("州") and b.startswith(data_name[:-1])


def city_codes(sites: pd.DataFrame) -> pd.DataFrame:
    """Map CNEMC city names to GB/T 2260 prefecture (or municipality) codes.

    ``sites`` needs ``city`` and, when present, ``province``/``prefecture`` (CNEMC site
    list). Returns one row per city: ``city`` (name as in the data), ``city_code`` (only
    when the city *is* the prefecture-level unit), ``parent_code`` (the prefecture it lies
    in, also for county-level cities such as 寿光 that report separately), ``city_name``
    (official name when mapped) and ``province``.
    [@gbt2260:codes] [@ranking-2018:city-list]
    """
    ref = _cities337()
    cols = [c for c in ("city", "province", "prefecture") if c in sites]
    cities = sites[cols].dropna(subset=["city"]).drop_duplicates("city").reset_index(drop=True)
    key = cities["prefecture"] if "prefecture" in cities else cities["city"]
    key = key.fillna(cities["city"]).map(short_name)
    prov = (
        cities["province"].fillna("").map(short_name)
        if "province" in cities
        else pd.Series("", index=cities.index)
    )
    by_pair = {
        (s, p): i
        for i, (s, p) in enumerate(zip(ref["short_name"], ref["province_short"], strict=False))
    }
    unique = ref["short_name"].drop_duplicates(keep=False)
    by_short = {s: i for i, s in enumerate(ref["short_name"]) if s in set(unique)}
    idx = [
        by_pair.get((k, p), by_pair.get((c, p), by_short.get(k, by_short.get(c))))
        for k, p, c in zip(key, prov, cities["city"].map(short_name), strict=False)
    ]
    pos = pd.array(idx, dtype="Int64")
    ok = ~pos.isna()
    take = pos.to_numpy(dtype="int64", na_value=0)
    out = pd.DataFrame({"city": cities["city"]})
    out["parent_code"] = pd.Series(ref["code"].to_numpy()[take]).where(ok, None)
    official = pd.Series(ref["name"].to_numpy()[take])
    same = pd.Series(
        [
            bool(o) and _same_unit(c, n)
            for c, n, o in zip(cities["city"], official, ok, strict=False)
        ]
    )
    out["city_code"] = out["parent_code"].where(same, None)
    out["city_name"] = official.where(same, cities["city"])
    out["province"] = pd.Series(ref["province"].to_numpy()[take]).where(ok, None)
    if "province" in cities:
        out["province"] = out["province"].fillna(cities["province"])
    return out
