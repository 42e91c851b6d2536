"""The bundled default framework: valid, complete, documented."""

from __future__ import annotations

import meili.methods
from meili.framework.loader import bundled
from meili.framework.schema import FIVE_AREAS, MEASURE_AREA, MEASURES
from meili.framework.store import default_framework, default_framework_path, load_framework_file


def test_default_framework_validates() -> None:
    fw = load_framework_file(default_framework_path(), methods=meili.methods.known_ids())
    assert fw.code == "meili-default"
    assert fw.version == "2026.1"
    assert 90 <= len(fw.indicators) <= 110
    assert default_framework().ref == fw.ref
    older = bundled("meili-default", "2025.1")  # rounds frozen under it stay readable
    assert older is not None and len(older.indicators) == 50


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


def test_measures_with_an_indicator_meili_computes() -> None:
    # (六) carbon/energy and (七) air, water, noise are computed from the lake; (八) EQI and
    # (十) data sharing are reported figures (no method computes them), said honestly
    fw = default_framework()
    computed = {i.measure for i in fw.indicators if meili.methods.get(i.method).kind == "computed"}
    assert computed == {"六", "七"}


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
        assert ind.target_source or ind.to_confirm, f"{ind.code}: cite or say what confirms"
        assert ind.method in meili.methods.known_ids()
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


def test_every_method_is_named_cited_and_typed() -> None:
    for method in meili.methods.methods():
        assert method.name_zh and method.name_en and method.inputs
        assert method.kind in ("computed", "reported", "evidence")
        assert method.cited() and method.standard  # every citation resolves
        assert callable(method.compute)


def test_every_method_id_of_the_default_framework_is_registered_or_declared() -> None:
    # issue 14: no id naming a module that does not exist; reported ones say so
    used = {i.method for i in default_framework().indicators}
    assert used <= meili.methods.known_ids()
    kinds = {m: meili.methods.get(m).kind for m in used}
    assert kinds["air.pm25_annual_mean"] == kinds["water.good_section_share"] == "computed"
    assert kinds["noise.night_compliance"] == kinds["carbon.co2_total"] == "computed"
    for declared in ("sea.good_quality_share", "eco.eqi", "platform.data_sharing_rate"):
        assert kinds[declared] == "reported", declared
        assert "not computed" in meili.methods.get(declared).name_en
