"""`meili regions`: list, show, find and boundary through the real command root."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from meili.cli.main import main
from meili.db import session as db
from meili.registry.division_store import sync_divisions

RECORD_FIELDS = {"code", "name", "level", "parent_code", "valid_from", "valid_to", "status"}


@pytest.fixture
def regions_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A MEILI_HOME with a migrated SQLite store holding the division list."""
    home = tmp_path / "home"
    monkeypatch.setenv("MEILI_HOME", str(home))
    monkeypatch.delenv("MEILI_DATABASE_URL", raising=False)
    db.upgrade()
    with db.session() as s:
        sync_divisions(s)
    return home


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``meili *args``; returns exit code, standard output and standard error."""
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    code, out, err = run(capsys, *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_find_heyuan(regions_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = run_json(capsys, "regions", "find", "河源")
    records = payload["records"]
    assert [r["name"] for r in records][:2] == ["河源市", "源城区"]
    assert [r["level"] for r in records] == ["prefecture"] + ["county"] * 6
    assert all(set(r) >= RECORD_FIELDS for r in records)
    code, out, _ = run(capsys, "regions", "find", "河源")
    assert code == 0 and "441600" in out and "河源市" in out


def test_list_levels_and_year(regions_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    provinces = run_json(capsys, "regions", "list", "--level", "province")
    assert provinces["count"] == 34 and len(provinces["records"]) == 34
    assert len(run_json(capsys, "regions", "list", "--level", "county")["records"]) == 2846
    guangdong = run_json(capsys, "regions", "list", "--province", "440000", "-l", "county")
    assert guangdong["count"] == 122 and guangdong["province"] == "440000"
    in_2009 = run_json(capsys, "regions", "list", "--parent", "110000", "--year", "2009")
    assert "崇文区" in {r["name"] for r in in_2009["records"]}
    now = run_json(capsys, "regions", "list", "--parent", "110000")
    assert "崇文区" not in {r["name"] for r in now["records"]}
    code, out, _ = run(capsys, "regions", "list", "--level", "province", "-f", "csv", "--raw")
    lines = out.strip().splitlines()
    assert code == 0 and lines[0].startswith("code,name,level") and len(lines) == 35


def test_show_with_parents_children_and_history(
    regions_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = run_json(capsys, "regions", "show", "441621")
    assert shown["records"][0]["name"] == "紫金县"
    assert [p["code"] for p in shown["parents"]] == ["440000", "441600"]
    assert shown["children_count"] == 0
    city = run_json(capsys, "regions", "show", "441600")
    assert city["children_count"] == 6
    retired = run_json(capsys, "regions", "show", "110103")
    [version] = retired["history"]
    assert (version["status"], version["valid_to"], version["successor_code"]) == (
        "retired",
        2010,
        "110101",
    )
    code, out, _ = run(capsys, "regions", "show", "110103")
    assert code == 0 and "崇文区" in out and "110101" in out


def test_unknown_code_is_one_line_error(
    regions_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "regions", "show", "999999")
    assert code != 0 and out == ""
    assert err.strip().count("\n") == 0 and "999999" in err and "Traceback" not in err
    code, _, err = run(capsys, "regions", "show", "abc")
    assert code != 0 and err.strip().count("\n") == 0 and "six digits" in err
    code, _, err = run(capsys, "regions", "list", "--year", "1900")
    assert code != 0 and err.strip().count("\n") == 0 and "1900" in err
    code, _, err = run(capsys, "regions", "list", "--level", "town")
    assert code != 0 and err.strip().count("\n") == 0 and "town" in err
    code, _, err = run(capsys, "regions", "find", "不存在的地方")
    assert code != 0 and err.strip().count("\n") == 0


def test_boundary_to_file(
    regions_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "heyuan.geojson"
    code, _, err = run(capsys, "regions", "boundary", "441600", "--out", str(out_file))
    assert code == 0, err
    feature = json.loads(out_file.read_text(encoding="utf-8"))
    assert feature["type"] == "Feature" and feature["properties"]["code"] == "441600"
    assert feature["geometry"]["type"] == "MultiPolygon"
    code, _, err = run(capsys, "regions", "boundary", "653228")
    assert code != 0 and "653228" in err and err.strip().count("\n") == 0


def test_help_is_bilingual(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "regions", "--help")
    assert code == 0
    assert "行政区划" in out and "divisions" in out
