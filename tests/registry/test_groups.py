"""Comparison groups come from one package, with one copy of each list (issue 14 item 5)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import meili
from meili.errors import NotFoundError
from meili.registry.groups import (
    ALIAS_REASONS,
    GROUPS,
    city_codes,
    group_members,
    group_name,
    group_tier,
    province_regions,
)

ROOT = Path(meili.__file__).resolve().parent


def test_group_sizes_and_regions() -> None:
    sizes = {g: len(group_members(g)) for g in ("provinces31", "east", "central", "west")}
    assert sizes == {"provinces31": 31, "east": 10, "central": 6, "west": 12}
    assert set(group_members("northeast")["short_name"]) == {"辽宁", "吉林", "黑龙江"}
    assert len(group_members("key168")) == 168
    assert len(group_members("cities337")) == 337
    assert len(group_members("2+26")) == 28
    assert "110000" in set(group_members("2+26")["code"])
    assert len(group_members("汾渭平原")) == 11
    assert len(group_members("河北")) == 11  # Hebei's 11 prefecture-level cities
    assert province_regions()["440000"] == "east"
    with pytest.raises(NotFoundError):
        group_members("cities999")


def test_air_and_assessment_names_are_one_group() -> None:
    for alias, name in (("168", "key168"), ("337", "cities337")):
        assert group_name(alias) == name
        assert list(group_members(alias)["code"]) == list(group_members(name)["code"])
    assert {group_tier(g) for g in GROUPS} == {"province", "city"}


def test_cities339_is_an_explicit_alias_with_its_reason() -> None:
    # no cited 339 list: the alias is declared, with why, never a silent second list
    assert group_name("cities339") == "cities337" and group_name("339") == "cities337"
    zh, en = ALIAS_REASONS["cities339"]
    assert "337" in zh and "337" in en
    assert list(group_members("cities339")["code"]) == list(group_members("cities337")["code"])


def test_codes_are_six_digits_and_key168_within_337() -> None:
    k, c = group_members("key168"), group_members("cities337")
    assert k.set_index("short_name").loc["石家庄", "code"] == "130100"
    assert k["code"].is_unique and c["code"].is_unique
    assert c["code"].str.fullmatch(r"\d{6}").all() and k["code"].str.fullmatch(r"\d{6}").all()
    assert set(k["code"]) <= set(c["code"])


def test_one_copy_of_each_city_list() -> None:
    found = sorted(
        str(p.relative_to(ROOT)) for p in ROOT.rglob("*.csv") if "168" in p.name or "33" in p.name
    )
    assert found == ["registry/groups/data/cities337.csv", "registry/groups/data/key168.csv"]


def test_city_codes_of_cnemc_names() -> None:
    sites = pd.DataFrame(
        {"city": ["北京", "石家庄", "寿光"], "province": ["北京", "河北", "山东"],
         "prefecture": [None, None, "潍坊"]}
    )  # fmt: skip
    out = city_codes(sites).set_index("city")
    assert out.loc["北京", "city_code"] == "110000"
    assert out.loc["石家庄", "city_code"] == "130100"
    # a county-level city reporting separately: its prefecture, but no city code of its own
    assert out.loc["寿光", "parent_code"] == "370700" and out.loc["寿光", "city_code"] is None
