"""Idempotence, corrected files as new versions, reading old versions, orphan clean-up."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from meili.errors import NotFoundError
from meili.ingest import ingest_paths
from meili.lake import catalog
from meili.lake import manifest as mf
from meili.lake.store import connect, lake_root

_spec = importlib.util.spec_from_file_location(
    "helpers_ingest", Path(__file__).with_name("helpers_ingest.py")
)
helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helpers)


def _count(dataset: str = "air_hourly", as_of: int | None = None) -> int:
    return connect(as_of=as_of).execute(f"SELECT count(*) FROM {dataset}").fetchone()[0]


def test_same_file_twice_changes_nothing(home: Path, tmp_path: Path) -> None:
    f = helpers.wide_file(tmp_path / "in" / "china_sites_20190101.csv")
    [first] = ingest_paths("auto", [f])
    assert first.status == "landed" and first.rows_landed == 50 * 24
    before = (lake_root() / mf.MANIFEST).read_bytes()
    files_before = sorted(p for p in lake_root().rglob("*") if p.is_file())
    [again] = ingest_paths("air-hourly", [f])
    assert again.status == "unchanged" and again.batch_id == first.batch_id
    assert (lake_root() / mf.MANIFEST).read_bytes() == before
    assert sorted(p for p in lake_root().rglob("*") if p.is_file()) == files_before
    copy = tmp_path / "other" / "renamed_20190101.csv"
    copy.parent.mkdir()
    copy.write_bytes(f.read_bytes())
    [renamed] = ingest_paths("air-hourly", [copy])
    assert renamed.status == "unchanged"
    assert _count() == 50 * 24


def test_corrected_file_is_a_new_version(home: Path, tmp_path: Path) -> None:
    old = helpers.wide_file(tmp_path / "v1" / "china_sites_20190101.csv", sites=20)
    new = helpers.wide_file(tmp_path / "v2" / "china_sites_20190101.csv", sites=10, shift=1)
    [r1] = ingest_paths("air-hourly", [old])
    [r2] = ingest_paths("air-hourly", [new])
    assert (r2.status, r2.version) == ("replaced", 2)
    assert _count() == 10 * 24
    assert _count(as_of=1) == 20 * 24
    batches = {b["batch_id"]: b for b in catalog.list_batches()}
    assert batches[r1.batch_id]["status"] == "superseded"
    assert batches[r2.batch_id]["status"] == "live"
    assert batches[r2.batch_id]["supersedes"] == r1.batch_id
    versions = catalog.versions(f"air-hourly:{old.name}")
    assert [v["version"] for v in versions] == [1, 2]
    assert [b["batch_id"] for b in catalog.list_batches(as_of=1)] == [r1.batch_id]
    with pytest.raises(NotFoundError):
        connect(as_of=99)
    # the same content as version 1 again is a third version, not "unchanged"
    [r3] = ingest_paths("air-hourly", [old])
    assert (r3.status, r3.version) == ("replaced", 3)
    assert _count() == 20 * 24


def test_cli_show_old_version_and_ls(home: Path, tmp_path: Path, capsys) -> None:
    from meili.cli import main

    old = helpers.wide_file(tmp_path / "v1" / "china_sites_20190101.csv", sites=5)
    new = helpers.wide_file(tmp_path / "v2" / "china_sites_20190101.csv", sites=3, shift=1)
    [r1] = ingest_paths("air-hourly", [old])
    [r2] = ingest_paths("air-hourly", [new])
    capsys.readouterr()
    main(["data", "show", r2.batch_id, "--version", "1", "--format", "json"])
    [shown] = json.loads(capsys.readouterr().out)
    assert shown["batch_id"] == r1.batch_id and shown["status"] == "superseded"
    main(["data", "show", r1.batch_id, "--rows", "3", "--format", "json"])
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 3 and rows[0]["batch_id"] == r1.batch_id
    main(["data", "ls", "--format", "json"])
    listing = json.loads(capsys.readouterr().out)
    # the first command landed the bundled site register (lake version 1) before the two
    assert listing["count"] == 3 and listing["lake_version"] == 3
    main(["data", "ls", "--live", "--format", "csv"])
    assert r2.batch_id in capsys.readouterr().out


def test_orphans_are_ignored_then_cleaned(home: Path, tmp_path: Path) -> None:
    f = helpers.wide_file(tmp_path / "china_sites_20190101.csv", sites=5)
    ingest_paths("air-hourly", [f])
    root = lake_root()
    orphan = root / mf.BATCHES / "orphan-batch" / "air_hourly" / "period=2019-01"
    orphan.mkdir(parents=True)
    (orphan / "part-0.parquet").write_bytes(b"not parquet at all")
    (root / f"{mf.MANIFEST}.tmp-12345").write_text("{")
    assert _count() == 5 * 24  # readers never see unpublished files
    g = helpers.wide_file(tmp_path / "china_sites_20190102.csv", day="20190102", sites=5)
    ingest_paths("air-hourly", [g])
    assert not (root / mf.BATCHES / "orphan-batch").exists()
    assert not list(root.glob(f"{mf.MANIFEST}.tmp-*"))
    assert _count() == 2 * 5 * 24


def test_quarantine_export_has_original_columns(home: Path, tmp_path: Path, capsys) -> None:
    import pandas as pd

    from meili.cli import main

    src = tmp_path / "air.csv"
    src.write_text(
        "站点编码,监测时间,PM2.5,CO\n1001A,2019-01-01 01:00,-1,0.5\n"
        "1001A,2019-01-01 02:00,40,0.5\n9999Z,2019-01-01 01:00,40,0.5\n",
        encoding="utf-8",
    )
    [res] = ingest_paths("air-hourly", [src])
    assert (res.rows_landed, res.rows_quarantined) == (1, 2)
    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"q.{suffix}"
        main(["data", "quarantine", res.batch_id, "--export", str(out)])
        frame = (
            pd.read_csv(out, dtype=str, encoding="utf-8-sig")
            if suffix == "csv"
            else pd.read_excel(out, dtype=str)
        )
        assert list(frame.columns) == [
            "站点编码",
            "监测时间",
            "PM2.5",
            "CO",
            "文件（file）",
            "行号（row）",
            "列（column）",
            "中文原因（reason in Chinese）",
            "英文原因（reason in English）",
        ]
        frame.columns = [*frame.columns[:4], "file", "row", "column", "reason_zh", "reason"]
        assert frame["reason_zh"][0] == "数值为负"
        assert list(frame["row"]) == ["2", "4"]
        assert list(frame["column"]) == ["PM2.5", "站点编码"]
        assert "negative value" in frame["reason"][0]
    capsys.readouterr()
    main(["data", "quarantine", "--format", "json"])
    payload = json.loads(capsys.readouterr().out)
    assert payload["count"] == 2
