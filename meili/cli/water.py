"""``meili water``: GB 3838-2002 classes, 环办〔2011〕22号 period/group assessment, CWQI ranking."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer

from meili.cli.common import Shown, emit, listing, progress
from meili.engine.water import (
    CWQI_STANDARD,
    STANDARD,
    assess_period,
    compare_groups,
    cwqi_by_group,
    waterbody_of,
)
from meili.errors import Location, UserError
from meili.ingest.adapters.tabular import map_header
from meili.ingest.kinds import get_kind
from meili.ingest.loaded import Loaded
from meili.ingest.readers import open_source
from meili.ingest.synonyms import split_header, squeeze
from meili.ingest.units import factor, label
from meili.lake.store import connect, live_datasets
from meili.output import records
from meili.standards.water import (
    ROUTINE_ITEMS,
    TABLE1,
    classify,
    exceedance_multiples,
    main_pollutants,
    parse_values,
    quality_grade,
)

app = typer.Typer(
    help=(
        "Surface water 地表水: GB 3838-2002 单因子分类, 环办〔2011〕22号 断面/流域评价, "
        "环办监测〔2017〕51号 CWQI 排名. Classify a file, or assess the lake's water_samples."
    ),
    no_args_is_help=True,
)


class Waterbody(StrEnum):
    river = "river"
    lake = "lake"
    auto = "auto"


class GroupKey(StrEnum):
    province = "province"
    basin = "basin"


class RankKey(StrEnum):
    province = "province"
    city = "city"


class Level(StrEnum):
    group = "group"
    section = "section"


class Variant(StrEnum):
    full = "full"
    automatic = "automatic"


FromOpt = Annotated[str, typer.Option("--from", help="Period start YYYY-MM-DD. 评价时段起")]
ToOpt = Annotated[str, typer.Option("--to", help="Period end YYYY-MM-DD (inclusive). 评价时段止")]
CmpFromOpt = Annotated[
    str | None, typer.Option("--compare-from", help="Comparison period start. 对比时段起")
]
CmpToOpt = Annotated[
    str | None, typer.Option("--compare-to", help="Comparison period end (inclusive). 对比时段止")
]


# ---------------------------------------------------------------------------------------------
# classify FILE


def _read_samples(path: Path) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """Samples of a CSV/XLSX file: id columns, GB 3838 item values (mg/L), source lines."""

    name = str(path)
    table = Loaded(open_source(path)).table
    kind = get_kind("water-samples")
    try:
        positions, units, unknown = map_header(table.header, kind)
    except UserError as exc:
        raise UserError(exc.message, Location(name, row=1)) from None
    by_name = {squeeze(code): code for code in TABLE1} | {
        squeeze(row.name_zh): code for code, row in TABLE1.items()
    }
    for pos, text in enumerate(table.header):
        if text not in unknown:
            continue
        head = split_header(text)
        code = by_name.get(squeeze(head.name)) or by_name.get(squeeze(text))
        if code and code not in positions:
            positions[code] = pos
            if head.unit:
                units[code] = head.unit
    if "section" not in positions:
        raise UserError("missing required column 'section' (断面名称)", Location(name, row=1))
    items = [c for c in TABLE1 if c in positions]
    if not items:
        raise UserError(
            "no GB 3838 item column (e.g. ph, do, codmn, nh3n, tp)", Location(name, row=1)
        )
    raw = pd.DataFrame({c: table.cells[positions[c]] for c in items})
    parsed = parse_values(raw)
    bad = parsed.quarantine.to_numpy()
    if bad.any():
        r, c = np.argwhere(bad)[0]
        col = items[c]
        raise UserError(
            f"unusable value {raw.iat[r, c]!r} ({parsed.flags.iat[r, c]})",
            Location(name, row=int(table.lines[r]), column=table.header[positions[col]]),
        )
    frame = parsed.values
    for c in items:
        unit = TABLE1[c].unit
        if c in units and unit == "mg/L":
            try:
                frame[c] = frame[c] * factor(units[c], "mg/L", table.header[positions[c]])
            except UserError as exc:
                raise UserError(exc.message, Location(name, row=1)) from None
        elif c in units and units[c] != unit:
            raise UserError(
                f"unit {label(units[c])} not accepted for {c} (expected {unit})",
                Location(name, row=1, column=table.header[positions[c]]),
            )
    for c in ("province", "basin", "section", "time"):
        if c in positions:
            frame.insert(len(frame.columns) - len(items), c, table.cells[positions[c]].to_numpy())
    if "temp_c" in positions:  # GB 3838 DO Class Ⅰ at 90 % saturation needs the temperature
        temp = pd.to_numeric(pd.Series(table.cells[positions["temp_c"]]), errors="coerce")
        frame["temp_c"] = temp.to_numpy(dtype=float)
    used = set(positions.values())
    unmapped = [t for i, t in enumerate(table.header) if t in unknown and i not in used]
    notes = [f"unknown columns ignored: {', '.join(unmapped)}"] if unmapped else []
    return frame, np.asarray(table.lines), notes


@app.command("classify")
@listing
def classify_cmd(
    shown: Shown,
    file: Annotated[Path, typer.Argument(help="CSV/XLSX of samples (one row each). 监测数据文件")],
    waterbody: Annotated[
        Waterbody,
        typer.Option(
            "--waterbody",
            help="river, lake (湖库 TP) or auto (section register, else the name). 水体类型",
        ),
    ] = Waterbody.auto,
    with_tn: Annotated[
        bool, typer.Option("--with-tn", help="Add TN for lake/reservoir rows. 湖库评价含总氮")
    ] = False,
) -> None:
    """Class of each sample row, exceedance multiples vs Class Ⅲ, main pollutants.

    每行样品的水质类别（单因子评价）、超过Ⅲ类标准的倍数和主要污染指标。
    GB 3838-2002 Table 1; 环办〔2011〕22号.
    """
    with progress("classifying 分类中"):
        frame, lines, notes = _read_samples(file)
        if waterbody is Waterbody.auto:
            wb, src = waterbody_of(connect(), frame)
        else:
            wb = pd.Series(waterbody.value, index=frame.index)
            src = pd.Series("option", index=frame.index)
        cls = classify(frame, wb, with_tn=with_tn)
        mult = exceedance_multiples(frame, wb, "Ⅲ", (*ROUTINE_ITEMS, "tn"))
        if "tn" in mult.columns:  # TN only where assessed: lake rows with --with-tn
            mult["tn"] = mult["tn"].where((wb == "lake").to_numpy() & with_tn)
        mains = main_pollutants(frame, wb, with_tn=with_tn)
    over = mult.stack().round(4)
    exceed: list[dict[str, float]] = [{} for _ in range(len(frame))]
    pos = {label: i for i, label in enumerate(frame.index)}
    for (row, item), value in over.items():
        exceed[pos[row]][str(item)] = float(value)
    main: list[list[str]] = [[] for _ in range(len(frame))]
    for row, item in zip(mains["row"], mains["item"], strict=True):
        main[pos[row]].append(str(item))
    items = [c for c in frame.columns if c not in ("province", "basin", "section", "time")]
    recs = []
    base = records(frame)
    for i, rec in enumerate(base):
        recs.append(
            {
                "row": int(lines[i]),
                **{k: rec[k] for k in ("province", "basin", "section", "time") if k in rec},
                "waterbody": wb.iloc[i],
                "waterbody_source": src.iloc[i],
                "class": None if pd.isna(cls.iloc[i]) else cls.iloc[i],
                "grade": _grade(quality_grade(cls).iloc[i]),
                "exceedance_vs_III": exceed[i],
                "main_pollutants": main[i],
                **{k: rec[k] for k in items},
                "standard": STANDARD,
            }
        )
    cols = [
        c
        for c in (
            "row", "section", "time", "waterbody", "waterbody_source", "class", "grade",
            "exceedance_vs_III", "main_pollutants",
        )
        if recs and c in recs[0]
    ]  # fmt: skip
    meta = {"file": str(file), "standard": STANDARD, "with_tn": with_tn, "notes": notes}
    emit(recs, shown, columns=cols, meta=meta, sheet="classify", empty=f"{file} has no sample rows")


def _grade(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


# ---------------------------------------------------------------------------------------------
# period / rank over the lake


@app.command("period")
@listing
def period_cmd(
    shown: Shown,
    start: FromOpt,
    end: ToOpt,
    province: Annotated[
        str | None, typer.Option("--province", help="Only this province. 省份")
    ] = None,
    basin: Annotated[str | None, typer.Option("--basin", help="Only this basin. 流域")] = None,
    section: Annotated[
        str | None, typer.Option("--section", help="Only this section. 断面")
    ] = None,
    by: Annotated[
        GroupKey, typer.Option("--by", help="Group: province or basin. 分组")
    ] = GroupKey.basin,
    level: Annotated[
        Level, typer.Option("--level", help="group (status per group) or section. 输出层级")
    ] = Level.group,
    compare_from: CmpFromOpt = None,
    compare_to: CmpToOpt = None,
) -> None:
    """Period means per section, section classes, group shares and status, change between periods.

    时段均值（先平均后评价）、断面类别、分组优良(Ⅰ–Ⅲ)和劣Ⅴ比例、流域水质状况（断面少于5个时
    用均值法）、与对比时段的变化（ΔG−ΔD）。环办〔2011〕22号; GB 3838-2002.
    """
    if (compare_from is None) != (compare_to is None):
        raise UserError(
            "give both --compare-from and --compare-to", Location(column="--compare-to")
        )
    with progress("assessing 评价中"):
        con = connect()
        kw = {"by": by.value, "province": province, "basin": basin, "section": section}
        result = assess_period(con, start, end, **kw)
        groups = result.groups
        if compare_from is not None:
            before = assess_period(con, compare_from, compare_to, **kw)
            groups = compare_groups(groups, before.groups, by.value)
    meta = {
        "from": start,
        "to": end,
        "by": by.value,
        "compare_from": compare_from,
        "compare_to": compare_to,
        "standard": STANDARD,
    }
    if level is Level.section:
        recs = [{**r, "standard": STANDARD} for r in records(result.sections)]
        cols = [
            "province", "basin", "section", "n_samples", "waterbody", "waterbody_source",
            "class", "grade",
        ]  # fmt: skip
        emit(recs, shown, columns=cols, meta=meta, sheet="sections", empty=_no_samples(start, end))
        return
    recs = [{**r, "standard": STANDARD} for r in records(groups)]
    cols = [by.value, "n_sections", "share_I_III", "share_worse_V", "method", "class", "status"]
    if compare_from is not None:
        cols += ["delta_g", "delta_d", "score", "change"]
    emit(recs, shown, columns=cols, meta=meta, sheet="groups", empty=_no_samples(start, end))


@app.command("rank")
@listing
def rank_cmd(
    shown: Shown,
    start: FromOpt,
    end: ToOpt,
    by: Annotated[
        RankKey, typer.Option("--by", help="province or city (needs section register). 排名单位")
    ] = RankKey.province,
    compare_from: CmpFromOpt = None,
    compare_to: CmpToOpt = None,
    variant: Annotated[
        Variant,
        typer.Option(
            "--variant",
            help="full (the method's 21 items) or automatic (pH, DO, CODMn, NH3-N, TP of "
            "automatic stations); only units with every item are ranked. 指标集",
        ),
    ] = Variant.full,
) -> None:
    """CWQI per province or city and its rank (smaller is better, ties share a rank), ΔCWQI %.

    城市水质指数 CWQI 及排名（越小越好，并列同名次）、与对比时段相比的变化率。
    环办监测〔2017〕51号; GB 3838-2002.
    """
    if (compare_from is None) != (compare_to is None):
        raise UserError(
            "give both --compare-from and --compare-to", Location(column="--compare-to")
        )
    cmp = (compare_from, compare_to) if compare_from is not None else None
    with progress("ranking 排名中"):
        frame = cwqi_by_group(
            connect(), start, end, by=by.value, compare=cmp, variant=variant.value
        )
    recs = [{**r, "standard": CWQI_STANDARD} for r in records(frame)]
    cols = [by.value, "rank", "cwqi", "cwqi_river", "m_river", "cwqi_lake", "m_lake"]
    cols += ["variant", "complete", "missing_items"]
    if cmp is not None:
        cols += ["cwqi_base", "cwqi_change_pct"]
    meta = {"from": start, "to": end, "by": by.value, "compare_from": compare_from,
            "compare_to": compare_to, "standard": CWQI_STANDARD}  # fmt: skip
    emit(recs, shown, columns=cols, meta=meta, sheet="cwqi", empty=_no_samples(start, end))


def _no_samples(start: str, end: str) -> str:
    """Why a water assessment is empty: what the lake holds."""

    con = connect()
    if "water_samples" not in live_datasets(con):
        return "the lake has no water samples (water_samples); ingest some first"
    lo, hi, n = con.sql("SELECT min(time), max(time), count(*) FROM water_samples").fetchone()
    return f"no water samples from {start} to {end} (the lake's {n} samples span {lo} … {hi})"
