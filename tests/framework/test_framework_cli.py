"""The ``meili framework`` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from meili.cli.main import app, main
from meili.db.session import upgrade
from meili.framework.store import default_framework, default_framework_path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "meili/framework/examples/zone-specialty-example.yaml"
runner = CliRunner()


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MEILI_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MEILI_DATABASE_URL", raising=False)
    return tmp_path / "home"


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["framework", *args])
    return result.exit_code, result.output


def test_validate_ok() -> None:
    code, out = run("validate", str(default_framework_path()), str(EXAMPLE))
    assert code == 0
    assert f"OK: {len(default_framework().indicators)} indicators" in out
    assert "OK: 3 indicators" in out


def test_validate_errors_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = default_framework_path().read_text(encoding="utf-8")
    bad.write_text(text.replace("method: eco.eqi\n", "method: nope\n"), encoding="utf-8")
    code, out = run("validate", str(bad))
    assert code == 1
    assert "column indicators[21].method: unknown method id 'nope'" in out
    assert "row " in out


def test_show_and_versions_without_store(home: Path) -> None:
    code, out = run("show")
    assert code == 0 and "meili-default@2026.1" in out and "environment_quality" in out
    code, out = run("versions", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and {r["source"] for r in rows} == {"bundled"}
    # the five regional efforts' frameworks are listed with their zones
    regional = {r["zone"]: r["extends"] for r in rows if r["zone"]}
    assert set(regional) == {"R-JJJ", "R-YRD", "R-GBA", "R-CJ", "R-HH"}
    assert all(e and e.startswith("meili-default@") for e in regional.values())
    assert not home.exists()


def test_indicators_filters() -> None:
    code, out = run("indicators", "--measure", "七", "--tier", "city", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert rows and all(r["measure"] == "七" and "city" in r["tiers"] for r in rows)
    code, out = run("indicators", "--area", "ecological_security", "--format", "csv", "--raw")
    assert code == 0 and out.splitlines()[0].startswith("code,name_zh")
    assert "sec.major_env_incidents" in out


def test_indicator_definition_in_words() -> None:
    code, out = run("indicator", "env.pm25_annual_mean")
    assert code == 0
    assert "完成上级下达的任务，且 ≤ 28 µg/m³" in out
    assert "HJ 663" in out
    code, out = run("indicator", "eco.forest_cover", "--format", "json")
    assert json.loads(out)[0]["target_rule"]["kind"] == "differentiated"


def test_unknown_indicator_and_bad_filter(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["framework", "indicator", "nope"])
    assert exit_info.value.code == 3
    assert "no indicator 'nope'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["framework", "indicators", "--measure", "十三"])
    assert exit_info.value.code == 2


def test_load_specialty_then_versions() -> None:
    upgrade()
    code, out = run("load", str(EXAMPLE))
    assert code == 0 and "zj-specialty@2025.1: stored" in out
    code, out = run("load", str(EXAMPLE))
    assert code == 0 and "unchanged" in out
    code, out = run("versions", "--format", "json")
    rows = {r["code"]: r for r in json.loads(out)}
    assert rows["zj-specialty"]["source"] == "stored"
    assert rows["meili-default"]["source"] == "bundled"
    code, out = run("show", "--code", "zj-specialty", "--format", "json")
    assert json.loads(out)["indicators"] == len(default_framework().indicators) + 3


def test_load_on_first_use_initialises_the_store(capsys: pytest.CaptureFixture[str]) -> None:
    main(["framework", "load", str(EXAMPLE)])  # no `meili init` before: done on first use
    assert "zj-specialty@2025.1: stored" in capsys.readouterr().out
