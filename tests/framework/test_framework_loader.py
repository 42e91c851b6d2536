"""Loading framework files: line-precise errors, encodings, specialty files."""

from __future__ import annotations

from pathlib import Path

import pytest

from meili.errors import UserError, ValidationFailed
from meili.framework.store import (
    default_framework,
    default_framework_path,
    load_framework_file,
    merge_specialty,
)
from meili.methods import known_ids

EXAMPLE = (
    Path(__file__).resolve().parents[2] / "meili/framework/examples/zone-specialty-example.yaml"
)


def _line(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the ``nth`` line containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[nth - 1]


def _errors(path: Path) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ValidationFailed) as info:
        load_framework_file(path, methods=known_ids())
    return [(p.location.row, p.location.column, p.message) for p in info.value.problems]


def test_broken_copy_reports_every_error_with_its_line(tmp_path: Path) -> None:
    text = default_framework_path().read_text(encoding="utf-8")
    # 1. wrong type
    text = text.replace(
        "{kind: threshold, op: ≥, value: 18, unit: '%'}",
        "{kind: threshold, op: ≥, value: eighteen, unit: '%'}",
        1,
    )
    # 2. missing name_en
    text = text.replace("    name_en: Total CO2 emissions\n", "", 1)
    # 3. unknown method
    text = text.replace("method: eco.eqi\n", "method: eco.eqi_v9\n", 1)
    # 4. duplicate code
    text = text.replace("code: glc.nev_share_new_vehicles", "code: glc.nonfossil_share", 1)
    path = tmp_path / "framework.yaml"
    path.write_text(text, encoding="utf-8")

    errors = _errors(path)
    assert len(errors) == 4, errors
    by_column = {col: (row, msg) for row, col, msg in errors}

    wrong = by_column["indicators[0].target.rules[1].value"]
    assert wrong[0] == _line(text, "value: eighteen")
    assert "valid number" in wrong[1]

    missing = by_column["indicators[1].name_en"]
    assert missing[0] == _line(text, "- code: glc.co2_total")
    assert missing[1] == "Field required"

    method = by_column["indicators[21].method"]
    assert method == (_line(text, "method: eco.eqi_v9"), "unknown method id 'eco.eqi_v9'")

    dup = by_column["indicators[5].code"]
    assert dup[0] == _line(text, "code: glc.nonfossil_share", nth=2)
    assert "duplicate indicator code" in dup[1]

    rows = [row for row, _, _ in errors]
    assert rows == sorted(rows)


def test_error_message_format(tmp_path: Path) -> None:
    text = (
        default_framework_path()
        .read_text(encoding="utf-8")
        .replace("direction: down", "direction: sideways", 1)
    )
    path = tmp_path / "framework.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        load_framework_file(path, methods=known_ids())
    row = _line(text, "direction: sideways")
    assert str(info.value.problems[0]).startswith(
        f"{path}, row {row}, column indicators[1].direction: Input should be"
    )
    assert "1 error" in info.value.message


def test_bad_yaml_indentation_reports_line(tmp_path: Path) -> None:
    text = (
        "code: x\n"
        "version: '1'\n"
        "indicators:\n"
        "  - code: a\n"
        "    name_zh: 甲\n"
        "      name_en: A\n"
        "    unit: '%'\n"
    )
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    [(row, col, msg)] = _errors(path)
    assert row == 6
    assert col == "14"
    assert "mapping values are not allowed" in msg


def test_duplicate_yaml_key_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("code: x\ncode: y\n", encoding="utf-8")
    [(row, _, msg)] = _errors(path)
    assert row == 2 and "duplicate key" in msg


def test_unquoted_float_version_is_explained(tmp_path: Path) -> None:
    text = (
        default_framework_path()
        .read_text(encoding="utf-8")
        .replace("version: '2026.1'", "version: 2025.10", 1)
    )
    path = tmp_path / "v.yaml"
    path.write_text(text, encoding="utf-8")
    [(row, col, msg)] = _errors(path)
    assert (row, col) == (_line(text, "version: 2025.10"), "version")
    assert "quote the version" in msg


def test_gbk_file_loads(tmp_path: Path) -> None:
    text = default_framework_path().read_text(encoding="utf-8")
    for char, plain in {"µg/m³": "ug/m3", "km²": "km2", "hm²": "hm2", "m³": "m3", "−": "-"}.items():
        text = text.replace(char, plain)
    path = tmp_path / "gbk.yaml"
    path.write_bytes(text.encode("gbk"))
    fw = load_framework_file(path, methods=known_ids())
    assert fw.name_zh == default_framework().name_zh
    assert fw.indicator("env.pm25_annual_mean").unit == "µg/m³"  # type: ignore[union-attr]


def test_gb18030_specialty_loads(tmp_path: Path) -> None:
    path = tmp_path / "gb18030.yaml"
    path.write_bytes(EXAMPLE.read_text(encoding="utf-8").encode("gb18030"))
    assert (
        load_framework_file(path, methods=known_ids()).indicator("zj.gep_accounting_applied")
        is not None
    )


def test_specialty_merges_with_base() -> None:
    spec = load_framework_file(EXAMPLE, methods=known_ids())
    assert spec.base_ref == ("meili-default", "2026.1")
    assert 2 <= len(spec.indicators) <= 3
    merged = merge_specialty(default_framework(), spec)
    assert merged.code == spec.code and merged.zone == spec.zone
    assert len(merged.indicators) == len(default_framework().indicators) + len(spec.indicators)
    assert merged.indicator("env.pm25_annual_mean") is not None
    assert merged.indicator("zj.gep_growth") is not None
    assert len(merged.target_areas) == 7
    # the programme baseline of progress: the base's 2024 (the year before the pilot started)
    assert spec.baseline_year is None and merged.baseline_year == 2024


def test_specialty_unknown_base_and_collision(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    bad = text.replace("extends: meili-default@2026.1", "extends: meili-default@1999.9")
    bad = bad.replace("code: zj.gep_growth", "code: env.pm25_annual_mean")
    path = tmp_path / "spec.yaml"
    path.write_text(bad, encoding="utf-8")
    errors = _errors(path)
    assert (_line(bad, "extends:"), "extends") == errors[0][:2]
    assert "does not exist" in errors[0][2]
    collide = text.replace("code: zj.gep_growth", "code: env.pm25_annual_mean")
    path.write_text(collide, encoding="utf-8")
    [(row, col, msg)] = _errors(path)
    assert row == _line(collide, "code: env.pm25_annual_mean")
    assert col == "indicators[1].code" and "already exists" in msg
    with pytest.raises(UserError):
        merge_specialty(
            default_framework(), load_framework_file(path, lambda c, v: None, methods=known_ids())
        )


def test_semantic_checks_measure_area_and_unit(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("    target_area: green_lowcarbon\n", "    target_area: beautiful_city\n")
    text = text.replace(
        "{kind: threshold, op: ≥, value: 16, unit: '%'}",
        "{kind: threshold, op: ≥, value: 16, unit: km²}",
    )
    path = tmp_path / "sem.yaml"
    path.write_text(text, encoding="utf-8")
    errors = _errors(path)
    assert [(r, c) for r, c, _ in errors] == [
        (_line(text, "target_area: beautiful_city"), "indicators[2].target_area"),
        (_line(text, "unit: km²"), "indicators[2].target.rules[1].unit"),
    ]
