"""Surface-water indicators of zones: shares of good (Ⅰ–Ⅲ) and 劣Ⅴ sections and the CWQI.

Thin adapters over :mod:`meili.engine.water` (period means per section, then the single-
factor class of GB 3838-2002, 环办〔2011〕22号) [@hbb2011-22:statistics]
[@hbb2011-22:section-class] [@hbb2011-22:groups] and the CWQI of 环办监测〔2017〕51号
[@cwqi-2017:formula] [@cwqi-2017:city] — neither method's text was read (unconfirmed, see
the standards' modules). The year's sections of a unit are those of its members: a province
(or municipality) by the ``province`` column of the samples; a prefecture-level city by the
``city`` of the lake's section register (``water_sections``), else by its ``area_code``; a
county by the register's ``area_code`` (the bundled register gives neither: a register with
them must be ingested) — a unit with a member that cannot be placed is missing, with the
reason, rather than computed over part of it. Section means are computed on the run
context's engine (DuckDB or Spark: the same values).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from meili.engine.water import (
    CWQI_STANDARD,
    STANDARD,
    register_city,
    register_column,
    register_rows,
    sample_batches,
    section_means,
)
from meili.methods.context import RunContext
from meili.methods.lineage import reason
from meili.methods.registry import Method, Request, missing, register, result_frame
from meili.registry.divisions import contains
from meili.registry.groups import cities337, provinces31, short_name
from meili.registry.units import ZoneUnit
from meili.standards.water.cwqi import city_cwqi, rank_cwqi
from meili.standards.water.evaluation2011 import classify
from meili.standards.water.groups2011 import STATUS_GRADES, group_status
from meili.standards.water.tli import PARAMETERS as TLI_PARAMETERS
from meili.standards.water.tli import tli, trophic_grade

INPUTS = ("lake:water_samples", "lake:water_sections")
CWQI_VARIANT = "full"
_CITY = ("城市", "city")
_COUNTY = ("区县", "county")


@dataclass(frozen=True)
class YearSections:
    """A year's sections (period means, class, city and area code from the register) and the
    batches read."""

    sections: pd.DataFrame
    batches: list[str]
    has_city: bool
    has_area: bool = False


def year_sections(ctx: RunContext, year: int) -> YearSections | None:
    """The year's section means and classes (once per context and year), computed on the
    context's engine (DuckDB or Spark, the same values); None without data."""

    def read() -> YearSections | None:
        if not ctx.has("water_samples"):
            return None
        eng = ctx.engine
        start, end = f"{year}-01-01", f"{year}-12-31"
        sections = section_means(eng, start, end)
        if sections.empty:
            return None
        sections["class"] = classify(sections, sections["waterbody"])
        batches = sample_batches(eng, start, end)
        reg = register_rows(eng, ["city", "area_code"]) if ctx.has("water_sections") else None

        def given(col: str) -> bool:  # the register's schema has the column: is it filled?
            return reg is not None and "province" in reg and reg.get(col, pd.Series()).notna().any()

        has_city, has_area = given("city"), given("area_code")
        sections["city"] = register_city(eng, sections) if has_city else None
        area = register_column(eng, sections, "area_code") if has_area else None
        sections["area_code"] = area
        if has_city or has_area:
            batches += [str(b) for b in reg.get("batch_id", pd.Series(dtype=object)).dropna()]
        return YearSections(sections, sorted(set(batches)), has_city, has_area)

    return ctx.memo(("water.sections", year), read)


@cache
def _province_names() -> dict[str, str]:
    """Province code → name (read once: :func:`_placed` runs for every unit)."""
    frame = provinces31()
    return dict(zip(frame["code"], frame["name"], strict=True))


@cache
def _cities() -> pd.DataFrame:
    """The 337 cities by code (read once; not to be changed by callers)."""
    return cities337().set_index("code")


def _placed(unit: ZoneUnit, data: YearSections) -> np.ndarray | tuple[str, str]:
    """Positions of the unit's sections, or why they cannot be placed.

    A province by the samples' ``province``; a city by the register's ``city`` (within its
    province), else by the register's ``area_code``; a county by the register's
    ``area_code`` (GB/T 2260 code of the county the section lies in).
    """
    sections = data.sections
    provinces, cities = _province_names(), _cities()
    area = sections["area_code"].astype("string")
    mask = np.zeros(len(sections), dtype=bool)
    for m in unit.members:
        if m in provinces:
            mask |= (sections["province"] == provinces[m]).to_numpy()
        elif m in cities.index and data.has_city:
            same_city = sections["city"].astype(str).map(short_name) == short_name(
                cities.loc[m, "name"]
            )
            in_province = sections["province"] == cities.loc[m, "province"]
            mask |= (same_city & in_province).to_numpy()
        elif data.has_area:
            mask |= area.map(lambda a, m=m: isinstance(a, str) and contains(m, a)).to_numpy(bool)
        elif m in cities.index:
            return reason("water_no_register", level=_CITY, column="city")
        else:
            return reason("water_no_register", level=_COUNTY, column="area_code")
    return np.flatnonzero(mask)


def _per_unit(
    ctx: RunContext,
    req: Request,
    table: Callable[[pd.DataFrame], pd.DataFrame],
    value: Callable[[pd.DataFrame], pd.Series],
    valid: Callable[[pd.DataFrame], tuple[pd.Series, pd.Series, pd.Series]] | None = None,
    edition: Callable[[pd.DataFrame], pd.Series] | None = None,
) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    for year in req.years:
        data = year_sections(ctx, year)
        if data is None:
            why = reason(
                "no_data_year", dataset="water_samples", year=year, version=ctx.lake_version
            )
            rows += [missing(u.code, year, why) for u in req.units]
            continue
        parts = []
        for u in req.units:
            placed = _placed(u, data)
            if isinstance(placed, tuple):
                rows.append(missing(u.code, year, placed))
            elif not len(placed):
                rows.append(missing(u.code, year, reason("water_no_sections", year=year)))
            else:
                parts.append(data.sections.iloc[placed].assign(unit=u.code))
        if not parts:
            continue
        long = pd.concat(parts, ignore_index=True)
        out = table(long)
        values = value(out)
        ok, zh, en = valid(out) if valid else (pd.Series(True, out.index), "", "")
        editions = edition(out) if edition else pd.Series(STANDARD, index=out.index)
        for code in out.index:
            good = bool(ok[code])
            rows.append(
                {
                    "zone": code,
                    "year": year,
                    "value": float(values[code]),
                    "valid": good,
                    "reason_zh": "" if good else zh[code],
                    "reason_en": "" if good else en[code],
                    "batches": data.batches,
                    "edition": editions[code],
                }
            )
    return result_frame(rows)


def _status(long: pd.DataFrame) -> pd.DataFrame:
    return group_status(long, "unit", long["waterbody"])


def good_share(ctx: RunContext, req: Request) -> pd.DataFrame:
    """Share (%) of the unit's sections of class Ⅰ–Ⅲ (优良), 环办〔2011〕22号
    [@hbb2011-22:groups]."""
    return _per_unit(ctx, req, _status, lambda t: t["share_I_III"])


def inferior_v_share(ctx: RunContext, req: Request) -> pd.DataFrame:
    """Share (%) of the unit's sections worse than class Ⅴ (劣Ⅴ), 环办〔2011〕22号
    [@hbb2011-22:groups]."""
    return _per_unit(ctx, req, _status, lambda t: t["share_worse_V"])


def _cwqi_table(long: pd.DataFrame) -> pd.DataFrame:
    return city_cwqi(long, "unit", long["waterbody"], CWQI_VARIANT)


def _cwqi_valid(table: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    texts = [reason("water_cwqi_items", items=m) for m in table["missing_items"]]
    zh = pd.Series([t[0] for t in texts], index=table.index)
    en = pd.Series([t[1] for t in texts], index=table.index)
    return table["complete"].astype(bool), zh, en


def cwqi(ctx: RunContext, req: Request) -> pd.DataFrame:
    """City water-quality index over the unit's sections (river and lake parts weighted by
    their section counts), all 21 items of 环办监测〔2017〕51号 [@cwqi-2017:city]; a value
    lacking an item is kept flagged invalid with the items it lacks."""
    return _per_unit(ctx, req, _cwqi_table, lambda t: t["cwqi"], _cwqi_valid)


def _status_code(table: pd.DataFrame) -> pd.Series:
    code = {g: float(i + 1) for i, g in enumerate(STATUS_GRADES)}
    return table["status"].astype(object).map(code).astype(float)


def _status_edition(table: pd.DataFrame) -> pd.Series:
    how = table["method"].map({"shares": "类别比例法", "mean": "断面均值"})
    return STANDARD + " " + table["status"].astype(str) + "（" + how + "）"


def quality_status(ctx: RunContext, req: Request) -> pd.DataFrame:
    """Water-quality status of the unit's sections, 环办〔2011〕22号 河流、流域（水系）水质评价
    [@hbb2011-22:groups]: ≥ 5 sections by the shares of class Ⅰ–Ⅲ and 劣Ⅴ (优 Ⅰ–Ⅲ ≥ 90 %,
    良好 ≥ 75 %, else 轻度/中度/重度污染 by 劣Ⅴ < 20 %, < 40 %, ≥ 40 %); fewer than 5 by the class
    of the sections' mean. Given as 1 优 … 5 重度污染 [@meili:water-status-code], the word and
    the way in the edition."""
    return _per_unit(ctx, req, _status, _status_code, edition=_status_edition)


def _tli_table(long: pd.DataFrame) -> pd.DataFrame:
    lake = long[long["waterbody"].astype(str) == "lake"]
    units = pd.Index(long["unit"].unique(), name="unit")
    have = [p for p in TLI_PARAMETERS if p in lake.columns]
    means = lake.groupby("unit", sort=True)[have].mean().reindex(units)
    if "chla" in means:  # mg/L in the lake, mg/m³ (µg/L) in the TLI formula
        means["chla"] = means["chla"] * 1000.0
    present = means.reindex(columns=list(TLI_PARAMETERS)).notna()
    lacks = pd.Series("", index=units, dtype=object)
    for p in TLI_PARAMETERS:  # five parameters, not rows
        lacks = lacks + pd.Series(np.where(present[p], "", p + ";"), index=units)
    out = pd.DataFrame(
        {
            "tli": tli(means),
            "n_lake": lake.groupby("unit").size().reindex(units).fillna(0).astype(int),
            "missing": lacks.str.rstrip(";"),
        },
        index=units,
    )
    out["grade"] = trophic_grade(out["tli"])
    return out


def _tli_valid(table: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    no_lake = reason("water_no_lake_sections")
    texts = [
        no_lake if n == 0 else reason("water_tli_params", items=m)
        for n, m in zip(table["n_lake"], table["missing"], strict=True)
    ]
    zh = pd.Series([t[0] for t in texts], index=table.index)
    en = pd.Series([t[1] for t in texts], index=table.index)
    return table["tli"].notna(), zh, en


def _tli_edition(table: pd.DataFrame) -> pd.Series:
    grade = table["grade"].astype(object).where(table["grade"].notna(), "")
    return "总站生字〔2001〕090号; 环办〔2011〕22号 " + grade.astype(str)


def lake_tli(ctx: RunContext, req: Request) -> pd.DataFrame:
    """Comprehensive trophic level index TLI(Σ) of the unit's lake and reservoir sections
    (环办〔2011〕22号 湖泊营养状态评价, 总站生字〔2001〕090号) [@hbb2011-22:lake-nutrients]
    [@tli-2001:formula]: the period mean of chla, TP, TN, SD and CODMn over the unit's lake
    sections, then TLI(Σ) with all five [@meili:tli-zone]; the grade (贫营养 … 重度富营养)
    [@tli-2001:grades] is in the edition. A unit without lake sections, or lacking a
    parameter (the CNEMC release has no SD), gets no value, with the reason."""
    return _per_unit(ctx, req, _tli_table, lambda t: t["tli"], _tli_valid, _tli_edition)


def _city_key(frame: pd.DataFrame) -> pd.Series:
    return frame["province"].astype(str) + "/" + frame["city"].astype(str).map(short_name)


def city_cwqi_ranks(ctx: RunContext, year: int) -> pd.DataFrame | None:
    """CWQI and rank of every city of the section register in ``year`` (index: province/city
    short name); None without water data or a register with cities (once per context and
    year). Ranks are among the complete CWQIs [@cwqi-2017:rank] [@meili:cwqi-rank-pool]."""

    def run() -> pd.DataFrame | None:
        data = year_sections(ctx, year)
        if data is None or not data.has_city:
            return None
        secs = data.sections[data.sections["city"].notna()]
        secs = secs.assign(city_key=_city_key(secs))
        table = city_cwqi(secs, "city_key", secs["waterbody"], CWQI_VARIANT)
        table["rank"] = rank_cwqi(table)
        return table

    return ctx.memo(("water.cwqi_ranks", year), run)


def cwqi_rank(ctx: RunContext, req: Request) -> pd.DataFrame:
    """Rank (1 = best, ascending CWQI; ties share the best rank) of the unit's city among the
    cities of the lake's section register with a complete CWQI of the year (环办监测〔2017〕51号)
    [@cwqi-2017:rank] [@meili:cwqi-rank-pool]. A unit of one prefecture-level city only."""
    cities = cities337().set_index("code")
    rows: list[dict[str, object]] = []
    for year in req.years:
        table = city_cwqi_ranks(ctx, year)
        if table is None:
            data = year_sections(ctx, year)
            why = (
                reason("no_data_year", dataset="water_samples", year=year, version=ctx.lake_version)
                if data is None
                else reason("water_no_register", level=_CITY, column="city")
            )
            rows += [missing(u.code, year, why) for u in req.units]
            continue
        ranked = int(table["rank"].notna().sum())
        batches = year_sections(ctx, year).batches
        for u in req.units:
            if len(u.members) != 1 or u.members[0] not in cities.index:
                rows.append(missing(u.code, year, reason("water_rank_one_city")))
                continue
            city = cities.loc[u.members[0]]
            key = f"{city['province']}/{short_name(city['name'])}"
            rank = table["rank"].get(key, pd.NA)
            if pd.isna(rank):
                why = reason("water_not_ranked", year=year, n=ranked)
                rows.append(missing(u.code, year, why))
                continue
            rows.append(
                {
                    "zone": u.code,
                    "year": year,
                    "value": float(rank),
                    "batches": batches,
                    "edition": f"{CWQI_STANDARD} ({ranked})",
                }
            )
    return result_frame(rows)


#: The clauses the two section shares follow.
SHARES_CITED = (
    "gb3838-2002:t1", "hbb2011-22:statistics", "hbb2011-22:section-class", "hbb2011-22:groups",
)  # fmt: skip
register(
    Method(
        "water.good_section_share",
        "地表水水质优良（Ⅰ～Ⅲ类）断面比例",
        "share of surface-water sections of class I–III",
        SHARES_CITED,
        INPUTS,
        "%",
        "computed",
        good_share,
    )
)
register(
    Method(
        "water.inferior_v_share",
        "地表水劣Ⅴ类断面比例",
        "share of surface-water sections worse than class V",
        SHARES_CITED,
        INPUTS,
        "%",
        "computed",
        inferior_v_share,
    )
)
register(
    Method(
        "water.cwqi",
        "城市水质指数（CWQI）",
        "city water-quality index (CWQI)",
        ("cwqi-2017:items", "cwqi-2017:formula", "cwqi-2017:city", "gb3838-2002:t1"),
        INPUTS,
        "1",
        "computed",
        cwqi,
    )
)
register(
    Method(
        "water.quality_status",
        "地表水水质状况（优、良好、轻度、中度、重度污染）",
        "surface-water quality status (1 excellent … 5 heavily polluted)",
        (*SHARES_CITED, "meili:water-status-code"),
        INPUTS,
        "grade",
        "computed",
        quality_status,
    )
)
register(
    Method(
        "water.cwqi_rank",
        "城市水质指数（CWQI）排名",
        "rank by city water-quality index (CWQI)",
        ("cwqi-2017:formula", "cwqi-2017:city", "cwqi-2017:rank", "meili:cwqi-rank-pool"),
        INPUTS,
        "rank",
        "computed",
        cwqi_rank,
    )
)
register(
    Method(
        "water.lake_tli",
        "湖库综合营养状态指数 TLI(Σ)",
        "comprehensive trophic level index TLI(Σ) of lakes and reservoirs",
        ("hbb2011-22:lake-nutrients", "tli-2001:formula", "tli-2001:grades", "meili:tli-zone"),
        INPUTS,
        "1",
        "computed",
        lake_tli,
    )
)
