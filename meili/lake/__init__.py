"""The measurement lake: Parquet datasets under ``MEILI_HOME/lake``, queried with DuckDB."""
