"""The one-scan site-day layout equals the row-wise FILTER definition.

GB 3095-2012/2026 Table 4 daily values (≥ 20 hours) and HJ 663 §6.1.2 8-h windows (≥ 6
hours): :func:`site_days` (one aggregate with the O3 values coded with their hours, laid
out in numpy)
must give exactly what the row-wise reference :func:`site_day_sql` gives, including
site-days with duplicate hourly stamps (recomputed from their rows), on DuckDB and, through
the sqlglot transpilation, on Spark.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from meili.engine import DuckDBEngine, SparkEngine, exact_sql
from meili.engine.day_arrays import DAILY_POLS, HOURS, WINDOW_ENDS, o3_summary
from meili.engine.site_days import layout, site_day_sql, site_days, site_slots_sql

POLS = ["pm25", "pm10", "so2", "no2", "co", "o3"]
NCOLS = [f"n_{p}" for p in DAILY_POLS]


def _hourly(seed: int, sites: int = 6, days: int = 4, whole_o3: bool = True) -> pd.DataFrame:
    """Hourly rows with gaps and missing values; O3 whole µg/m³ (as CNEMC) unless not
    ``whole_o3`` (then also fractional, negative and huge values, which have no code)."""
    rng = np.random.default_rng(seed)
    times = pd.date_range("2019-03-01 00:00", periods=24 * days + 2, freq="h")
    rows = pd.DataFrame(
        [(f"S{s}", t) for s in range(sites) for t in times], columns=["site_code", "time"]
    )
    rows = rows[rng.random(len(rows)) > 0.15].reset_index(drop=True)  # gaps
    for p in POLS:
        x = np.round(rng.gamma(2.0, 40.0, len(rows)), int(rng.integers(0, 3)))
        if p == "o3":
            x = np.round(x) if whole_o3 else x
            if not whole_o3:
                odd = rng.random(len(rows))
                x[odd < 0.01] = -x[odd < 0.01]
                x[odd > 0.99] = 2.0**41 + 0.5
        x[rng.random(len(rows)) < 0.2] = np.nan
        rows[p] = x
    return rows


def _lake(root: Path, frames: list[pd.DataFrame]) -> Path:
    lake = root / "lake"
    (lake / "air_hourly").mkdir(parents=True)
    for i, f in enumerate(frames):
        part = f.astype({"time": "datetime64[us]"})  # Spark reads no nanosecond stamps
        part.to_parquet(lake / "air_hourly" / f"part-{i}.parquet", index=False)
    return lake


def _old(eng: object) -> pd.DataFrame:
    """Site daily values by the row-wise reference (GB 3095 Table 4 validity applied here)."""
    raw = eng.fetch(site_day_sql("2019-03-01", "2019-03-03"))  # type: ignore[attr-defined]
    out = pd.DataFrame({"site_code": raw["site_code"], "day": pd.to_datetime(raw["day"])})
    for p in DAILY_POLS:
        mean = exact_sql.mean(raw[f"s_{p}"].to_numpy(dtype=float), raw[f"n_{p}"].to_numpy())
        out[p] = pd.Series(mean).where(raw[f"n_{p}"] >= 20)
        out[f"n_{p}"] = raw[f"n_{p}"].astype(np.int64)
    for e in WINDOW_ENDS:
        c, s = raw[f"c{e}"].astype(float), raw[f"s{e}"].astype(float)
        out[f"w{e}"] = (s / (c * exact_sql.SCALE)).where(c >= 6)
    for h in HOURS:
        out[f"h{h}"] = raw[f"h{h}"].astype(float)
    return out


def _new(eng: object, keep: list[str] | None = None) -> pd.DataFrame:
    """Site days by :func:`site_days`; windows and hours from one-site units (the means over
    one member are its own values)."""
    own = {f"S{i}": f"S{i}" for i in range(6)}
    days, alone = site_days(eng, "2019-03-01", "2019-03-03", "hourly", keep, units=own)
    out = pd.DataFrame({"site_code": days.keys[days.codes], "day": pd.to_datetime(days.day)})
    assert (alone.keys[alone.codes] == out["site_code"]).all()
    assert (alone.day == days.day).all()
    for i, p in enumerate(DAILY_POLS):
        out[p] = days.values[i]
        out[f"n_{p}"] = days.counts[i]
    for i, e in enumerate(WINDOW_ENDS):
        out[f"w{e}"] = alone.windows[i]
    for i, h in enumerate(HOURS):
        out[f"h{h}"] = alone.hours[i]
    for got, want in zip(days.summary(), o3_summary(alone.windows, alone.hours), strict=True):
        np.testing.assert_array_equal(got, want)
    return out


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    a = a.sort_values(["site_code", "day"]).reset_index(drop=True)
    b = b.sort_values(["site_code", "day"]).reset_index(drop=True)
    assert len(a) == len(b) > 0
    for col in a.columns:
        x, y = a[col], b[col]
        if x.dtype.kind in "fiu":
            np.testing.assert_allclose(
                x.astype(float), y.astype(float), rtol=1e-12, atol=0, equal_nan=True, err_msg=col
            )
        else:
            assert x.astype(str).tolist() == y.astype(str).tolist(), col


def _duplicated(seed: int) -> list[pd.DataFrame]:
    base = _hourly(seed)
    rng = np.random.default_rng(seed + 100)
    dup = base.sample(frac=0.05, random_state=seed).copy()
    dup["o3"] = dup["o3"] + rng.integers(-20, 20, len(dup))  # conflicting second copy
    return [base, dup]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_slots_equal_row_aggregate(tmp_path: Path, seed: int) -> None:
    lake = _lake(tmp_path, [_hourly(seed)])
    eng = DuckDBEngine(lake)
    eng.register_lake("hourly", "air_hourly", ["site_code", "time", *POLS])
    _same(_new(eng), _old(eng))
    # whole values, no duplicates: every site-day came from the codes, none from the rows
    flagged = layout(eng.fetch_arrow(site_slots_sql("2019-03-01", "2019-03-03")))[2]
    assert len(flagged) > 0 and not flagged.any()


@pytest.mark.parametrize("seed", [11, 12])
def test_values_without_code_fall_back_to_rows(tmp_path: Path, seed: int) -> None:
    """Fractional, negative or huge O3 values are exact too: their site-days use the rows."""
    lake = _lake(tmp_path, [_hourly(seed, whole_o3=False)])
    eng = DuckDBEngine(lake)
    eng.register_lake("hourly", "air_hourly", ["site_code", "time", *POLS])
    _same(_new(eng), _old(eng))
    flagged = layout(eng.fetch_arrow(site_slots_sql("2019-03-01", "2019-03-03")))[2]
    assert flagged.any()


@pytest.mark.parametrize(("seed", "whole"), [(31, True), (32, False), (33, True)])
def test_unit_means_over_member_sites(tmp_path: Path, seed: int, whole: bool) -> None:
    """HJ 663 §3: a unit-day is the mean over its member sites of each daily mean, 8-h
    window and hourly O3 they have (non-members left out), duplicates included."""
    frames = _duplicated(seed) if whole else [_hourly(seed, whole_o3=False)]
    lake = _lake(tmp_path, frames)
    eng = DuckDBEngine(lake)
    eng.register_lake("hourly", "air_hourly", ["site_code", "time", *POLS])
    units = {"S0": "A", "S1": "A", "S2": "A", "S4": "B", "S5": "B"}  # S3 counts for none
    _, got = site_days(eng, "2019-03-01", "2019-03-03", "hourly", units=units)
    site = _old(eng)
    site["unit"] = site["site_code"].map(units)
    stats = [c for c in site.columns if c not in ("site_code", "day", "unit", *NCOLS)]
    want = site.dropna(subset=["unit"]).groupby(["unit", "day"], sort=True)[stats].mean()
    assert list(zip(got.keys[got.codes], pd.to_datetime(got.day), strict=True)) == list(want.index)
    for i, p in enumerate(DAILY_POLS):
        np.testing.assert_allclose(got.values[i], want[p], rtol=1e-12, equal_nan=True)
        members = site.dropna(subset=["unit"]).groupby(["unit", "day"])[p].count()
        np.testing.assert_array_equal(got.counts[i], members.to_numpy())
    for i, e in enumerate(WINDOW_ENDS):
        np.testing.assert_allclose(got.windows[i], want[f"w{e}"], rtol=1e-12, equal_nan=True)
    for i, h in enumerate(HOURS):
        np.testing.assert_allclose(got.hours[i], want[f"h{h}"], rtol=1e-12, equal_nan=True)


@pytest.mark.parametrize("seed", [4, 5])
def test_duplicate_stamps_fall_back_to_rows(tmp_path: Path, seed: int) -> None:
    lake = _lake(tmp_path, _duplicated(seed))
    eng = DuckDBEngine(lake)
    eng.register_lake("hourly", "air_hourly", ["site_code", "time", *POLS])
    new, old = _new(eng), _old(eng)
    _same(new, old)
    assert int(eng.fetch("SELECT count(*) AS n FROM site_dup")["n"].iloc[0]) > 0


@pytest.mark.slow
def test_slots_spark_parity_with_duplicates(tmp_path: Path, spark: Any) -> None:
    lake = _lake(tmp_path, _duplicated(6))
    spark = SparkEngine(lake, session=spark)
    spark.register_lake("hourly", "air_hourly", ["site_code", "time", *POLS])
    duck = DuckDBEngine(lake)
    duck.register_lake("hourly", "air_hourly", ["site_code", "time", *POLS])
    _same(_new(spark), _new(duck))
    _same(_new(spark), _old(spark))
    _same(_new(spark, [f"S{i}" for i in range(6)]), _new(duck, [f"S{i}" for i in range(6)]))
    _same(_new(spark, [f"S{i}" for i in range(6)]), _old(spark))


def test_cached_site_days_follow_the_lake(tmp_path: Path) -> None:
    """A second call on the same engine reuses the aggregate only while the files are equal."""
    from meili.engine.air_period import daily

    hourly = _hourly(7, sites=2, days=2)
    lake = _lake(tmp_path, [hourly])
    sites = pd.DataFrame(
        {
            "site_code": ["S0", "S1"],
            "name": ["S0", "S1"],
            "city": ["北京", "北京"],
            "province": ["北京市", "北京市"],
            "prefecture": ["北京市", "北京市"],
            "control": [False, False],
        }
    )
    (lake / "air_sites").mkdir()
    sites.to_parquet(lake / "air_sites" / "part-0.parquet", index=False)
    eng = DuckDBEngine(lake)
    first = daily("2019-03-01", "2019-03-01", engine=eng, root=lake, site_level=True)
    again = daily("2019-03-01", "2019-03-01", engine=eng, root=lake, site_level=True)
    pd.testing.assert_frame_equal(first, again)
    extra = hourly[hourly["site_code"] == "S0"].copy()
    extra["site_code"] = "S1"
    extra["time"] = extra["time"] + pd.Timedelta(minutes=30)  # new rows, new file
    extra.astype({"time": "datetime64[us]"}).to_parquet(
        lake / "air_hourly" / "part-9.parquet", index=False
    )
    fresh = daily("2019-03-01", "2019-03-01", engine=DuckDBEngine(lake), root=lake, site_level=True)
    later = daily("2019-03-01", "2019-03-01", engine=eng, root=lake, site_level=True)
    pd.testing.assert_frame_equal(later, fresh)
    assert not later["n_pm25"].equals(first["n_pm25"])


@pytest.mark.parametrize("seed", [8, 9])
def test_keep_leaves_out_other_sites(tmp_path: Path, seed: int) -> None:
    """Sites outside ``keep`` are dropped from the site-days, duplicates still recomputed."""
    lake = _lake(tmp_path, _duplicated(seed))
    eng = DuckDBEngine(lake)
    eng.register_lake("hourly", "air_hourly", ["site_code", "time", *POLS])
    kept = ["S1", "S3", "S4"]
    new = _new(eng, kept)
    old = _old(eng)
    assert set(new["site_code"]) == set(kept)
    _same(new, old[old["site_code"].isin(kept)])


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_slots_over_chunks_blocks_and_null_lists(seed: int) -> None:
    """Codes are read right across arrow chunks, blocks and null lists that span values."""
    import pyarrow as pa

    from meili.engine.day_arrays import UnitSums
    from meili.engine.site_days import HOUR_BITS, _Lists, _pass, _window_block

    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(60):
        hours = rng.choice(np.arange(1, 25), int(rng.integers(0, 25)), replace=False).tolist()
        if rng.random() < 0.1 and hours:
            hours.append(hours[0])  # duplicate stamp
        codes = [int(rng.integers(0, 300)) * 2**HOUR_BITS + h for h in hours]
        if rng.random() < 0.05:
            codes.append(0)  # a value without code
        rows.append(codes)
    nulls = {int(i) for i in rng.choice(60, 4, replace=False)}
    chunks, bounds = [], [0, 17, 40, 60]
    for a, b in itertools.pairwise(bounds):
        part = rows[a:b]
        offsets = np.concatenate([[0], np.cumsum([len(c) for c in part])]).astype(np.int32)
        values = pa.array([x for c in part for x in c], type=pa.int32())
        mask = pa.array([a + i in nulls for i in range(len(part))])
        chunks.append(pa.ListArray.from_arrays(pa.array(offsets), values, mask=mask))
    order = rng.permutation(60)[:45]
    n = len(order)
    sums = UnitSums(  # each site-day its own unit-day: its means are its values
        np.array(["U"], dtype=object),
        np.zeros(n, dtype=np.int64),
        np.zeros(n, dtype="datetime64[D]"),
        np.empty((46, n)),
        np.empty((46, n), dtype=np.int32),
    )
    nothing = np.full((len(DAILY_POLS), n), np.nan)
    lists = _Lists(pa.chunked_array(chunks))
    summary, extra = _pass(lists, order, np.arange(n), nothing, n, np.arange(n), sums, block=7)
    alone = sums.means()
    again = UnitSums(
        sums.keys, sums.codes, sums.day, np.empty((46, n)), np.empty((46, n), np.int32)
    )
    in_threads = _pass(
        lists, order, np.arange(n), nothing, n, np.arange(n), again, block=5, threads=3
    )
    for got, want_x in zip([*in_threads[0], in_threads[1]], [*summary, extra], strict=True):
        np.testing.assert_array_equal(got, want_x)
    np.testing.assert_array_equal(again.sums, sums.sums)
    np.testing.assert_array_equal(again.counts, sums.counts)
    hours, windows = alone.hours, alone.windows
    want = np.full((24, len(order)), np.nan)
    want_extra = np.zeros(len(order), dtype=np.int64)
    for j, r in enumerate(order):
        codes = [] if r in nulls else rows[r]
        for c in codes:
            if c % 2**HOUR_BITS:
                want[c % 2**HOUR_BITS - 1, j] = c >> HOUR_BITS
        want_extra[j] = len(codes) - int((~np.isnan(want[:, j])).sum())
    np.testing.assert_array_equal(extra, want_extra)
    clean = want_extra == 0  # flagged rows are recomputed from the rows: slots unspecified
    np.testing.assert_array_equal(hours[:, clean], want[:, clean])
    want_windows = np.empty((17, len(order)))
    _window_block(want, want_windows, np.empty(len(order), dtype=np.int64))
    np.testing.assert_array_equal(windows[:, clean], want_windows[:, clean])
    for got, want_o3 in zip(summary, o3_summary(want_windows, want), strict=True):
        np.testing.assert_array_equal(got[clean], want_o3[clean])
    assert (extra > 0).any()


@given(
    sizes=st.lists(st.integers(1, 40), min_size=0, max_size=30),
    rest=st.integers(0, 50),
    block=st.integers(1, 64),
)
def test_blocks_never_split_a_unit_day(sizes: list[int], rest: int, block: int) -> None:
    """Block bounds cover every position once and fall only on unit-day starts (or after)."""
    from meili.engine.site_days import _cuts

    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if sizes else []
    counted = int(sum(sizes))
    cuts = _cuts(counted + rest, counted, np.asarray(starts, dtype=np.int64), block)
    assert cuts[0] == 0 and cuts[-1] == counted + rest and (np.diff(cuts) > 0).all()
    inside = cuts[cuts < counted]
    assert set(inside.tolist()) <= set(np.asarray(starts).tolist())
    assert counted in cuts or counted == counted + rest == 0
