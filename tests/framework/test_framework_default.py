"""The bundled default framework: valid, complete, documented."""

from __future__ import annotations

from meili.framework.methods import METHODS
from meili.framework.schema import FIVE_AREAS, MEASURE_AREA, MEASURES
from meili.framework.store import default_framework, default_framework_path, load_framework_file


def test_default_framework_validates() -> None:
    fw = load_framework_file(default_framework_path())
    assert fw.code == "meili-default"
    assert fw.version == "2025.1"
    assert 35 <= len(fw.indicators) <= 60
    assert default_framework().ref == fw.ref


def test_every_measure_has_a_computable_indicator() -> None:
    fw = default_framework()
    for measure in MEASURES:
        inds = [i for i in fw.indicators if i.measure == measure]
        assert any(i.computable for i in inds), measure
        assert all(i.target_area == MEASURE_AREA[measure] for i in inds)


def test_every_target_area_has_a_computable_indicator() -> None:
    fw = default_framework()
    for area in FIVE_AREAS:
        assert any(i.computable and i.target_area == area for i in fw.indicators), area
    assert {a.code for a in fw.target_areas} == set(MEASURE_AREA.values())


def test_measures_six_to_ten_have_a_platform_computed_indicator() -> None:
    fw = default_framework()
    for measure in ("六", "七", "八", "十"):
        assert any(i.computed_by_platform for i in fw.indicators if i.measure == measure)


def test_every_rule_kind_is_used() -> None:
    kinds: set[str] = set()

    def walk(rule: object) -> None:
        kinds.add(rule.kind)  # type: ignore[attr-defined]
        for sub in getattr(rule, "rules", []) or []:
            walk(sub)
        for sub in (getattr(rule, "cases", None) or {}).values():
            walk(sub)
        for name in ("default", "condition"):
            if getattr(rule, name, None) is not None:
                walk(getattr(rule, name))

    for ind in default_framework().indicators:
        walk(ind.target)
    assert kinds == {
        "threshold",
        "delta",
        "trend",
        "state",
        "higher_task",
        "all",
        "any",
        "differentiated",
        "veto",
    }


def test_names_notes_and_methods() -> None:
    fw = default_framework()
    for ind in fw.indicators:
        assert ind.name_zh.strip() and ind.name_en.strip()
        assert ind.notes, f"{ind.code} must document the source of its target"
        assert ind.method in METHODS
        zh, en = ind.target.describe()
        assert zh and en


def test_named_anchor_indicators() -> None:
    fw = default_framework()
    pm25 = fw.indicator("env.pm25_annual_mean")
    assert pm25 is not None and pm25.unit == "µg/m³" and pm25.direction == "down"
    assert "≤ 28 µg/m³" in pm25.target.describe()[0]
    eqi = fw.indicator("eco.eqi")
    assert eqi is not None and eqi.target.kind == "delta"
    incidents = fw.indicator("sec.major_env_incidents")
    assert incidents is not None and incidents.target.kind == "veto"
    for code in (
        "env.good_day_ratio",
        "env.heavy_pollution_day_ratio",
        "env.air_composite_index_rank",
        "env.water_good_section_share",
        "env.water_inferior_v_share",
        "env.cwqi",
        "env.noise_night_compliance",
        "glc.co2_intensity_reduction",
        "glc.co2_total",
        "glc.nonfossil_share",
        "eco.forest_cover",
        "eco.protected_area_share",
        "sec.hazardous_waste_tracking_coverage",
        "ref.permit_coverage",
        "ref.monitoring_data_sharing",
        "ref.river_lake_forest_chief",
    ):
        assert fw.indicator(code) is not None, code


def test_methods_registry_names_engine_and_standard() -> None:
    for method in METHODS.values():
        assert method.name_zh and method.name_en
        if method.id != "reported":
            assert method.engine and method.standard
