"""Surface-water indicators of zones: shares of good (Ⅰ–Ⅲ) and 劣Ⅴ sections and the CWQI.

Thin adapters over :mod:`meili.engine.water` (period means per section, then the single-
factor class of GB 3838-2002, 环办〔2011〕22号) [@hbb2011-22:statistics]
[@hbb2011-22:section-class] [@hbb2011-22:groups] and the CWQI of 环办监测〔2017〕51号
[@cwqi-2017:formula] [@cwqi-2017:city] — neither method's text was read (unconfirmed, see
the standards' modules). The year's sections of a unit are those of its members: a province
(or municipality) by the ``province`` column of the samples; a prefecture-level city by the
``city`` of the lake's section register (``water_sections``); a county is not placed (the
register has no county column) — a unit with a member that cannot be placed is missing,
with the reason, rather than computed over part of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from meili.engine.water import STANDARD, register_city, section_means
from meili.errors import UserError
from meili.methods.context import RunContext
from meili.methods.lineage import reason
from meili.methods.registry import Method, Request, missing, register, result_frame
from meili.registry.groups import cities337, provinces31, short_name
from meili.registry.units import ZoneUnit
from meili.standards.water.cwqi import city_cwqi
from meili.standards.water.evaluation2011 import classify
from meili.standards.water.groups2011 import group_status

INPUTS = ("lake:water_samples", "lake:water_sections")
CWQI_VARIANT = "full"
_CITY = ("城市", "city")
_COUNTY = ("区县", "county")


@dataclass(frozen=True)
class YearSections:
    """A year's sections (period means, class, city from the register) and the batches."""

    sections: pd.DataFrame
    batches: list[str]
    has_city: bool


def year_sections(ctx: RunContext, year: int) -> YearSections | None:
    """The year's section means and classes (once per context and year); None without data."""

    def read() -> YearSections | None:
        if not ctx.has("water_samples"):
            return None
        con = ctx.sql()
        sections = section_means(con, f"{year}-01-01", f"{year}-12-31")
        if sections.empty:
            return None
        sections["class"] = classify(sections, sections["waterbody"])
        batches = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT batch_id FROM water_samples WHERE year(time) = ?", [year]
            ).fetchall()
        ]
        try:
            sections["city"] = register_city(con, sections)
            has_city = True
            register = con.execute("SELECT DISTINCT batch_id FROM water_sections").fetchall()
            batches += [r[0] for r in register]
        except UserError:
            sections["city"] = None
            has_city = False
        return YearSections(sections, sorted(set(batches)), has_city)

    return ctx.memo(("water.sections", year), read)


def _placed(unit: ZoneUnit, data: YearSections) -> np.ndarray | tuple[str, str]:
    """Positions of the unit's sections, or why they cannot be placed."""
    sections = data.sections
    provinces = dict(zip(provinces31()["code"], provinces31()["name"], strict=True))
    cities = cities337().set_index("code")
    mask = np.zeros(len(sections), dtype=bool)
    for m in unit.members:
        if m in provinces:
            mask |= (sections["province"] == provinces[m]).to_numpy()
        elif m in cities.index:
            if not data.has_city:
                return reason("water_no_register", level=_CITY, column="city")
            same_city = sections["city"].astype(str).map(short_name) == short_name(
                cities.loc[m, "name"]
            )
            in_province = sections["province"] == cities.loc[m, "province"]
            mask |= (same_city & in_province).to_numpy()
        else:
            return reason("water_no_register", level=_COUNTY, column="county")
    return np.flatnonzero(mask)


def _per_unit(
    ctx: RunContext,
    req: Request,
    table: Callable[[pd.DataFrame], pd.DataFrame],
    value: Callable[[pd.DataFrame], pd.Series],
    valid: Callable[[pd.DataFrame], tuple[pd.Series, pd.Series, pd.Series]] | None = None,
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
                    "edition": STANDARD,
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
