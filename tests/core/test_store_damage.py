"""A damaged store says what and where: one line naming the file and `meili data check`,
exit code 4; `meili data check` names each problem; `meili data repair` restores what it can;
the API and pages answer with an error body, never 500, and one bad round hides no other."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import one_line_error, run
from fastapi.testclient import TestClient
from workflow_support import publish

from meili.assess.rounds import run_round
from meili.config import settings
from meili.ingest import ingest_paths
from meili.ingest.demo import demo_dir
from meili.lake import manifest as mf
from meili.lake.store import lake_root
from meili.web.app import create_app

DAYS = [demo_dir() / f"china_sites_2019010{d}.csv.gz" for d in (1, 2)]
AIR = ["air", "period", "--from", "2019-01-01", "--to", "2019-01-02"]


def _damage_line(code: int, err: str, file: str) -> str:
    assert code == 4, err
    line = one_line_error(code, err)
    assert file in line and "meili data check" in line, line
    return line


@pytest.fixture
def lake(store: Path) -> Path:
    ingest_paths("air-hourly", DAYS)
    return lake_root()


def test_truncated_manifest(lake: Path, capsys, tmp_path: Path) -> None:
    manifest = lake / mf.MANIFEST
    manifest.write_bytes(manifest.read_bytes()[:100])
    plain = tmp_path / "x.csv"
    plain.write_bytes(gzip.decompress(DAYS[0].read_bytes()))
    for args in (["data", "ls"], ["ingest", "air-hourly", str(plain)], AIR):
        code, _, err = run(args, capsys)
        _damage_line(code, err, "_manifest.json")
    code, out, err = run(["data", "check", "-f", "json"], capsys)
    assert code == 4
    found = json.loads(out)["records"]
    assert found[0]["file"].endswith("_manifest.json") and "damaged" in found[0]["problem"]
    code, out, err = run(["data", "repair"], capsys)
    assert code == 0, err
    assert "restored the manifest of version 1" in out
    code, out, _ = run(["data", "ls", "-f", "json"], capsys)
    assert code == 0 and json.loads(out)["count"] == 1  # the last consistent state
    code, out, _ = run(["data", "check"], capsys)
    assert code == 0, out


def test_corrupt_parquet_part(lake: Path, capsys) -> None:
    m = mf.read(lake)
    batch = sorted(m["batches"].values(), key=lambda r: r["published"])[-1]
    part = lake / batch["files"]["air_hourly"][0]
    part.write_bytes(b"\0" * part.stat().st_size)  # same size, garbage
    code, _, err = run(AIR, capsys)
    _damage_line(code, err, part.name)
    code, out, _ = run(["data", "check", "-f", "json"], capsys)
    assert code == 4
    [found] = [p for p in json.loads(out)["records"] if p["severity"] == "damage"]
    assert found["file"] == str(part) and "sha256" in found["problem"]
    assert batch["file"] in found["repair"]
    code, out, err = run(["data", "repair"], capsys)
    assert code == 0, err
    assert f"retired batch {batch['batch_id']}" in out and batch["file"] in out
    code, out, _ = run(["data", "ls", "--live", "-f", "json"], capsys)
    assert [r["file"] for r in json.loads(out)["records"]] == [DAYS[0].name]
    # ingesting the file again brings its day back
    [res] = ingest_paths("air-hourly", [DAYS[1]])
    assert res.status == "landed" and res.rows_landed == batch["rows_landed"]


def test_corrupt_round_json(store: Path, capsys) -> None:
    run_round("good", 2024, first_year=2023, allow_empty=True)
    run_round("bad", 2024, first_year=2023, allow_empty=True)
    publish("good")
    publish("bad")
    meta = settings().home / "rounds" / "bad" / "round.json"
    meta.write_text("{not json", "utf-8")
    code, _, err = run(["assess", "rounds"], capsys)
    _damage_line(code, err, "round.json")
    client = TestClient(create_app())
    body = client.get("/api/v1/rounds").json()
    assert [r["round"] for r in body["records"]] == ["good"]
    assert body["problems"][0]["file"] == str(meta)
    page = client.get("/zones/P-330000")
    assert page.status_code == 200 and "评估轮次 good" in page.text and "损坏" in page.text
    assert client.get("/api/v1/rounds/bad/verdicts").status_code == 503
    code, out, err = run(["data", "repair"], capsys)
    assert code == 0, err
    assert "round bad: damaged; set aside" in out
    code, _, _ = run(["assess", "rounds"], capsys)
    assert code == 0


def test_database_not_sqlite(store: Path, capsys) -> None:
    from meili.db.session import engine

    engine().dispose()
    db = settings().home / "meili.db"
    for extra in ("-wal", "-shm"):
        Path(f"{db}{extra}").unlink(missing_ok=True)
    db.write_bytes(b"this is not a database" * 100)
    code, _, err = run(["zones", "list"], capsys)
    _damage_line(code, err, "meili.db")
    code, out, _ = run(["data", "check", "-f", "json"], capsys)
    assert code == 4
    assert any(p["area"] == "database" for p in json.loads(out)["records"])
    client = TestClient(create_app())
    api = client.get("/api/v1/zones")
    assert api.status_code == 503 and "meili.db" in api.json()["error"]
    page = client.get("/")
    assert page.status_code == 503 and "meili data check" in page.text


def test_installed_program_exits_4(lake: Path, tmp_path: Path) -> None:
    (lake / mf.MANIFEST).write_text("{", "utf-8")
    meili = Path(sys.executable).with_name("meili")
    proc = subprocess.run([str(meili), "data", "ls"], capture_output=True, text=True)
    assert proc.returncode == 4
    assert "_manifest.json" in proc.stderr and "Traceback" not in proc.stderr
