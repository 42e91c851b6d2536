"""The divisions table: idempotent sync (SQLite and PostgreSQL) and the queries on it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from meili.db import session as db
from meili.db.models import Division, Meta
from meili.errors import NotFoundError, UserError
from meili.registry.division_store import (
    META_KEY,
    children,
    division_history,
    division_record,
    find_divisions,
    get_division,
    list_divisions,
    parent_chain,
    sync_divisions,
    year_range,
)
from meili.registry.divisions import COLUMNS, bundle_sha256


@pytest.fixture
def synced(db_url: str) -> Iterator[Session]:
    """A session on a fresh store holding the bundled division list."""
    db.upgrade()
    with db.session() as s:
        sync_divisions(s)
    with db.session() as s:
        yield s


def _codes(divisions: list[Division]) -> list[str]:
    return [d.code for d in divisions]


def test_sync_is_fast_and_idempotent(db_url: str) -> None:
    db.upgrade()
    start = time.perf_counter()
    with db.session() as s:
        written = sync_divisions(s)
    assert time.perf_counter() - start < 2.0
    assert written == 6823
    with db.session() as s:
        assert s.get(Meta, META_KEY).value == bundle_sha256()
        ids = s.scalars(select(Division.id).order_by(Division.id)).all()
        assert sync_divisions(s) == 0
    with db.session() as s:
        assert sync_divisions(s) == 0
        assert s.scalars(select(Division.id).order_by(Division.id)).all() == ids


def test_sync_reloads_when_the_bundle_changes(db_url: str) -> None:
    db.upgrade()
    with db.session() as s:
        sync_divisions(s)
        s.get(Meta, META_KEY).value = "stale"
    with db.session() as s:
        assert sync_divisions(s) == 6823
        assert s.scalar(select(func.count()).select_from(Division)) == 6823
        assert s.get(Meta, META_KEY).value == bundle_sha256()


def test_current_counts(synced: Session) -> None:
    assert len(list_divisions(synced, level="province")) == 34
    assert len(list_divisions(synced, level="prefecture")) == 333
    assert len(list_divisions(synced, level="county")) == 2846
    assert year_range(synced) == (1981, 2024)


def test_get_division_and_record(synced: Session) -> None:
    d = get_division(synced, "441600")
    rec = division_record(d)
    assert list(rec) == list(COLUMNS)
    assert rec["name"] == "河源市" and rec["level"] == "prefecture"
    assert rec["parent_code"] == "440000" and rec["current"] is True
    assert _codes(parent_chain(synced, get_division(synced, "441621"))) == ["440000", "441600"]
    assert _codes(parent_chain(synced, get_division(synced, "429004"))) == ["420000"]


def test_get_division_errors(synced: Session) -> None:
    with pytest.raises(NotFoundError, match="no division with code 999999"):
        get_division(synced, "999999")
    with pytest.raises(NotFoundError, match=r"110103 \(崇文区\).*2010.*successor 110101"):
        get_division(synced, "110103")
    with pytest.raises(UserError, match="six digits"):
        get_division(synced, "4416")


def test_history_of_a_code(synced: Session) -> None:
    [chongwen] = division_history(synced, "110103")
    assert (chongwen.status, chongwen.valid_to, chongwen.successor_code) == (
        "retired",
        2010,
        "110101",
    )
    assert _codes(parent_chain(synced, chongwen)) == ["110000"]
    versions = division_history(synced, "120113")
    assert [(d.name, d.current) for d in versions] == [("北郊区", False), ("北辰区", True)]
    assert division_history(synced, "999999") == []


def test_children(synced: Session) -> None:
    assert [d.name for d in children(synced, "441600")] == [
        "源城区",
        "紫金县",
        "龙川县",
        "连平县",
        "和平县",
        "东源县",
    ]
    assert "429004" in _codes(children(synced, "420000"))
    assert "110101" in _codes(children(synced, "110000"))
    assert children(synced, "110103") == []
    with pytest.raises(NotFoundError):
        children(synced, "999999")


def test_list_by_parent_level_and_year(synced: Session) -> None:
    guangdong = list_divisions(synced, level="prefecture", parent="440000")
    assert len(guangdong) == 21 and "441600" in _codes(guangdong)
    counties = list_divisions(synced, level="county", province="440000")
    assert len(counties) == 122 and "441621" in _codes(counties)
    assert {d.parent_code for d in list_divisions(synced, province="420000")} >= {"420000"}
    beijing_2009 = list_divisions(synced, parent="110000", year=2009)
    assert {"110103", "110104"} <= set(_codes(beijing_2009))
    beijing_now = list_divisions(synced, parent="110000")
    assert "110103" not in _codes(beijing_now) and len(beijing_now) == 16
    assert "110103" not in _codes(list_divisions(synced, year=2010))
    with pytest.raises(UserError, match="outside"):
        list_divisions(synced, year=1900)
    with pytest.raises(UserError, match="unknown level"):
        list_divisions(synced, level="town")


def test_year_lists_match_counts(synced: Session) -> None:
    in_2009 = list_divisions(synced, year=2009)
    assert len(in_2009) == len(set(_codes(in_2009)))
    assert len(list_divisions(synced, year=2024)) == 3213


def test_find_heyuan(synced: Session) -> None:
    found = find_divisions(synced, "河源")
    assert _codes(found) == ["441600", "441602", "441621", "441622", "441623", "441624", "441625"]
    assert [d.level for d in found] == ["prefecture"] + ["county"] * 6
    assert _codes(find_divisions(synced, "河源市")) == _codes(found)
    assert _codes(find_divisions(synced, "河源", level="prefecture")) == ["441600"]


def test_find_by_code_prefix_and_stem(synced: Session) -> None:
    assert _codes(find_divisions(synced, "4416"))[:2] == ["441600", "441602"]
    assert _codes(find_divisions(synced, "441621")) == ["441621"]
    assert _codes(find_divisions(synced, "仙桃")) == ["429004"]
    assert _codes(find_divisions(synced, "紫金")) == ["441621"]
    beijing = find_divisions(synced, "北京")
    assert beijing[0].code == "110000" and len(beijing) == 17
    assert _codes(find_divisions(synced, "朝阳区")) == ["110105", "220104"]
    assert len(find_divisions(synced, "区", limit=5)) == 5


def test_find_history_and_bad_queries(synced: Session) -> None:
    assert find_divisions(synced, "崇文") == []
    assert _codes(find_divisions(synced, "崇文", include_history=True)) == ["110103"]
    with pytest.raises(UserError):
        find_divisions(synced, "  ")
    with pytest.raises(UserError):
        find_divisions(synced, "1234567")
    assert find_divisions(synced, "100%") == []
