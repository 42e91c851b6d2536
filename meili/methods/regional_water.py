"""Surface-water indicators of the regional efforts, computed over listed sections.

Each method reads a list of sections bundled as data (``meili/framework/regional/sections/
<list>.csv``: province, section, water body, the list's source in its header) and the
year's period mean of every section (:func:`meili.methods.water.year_sections`, the engine's
period means of 环办〔2011〕22号 数据统计) [@hbb2011-22:statistics]; each listed section is
classed by the single-factor method against GB 3838-2002 Table 1, with the lake limits where
the list says ``lake`` [@hbb2011-22:section-class] [@gb3838-2002:t1]. A unit holds the listed
sections published under one of its members' provinces (for boundary sections: also those
its provinces send or receive) [@meili:listed-sections]; a list that is one water body (the
reservoir) gives its value over all its sections to every unit holding one. A listed
section without data in the year is named, and the value flagged invalid, not computed over
part of the list silently.

Methods: the share of Yangtze main-stream sections of Class Ⅱ or better (二.四.3); the class
of the Danjiangkou reservoir, the class of the mean of its sections (fewer than five, 环办
〔2011〕22号 河流、流域水质评价) [@hbb2011-22:groups] (二.四.7); the share of provincial
boundary sections meeting their target class (长三角 二.二.6, 成渝 二.四.9); the share of
Pearl River Delta river-network sections of Class Ⅰ–Ⅲ (二.三.9).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

from meili.engine.water import STANDARD
from meili.methods.context import RunContext
from meili.methods.lineage import reason
from meili.methods.registry import Method, Request, missing, register, result_frame
from meili.methods.water import INPUTS, year_sections
from meili.registry.groups import provinces31
from meili.registry.units import ZoneUnit
from meili.standards.water.evaluation2011 import ROUTINE_ITEMS, section_class_numbers

LISTS = "regional/sections"
CITED = (
    "gb3838-2002:t1", "hbb2011-22:statistics", "hbb2011-22:section-class",
    "meili:listed-sections",
)  # fmt: skip


@dataclass(frozen=True)
class SectionList:
    """A bundled list of sections: its rows and the source its header states."""

    name: str
    sections: pd.DataFrame
    source: str


@cache
def section_list(name: str) -> SectionList:
    """The bundled section list ``name`` (``yangtze_mainstream``, ``danjiangkou``,
    ``cross_boundary``, ``prd_river_network``)."""
    text = resources.files("meili.framework").joinpath(f"{LISTS}/{name}.csv").read_text("utf-8")
    header = [ln[1:].strip() for ln in text.splitlines() if ln.startswith("#")]
    body = "\n".join(ln for ln in text.splitlines() if not ln.startswith("#"))
    frame = pd.read_csv(io.StringIO(body), dtype=str)
    return SectionList(name, frame, " ".join(header))


def _provinces(unit: ZoneUnit) -> tuple[set[str], set[str]]:
    """The unit's province codes and names (a member's province: its first two digits)."""
    codes = {m[:2] + "0000" for m in unit.members}
    names = dict(zip(provinces31()["code"], provinces31()["name"], strict=True))
    return codes, {names[c] for c in codes if c in names}


def unit_sections(unit: ZoneUnit, listed: pd.DataFrame) -> pd.DataFrame:
    """The listed sections the unit holds (see the module docstring)."""
    codes, names = _provinces(unit)
    mask = listed["province"].isin(names)
    for col in ("upstream", "downstream"):
        if col in listed:
            mask |= listed[col].isin(codes)
    return listed[mask]


def classed(ctx: RunContext, year: int, listed: pd.DataFrame) -> pd.DataFrame | None:
    """The listed sections with their period means and class 1…6 (NA: no data); None when
    the lake holds no water sample of the year."""
    data = year_sections(ctx, year)
    if data is None:
        return None
    items = [c for c in ROUTINE_ITEMS if c in data.sections.columns]
    means = data.sections[["province", "section", *items]]
    out = listed.merge(means, on=["province", "section"], how="left")
    out["class"] = section_class_numbers(out, out["waterbody"]).to_numpy()
    return out


Value = Callable[[pd.DataFrame], float]


def _listed_method(
    name: str, value: Value, group: str | None = None, *, whole: bool = False
) -> Callable[[RunContext, Request], pd.DataFrame]:
    """A compute function giving ``value(sections)`` over each unit's listed sections (of
    ``group`` only, when the list has groups); ``whole``: the list is one water body, whose
    value is taken over all its sections for every unit that holds one of them."""

    def compute(ctx: RunContext, req: Request) -> pd.DataFrame:
        listed = section_list(name).sections
        if group is not None:
            listed = listed[listed["group"] == group]
        rows: list[dict[str, object]] = []
        for year in req.years:
            table = classed(ctx, year, listed)
            if table is None:
                why = reason(
                    "no_data_year", dataset="water_samples", year=year, version=ctx.lake_version
                )
                rows += [missing(u.code, year, why) for u in req.units]
                continue
            for unit in req.units:
                mine = unit_sections(unit, table)
                if mine.empty:
                    rows.append(missing(unit.code, year, reason("listed_sections_none", name=name)))
                    continue
                if whole:
                    mine = table
                present = mine[mine["class"].notna()]
                if present.empty:
                    why = reason("water_no_sections", year=year)
                    rows.append(missing(unit.code, year, why))
                    continue
                absent = "、".join(mine.loc[mine["class"].isna(), "section"])
                zh, en = reason("listed_sections_missing", year=year, sections=absent)
                rows.append(
                    {
                        "zone": unit.code,
                        "year": year,
                        "value": value(present),
                        "valid": not absent,
                        "reason_zh": zh if absent else "",
                        "reason_en": en if absent else "",
                        "batches": year_sections(ctx, year).batches,  # type: ignore[union-attr]
                        "edition": STANDARD,
                    }
                )
        return result_frame(rows)

    return compute


def share_at_most(limit: int) -> Value:
    """Share (%) of the sections whose class number is ``limit`` or better."""

    def value(sections: pd.DataFrame) -> float:
        return float(100 * (sections["class"] <= limit).sum() / len(sections))

    return value


def target_compliance(sections: pd.DataFrame) -> float:
    """Share (%) of the sections meeting their own ``target_class``."""
    target = sections["target_class"].astype(int).to_numpy()
    return float(100 * (sections["class"].to_numpy() <= target).sum() / len(sections))


def class_of_mean(sections: pd.DataFrame) -> float:
    """Class number of the mean of the sections' period means (环办〔2011〕22号, fewer than
    five sections) [@hbb2011-22:groups]; the water body of the first section."""
    items = [c for c in ROUTINE_ITEMS if c in sections.columns]
    mean = sections[items].mean().to_frame().T
    return float(section_class_numbers(mean, sections["waterbody"].iloc[0]).iloc[0])


def _register(
    method_id: str, zh: str, en: str, unit: str, value: Value, name: str, group: str | None = None
) -> None:
    whole = value is class_of_mean
    cited = (*CITED, "hbb2011-22:groups") if whole else CITED
    source = f"list:{name}" + (f"[group={group}]" if group else "")
    register(
        Method(method_id, zh, en, cited, (*INPUTS, source), unit, "computed",
               _listed_method(name, value, group, whole=whole))
    )  # fmt: skip


_register(
    "water.yangtze_mainstream_class_ii_share", "长江干流Ⅱ类及以上水质断面比例",
    "share of Yangtze main-stream sections of Class II or better", "%", share_at_most(2),
    "yangtze_mainstream",
)  # fmt: skip
_register(
    "water.danjiangkou_class", "丹江口水库水质类别（1–6，6 为劣Ⅴ类）",
    "water-quality class of the Danjiangkou reservoir (1–6; 6 = worse than V)", "class",
    class_of_mean, "danjiangkou",
)  # fmt: skip
_register(
    "water.yrd_cross_boundary_compliance", "长三角省界断面水质目标达标率",
    "share of Yangtze Delta provincial boundary sections meeting their target class", "%",
    target_compliance, "cross_boundary", "yrd",
)  # fmt: skip
_register(
    "water.chengyu_cross_boundary_compliance", "川渝跨界断面水质目标达标率",
    "share of Sichuan–Chongqing boundary sections meeting their target class", "%",
    target_compliance, "cross_boundary", "chengyu",
)  # fmt: skip
_register(
    "water.prd_river_network_good_share", "珠江三角洲河网区水质优良（Ⅰ～Ⅲ类）断面比例",
    "share of Pearl River Delta river-network sections of Class I–III", "%", share_at_most(3),
    "prd_river_network",
)  # fmt: skip
