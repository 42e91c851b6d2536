"""Relational store migrations (SQLite and PostgreSQL), `meili init` idempotence, the lake."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, inspect, select

from meili import bootstrap
from meili.db import session as db
from meili.db.models import AuditEntry, Division, FrameworkVersion, Zone
from meili.errors import NotFoundError, UserError
from meili.lake import store as lake

TABLES = {"divisions", "zones", "zone_members", "framework_versions", "audit_log", "meta"}


def test_migrations_up_and_down(db_url: str) -> None:
    db.upgrade()
    assert set(inspect(db.engine()).get_table_names()) >= TABLES
    assert db.current_revision() == db.head_revision()
    db.downgrade(revision="base")
    assert not (TABLES & set(inspect(db.engine()).get_table_names()))
    assert db.current_revision() is None
    db.upgrade()
    assert set(inspect(db.engine()).get_table_names()) >= TABLES


def test_init_twice_changes_nothing(db_url: str) -> None:
    first = bootstrap.initialise()
    assert first["divisions"] > 6000 and first["zones"] == 5 and first["frameworks"] == 1
    assert first["sites"] == 2026  # the bundled CNEMC air-site register
    with db.session() as s:
        counts = [
            s.scalar(select(func.count()).select_from(t))
            for t in (Division, Zone, FrameworkVersion, AuditEntry)
        ]
    second = bootstrap.initialise()
    assert second == {"divisions": 0, "zones": 0, "frameworks": 0, "sites": 0}
    with db.session() as s:
        again = [
            s.scalar(select(func.count()).select_from(t))
            for t in (Division, Zone, FrameworkVersion, AuditEntry)
        ]
    assert again == counts


def test_session_before_init_is_a_user_error(home) -> None:
    with pytest.raises(UserError, match="meili init"), db.session():
        pass


def test_session_rolls_back_on_error(store) -> None:
    with pytest.raises(RuntimeError), db.session() as s:
        s.get(Zone, "R-JJJ").name_zh = "changed"
        raise RuntimeError("boom")
    with db.session() as s:
        assert s.get(Zone, "R-JJJ").name_zh.startswith("京津冀")


def test_lake_views_query_parquet_partitions(home) -> None:
    root = lake.lake_root()
    for period, values in (("2019-01", [1.0, 3.0]), ("2019-02", [5.0])):
        part = root / "demo_values" / f"period={period}"
        part.mkdir(parents=True)
        pq.write_table(pa.table({"v": values}), part / "part-0.parquet")
    assert lake.datasets() == ["demo_values"]
    rows = lake.query("SELECT period, avg(v) FROM demo_values GROUP BY 1 ORDER BY 1").fetchall()
    assert rows == [("2019-01", 2.0), ("2019-02", 5.0)]
    with pytest.raises(NotFoundError):
        lake.query("SELECT * FROM missing_dataset")
    with pytest.raises(UserError):
        lake.dataset_dir("Bad-Name")


def test_status_json(store, capsys) -> None:
    import json

    from meili.cli.main import main

    main(["status", "--format", "json"])
    rec = json.loads(capsys.readouterr().out)["records"][0]
    assert rec["divisions"] == {"province": 34, "prefecture": 333, "county": 2846}
    assert rec["zones"]["region"] == 5 and rec["frameworks"] == ["meili-default@2026.1"]
