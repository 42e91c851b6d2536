"""A lake snapshot that a cluster can read: a local folder or ``s3://bucket/prefix``.

The lake itself stays on local disk (its manifest is published by an atomic rename and a
lock file, which object stores do not offer). :func:`export` copies the live Parquet files
of every dataset at one lake version, byte for byte, to ``<dest>/<dataset>/`` (the
``period=YYYY-MM`` folders kept, so every reader sees the same columns), then writes
``_snapshot.json`` last: the lake version and, per dataset, each file with its size and
SHA-256. A reader trusts only a snapshot whose ``_snapshot.json`` exists and reads only
the files it lists; a destination that already holds a snapshot is refused (snapshots are
never changed, so a reader never sees half of one).

Readers: :func:`duckdb_connection` (views over pyarrow datasets, local or S3 — nothing is
downloaded at run time, DuckDB's httpfs is not used) and :func:`spark_paths` (``s3a://``
URLs for Spark, which needs the hadoop-aws jars on its classpath for S3). S3 settings come
from the environment: ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` (or the usual AWS
credential chain), ``AWS_REGION``, and ``MEILI_S3_ENDPOINT`` for an S3-compatible store
(``http://127.0.0.1:9000``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path, PurePosixPath
from typing import Any

import duckdb
import pyarrow.dataset as pads
import pyarrow.fs as pafs

from meili.errors import NotFoundError, UserError
from meili.lake import store

INDEX = "_snapshot.json"
FORMAT = "meili-lake-snapshot/1"


def filesystem(url: str) -> tuple[pafs.FileSystem, str]:
    """The pyarrow filesystem and base path of a folder or an ``s3://bucket/prefix`` URL."""
    if url.startswith("s3://"):
        base = url[len("s3://") :].strip("/")
        if not base:
            raise UserError(f"{url}: name a bucket (s3://bucket/prefix)")
        endpoint = os.environ.get("MEILI_S3_ENDPOINT") or None
        options: dict[str, Any] = {"endpoint_override": endpoint}
        if os.environ.get("AWS_REGION"):
            options["region"] = os.environ["AWS_REGION"]
        if endpoint and endpoint.startswith("http://"):
            options["scheme"] = "http"
        return pafs.S3FileSystem(**options), base
    if "://" in url:
        raise UserError(f"{url}: only a folder or s3://bucket/prefix is supported")
    return pafs.LocalFileSystem(), Path(url).resolve().as_posix()


def _target(dataset: str, source: str, number: int) -> str:
    """Where a live file goes: ``<dataset>/<k=v folders>/<number>-<name>`` (unique names)."""
    parts = PurePosixPath(Path(source).as_posix()).parts
    hive = [p for p in parts[:-1] if "=" in p]
    return str(PurePosixPath(dataset, *hive, f"{number:05d}-{parts[-1]}"))


def _copy(fs: pafs.FileSystem, source: str, target: str) -> tuple[int, str]:
    """Copy a local file to ``target`` on ``fs``; its size and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    parent = str(PurePosixPath(target).parent)
    fs.create_dir(parent, recursive=True)
    with open(source, "rb") as src, fs.open_output_stream(target) as out:
        while chunk := src.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def export(dest: str, root: Path | None = None, as_of: int | None = None) -> dict[str, Any]:
    """Copy the lake at version ``as_of`` (default: current) to ``dest``; the snapshot index.

    Every dataset (manifest batches and hand-placed folders) is copied; ``_snapshot.json``
    is written last. A ``dest`` that already holds a snapshot is a user error.
    """
    fs, base = filesystem(dest)
    index = f"{base}/{INDEX}"
    try:
        held = fs.get_file_info(index).type != pafs.FileType.NotFound
    except OSError as exc:
        raise UserError(f"cannot write the snapshot to {dest}: {exc}") from None
    if held:
        raise UserError(f"{dest} already holds a lake snapshot; export to a new place")
    base_dir = store.lake_root(root)
    manifest = store.snapshot(base_dir, as_of)
    version = int(manifest["version"]) if as_of is None else as_of
    names = set(store.live_files_of(base_dir, manifest, version)) | set(store.datasets(root))
    datasets: dict[str, list[dict[str, Any]]] = {}
    try:
        for name in sorted(names):
            entries = []
            for i, source in enumerate(store.live_files(name, root, version)):
                rel = _target(name, source, i)
                size, sha = _copy(fs, source, f"{base}/{rel}")
                entries.append({"path": rel, "bytes": size, "sha256": sha})
            if entries:
                datasets[name] = entries
        info = {
            "format": FORMAT,
            "lake_version": version,
            "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "datasets": datasets,
        }
        with fs.open_output_stream(index) as out:  # last: the snapshot exists from here on
            out.write(json.dumps(info, ensure_ascii=False, indent=1).encode())
    except OSError as exc:  # unreachable store, no such bucket, no permission …
        raise UserError(f"cannot write the snapshot to {dest}: {exc}") from None
    return info


def read_index(url: str) -> dict[str, Any]:
    """The ``_snapshot.json`` of the snapshot at ``url`` (NotFoundError when none)."""
    fs, base = filesystem(url)
    try:
        with fs.open_input_stream(f"{base}/{INDEX}") as src:
            info = json.loads(src.read())
    except FileNotFoundError:
        raise NotFoundError(f"{url}: no lake snapshot ({INDEX} missing)") from None
    if not isinstance(info, dict) or info.get("format") != FORMAT:
        raise UserError(f"{url}/{INDEX}: not a Meili lake snapshot ({FORMAT})")
    return info


def duckdb_connection(url: str) -> tuple[duckdb.DuckDBPyConnection, dict[str, Any]]:
    """An in-memory DuckDB connection with one view per dataset of the snapshot at ``url``.

    Each view reads the listed files through a pyarrow dataset (hive ``period=`` folders
    as a column, as the lake's own views), on local disk or S3.
    """
    info = read_index(url)
    fs, base = filesystem(url)
    con = duckdb.connect()
    for name, entries in sorted(info["datasets"].items()):
        data = pads.dataset(
            [f"{base}/{e['path']}" for e in entries],
            filesystem=fs,
            format="parquet",
            partitioning="hive",
            partition_base_dir=f"{base}/{name}",
        )
        con.register(name, data)
    return con, info


def spark_paths(url: str, dataset: str) -> list[str]:
    """The files of ``dataset`` in the snapshot at ``url`` as Spark reads them (``s3a://``)."""
    info = read_index(url)
    entries = info["datasets"].get(dataset, [])
    if url.startswith("s3://"):
        prefix = "s3a://" + url[len("s3://") :].strip("/")
    else:
        prefix = Path(url).resolve().as_uri()
    return [f"{prefix}/{e['path']}" for e in entries]
