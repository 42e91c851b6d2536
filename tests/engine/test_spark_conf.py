"""Pointing Meili at a Spark cluster: MEILI_SPARK_MASTER and MEILI_SPARK_CONF_* settings."""

from __future__ import annotations

import pytest

from meili.engine import SPARK_DEFAULTS, SPARK_FIXED, spark_conf
from meili.errors import UserError


def test_local_mode_by_default() -> None:
    master, conf = spark_conf({})
    assert master == "local[2]"
    assert conf == {**SPARK_DEFAULTS, **SPARK_FIXED}
    assert conf["spark.sql.timestampType"] == "TIMESTAMP_NTZ"


def test_master_and_properties_from_the_environment() -> None:
    master, conf = spark_conf(
        {
            "MEILI_SPARK_MASTER": "spark://head.example:7077",
            "MEILI_SPARK_CONF_MEMORY": "spark.executor.memory=8g",
            "MEILI_SPARK_CONF_TZ": " spark.sql.session.timeZone = Asia/Shanghai ",
            "MEILI_SPARK_CONF_S3": "spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:9000",
            "MEILI_SPARK_CONF_PARTS": "spark.sql.shuffle.partitions=200",
            "MEILI_OTHER": "ignored=1",
        }
    )
    assert master == "spark://head.example:7077"
    assert conf["spark.executor.memory"] == "8g"
    assert conf["spark.sql.session.timeZone"] == "Asia/Shanghai"  # names keep their case
    assert conf["spark.hadoop.fs.s3a.endpoint"] == "http://127.0.0.1:9000"  # '=' in the value
    assert conf["spark.sql.shuffle.partitions"] == "200"  # a default overridden
    assert "ignored" not in conf


def test_a_setting_the_definitions_need_cannot_be_changed() -> None:
    with pytest.raises(UserError, match=r"MEILI_SPARK_CONF_X: .*spark.sql.timestampType"):
        spark_conf({"MEILI_SPARK_CONF_X": "spark.sql.timestampType=TIMESTAMP_LTZ"})
    _, conf = spark_conf({"MEILI_SPARK_CONF_X": "spark.sql.ansi.enabled=false"})  # same value
    assert conf["spark.sql.ansi.enabled"] == "false"


@pytest.mark.parametrize("setting", ["spark.executor.memory", "=8g", ""])
def test_a_setting_without_property_and_value_is_a_user_error(setting: str) -> None:
    with pytest.raises(UserError, match="MEILI_SPARK_CONF_BAD: expected property=value"):
        spark_conf({"MEILI_SPARK_CONF_BAD": setting})
