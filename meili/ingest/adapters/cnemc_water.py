"""CNEMC real-time surface-water release (national automatic stations, 4-hourly).

Columns ``province,basin,section,monitor_time_raw,water_class,temp_c,ph,do_mgL,…``.
``monitor_time_raw`` is ``MM-DD HH:MM`` without a year: the year comes from the file name
(``…_2021-04.csv``). ``--`` = no data, ``*`` = not measured or under maintenance.
"""

from __future__ import annotations

from meili.errors import Location, UserError
from meili.ingest.adapters.tabular import extract_loaded
from meili.ingest.extract import Extract
from meili.ingest.kinds import Kind
from meili.ingest.loaded import Loaded, period_from_name
from meili.ingest.synonyms import squeeze

NAME = "cnemc-water"
KIND = "water-samples"


def matches(header: list[str]) -> bool:
    """True for the release's header (``monitor_time_raw`` and ``water_class``)."""
    names = {squeeze(h) for h in header}
    return {"monitortimeraw", "waterclass", "section"} <= names


def extract(loaded: Loaded, kind: Kind) -> Extract:
    """Read the release; yearless times take the year of the file name's period."""
    period = period_from_name(loaded.name)
    if period is None:
        raise UserError(
            "times are 'MM-DD HH:MM' without a year: put the year-month in the file name "
            "(e.g. …_2021-04.csv)",
            Location(loaded.name),
        )
    ext = extract_loaded(loaded, kind, adapter=NAME, year=period[0].year)
    ext.period = period
    return ext
