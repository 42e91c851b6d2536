"""Frameworks in the store: idempotent saves, version conflicts, latest, merged specialty."""

from __future__ import annotations

from pathlib import Path

import pytest

from meili.db.session import session, upgrade
from meili.errors import NotFoundError, UserError
from meili.framework.store import (
    default_framework,
    document_hash,
    get_framework,
    list_frameworks,
    load_framework_file,
    resolver,
    save_framework,
)
from meili.methods import known_ids

EXAMPLE = (
    Path(__file__).resolve().parents[2] / "meili/framework/examples/zone-specialty-example.yaml"
)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MEILI_HOME", str(tmp_path))
    monkeypatch.delenv("MEILI_DATABASE_URL", raising=False)
    upgrade()
    return tmp_path


def test_save_is_idempotent(store: Path) -> None:
    fw = default_framework()
    with session() as s:
        assert save_framework(s, fw) is True
    with session() as s:
        assert save_framework(s, fw) is False
        rows = list_frameworks(s)
    assert len(rows) == 1
    assert rows[0]["code"] == "meili-default" and rows[0]["indicators"] == len(fw.indicators)


def test_same_version_different_content_is_refused(store: Path) -> None:
    fw = default_framework()
    changed = fw.model_copy(update={"name_en": "Changed"})
    assert document_hash(changed) != document_hash(fw)
    with session() as s:
        save_framework(s, fw)
    with pytest.raises(UserError, match="bump the version"), session() as s:
        save_framework(s, changed)
    bumped = changed.model_copy(update={"version": "2026.10"})
    with session() as s:
        assert save_framework(s, bumped) is True
        assert get_framework(s).version == "2026.10"
        assert get_framework(s, version="2026.1").name_en == fw.name_en
        assert [r["version"] for r in list_frameworks(s)] == ["2026.10", "2026.1"]


def test_default_without_store_rows_and_not_found(store: Path) -> None:
    with session() as s:
        assert get_framework(s).ref == default_framework().ref
        with pytest.raises(NotFoundError):
            get_framework(s, "nope")


def test_specialty_stored_and_merged(store: Path) -> None:
    with session() as s:
        spec = load_framework_file(EXAMPLE, resolver(s), methods=known_ids())
        assert save_framework(s, spec) is True
    with session() as s:
        merged = get_framework(s, spec.code)
        alone = get_framework(s, spec.code, merged=False)
        rows = list_frameworks(s)
    assert len(alone.indicators) == len(spec.indicators)
    assert len(merged.indicators) == len(default_framework().indicators) + len(spec.indicators)
    assert rows[0]["zone"] == "example-province"
    assert rows[0]["extends"] == "meili-default@2026.1"


def test_hash_does_not_depend_on_encoding(store: Path, tmp_path: Path) -> None:
    gbk = tmp_path / "spec-gbk.yaml"
    gbk.write_bytes(EXAMPLE.read_text(encoding="utf-8").encode("gb18030"))
    with session() as s:
        assert save_framework(s, load_framework_file(EXAMPLE, methods=known_ids())) is True
        assert save_framework(s, load_framework_file(gbk, methods=known_ids())) is False
