"""One fact, one row: the lake holds each key once, whatever the files restate.

Built from the real CNEMC sample of 2019-01-01 in ``meili/demo_data``.
"""

from __future__ import annotations

import gzip
import io
import random
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meili.errors import UserError
from meili.ingest import ingest_paths
from meili.ingest.demo import demo_dir
from meili.lake import catalog
from meili.lake.quarantine import quarantine_rows
from meili.lake.store import connect

DAY = demo_dir() / "china_sites_20190101.csv.gz"
BEIJING = [f"10{i:02d}A" for i in range(1, 13)]
N_RESTATED = 32  # site-hours 01:00–06:00 of the Beijing sites with PM2.5 in the sample


def _wide_lines() -> list[str]:
    return gzip.decompress(DAY.read_bytes()).decode("utf-8").replace("\r\n", "\n").splitlines()


def _count() -> tuple[int, int]:
    return (
        connect()
        .execute("SELECT count(*), count(DISTINCT (site_code, time)) FROM air_hourly")
        .fetchone()
    )


def _pm25(where: str = "site_code LIKE '10__A'", as_of: int | None = None) -> float:
    return (
        connect(as_of=as_of)
        .execute(f"SELECT avg(pm25) FROM air_hourly WHERE day = DATE '2019-01-01' AND {where}")
        .fetchone()[0]
    )


def test_same_day_as_csv_gz_and_csv_lands_once(home: Path, tmp_path: Path) -> None:
    [first] = ingest_paths("air-hourly", [DAY])
    plain = tmp_path / "china_sites_20190101.csv"
    plain.write_bytes(gzip.decompress(DAY.read_bytes()))
    [again] = ingest_paths("air-hourly", [plain])
    assert again.status == "unchanged" and "same rows as" in again.notes[0]
    # re-encoded as GBK, lines in another order, CRLF: still the same rows
    lines = _wide_lines()
    body = lines[1:]
    random.Random(1).shuffle(body)
    other = tmp_path / "again" / "china_sites_20190101.csv"
    other.parent.mkdir()
    other.write_bytes("\r\n".join([lines[0], *body]).encode("gb18030"))
    [third] = ingest_paths("air-hourly", [other])
    assert third.status == "unchanged"
    total, distinct = _count()
    assert total == distinct == first.rows_landed
    assert len(catalog.list_batches()) == 1


def _restating_file(path: Path, shift: float) -> Path:
    """Six hours of the Beijing sites (those with data in the sample) restated with PM2.5 +
    shift."""
    frame = (
        connect()
        .execute(
            "SELECT site_code, strftime(time, '%Y-%m-%d %H:%M') AS time, pm25 FROM air_hourly "
            "WHERE site_code IN (SELECT unnest(?)) AND hour(time) BETWEEN 1 AND 6 "
            "AND day = DATE '2019-01-01' AND pm25 IS NOT NULL",
            [BEIJING],
        )
        .df()
    )
    assert len(frame) == N_RESTATED
    frame["pm25"] = frame["pm25"] + shift
    frame.to_csv(path, index=False)
    return path


def test_restated_keys_are_refused_by_default(home: Path, tmp_path: Path) -> None:
    ingest_paths("air-hourly", [DAY])
    before = _pm25()
    fix = _restating_file(tmp_path / "beijing_restated.csv", 12.0)
    [res] = ingest_paths("air-hourly", [fix])
    assert (res.rows_landed, res.rows_quarantined) == (0, N_RESTATED)
    q = quarantine_rows(res.batch_id)
    assert q["reason"].str.contains("restates a record already in the lake from batch").all()
    assert q["reason"].str.contains("china_sites_20190101.csv.gz").all()
    assert q["reason_zh"].str.contains("--on-conflict replace").all()
    assert _pm25() == pytest.approx(before)  # not summed, not doubled
    total, distinct = _count()
    assert total == distinct
    # the same values again are not a conflict: nothing new, nothing refused
    same = _restating_file(tmp_path / "beijing_same.csv", 0.0)
    [res2] = ingest_paths("air-hourly", [same])
    assert (res2.rows_landed, res2.rows_quarantined, res2.rows_unchanged) == (0, 0, N_RESTATED)


def test_restated_keys_replace_as_revisions(home: Path, tmp_path: Path) -> None:
    [day] = ingest_paths("air-hourly", [DAY], user="cnemc")
    version = catalog.lake_version()
    before = _pm25(f"site_code IN ({', '.join(repr(s) for s in BEIJING)})")
    fix = _restating_file(tmp_path / "beijing_restated.csv", 12.0)
    [res] = ingest_paths("air-hourly", [fix], on_conflict="replace", user="bureau")
    assert (res.rows_landed, res.rows_revised, res.rows_quarantined) == (N_RESTATED, N_RESTATED, 0)
    total, distinct = _count()
    assert total == distinct == day.rows_landed  # replaced, never both kept
    con = connect()
    rev = con.execute(
        "SELECT site_code, time, old_pm25, new_pm25, old_batch, old_user, old_file, user, "
        "new_batch FROM air_hourly_revisions"
    ).df()
    assert len(rev) == N_RESTATED
    assert ((rev["new_pm25"] - rev["old_pm25"]).round(6) == 12.0).all()
    assert set(rev["old_batch"]) == {day.batch_id} and set(rev["new_batch"]) == {res.batch_id}
    assert set(rev["old_user"]) == {"cnemc"} and set(rev["user"]) == {"bureau"}
    assert set(rev["old_file"]) == {DAY.name}
    # the six restated hours moved up by 12, the day's other hours did not change
    after = con.execute(
        "SELECT avg(pm25) FROM air_hourly WHERE site_code IN (SELECT unnest(?)) "
        "AND hour(time) BETWEEN 1 AND 6 AND day = DATE '2019-01-01'",
        [BEIJING],
    ).fetchone()[0]
    old = (
        connect(as_of=version)
        .execute(
            "SELECT avg(pm25) FROM air_hourly WHERE site_code IN (SELECT unnest(?)) "
            "AND hour(time) BETWEEN 1 AND 6 AND day = DATE '2019-01-01'",
            [BEIJING],
        )
        .fetchone()[0]
    )
    assert after == pytest.approx(old + 12.0)
    # the file states PM2.5 only: the other measures of those hours are carried over
    pm10 = "SELECT sum(pm10), count(pm10) FROM air_hourly WHERE site_code IN (SELECT unnest(?))"
    assert con.execute(pm10, [BEIJING]).fetchone() == (
        connect(as_of=version).execute(pm10, [BEIJING]).fetchone()
    )
    assert _pm25(f"site_code IN ({', '.join(repr(s) for s in BEIJING)})", as_of=version) == (
        pytest.approx(before)
    )
    # a second revision of a revised part: still one row per key
    again = _restating_file(tmp_path / "beijing_restated_2.csv", 1.0)
    [res3] = ingest_paths("air-hourly", [again], on_conflict="replace")
    assert res3.rows_revised == N_RESTATED
    total, distinct = _count()
    assert total == distinct == day.rows_landed


def test_unknown_policy_is_a_user_error(home: Path) -> None:
    with pytest.raises(UserError, match="on-conflict"):
        ingest_paths("air-hourly", [DAY], on_conflict="sum")


# --- property: any split of a day's rows across files, any container and order ----------

LINES = _wide_lines()
HEADER = LINES[0].split(",")[:40]
WIDE = [",".join(ln.split(",")[:40]) for ln in LINES[1:]]
#: the day's records are site-hours: the wide lines of one hour (one per type) go together
HOURS = sorted({ln.split(",")[1] for ln in WIDE}, key=int)
BY_HOUR = {h: [ln for ln in WIDE if ln.split(",")[1] == h] for h in HOURS}


def _write(path: Path, lines: list[str], container: str) -> Path:
    text = "\n".join([",".join(HEADER), *lines]) + "\n"
    if container == "csv.gz":
        path = path.with_suffix(".csv.gz")
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    elif container == "gbk":
        path.write_bytes(text.replace("\n", "\r\n").encode("gbk"))
    elif container == "parquet":  # the same rows in long layout
        frame = pd.read_csv(io.StringIO(text), dtype=str)
        long = frame.melt(id_vars=["date", "hour", "type"], var_name="site_code")
        long = long[long["value"].notna()]
        long = long.pivot_table(
            index=["site_code", "date", "hour"], columns="type", values="value", aggfunc="first"
        ).reset_index()
        long.columns.name = None
        path = path.with_suffix(".parquet")
        long.to_parquet(path, index=False)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    parts=st.lists(
        st.tuples(
            st.sets(st.sampled_from(HOURS), min_size=1, max_size=len(HOURS)),
            st.sampled_from(["csv", "csv.gz", "gbk", "parquet"]),
            st.randoms(use_true_random=False),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_split_lands_each_key_once(parts, monkeypatch: pytest.MonkeyPatch) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        monkeypatch.setenv("MEILI_HOME", str(root / "home"))
        files, covered = [], set()
        for i, (hours, container, rnd) in enumerate(parts):
            chosen = [ln for h in sorted(hours) for ln in BY_HOUR[h]]
            rnd.shuffle(chosen)
            covered |= set(hours)
            files.append(_write(root / f"part{i}_china_sites_20190101.csv", chosen, container))
        results = ingest_paths("air-hourly", files)
        assert all(r.ok for r in results), [r.error for r in results]
        assert not any(r.rows_quarantined for r in results)
        total, distinct = _count()
        assert total == distinct
        # every site-hour of the lines covered, once, with the file's values
        (root / "ref").mkdir()
        ref_lines = [ln for h in sorted(covered) for ln in BY_HOUR[h]]
        ref = _write(root / "ref" / "china_sites_20190101.csv", ref_lines, "csv")
        monkeypatch.setenv("MEILI_HOME", str(root / "ref_home"))
        [expected] = ingest_paths("air-hourly", [ref])
        assert expected.rows_landed == total
        want = connect().execute("SELECT * EXCLUDE (batch_id) FROM air_hourly").df()
        monkeypatch.setenv("MEILI_HOME", str(root / "home"))
        got = connect().execute("SELECT * EXCLUDE (batch_id) FROM air_hourly").df()
        key = ["site_code", "time"]
        pd.testing.assert_frame_equal(
            got.sort_values(key).reset_index(drop=True)[want.columns],
            want.sort_values(key).reset_index(drop=True),
            check_dtype=False,
        )
