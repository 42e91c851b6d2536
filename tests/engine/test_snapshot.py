"""Lake snapshots for a cluster: ``meili data export`` to a folder or S3, read back by the
engines (``MEILI_LAKE_URL``); S3 is moto's server, in process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import boto3
import pandas as pd
import pytest
from cli_support import one_line_error, run
from engine_support import assert_same
from moto.server import ThreadedMotoServer

from meili.engine import DuckDBEngine, SparkEngine, get_engine
from meili.engine.air_period import Selection, daily, period
from meili.engine.snapshot import export, read_index
from meili.errors import UserError
from meili.lake.store import connect

DEMO = Path(str(resources.files("meili").joinpath("demo_data")))
SITES = Path(str(resources.files("meili.ingest").joinpath("data/cnemc_sites.csv")))
SEL = Selection(group="2+26")


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The bundled CNEMC days 1–2 Jan 2019 (lake version v), then 3 Jan ingested after it."""
    from meili.ingest import ingest_paths
    from meili.lake.catalog import lake_version

    home = tmp_path_factory.mktemp("snap")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MEILI_HOME", str(home))
        ingest_paths("auto", [SITES, DEMO / "china_sites_20190101.csv.gz"])
        ingest_paths("auto", [DEMO / "china_sites_20190102.csv.gz"])
        version = lake_version()
        ingest_paths("auto", [DEMO / "china_sites_20190103.csv.gz"])
    return home / "lake", version


@pytest.fixture(scope="module")
def s3() -> Iterator[dict[str, str]]:
    """An S3 stand-in (moto's server) with a bucket ``lake``; the environment to reach it."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {
        "MEILI_S3_ENDPOINT": f"http://{host}:{port}",
        "AWS_ACCESS_KEY_ID": "meili",
        "AWS_SECRET_ACCESS_KEY": "meili-secret",
        "AWS_REGION": "us-east-1",
    }
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        boto3.client("s3", endpoint_url=env["MEILI_S3_ENDPOINT"]).create_bucket(Bucket="lake")
        yield env
    server.stop()


def _days(engine: Any, lake: Path | None) -> pd.DataFrame:
    frame = daily("2019-01-01", "2019-01-02", SEL, engine=engine, root=lake)
    return frame.sort_values(["key", "day"]).reset_index(drop=True)


def test_export_to_s3_holds_the_lake_as_of_a_version(
    lake: tuple[Path, int], s3: dict[str, str]
) -> None:
    """The snapshot of version v is the lake as of v (not the later day), read from S3
    through pyarrow by DuckDB; files listed with size and SHA-256; written once."""
    root, version = lake
    info = export("s3://lake/v1", root, as_of=version)
    assert info["lake_version"] == version and set(info["datasets"]) == {"air_hourly", "air_sites"}
    assert read_index("s3://lake/v1") == json.loads(json.dumps(info))
    hourly = [e["path"] for e in info["datasets"]["air_hourly"]]
    assert all(p.startswith("air_hourly/period=") for p in hourly)  # partitions kept
    snap = DuckDBEngine.from_snapshot("s3://lake/v1")
    days = snap.con.sql("SELECT DISTINCT CAST(time AS DATE) AS d FROM air_hourly").df()["d"]
    assert pd.Timestamp("2019-01-03 01:00").date() not in set(days)  # ingested after v
    then = DuckDBEngine(root, connect(root, as_of=version))
    assert_same(_days(then, root), _days(snap, None), "city days, S3 snapshot vs lake as of v")
    with pytest.raises(UserError, match="already holds a lake snapshot"):
        export("s3://lake/v1", root)


def test_meili_lake_url_points_the_engines_at_a_snapshot(
    lake: tuple[Path, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """``meili data export --to DIR``, then MEILI_LAKE_URL=DIR: the same period statistics."""
    root, _ = lake
    monkeypatch.setenv("MEILI_HOME", str(root.parent))
    code, out, _err = run(["data", "export", "--to", str(tmp_path / "snap")], capsys)
    assert code == 0 and "2 datasets" in out
    want = period("2019-01-01", "2019-01-03", SEL, engine=DuckDBEngine(root), root=root)
    monkeypatch.setenv("MEILI_LAKE_URL", str(tmp_path / "snap"))
    monkeypatch.setenv("MEILI_HOME", str(tmp_path / "elsewhere"))  # no local lake at all
    eng = get_engine("duckdb")
    assert eng.snapshot_url == str(tmp_path / "snap")
    got = period("2019-01-01", "2019-01-03", SEL, engine=eng)
    assert_same(want, got, "period from the snapshot")
    code, out, _err = run(
        ["air", "period", "--from", "2019-01-01", "--to", "2019-01-03", "--group", "2+26"],
        capsys,
    )
    assert code == 0 and "石家庄" in out


@pytest.mark.slow
def test_spark_reads_a_snapshot_folder_and_refuses_s3_without_its_jars(
    spark: Any, lake: tuple[Path, int], s3: dict[str, str], tmp_path: Path
) -> None:
    root, version = lake
    export(str(tmp_path / "snap"), root, as_of=version)
    folder = SparkEngine(session=spark, snapshot_url=str(tmp_path / "snap"))
    then = DuckDBEngine(root, connect(root, as_of=version))
    assert_same(_days(then, root), _days(folder, None), "city days, Spark on a snapshot folder")
    export("s3://lake/for-spark", root)
    on_s3 = SparkEngine(session=spark, snapshot_url="s3://lake/for-spark")
    with pytest.raises(UserError, match="hadoop-aws"):
        on_s3.register_lake("hourly", "air_hourly", ["site_code"])


def test_export_errors_are_one_line(
    lake: tuple[Path, int], s3: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    root, _ = lake
    monkeypatch.setenv("MEILI_HOME", str(root.parent))
    code, _out, err = run(["data", "export", "--to", "s3://no-such-bucket/x"], capsys)
    assert code == 2 and "cannot write the snapshot to s3://no-such-bucket/x" in one_line_error(
        code, err
    )
    code, _out, err = run(["data", "export", "--to", "ftp://host/x"], capsys)
    assert code == 2 and "only a folder or s3://" in one_line_error(code, err)
    monkeypatch.setenv("MEILI_LAKE_URL", str(root.parent / "nothing-here"))
    code, _out, err = run(["air", "period", "--from", "2019-01-01", "--to", "2019-01-02"], capsys)
    assert code == 3 and "no lake snapshot" in one_line_error(code, err)
