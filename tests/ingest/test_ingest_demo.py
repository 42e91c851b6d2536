"""The bundled demo samples land cleanly, and a second run changes nothing."""

from __future__ import annotations

from pathlib import Path

from meili.ingest.demo import demo_dir, ingest_demo_samples
from meili.lake.store import connect


def test_demo_samples(home: Path) -> None:
    results = ingest_demo_samples()
    assert all(r.status == "landed" for r in results), [r.error for r in results]
    adapters = {r.adapter for r in results}
    assert adapters == {"cnemc-sites", "uci-beijing", "cnemc-air-wide", "cnemc-water"}
    for r in results:
        assert r.rows_landed + r.rows_quarantined == r.rows_read
    con = connect()
    bj = con.execute(
        "SELECT count(*) FROM air_hourly WHERE site_code IN ('1002A','1003A','1004A') "
        "AND time < '2018-01-01'"
    ).fetchone()[0]
    assert bj == 3 * 59 * 24
    assert all(r.status == "unchanged" for r in ingest_demo_samples())
    total = sum(p.stat().st_size for p in demo_dir().iterdir())
    assert total < 3_000_000
    assert (demo_dir() / "ATTRIBUTION.md").is_file()
