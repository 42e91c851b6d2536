"""Pilot-zone registry: the five regional efforts, tier rules, file import, update, retire."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from meili.db.models import AuditEntry, Zone
from meili.db.session import session
from meili.errors import NotFoundError, ValidationFailed
from meili.registry.zones import (
    ZoneSpec,
    get_zone,
    list_zones,
    load_zone_file,
    member_names,
    retire_zone,
    save_zones,
    update_zone,
)

# Membership written out independently of the bundled YAML, from the planning documents.
REGIONAL = {
    "R-JJJ": {"北京市", "天津市", "河北省"},
    "R-YRD": {"上海市", "江苏省", "浙江省", "安徽省"},
    "R-GBA": {
        "广州市",
        "深圳市",
        "珠海市",
        "佛山市",
        "惠州市",
        "东莞市",
        "中山市",
        "江门市",
        "肇庆市",
        "香港特别行政区",
        "澳门特别行政区",
    },
    "R-CJ": {
        "上海市",
        "江苏省",
        "浙江省",
        "安徽省",
        "江西省",
        "湖北省",
        "湖南省",
        "重庆市",
        "四川省",
        "贵州省",
        "云南省",
    },
    "R-HH": {
        "青海省",
        "四川省",
        "甘肃省",
        "宁夏回族自治区",
        "内蒙古自治区",
        "山西省",
        "陕西省",
        "河南省",
        "山东省",
    },
}


def test_five_regional_zones_with_their_members(store: Path) -> None:
    with session() as s:
        zones = list_zones(s, tier="region")
        names = member_names(s, zones)
        got = {z.code: {names[m.division_code] for m in z.members} for z in zones}
        refs = {z.code: z.policy_ref for z in zones}
    assert got == REGIONAL
    assert refs["R-GBA"] == "国办函〔2025〕2号 §二(三)"
    assert all(r.startswith("国办函〔2025〕2号 §二(") for r in refs.values())


def _spec(**kw) -> ZoneSpec:
    base = {
        "code": "X-TEST",
        "name_zh": "测试",
        "name_en": "Test",
        "tier": "county",
        "members": ["330523"],
    }
    return ZoneSpec.model_validate(base | kw)


@pytest.mark.parametrize(
    ("tier", "members", "message"),
    [
        ("county", ["330500"], "county zone may only contain county-level"),
        ("city", ["330523"], "city zone may only contain prefecture-level"),
        ("province", ["330000", "350000"], "exactly one member"),
        ("province", ["330100"], "province zone may only contain a province-level"),
        ("region", ["330000", "330523"], "not counties"),
        ("region", ["330000"], "at least two"),
        ("county", ["999999"], "unknown division code"),
        ("county", ["110103"], "unknown division code"),  # 崇文区, retired in 2010
    ],
)
def test_tier_rules_reject_and_write_nothing(store, tier, members, message) -> None:
    with session() as s:
        before = s.scalar(select(func.count()).select_from(Zone))
        with pytest.raises(ValidationFailed) as err:
            save_zones(s, [_spec(tier=tier, members=members)])
        assert message in str(err.value)
        assert s.scalar(select(func.count()).select_from(Zone)) == before


def test_city_tier_accepts_a_municipality(store) -> None:
    with session() as s:
        assert save_zones(s, [_spec(code="C-BJ", tier="city", members=["110000"])])["added"] == 1


def test_duplicate_code_is_rejected(store) -> None:
    with session() as s, pytest.raises(ValidationFailed, match="exists already"):
        save_zones(s, [_spec(code="R-JJJ")])


def test_spec_rejects_bad_codes() -> None:
    with pytest.raises(ValueError, match="6-digit"):
        _spec(members=["3305"])
    with pytest.raises(ValueError, match="listed twice"):
        _spec(members=["330523", "330523"])
    with pytest.raises(ValueError):
        _spec(tier="village")


def test_update_retire_and_audit(store) -> None:
    with session() as s:
        update_zone(s, "X-330523", {"add_members": ["330522"], "themes": ["竹林碳汇"]})
        z = get_zone(s, "X-330523")
        assert [m.division_code for m in z.members] == ["330522", "330523"]
        assert z.themes == ["竹林碳汇"]
        retire_zone(s, "X-330523")
        assert get_zone(s, "X-330523").status == "retired"
        actions = s.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.entity_id == "X-330523")
            .order_by(AuditEntry.id)
        ).all()
        assert actions[-2:] == ["update", "update"]
    with session() as s, pytest.raises(NotFoundError):
        get_zone(s, "NOPE")


def test_update_that_breaks_a_rule_writes_nothing(store) -> None:
    with session() as s, pytest.raises(ValidationFailed):
        update_zone(s, "X-330523", {"add_members": ["330500"]})  # a prefecture in a county zone
    with session() as s:
        assert [m.division_code for m in get_zone(s, "X-330523").members] == ["330523"]


def test_yaml_file_errors_carry_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "zones.yaml"
    path.write_text(
        "zones:\n"
        "  - code: C-1\n"  # line 2
        "    name_zh: 一\n"
        "    name_en: One\n"
        "    tier: city\n"
        "    members: ['441600']\n"
        "  - code: C-2\n"  # line 7
        "    name_zh: 二\n"
        "    tier: town\n"  # line 9: bad tier
        "    members: ['4416']\n",  # line 10: bad code; name_en missing
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as err:
        load_zone_file(path)
    text = str(err.value)
    assert f"{path}, row 9, column zones[1].tier" in text
    assert f"{path}, row 10, column zones[1].members" in text
    assert f"{path}, row 7, column zones[1].name_en" in text
    assert len(err.value.problems) == 3


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("zones:\n  - code: [unclosed\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"row \d+"):
        load_zone_file(path)


def test_gbk_csv_import_and_semantic_errors_by_row(store, tmp_path: Path) -> None:
    path = tmp_path / "zones.csv"
    path.write_bytes(
        (
            "code,name_zh,name_en,tier,members,themes\n"
            "C-HY,河源市先行区,Heyuan,city,441600,万绿湖;水源保护\n"
            "X-LD,罗定市先行区,Luoding,county,445300,\n"  # row 3: a prefecture in a county zone
        ).encode("gbk")
    )
    specs = load_zone_file(path)
    assert specs[0].name_zh == "河源市先行区" and specs[0].themes == ["万绿湖", "水源保护"]
    with session() as s, pytest.raises(ValidationFailed) as err:
        save_zones(s, specs, source=str(path))
    assert f"{path}, row 3: zone X-LD" in str(err.value)
    with session() as s:
        assert s.get(Zone, "C-HY") is None  # all or nothing
    specs[1] = specs[1].model_copy(update={"members": ["445381"]})
    with session() as s:
        assert save_zones(s, specs, source=str(path))["added"] == 2
    with session() as s:
        assert get_zone(s, "C-HY").themes == ["万绿湖", "水源保护"]


def test_csv_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "z.csv"
    path.write_text("code,name_zh\nA,甲\n", encoding="utf-8")
    with pytest.raises(Exception, match="missing column"):
        load_zone_file(path)


def test_upsert_reports_unchanged(store) -> None:
    from meili.registry.zones import REGIONAL_ZONES

    with session() as s:
        counts = save_zones(s, load_zone_file(REGIONAL_ZONES), mode="upsert")
    assert counts == {"added": 0, "updated": 0, "unchanged": 5}


def test_zone_cli(store, capsys) -> None:
    from meili.cli.main import main

    main(["zones", "list", "--tier", "region", "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert out["count"] == 5 and {r["code"] for r in out["records"]} == set(REGIONAL)
    main(
        [
            "zones",
            "add",
            "--code",
            "C-HZ2",
            "--name-zh",
            "湖州",
            "--name-en",
            "Huzhou",
            "--tier",
            "city",
            "--members",
            "330500",
            "--themes",
            "绿色金融;两山",
        ]
    )
    main(["zones", "show", "C-HZ2", "--format", "json"])
    capsys.readouterr()
    main(["zones", "show", "C-HZ2", "--format", "json"])
    rec = json.loads(capsys.readouterr().out)[0]
    assert rec["member_names"] == ["湖州市"] and rec["themes"] == ["绿色金融", "两山"]
    with pytest.raises(SystemExit) as exit_:
        main(
            [
                "zones",
                "add",
                "--code",
                "C-BAD",
                "--name-zh",
                "坏",
                "--name-en",
                "Bad",
                "--tier",
                "county",
                "--members",
                "330500",
            ]
        )
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "county zone may only contain county-level" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as exit_:
        main(["zones", "show", "NOPE"])
    assert exit_.value.code == 3
    assert capsys.readouterr().err.strip().count("\n") == 0
