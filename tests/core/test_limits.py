"""Limits are enforced while reading: bombs are refused early with small configured limits,
and the memory a refused input takes stays bounded (measured with tracemalloc)."""

from __future__ import annotations

import gzip
import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from cli_support import one_line_error, run

from meili.errors import UserError
from meili.ingest.source import open_source
from meili.yamlfile import parse_yaml

MiB = 1024 * 1024


def _peak(fn) -> int:
    tracemalloc.start()
    try:
        fn()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def test_gzip_bomb_is_refused_as_it_unpacks(tmp_path: Path) -> None:
    bomb = tmp_path / "china_sites_20190101.csv.gz"
    bomb.write_bytes(gzip.compress(b"0" * (96 * MiB), compresslevel=9))
    assert bomb.stat().st_size < MiB

    def read() -> None:
        with pytest.raises(UserError, match="unpacks to over the 4,194,304-byte limit"):
            open_source(bomb, limit=4 * MiB)

    peak = _peak(read)
    assert peak < 16 * MiB, peak  # unpacking it whole would take 96 MiB


def test_workbook_bomb_is_refused_before_unpacking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEILI_INGEST_MAX_XLSX_BYTES", str(2 * MiB))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<c>0</c>" * (4 * MiB))
    book = tmp_path / "bomb.xlsx"
    book.write_bytes(buf.getvalue())

    def read() -> None:
        with pytest.raises(UserError, match="the workbook unpacks to 33,554,432 bytes"):
            open_source(book)

    assert _peak(read) < 8 * MiB


def test_parquet_that_unpacks_past_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.parquet"
    pq.write_table(pa.table({"pm25": pa.array([1.5] * 2_000_000)}), path)
    assert path.stat().st_size < MiB
    with pytest.raises(UserError, match="the Parquet file unpacks to"):
        open_source(path, limit=4 * MiB)


LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


def test_yaml_alias_bomb_is_refused_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, home: Path, capsys
) -> None:
    assert len(LAUGHS.encode()) < 500
    monkeypatch.setenv("MEILI_YAML_MAX_NODES", "10000")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(LAUGHS, "utf-8")
    t0 = time.perf_counter()

    def parse() -> None:
        with pytest.raises(UserError):
            parse_yaml(LAUGHS, "bomb.yaml")

    peak = _peak(parse)
    assert time.perf_counter() - t0 < 5 and peak < 16 * MiB
    for args in (["framework", "validate", str(bomb)], ["zones", "import", str(bomb)]):
        code, _, err = run(args, capsys)
        line = one_line_error(code, err)
        assert "bomb.yaml" in line and "more than 10,000 nodes" in line
    deep = "x: " + "[" * 300 + "]" * 300
    with pytest.raises(UserError, match="nested deeper than 100 levels"):
        parse_yaml(deep, "deep.yaml")
    # an ordinary document with aliases is read as before
    tree = parse_yaml("base: &b {unit: '%'}\nother: *b\n", "ok.yaml")
    assert tree["other"]["unit"] == "%"
