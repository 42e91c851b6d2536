"""The bad-file corpus (tests/data/bad): every file ends in one clear error or row quarantine.

Nothing is lost: landed + quarantined == read, the named good rows are in the lake, values
are read exactly, and every quarantine reason is given in Chinese and English.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from meili.ingest import ingest_paths
from meili.lake import catalog
from meili.lake.quarantine import quarantine_rows
from meili.lake.store import connect

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
SPEC = json.loads((BAD / "expected.json").read_text("utf-8"))
CASES = SPEC["cases"]


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 70
    assert len({c["file"] for c in CASES}) == len(CASES)
    assert all((BAD / c["file"]).is_file() for c in CASES)


@pytest.fixture
def limit(home: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("MEILI_INGEST_MAX_BYTES", str(SPEC["limit"]))
    return SPEC["limit"]


def _landed_keys(dataset: str, kind: str) -> set[tuple[str, str]]:
    if kind not in ("air-hourly", "auto"):
        return set()
    con = connect()
    rows = con.execute(
        f"SELECT site_code, strftime(time, '%Y-%m-%d %H:%M:%S') FROM {dataset}"
    ).fetchall()
    return set(rows)


def _value(dataset: str, where: dict, column: str):
    cond = " AND ".join(f"{k} = ?" for k in where)
    params = list(where.values())
    rows = connect().execute(f"SELECT {column} FROM {dataset} WHERE {cond}", params).fetchall()
    assert len(rows) == 1, (where, rows)
    return rows[0][0]


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_bad_file(case: dict, limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    if "limit" in case:
        monkeypatch.setenv("MEILI_INGEST_MAX_BYTES", str(case["limit"]))
    [res] = ingest_paths(case["kind"], [BAD / case["file"]])
    if case["outcome"] == "error":
        assert res.status == "failed"
        assert case["message"] in res.error
        assert "\n" not in res.error and "Traceback" not in res.error
        assert case["file"] in res.error
        assert catalog.list_batches() == []
        return
    assert res.status == "landed", res.error
    assert res.rows_landed + res.rows_quarantined == res.rows_read
    landed = res.rows_landed if case["landed"] is None else case["landed"]
    assert (res.rows_landed, res.rows_quarantined) == (landed, case["quarantined"])
    q = quarantine_rows(res.batch_id)
    assert len(q) == res.rows_quarantined
    reasons = " | ".join(q["reason"])
    for why in case["reasons"]:
        assert why in reasons, (why, reasons)
    assert (q["reason_en"] == q["reason"]).all()
    assert (
        q["reason_zh"].map(lambda t: bool(t) and any("\u4e00" <= ch <= "\u9fff" for ch in t)).all()
    )
    for dataset, where, column, expected in case.get("values", []):
        got = _value(dataset, where, column)
        assert got == (pytest.approx(expected) if isinstance(expected, float) else expected)
    assert (q["row"] >= 2).all() if len(q) else True
    for note in case.get("notes", []):
        assert any(note in n for n in res.notes), res.notes
    dataset = catalog.get_batch(res.batch_id)["dataset"]
    if case["good"]:
        landed = _landed_keys(dataset, case["kind"])
        assert {tuple(k) for k in case["good"]} <= landed
    if "co_first" in case:
        key = case["good"][0]
        co = (
            connect()
            .execute(f"SELECT co FROM {dataset} WHERE site_code = ? AND time = ?::TIMESTAMP", key)
            .fetchone()[0]
        )
        assert co == pytest.approx(case["co_first"])


def test_one_command_many_files_lands_the_good_ones(limit: int, capsys) -> None:
    from meili.cli import main

    files = [str(BAD / c["file"]) for c in CASES if c["kind"] == "air-hourly" and "limit" not in c]
    with pytest.raises(SystemExit) as exc:
        main(["ingest", "air-hourly", *files, "--format", "json"])
    assert exc.value.code == 1  # the command ran; some files failed
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    payload = json.loads(out)
    failed = [r for r in payload["records"] if r["status"] == "failed"]
    expected_fail = [
        c
        for c in CASES
        if c["kind"] == "air-hourly" and c["outcome"] == "error" and "limit" not in c
    ]
    assert len(failed) == len(expected_fail)
    # files restating rows already landed by an earlier file of the run are "unchanged"
    done = [r for r in payload["records"] if r["status"] in ("landed", "unchanged")]
    assert len(done) == len(files) - len(failed)
    # each file's reason is in its record, not repeated on stderr: one summary line
    [line] = err.strip().splitlines()
    assert line.startswith(f"error: {len(failed)} of {len(files)} files failed")
    # one fact, one row: every site-hour once, whatever the files restated
    con = connect()
    total, distinct = con.execute(
        "SELECT count(*), count(DISTINCT (site_code, time)) FROM air_hourly"
    ).fetchone()
    assert total == distinct > 0
