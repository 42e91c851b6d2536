"""Surface-water assessment over the lake (DuckDB): period means, section classes, group status,
change between periods and CWQI ranking — the engine side of :mod:`meili.standards.water`.

Methods: 环办〔2011〕22号 (period means first, then classify; class shares; < 5 sections →
mean of sections; ΔG − ΔD change) [@hbb2011-22:statistics] [@hbb2011-22:groups]
[@hbb2011-22:change] and 环办监测〔2017〕51号 (CWQI) [@cwqi-2017:formula], against GB 3838-2002
Table 1 [@gb3838-2002:t1]. Neither method's text was read: several of their rules are
unconfirmed (see their modules). Aggregation runs in DuckDB; classification uses the pure
functions.

``source`` is a DuckDB connection holding a ``water_samples`` view (``meili.lake.store.connect()``)
or a pandas frame with the same columns. Periods are ``start ≤ time < end``; an ``end`` given as
a date (no time of day) includes that whole day.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import duckdb
import numpy as np
import pandas as pd

from meili.engine import DuckDBEngine, Engine, FrameEngine
from meili.engine.exact_sql import mean_sql
from meili.errors import UserError
from meili.standards.water.cwqi import DEFAULT_VARIANT, city_cwqi, cwqi_change, rank_cwqi
from meili.standards.water.evaluation2011 import classify, quality_grade
from meili.standards.water.gb3838 import TABLE1, TEMPERATURE
from meili.standards.water.groups2011 import change_by_shares, group_status
from meili.standards.water.names import waterbody_from_name

STANDARD: Final = "GB 3838-2002; 环办〔2011〕22号"
CWQI_STANDARD: Final = "环办监测〔2017〕51号; GB 3838-2002"
UNKNOWN: Final = "(未知)"
#: Parameters averaged for the lake TLI that GB 3838 Table 1 has not: chlorophyll a (mg/L in
#: the lake) and transparency SD (m) [@tli-2001:formula].
TROPHIC_ONLY: Final = ("chla", "sd")
Source = duckdb.DuckDBPyConnection | pd.DataFrame | Engine
GroupBy = Literal["province", "basin", "city"]


@dataclass(frozen=True)
class PeriodAssessment:
    """Sections (one row each: period means, class, grade) and groups (shares, status)."""

    start: pd.Timestamp
    end: pd.Timestamp
    by: str
    sections: pd.DataFrame
    groups: pd.DataFrame


def period_bounds(start: object, end: object) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``[start, end)`` timestamps; a date-only ``end`` is moved to the next midnight."""
    try:
        s, e = pd.Timestamp(start), pd.Timestamp(end)
    except (TypeError, ValueError):
        raise UserError(f"invalid period {start!r} – {end!r} (use YYYY-MM-DD)") from None
    if e == e.normalize():
        e = e + pd.Timedelta(days=1)
    if e <= s:
        raise UserError(f"empty period: {start} is not before {end}")
    return s, e


def as_engine(source: Source) -> Engine:
    """The engine a source is read through: an engine as given; a DuckDB connection holding
    the lake's views, or a frame of ``water_samples``, on DuckDB."""
    if isinstance(source, pd.DataFrame):
        return FrameEngine({"water_samples": source})
    if isinstance(source, duckdb.DuckDBPyConnection):
        return DuckDBEngine(None, source)
    return source


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {r[0] for r in rows}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _stamp(t: pd.Timestamp) -> str:
    return f"TIMESTAMP '{t.strftime('%Y-%m-%d %H:%M:%S.%f')}'"


def section_means_sql(
    items: list[str],
    start: pd.Timestamp,
    end: pd.Timestamp,
    *,
    has_province: bool = True,
    has_basin: bool = True,
    where: dict[str, str] | None = None,
    table: str = "water_samples",
) -> str:
    """The definition of :func:`section_means` (DuckDB SQL, run on either engine).

    Means are :func:`meili.engine.exact_sql.mean_sql` (the same bits on DuckDB and Spark,
    whatever the order of rows); the basin of a section is its smallest name (one per
    section in the releases; ``min`` keeps the choice the same on every engine).
    """
    means = ", ".join(f"{mean_sql(f'{_q(c)}')} AS {_q(c)}" for c in items)
    cond = [f"time >= {_stamp(start)}", f"time < {_stamp(end)}"]
    cond += [f"{k} = {_literal(v)}" for k, v in (where or {}).items()]
    prov = "province" if has_province else "CAST(NULL AS VARCHAR)"
    basin = "min(basin)" if has_basin else "CAST(NULL AS VARCHAR)"
    group = "province, section" if has_province else "section"
    return (
        f"SELECT {prov} AS province, section, {basin} AS basin, count(*) AS n_samples"
        f"{', ' + means if means else ''} FROM {table} WHERE {' AND '.join(cond)} "
        f"GROUP BY {group}"
    )


def section_means(
    source: Source,
    start: object,
    end: object,
    *,
    province: str | None = None,
    basin: str | None = None,
    section: str | None = None,
) -> pd.DataFrame:
    """Arithmetic period mean of each GB 3838 item per section (环办〔2011〕22号 数据统计).

    One row per (province, section) with ``basin``, ``n_samples``, the item means (and the
    mean water temperature ``temp_c``, for the DO saturation of GB 3838 Class Ⅰ, and the means
    of ``chla`` and ``sd`` where the samples have them, for the TLI), ``waterbody``
    (river/lake) and ``waterbody_source`` (``register`` or ``name``). Empty frame if no sample.
    ``source``: an engine (DuckDB or Spark: the same result to the bit), a DuckDB connection
    over the lake, or a frame of samples.
    [@hbb2011-22:statistics]
    """
    eng = as_engine(source)
    cols = eng.columns("water_samples")
    if cols is None:
        raise UserError("the lake has no water_samples; run `meili ingest water-samples FILE`")
    items = [c for c in (*TABLE1, TEMPERATURE, *TROPHIC_ONLY) if c in cols]
    s, e = period_bounds(start, end)
    where = {}
    for name, value in (("province", province), ("basin", basin), ("section", section)):
        if value is not None:
            if name not in cols:
                raise UserError(f"water_samples has no {name} column")
            where[name] = value
    read = ["section", "time", *items, *(c for c in ("province", "basin") if c in cols)]
    eng.register_lake("water_samples", "water_samples", read)
    sql = section_means_sql(
        items, s, e, has_province="province" in cols, has_basin="basin" in cols, where=where
    )
    frame = eng.fetch(sql)
    frame = frame.sort_values(["province", "section"], na_position="first", kind="stable")
    frame = frame.reset_index(drop=True)
    frame["n_samples"] = frame["n_samples"].astype("int64")
    for c in items:
        frame[c] = frame[c].astype(float)
    wb, src = waterbody_of(eng, frame)
    frame["waterbody"] = wb
    frame["waterbody_source"] = src
    return frame


def sample_batches(source: Source, start: object, end: object) -> list[str]:
    """The lake batches holding water samples of ``[start, end)`` (lineage), sorted."""
    eng = as_engine(source)
    cols = eng.columns("water_samples")
    if cols is None or "batch_id" not in cols:
        return []
    s, e = period_bounds(start, end)
    eng.register_lake("water_batches", "water_samples", ["time", "batch_id"])
    got = eng.fetch(
        f"SELECT DISTINCT batch_id FROM water_batches "
        f"WHERE time >= {_stamp(s)} AND time < {_stamp(e)}"
    )
    return sorted(str(b) for b in got["batch_id"].dropna())


def register_rows(source: Source, columns: list[str]) -> pd.DataFrame | None:
    """The section register (the lake's ``water_sections``) with those of ``columns`` it has
    (``batch_id`` included when present); None when the lake has no register. Sorted by
    province and section, so every engine gives the same frame."""
    eng = as_engine(source)
    have = eng.columns("water_sections")
    if have is None:
        return None
    cols = [c for c in dict.fromkeys(["province", "section", *columns, "batch_id"]) if c in have]
    eng.register_lake("water_sections", "water_sections", cols)
    frame = eng.fetch(f"SELECT {', '.join(cols)} FROM water_sections")
    keys = [c for c in ("province", "section") if c in frame]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def waterbody_of(con: Source | None, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """River/lake per row, and where it came from: the section register, else the name.

    The register is the lake's ``water_sections`` with a ``waterbody_type`` column, matched on
    (province, section) and then on section alone; other rows use :func:`waterbody_from_name`.
    ``con``: an engine or a DuckDB connection over the lake (None: names only).
    """
    guess = waterbody_from_name(frame["section"])
    out = pd.Series(pd.NA, index=frame.index, dtype="object")
    reg = None if con is None else register_rows(con, ["waterbody_type"])
    if reg is not None and "waterbody_type" in reg:
        reg = reg[reg["waterbody_type"].notna()]
        if "province" not in reg:
            reg = reg.assign(province=None)
        out = _match_register(frame, reg[["province", "section", "waterbody_type"]])
    known = out.notna()
    wb = pd.Series(np.where(known, out, guess), index=frame.index, dtype="object")
    src = pd.Series(np.where(known, "register", "name"), index=frame.index, dtype="object")
    return wb, src


def _match_register(frame: pd.DataFrame, reg: pd.DataFrame) -> pd.Series:
    left = frame[["section"]].assign(
        province=frame.get("province", pd.NA), _pos=np.arange(len(frame))
    )
    by_both = reg.drop_duplicates(["province", "section"]).rename(
        columns={"waterbody_type": "_both"}
    )
    one = reg.groupby("section")["waterbody_type"].agg(
        lambda s: s.iloc[0] if s.nunique() == 1 else None
    )
    m = left.merge(by_both, on=["province", "section"], how="left").sort_values("_pos")
    both = pd.Series(m["_both"].to_numpy(), index=frame.index)
    alone = frame["section"].map(one)
    return both.where(both.notna(), alone)


def assess_period(
    source: Source,
    start: object,
    end: object,
    *,
    by: GroupBy = "basin",
    province: str | None = None,
    basin: str | None = None,
    section: str | None = None,
) -> PeriodAssessment:
    """Section classes from period means and the status of each group (province or basin).

    环办〔2011〕22号: mean first, then the single-factor class (GB 3838-2002); per group the
    Ⅰ–Ⅲ (优良) and 劣Ⅴ shares and the status by the class-share method, or, for fewer than
    5 sections, by the class of the mean of the sections. Raises :class:`UserError` when the
    period holds no sample.
    [@hbb2011-22:statistics] [@hbb2011-22:groups]
    """
    sections = section_means(source, start, end, province=province, basin=basin, section=section)
    if sections.empty:
        raise UserError(f"no water samples between {start} and {end}")
    if by not in sections.columns:
        raise UserError(f"cannot group by {by!r} (water_samples has no such column)")
    sections[by] = sections[by].fillna(UNKNOWN)
    wb = sections["waterbody"]
    sections["class"] = classify(sections, wb)
    sections["grade"] = quality_grade(sections["class"])
    groups = group_status(sections, by, wb).reset_index()
    s, e = period_bounds(start, end)
    return PeriodAssessment(s, e, by, sections, groups)


def compare_groups(now: pd.DataFrame, before: pd.DataFrame, by: str) -> pd.DataFrame:
    """Add ΔG, ΔD, ΔG − ΔD and the verdict (环办〔2011〕22号 水质变化趋势) to ``now``'s groups.

    [@hbb2011-22:change]
    """
    prev = before.set_index(by)[["share_I_III", "share_worse_V"]]
    cur = now.set_index(by)
    prev = prev.reindex(cur.index)
    change = change_by_shares(
        prev["share_I_III"], prev["share_worse_V"], cur["share_I_III"], cur["share_worse_V"]
    )
    out = cur.assign(
        share_I_III_before=prev["share_I_III"].to_numpy(),
        share_worse_V_before=prev["share_worse_V"].to_numpy(),
        delta_g=change["delta_g"].to_numpy(),
        delta_d=change["delta_d"].to_numpy(),
        score=change["score"].to_numpy(),
        change=change["change"].to_numpy(),
    )
    return out.reset_index()


def cwqi_by_group(
    source: Source,
    start: object,
    end: object,
    *,
    by: GroupBy = "province",
    compare: tuple[object, object] | None = None,
    variant: str = DEFAULT_VARIANT,
) -> pd.DataFrame:
    """CWQI per group, rank (ascending, ties share the best rank) and ΔCWQI % vs ``compare``.

    环办监测〔2017〕51号 [@cwqi-2017:formula] [@cwqi-2017:city] [@cwqi-2017:rank]: period means
    per section (the method's text was not read: unconfirmed), Σ CWQI(i) over the items of
    ``variant`` (``"full"``: the method's 21 items;
    ``"automatic"``: the automatic-station items [@meili:cwqi-automatic]), river and lake
    parts weighted by section counts. Only groups with every item of the variant get a rank
    (``complete``, ``missing_items``). ``by="city"`` needs a ``city`` column in the lake's
    ``water_sections`` register.
    """
    now = _cwqi(source, start, end, by, variant)
    if compare is not None:
        base = _cwqi(source, compare[0], compare[1], by, variant).set_index(by)["cwqi"]
        now["cwqi_base"] = now[by].map(base)
        now["cwqi_change_pct"] = cwqi_change(now["cwqi"], now["cwqi_base"]).to_numpy()
    return now


def _cwqi(source: Source, start: object, end: object, by: str, variant: str) -> pd.DataFrame:
    sections = section_means(source, start, end)
    if sections.empty:
        raise UserError(f"no water samples between {start} and {end}")
    if by == "city":
        sections["city"] = register_city(source, sections)
    elif by not in sections.columns:
        raise UserError(f"cannot rank by {by!r} (use province or city)")
    sections[by] = sections[by].fillna(UNKNOWN)
    try:
        out = city_cwqi(sections, by, sections["waterbody"], variant).reset_index()
    except ValueError as exc:  # an unknown variant name
        raise UserError(str(exc)) from None
    out["rank"] = rank_cwqi(out).to_numpy()
    return out.sort_values(["rank", by], na_position="last").reset_index(drop=True)


def register_city(con: Source, sections: pd.DataFrame) -> pd.Series:
    """The city of each section (by province and section) from the lake's section register;
    :class:`UserError` when the register has no ``city`` column. ``con``: an engine or a
    DuckDB connection over the lake."""
    return register_column(con, sections, "city", "ranking by city")


def register_column(
    con: Source, sections: pd.DataFrame, column: str, need: str = "placing sections"
) -> pd.Series:
    """``column`` of the section register (``city``, ``county``, ``area_code`` …) for each
    section, matched on province and section; :class:`UserError` when the register lacks it."""
    reg = register_rows(con, [column])
    if reg is None or column not in reg or "province" not in reg:
        raise UserError(
            f"{need} needs the section register with a {column} column "
            "(`meili ingest water-sections FILE`)"
        )
    m = sections[["province", "section"]].merge(
        reg[["province", "section", column]].drop_duplicates(["province", "section"]),
        on=["province", "section"],
        how="left",
    )
    return pd.Series(m[column].to_numpy(), index=sections.index)


def demo_summary(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """Province status of the demo water samples (April 2021: Beijing, Tianjin, Hebei, and
    Fujian in the store `meili demo` builds).

    Reads ``con``'s ``water_samples`` (landed by ``meili demo``); empty when it has none.
    Records: province, n_sections, 优良 and 劣Ⅴ shares (%), status, method, standard.
    """
    if "water_samples" not in _tables(con):
        return []
    result = assess_period(con, "2021-04-01", "2021-04-30", by="province")
    cols = ["province", "n_sections", "share_I_III", "share_worse_V", "status", "method"]
    groups = result.groups[cols].round({"share_I_III": 1, "share_worse_V": 1})
    return [{**r, "standard": STANDARD} for r in groups.to_dict("records")]
