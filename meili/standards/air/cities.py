"""City comparison groups and city-name → GB/T 2260 code mapping for the air ranking.

《城市环境空气质量排名技术规定》 [@ranking-2018:city-list] ranks cities within a comparison group:
the 168 key cities (from 2019), the 337 地级及以上城市 (2019; 339 from 2021), a region group
or any list. Bundled lists: ``data/key168.csv`` and ``data/cities337.csv`` (see
``data/README.md`` for sources and attribution).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

#: Suffixes stripped to compare CNEMC city names (北京, 石家庄) with official names.
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


def _read(name: str) -> pd.DataFrame:
    with resources.files("meili.standards.air").joinpath("data", name).open("rb") as fh:
        return pd.read_csv(fh, dtype=str)


@cache
def cities337() -> pd.DataFrame:
    """The 337 地级及以上城市 of 2019 (GB/T 2260-2019 codes): code (6 digits), name, province.

    《城市环境空气质量排名技术规定》 comparison group "337 cities" (338 in 2018, 339 from 2021).
    """
    frame = _read("cities337.csv")
    frame["code"] = frame["code"].str.ljust(6, "0")
    frame["short"] = frame["city_name"].map(short_name)
    frame["province_short"] = frame["province"].map(short_name)
    return frame


@cache
def key168() -> pd.DataFrame:
    """The 168 key cities (168个重点城市, MEE ranking from 2019) with their region group."""
    frame = _read("key168.csv")
    frame["short"] = frame["city_name"].map(short_name)
    return frame


def group_names() -> list[str]:
    """Names accepted by :func:`group_members`: ``all``, ``168``, ``337``, ``2+26`` and regions."""
    regions = sorted({r.split("(")[0] for r in key168()["region_group"]})
    return ["all", "168", "337", "339", "2+26", *regions]


def _key168_codes() -> pd.Series:
    ref = cities337()
    by_short = dict(zip(ref["short"], ref["code"], strict=False))
    frame = key168()
    return frame["short"].map(by_short)


def group_members(group: str) -> set[str] | None:
    """GB/T 2260 codes of a comparison group's cities (``None`` for ``all`` = every city).

    《城市环境空气质量排名技术规定》: 168 key cities, 337 (2019 list; ``339`` is accepted as
    an alias until the two 2021 units are confirmed), ``2+26``, a region group of the 168
    (e.g. ``长三角地区``, ``汾渭平原``) or a province (``河北``/``河北省``: its 337-list cities).
    [@ranking-2018:city-list]
    """
    g = group.strip()
    if g in ("all", ""):
        return None
    frame = key168()
    codes = _key168_codes()
    if g == "168":
        return set(codes.dropna())
    if g in ("337", "339"):
        return set(cities337()["code"])
    if g == "2+26":
        return set(codes[frame["in_2plus26"] == "Y"].dropna())
    hit = frame["region_group"].str.split("(").str[0] == g
    if hit.any():
        return set(codes[hit].dropna())
    c = cities337()
    prov = c["province_short"] == short_name(g)
    if prov.any():
        return set(c.loc[prov, "code"])
    raise KeyError(f"unknown comparison group {group!r}; use one of {', '.join(group_names())}")


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
    ref = cities337()
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
        (s, p): i for i, (s, p) in enumerate(zip(ref["short"], ref["province_short"], strict=False))
    }
    unique = ref["short"].drop_duplicates(keep=False)
    by_short = {s: i for i, s in enumerate(ref["short"]) if s in set(unique)}
    idx = [
        by_pair.get((k, p), by_pair.get((c, p), by_short.get(k, by_short.get(c))))
        for k, p, c in zip(key, prov, cities["city"].map(short_name), strict=False)
    ]
    pos = pd.array(idx, dtype="Int64")
    ok = ~pos.isna()
    take = pos.to_numpy(dtype="int64", na_value=0)
    out = pd.DataFrame({"city": cities["city"]})
    out["parent_code"] = pd.Series(ref["code"].to_numpy()[take]).where(ok, None)
    official = pd.Series(ref["city_name"].to_numpy()[take])
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
