"""Meili's Python API: the national methods on pandas DataFrames named as in the lake.

Every function takes DataFrames whose columns carry the lake's lower-case names (``site_code``,
``time``, ``pm25``, ``pm10``, ``so2``, ``no2``, ``co``, ``o3``, ``o3_8h``; water items ``ph``,
``do``, ``codmn``, ``nh3n``, ``tp`` …) and returns a DataFrame. A column the function does not
know, or a required column that is missing, raises :class:`ColumnError` with one message that
names them and the accepted names (a value that is not a number names its row) — never an
empty or all-missing result. The HJ 633 edition follows the date of the data (2026 rules from
2026-03-01), or is given; there is no silent default. This module is a thin front: the rules
live in :mod:`meili.standards` and the period computations in :mod:`meili.engine`, each citing
its clauses ([@hj633-2026:5.3.1], …; see :mod:`meili.standards.citations`).

See ``docs/python-api.md`` for a worked example.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from meili.assess.composite import build_coin, parse_pipeline, run_pipeline
from meili.engine import FrameEngine
from meili.engine.air_period import Selection
from meili.engine.air_period import daily as engine_daily
from meili.engine.air_period import period as engine_period
from meili.engine.water import assess_period, cwqi_by_group
from meili.errors import Location, UserError
from meili.ingest.adapters import choose
from meili.ingest.loaded import Loaded
from meili.ingest.readers import open_source
from meili.ingest.reference import bundled_sites
from meili.ingest.validate import Context, beijing_now, validate
from meili.standards.air.editions import edition_for, normalise_edition
from meili.standards.air.hj633_tables import DEFAULT_SET, INDICATOR_SETS, ITEMS
from meili.standards.air.hj663 import DAILY_ITEMS
from meili.standards.air.index import Kind
from meili.standards.air.index import aqi as hj633_aqi
from meili.standards.air.ranking import composite_index as ranking_index
from meili.standards.air.ranking import rank_cities
from meili.standards.air.subindex import AboveTable
from meili.standards.water import (
    ROUTINE_ITEMS,
    TABLE1,
    class_labels,
    classify,
    main_pollutants,
    quality_grade,
    single_factor_classes,
)
from meili.standards.water.cwqi import DEFAULT_VARIANT
from meili.standards.water.gb3838 import TEMPERATURE

#: Lake column → HJ 633 item, for daily values (as the engine's) and for hourly values.
AIR_DAILY: Mapping[str, str] = DAILY_ITEMS
AIR_HOURLY: Mapping[str, str] = {
    "so2": "SO2_1H",
    "no2": "NO2_1H",
    "pm10": "PM10_1H",
    "pm25": "PM25_1H",
    "co": "CO_1H",
    "o3": "O3_1H",
    "o3_8h": "O3_8H",
    "so2_24h": "SO2_24H",
    "pm10_24h": "PM10_24H",
    "pm25_24h": "PM25_24H",
}
#: Identifying columns carried through unchanged.
IDS = (
    "key",
    "site_code",
    "site_name",
    "name",
    "city",
    "city_code",
    "city_name",
    "province",
    "prefecture",
    "basin",
    "section",
    "control",
    "batch_id",
)
HOURLY_REQUIRED = ("site_code", "time", "pm25", "pm10", "so2", "no2", "co", "o3")
HOURLY_OPTIONAL = ("aqi", "o3_8h", "batch_id")
SITES_REQUIRED = ("site_code", "name", "city", "control")
SITES_OPTIONAL = (
    "province",
    "prefecture",
    "lon",
    "lat",
    "division_code",
    "site_type",
    "decommissioned",
    "batch_id",
)
INDEX_COLUMNS = ("so2", "no2", "pm10", "pm25", "co_p95", "o3_8h_p90")
WATER_EXTRA = (TEMPERATURE, "time", "waterbody", "water_class", "site_status")
_TRUE = {"true", "1", "y", "yes", "是", "t"}
_FALSE = {"false", "0", "n", "no", "否", "f", ""}


class ColumnError(UserError, ValueError):
    """A frame's columns (or a value in them) do not fit the function: one message says which."""


# --- checks -----------------------------------------------------------------------------------


def _squeeze(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def _check(
    frame: object, what: str, required: Iterable[str], allowed: Iterable[str]
) -> pd.DataFrame:
    """``frame`` as a DataFrame whose columns are all ``allowed`` and include ``required``."""
    if not isinstance(frame, pd.DataFrame):
        raise ColumnError(f"{what}: expected a pandas DataFrame, got {type(frame).__name__}")
    ok = list(dict.fromkeys(allowed))
    names = [str(c) for c in frame.columns]
    unknown = [c for c in names if c not in ok]
    missing = [c for c in required if c not in names]
    if unknown or missing:
        parts = []
        if unknown:
            parts.append("unknown column(s) " + ", ".join(repr(c) for c in unknown))
        if missing:
            parts.append("missing column(s) " + ", ".join(repr(c) for c in missing))
        near = {_squeeze(c): c for c in ok}
        hints = [f"{c!r} → {near[_squeeze(c)]!r}" for c in unknown if _squeeze(c) in near]
        hint = f" (did you mean {', '.join(hints)}?)" if hints else ""
        raise ColumnError(
            f"{what}: {'; '.join(parts)}{hint}. Use the lake's names: {', '.join(ok)}",
            Location(column=(unknown or missing)[0]),
        )
    return frame


def _numbers(frame: pd.DataFrame, column: str, what: str) -> np.ndarray:
    """A column as float64; a value that is not a number (e.g. ``"12,5"``) is an error."""
    raw = frame[column]
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        return raw.to_numpy(dtype=np.float64, na_value=np.nan)
    text = raw.astype("string").str.strip()
    num = pd.to_numeric(text.replace("", pd.NA), errors="coerce")
    bad = num.isna() & text.notna() & (text != "")
    if bad.any():
        row = bad.idxmax()
        raise ColumnError(
            f"{what}: {text[row]!r} is not a number",
            Location(row=int(_pos(frame, row)), column=column),
        )
    return num.astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)


def _pos(frame: pd.DataFrame, label: object) -> int:
    """1-based position of a row label (the row a user counts)."""
    return int(frame.index.get_loc(label)) + 1 if frame.index.is_unique else 0


def _times(frame: pd.DataFrame, column: str, what: str) -> pd.Series:
    values = frame[column]
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.tz_localize(None) if values.dt.tz is not None else values
    parsed = pd.to_datetime(values, errors="coerce", format="mixed")
    bad = parsed.isna() & values.notna()
    if bad.any():
        row = bad.idxmax()
        raise ColumnError(
            f"{what}: {values[row]!r} is not a date/time",
            Location(row=_pos(frame, row), column=column),
        )
    return parsed


def _booleans(frame: pd.DataFrame, column: str, what: str) -> np.ndarray:
    values = frame[column]
    if pd.api.types.is_bool_dtype(values):
        return values.fillna(False).to_numpy(dtype=bool)
    text = values.astype("string").str.strip().str.lower().fillna("")
    bad = ~text.isin(_TRUE | _FALSE)
    if bad.any():
        row = bad.idxmax()
        raise ColumnError(
            f"{what}: {values[row]!r} is not yes/no (Y/N, true/false, 是/否)",
            Location(row=_pos(frame, row), column=column),
        )
    return text.isin(_TRUE).to_numpy()


# --- files --------------------------------------------------------------------------------------


def read(path: str | Path, kind: str = "auto") -> pd.DataFrame:
    """Read a data file into a frame with the lake's columns, as ``meili ingest`` would.

    Same readers and adapters (CSV/XLSX/Parquet, UTF-8 or GBK; CNEMC and UCI layouts
    recognised; ``kind`` ``auto`` or a kind name such as ``air-hourly``), nothing written to
    the lake. Rows that ingest would quarantine are left out and listed, with their reason,
    in ``frame.attrs["quarantine"]`` (records with ``rec`` — the record's position in the
    file's data —, ``column``, ``reason``, ``value``); ``frame.attrs["kind"]`` names the kind.
    """
    file = Path(path)
    loaded = Loaded(open_source(file))
    choice = choose(loaded, kind)
    ext = choice.extract(loaded, choice.kind)
    errors = validate(choice.kind, ext, Context(known=None, now=beijing_now()), str(file))
    bad = np.zeros(ext.rows, dtype=bool)
    bad[errors["rec"].to_numpy(dtype=np.int64)] = True
    frame = ext.frame[~bad].reset_index(drop=True)
    frame.attrs["kind"] = choice.kind.name
    frame.attrs["quarantine"] = errors.astype(object).to_dict("records")
    return frame


# --- air ----------------------------------------------------------------------------------------


def _editions(frame: pd.DataFrame, kind: Kind, edition: str | int | None, what: str):
    """(edition or None, dates or None, the editions present)."""
    if edition is not None:
        ed = normalise_edition(edition)
        return ed, None, {ed}
    if "day" in frame.columns:
        dates = _times(frame, "day", what)
    elif "time" in frame.columns:
        stamps = _times(frame, "time", what)
        dates = stamps - pd.Timedelta(hours=1) if kind == "hourly" else stamps  # hour-ending
    else:
        raise ColumnError(
            f"{what}: give edition='2012' or '2026', or a 'day'/'time' column to choose the "
            "HJ 633 edition by the date of the data (2026 rules from 2026-03-01)",
            Location(column="day"),
        )
    if dates.isna().any():
        row = dates.isna().idxmax()
        raise ColumnError(
            f"{what}: a missing date cannot choose the edition",
            Location(row=_pos(frame, row), column="day" if "day" in frame else "time"),
        )
    dates = dates.to_numpy()
    return None, dates, set(edition_for(dates).tolist()) if len(dates) else set()


def _items_wanted(
    indicators: str | Sequence[str] | None, names: Mapping[str, str], eds: set[str], kind: Kind
) -> tuple[str | list[str] | None, set[str]]:
    """(the ``indicators`` argument for the standard, the items it needs)."""
    if indicators is None:
        return None, {i for ed in eds for i in INDICATOR_SETS[DEFAULT_SET[(ed, kind)]]}
    if isinstance(indicators, str):
        if indicators not in INDICATOR_SETS:
            known = ", ".join(INDICATOR_SETS)
            raise UserError(f"unknown indicator set {indicators!r}; use one of {known}")
        return indicators, set(INDICATOR_SETS[indicators])
    items = []
    for name in indicators:
        item = names.get(name, name)
        if item not in ITEMS:
            raise UserError(f"unknown indicator {name!r}; use {', '.join(names)}")
        items.append(item)
    return items, set(items)


def aqi(
    frame: pd.DataFrame,
    kind: Kind = "daily",
    *,
    edition: str | int | None = None,
    indicators: str | Sequence[str] | None = None,
    above_table: AboveTable = "cap",
    exempt: Sequence[str] = (),
) -> pd.DataFrame:
    """AQI, IAQI, primary pollutant, level and colour per row (HJ 633-2012 / HJ 633-2026).

    [@hj633-2012:4.4] [@hj633-2026:4.2.4] via :func:`meili.standards.air.index.aqi`.
    ``kind="daily"``: columns ``so2 no2 pm10 pm25 co o3_8h`` (daily means, µg/m³, CO mg/m³)
    and, for 2012-edition days, ``o3_1h`` (the daily maximum 1-h O3) [@hj633-2012:5.1.2].
    ``kind="hourly"``: ``so2 no2 pm10 pm25 co o3`` (1-hour means) [@cnemc:realtime-aqi-2019].
    The edition: ``edition=``, else by ``day`` (or ``time``; hourly stamps end their hour)
    per row. ``indicators`` names another set (``"hourly-2012-sliding"`` needs ``o3_8h``,
    ``pm10_24h``, ``pm25_24h``) or lists columns. ``exempt`` lists columns that HJ 633-2026
    §5.3.2 exempts [@hj633-2026:5.3.2]. Identifying columns (``site_code``, ``city_code``,
    ``day``/``time`` …) are kept; an input ``aqi`` (the published value) becomes
    ``aqi_published``. Adds ``iaqi_<column>``, ``aqi``, ``primary``, ``level``,
    ``category_zh``, ``category_en``, ``colour``, ``exceedance``, ``complete``,
    ``above_table`` (AQI 500 by convention [@meili:above-table]) and ``edition``.
    """
    what = f"aqi(kind={kind!r})"
    if kind not in ("daily", "hourly"):
        raise UserError("kind must be 'daily' or 'hourly'")
    names = AIR_DAILY if kind == "daily" else AIR_HOURLY
    allowed = [*("day", "time"), *IDS, *names, "aqi"]
    _check(frame, what, (), allowed)
    ed, dates, eds = _editions(frame, kind, edition, what)
    chosen, items = _items_wanted(indicators, names, eds, kind)
    required = [c for c, item in names.items() if item in items]
    _check(frame, what, required, allowed)
    data = pd.DataFrame(
        {names[c]: _numbers(frame, c, what) for c in names if c in frame.columns},
        index=frame.index,
    )
    res = hj633_aqi(
        data,
        ed,
        kind,
        dates=dates,
        indicators=chosen,
        above_table=above_table,
        exempt=[names.get(e, e) for e in exempt],
    )
    out = frame[[c for c in frame.columns if c in (*IDS, "day", "time")]].copy()
    if "aqi" in frame.columns:
        out["aqi_published"] = frame["aqi"]
    back = {item: col for col, item in names.items()}
    for col in res.columns:
        if col.startswith("IAQI_"):
            out[f"iaqi_{back.get(col[5:], col[5:].lower())}"] = res[col]
    out["aqi"] = res["AQI"]
    for col in ("primary", "level", "category_zh", "category_en", "colour", "exceedance"):
        out[col] = res[col]
    out["complete"] = res["complete"]
    out["above_table"] = res["above_table"]
    out["edition"] = res["edition"]
    return out


def _air_engine(hourly: pd.DataFrame, sites: pd.DataFrame | None, what: str) -> FrameEngine:
    """A DuckDB engine over the user's hourly rows and site list (the bundled one if None)."""
    _check(hourly, what, HOURLY_REQUIRED, [*HOURLY_REQUIRED, *HOURLY_OPTIONAL, "day"])
    rows = pd.DataFrame(
        {
            "site_code": hourly["site_code"].astype("string").str.strip().astype(object),
            "time": _times(hourly, "time", what).astype("datetime64[ns]"),
            **{c: _numbers(hourly, c, what) for c in HOURLY_REQUIRED[2:]},
        }
    )
    if rows["site_code"].isna().any() or rows["time"].isna().any():
        col = "site_code" if rows["site_code"].isna().any() else "time"
        row = rows[col].isna().idxmax()
        raise ColumnError(f"{what}: missing {col}", Location(row=_pos(hourly, row), column=col))
    if sites is None:
        reg = bundled_sites()
        sites = reg.assign(control=reg["control"].str.upper().eq("Y"))
        sites = sites[[c for c in (*SITES_REQUIRED, *SITES_OPTIONAL) if c in sites.columns]]
    _check(sites, f"{what} sites", SITES_REQUIRED, [*SITES_REQUIRED, *SITES_OPTIONAL])
    register = pd.DataFrame(
        {
            "site_code": sites["site_code"].astype("string").str.strip().astype(object),
            "name": sites["name"].astype(object),
            "city": sites["city"].astype(object),
            "control": _booleans(sites, "control", f"{what} sites"),
            **{c: sites[c].astype(object) for c in ("province", "prefecture") if c in sites},
        }
    )
    unknown = sorted(set(rows["site_code"]) - set(register["site_code"]))
    if unknown:
        shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise ColumnError(
            f"{what}: {len(unknown)} site code(s) not in the site list: {shown} "
            "(pass sites= with them)",
            Location(column="site_code"),
        )
    return FrameEngine({"air_hourly": rows, "air_sites": register})


def _span(hourly: pd.DataFrame, start: object, end: object, what: str):
    stamps = _times(hourly, "time", what) - pd.Timedelta(hours=1)  # hour-ending stamps
    if stamps.empty:
        raise UserError(f"{what}: the frame has no rows")
    s = pd.Timestamp(start) if start is not None else stamps.min().normalize()
    e = pd.Timestamp(end) if end is not None else stamps.max().normalize()
    if e < s:
        raise UserError(f"{what}: end {e.date()} is before start {s.date()}")
    return s, e


def _selection(cities: Sequence[str] | None, group: str | None) -> Selection:
    return Selection(cities=list(cities) if cities else None, group=group)


def city_daily(
    hourly: pd.DataFrame,
    start: object = None,
    end: object = None,
    *,
    sites: pd.DataFrame | None = None,
    cities: Sequence[str] | None = None,
    group: str | None = None,
    site_level: bool = False,
    edition: str | None = None,
) -> pd.DataFrame:
    """Daily city (or site) concentrations and AQI from hourly site data (HJ 663, HJ 633).

    [@hj663:city-value] [@gb3095-2026:t4] [@hj633-2012:5.1.2] [@hj633-2026:4.2.2].
    ``hourly``: ``site_code``, ``time`` (hour-ending, Beijing time), ``pm25 pm10 so2 no2 co
    o3`` (µg/m³, CO mg/m³). ``sites``: ``site_code``, ``name``, ``city``, ``control``
    (对照点; optional ``province``, ``prefecture``), by default the bundled CNEMC list.
    ``start``/``end``: natural days (default: the data's span). ``cities`` (names or GB/T
    2260 codes) or ``group`` (``168``, ``337``, ``2+26`` …) select cities. The columns of
    :func:`meili.engine.air_period.daily`: ``day``, ``city_code``, ``city_name``, the daily
    values, ``aqi``, ``primary``, ``level``, ``aqi_complete``, ``aqi_above_table``,
    ``aqi_valid``, ``edition``, ``invalid``/``invalid_zh`` (why a value is missing).
    """
    what = "city_daily()"
    eng = _air_engine(hourly, sites, what)
    s, e = _span(hourly, start, end, what)
    days = engine_daily(
        s, e, _selection(cities, group), engine=eng, site_level=site_level, edition=edition
    )
    if days.empty:
        raise UserError(f"{what}: no city of the selection has sites in the data ({s.date()} …)")
    days = days.drop(columns=[c for c in days.columns if c.startswith("n_")])
    return days.astype({"aqi": "Int64", "level": "Int64"})


def city_period(
    hourly: pd.DataFrame,
    start: object,
    end: object,
    *,
    sites: pd.DataFrame | None = None,
    cities: Sequence[str] | None = None,
    group: str | None = None,
    limit_set: str | None = None,
    allow_incomplete: bool = False,
    edition: str | None = None,
) -> pd.DataFrame:
    """HJ 663 period statistics per city, GB 3095 compliance, composite index and rank.

    [@hj663:statistics] [@hj663:percentile] [@gb3095-2026:t4] [@meili:period-limit-set]
    [@ranking-2018:index] via :func:`meili.engine.air_period.period`; inputs as for
    :func:`city_daily`. One row per city: means and percentiles (``pm25``, ``pm25_p95`` …,
    ``co_p95``, ``o3_8h_p90``), ``valid_days``, ``good_days``, ``good_ratio``,
    ``heavy_days``, ``serious_days``, ``above_table_days``, ``compliant``, ``exceeding``,
    ``composite_index``, ``rank``, ``limit_set``, ``complete`` and ``reason_zh``/``reason_en``
    (why a statistic is missing: periods below the GB 3095 Table 4 minimums stay empty unless
    ``allow_incomplete``, and are then flagged ``complete`` False).
    """
    what = "city_period()"
    eng = _air_engine(hourly, sites, what)
    s, e = _span(hourly, start, end, what)
    sel = _selection(cities, group)
    days = engine_daily(s, e, sel, engine=eng, edition=edition)
    if days.empty:
        raise UserError(f"{what}: no city of the selection has sites in the data")
    return engine_period(
        s,
        e,
        sel,
        engine=eng,
        days=days,
        limit_set=limit_set,
        allow_incomplete=allow_incomplete,
    )


def composite_index(stats: pd.DataFrame, limit_set: str = "2012") -> pd.DataFrame:
    """Ambient air-quality composite index and rank, 《城市环境空气质量排名技术规定》.

    [@ranking-2018:index] [@ranking-2018:rank] [@ranking-2018:main-pollutant] (main
    pollutant: from memory, unconfirmed). ``stats``: one row per city with ``so2 no2 pm10
    pm25`` (period means), ``co_p95`` and ``o3_8h_p90`` (unrounded), plus identifying
    columns. ``limit_set``: the S_i (GB 3095-2012 Grade II by the ranking rule). Adds
    ``I_<column>``, ``composite_index``, ``main_pollutant`` and ``rank`` (ascending, ties
    equal, compared at 2 decimals). :func:`city_period` already returns them.
    """
    what = "composite_index()"
    _check(stats, what, INDEX_COLUMNS, [*IDS, *INDEX_COLUMNS])
    values = pd.DataFrame({c: _numbers(stats, c, what) for c in INDEX_COLUMNS}, index=stats.index)
    out = stats.join(ranking_index(values, limit_set))
    out["rank"] = rank_cities(out["composite_index"])
    return out


# --- water --------------------------------------------------------------------------------------


def _water_frame(frame: pd.DataFrame, what: str, extra: Iterable[str] = ()) -> pd.DataFrame:
    items = [*TABLE1, "chla", "sd"]
    _check(frame, what, (), [*IDS, *WATER_EXTRA, *items, *extra])
    present = [c for c in TABLE1 if c in frame.columns]
    if not present:
        raise ColumnError(
            f"{what}: no GB 3838 item column; use {', '.join(TABLE1)}", Location(column="ph")
        )
    out = frame.copy()
    for c in [*present, *(t for t in (TEMPERATURE,) if t in frame.columns)]:
        out[c] = _numbers(frame, c, what)
    return out


def water_classes(
    frame: pd.DataFrame, *, waterbody: str = "river", with_tn: bool = False
) -> pd.DataFrame:
    """GB 3838-2002 class of each sample, its grade and main pollutants (环办〔2011〕22号).

    [@gb3838-2002:t1] [@gb3838-2002:5.1] [@hbb2011-22:section-class] [@hbb2011-22:grades]
    [@hbb2011-22:main-pollutants] [@hbb2011-22:priority] (main pollutants: one source and
    memory, unconfirmed). ``frame``: item columns (``ph do codmn cod bod5 nh3n tp tn …`` in
    mg/L; ``temp_c`` °C lets DO meet Class Ⅰ at 90 % saturation [@gb3838-2002:t1-do]) and
    identifying columns. ``waterbody``: ``"river"``, ``"lake"`` (湖、库 TP limits), or
    ``"column"`` to read each row's ``waterbody`` column. Adds ``class`` (Ⅰ…劣Ⅴ),
    ``grade`` (优…重度污染), ``class_<item>`` per item, ``main_pollutants`` (';'-joined,
    cyanide and heavy metals first) and, for a published ``water_class``,
    ``class_published``.
    """
    what = "water_classes()"
    data = _water_frame(frame, what)
    if waterbody == "column":
        _check(frame, what, ("waterbody",), frame.columns)
        wb: object = frame["waterbody"]
    elif waterbody in ("river", "lake"):
        wb = waterbody
    else:
        raise UserError("waterbody must be 'river', 'lake' or 'column'")
    keep = [c for c in frame.columns if c in (*IDS, "time", "waterbody")]
    out = frame[keep].copy()
    if "water_class" in frame.columns:
        out["class_published"] = frame["water_class"]
    try:
        out["class"] = classify(data, wb, with_tn=with_tn)
    except ValueError as exc:  # an unknown waterbody word
        raise ColumnError(f"{what}: {exc}", Location(column="waterbody")) from None
    out["grade"] = quality_grade(out["class"])
    items = (*ROUTINE_ITEMS, "tn") if with_tn else ROUTINE_ITEMS
    for item, values in single_factor_classes(data, wb, items).items():
        out[f"class_{item}"] = class_labels(values)
    mains = main_pollutants(data, wb, with_tn=with_tn)
    joined = mains.groupby("row", sort=False)["item"].agg(";".join)
    out["main_pollutants"] = pd.Series(out.index, index=out.index).map(joined).fillna("")
    return out


def water_period(
    samples: pd.DataFrame, start: object, end: object, *, by: str = "basin"
) -> pd.DataFrame:
    """Status of each basin or province from section period means (环办〔2011〕22号).

    [@hbb2011-22:statistics] [@hbb2011-22:groups] (the method's text was not read: the
    share thresholds rest on one source, unconfirmed). ``samples``: ``section``, ``time``,
    ``province``/``basin`` and item columns. One row per group: ``n_sections``,
    ``share_I_III``, ``share_worse_V``, ``status``, ``method``.
    """
    what = "water_period()"
    data = _water_frame(samples, what)
    _check(samples, what, ("section", "time", by), samples.columns)
    data["time"] = _times(samples, "time", what)
    return assess_period(data, start, end, by=by).groups


def cwqi(
    samples: pd.DataFrame,
    start: object,
    end: object,
    *,
    by: str = "province",
    variant: str = DEFAULT_VARIANT,
    compare: tuple[object, object] | None = None,
) -> pd.DataFrame:
    """City water-quality index CWQI per province (or basin) and rank, 环办监测〔2017〕51号.

    [@cwqi-2017:formula] [@cwqi-2017:city] [@cwqi-2017:rank] [@meili:cwqi-automatic]
    (the document was not read: the formula rests on one source, unconfirmed).
    ``variant``: ``"full"`` (the method's 21 items) or ``"automatic"`` (pH, DO, CODMn,
    NH3-N, TP of automatic stations); only groups with every item get a rank
    (``complete``, ``missing_items``). ``compare``: a (start, end) base period for ΔCWQI %.
    """
    what = "cwqi()"
    data = _water_frame(samples, what)
    _check(samples, what, ("section", "time", by), samples.columns)
    data["time"] = _times(samples, "time", what)
    return cwqi_by_group(data, start, end, by=by, compare=compare, variant=variant)


# --- composite indicators --------------------------------------------------------------------


def composite_build(data: pd.DataFrame, meta: pd.DataFrame, pipeline: object) -> pd.DataFrame:
    """A composite indicator (OECD/JRC Handbook, COINr layout) and its ranks.

    ``data``/``meta``: COINr's ``iData``/``iMeta`` frames; ``pipeline``: the build as a dict
    (the YAML of ``examples/coinr-asem.yaml`` loaded). Returns the aggregates of the last
    step, top level first, and ``Rank`` (see :mod:`meili.assess.composite`).
    """
    return run_pipeline(build_coin(data, meta), parse_pipeline(pipeline)).results()


__all__ = [
    "AIR_DAILY",
    "AIR_HOURLY",
    "ColumnError",
    "aqi",
    "city_daily",
    "city_period",
    "composite_build",
    "composite_index",
    "cwqi",
    "read",
    "water_classes",
    "water_period",
]
