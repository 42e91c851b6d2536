"""HJ 633 IAQI breakpoint tables, AQI levels and indicator sets, as data keyed by edition.

Sources: HJ 633-2012 Table 1, Table 2, §5.1.2–§5.1.3; HJ 633-2026 Table 1, Table 3,
§4.2.2–§4.2.3. Units: µg/m³, CO in mg/m³. Only the IAQI = 100 breakpoints of PM10
(150 → 120) and PM2.5 (75 → 60) differ between the editions.
[@hj633-2012:t1] [@hj633-2012:t2] [@hj633-2026:t1] [@hj633-2026:t3]
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

STANDARD: Final = "HJ 633"
EDITIONS: Final = ("2012", "2026")

#: IAQI values of the table rows (HJ 633-2012 Table 1 / HJ 633-2026 Table 3, first column).
IAQI_ROWS: Final = (0, 50, 100, 150, 200, 300, 400, 500)

# Concentration breakpoints per item, one per IAQI row; a shorter tuple ends the column
# (SO2_1H stops at IAQI 200 and O3_8H at IAQI 300: footnotes 2/3 of 2012, b/c of 2026).
_COMMON: Final[dict[str, tuple[int, ...]]] = {
    "SO2_24H": (0, 50, 150, 475, 800, 1600, 2100, 2620),
    "SO2_1H": (0, 150, 500, 650, 800),
    "NO2_24H": (0, 40, 80, 180, 280, 565, 750, 940),
    "NO2_1H": (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    "CO_24H": (0, 2, 4, 14, 24, 36, 48, 60),
    "CO_1H": (0, 5, 10, 35, 60, 90, 120, 150),
    "O3_1H": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "O3_8H": (0, 100, 160, 215, 265, 800),
}

BREAKPOINTS: Final = MappingProxyType(
    {
        "2012": MappingProxyType(
            {
                **_COMMON,
                "PM10_24H": (0, 50, 150, 250, 350, 420, 500, 600),
                "PM25_24H": (0, 35, 75, 115, 150, 250, 350, 500),
            }
        ),
        "2026": MappingProxyType(
            {
                **_COMMON,
                "PM10_24H": (0, 50, 120, 250, 350, 420, 500, 600),
                "PM25_24H": (0, 35, 60, 115, 150, 250, 350, 500),
            }
        ),
    }
)
"""``BREAKPOINTS[edition][item]``: concentration breakpoints matching :data:`IAQI_ROWS`."""

#: PM 1-hour means are evaluated on the 24-hour (daily) columns: HJ 633-2026 §4.2.4;
#: for 2012 this is the CNEMC real-time practice (2012 has no PM 1-hour column).
TABLE_OF: Final = MappingProxyType({"PM10_1H": "PM10_24H", "PM25_1H": "PM25_24H"})

ITEMS: Final = (*BREAKPOINTS["2012"], *TABLE_OF)

#: Pollutant reported for each item (primary / exceedance pollutant names).
POLLUTANT: Final = MappingProxyType(
    {
        "SO2_24H": "SO2",
        "SO2_1H": "SO2",
        "NO2_24H": "NO2",
        "NO2_1H": "NO2",
        "PM10_24H": "PM10",
        "PM10_1H": "PM10",
        "PM25_24H": "PM2.5",
        "PM25_1H": "PM2.5",
        "CO_24H": "CO",
        "CO_1H": "CO",
        "O3_1H": "O3",
        "O3_8H": "O3",
    }
)

#: GB/T 8170 input rounding step of HJ 633-2026 §4.2.2 (µg/m³ to integers, CO to 0.1 mg/m³).
ROUNDING_STEP_2026: Final = MappingProxyType(
    {item: 1.0 for item in ITEMS} | {"CO_24H": 0.1, "CO_1H": 0.1}
)

#: Named indicator sets (HJ 633 items whose IAQI the AQI is the maximum of).
#:
#: * ``daily-2012``: HJ 633-2012 §5.1.2 [@hj633-2012:5.1.2], 7 indicators incl. the O3 daily
#:   max 1 h;
#: * ``daily-2026``: HJ 633-2026 §4.2.2 [@hj633-2026:4.2.2], 6 indicators;
#: * ``hourly-1h``: the six 1-hour means, PM on the daily columns: HJ 633-2026 §4.2.3–§4.2.4
#:   [@hj633-2026:4.2.4]; for 2012-edition data the CNEMC real-time release, which it
#:   reproduces on every site-hour of the bundled 2019 days [@cnemc:realtime-aqi-2019];
#: * ``hourly-2012-sliding``: HJ 633-2012 §5.1.3 read literally [@hj633-2012:5.1.3], the
#:   reported indicators that have an IAQI column: 1-h SO2 NO2 CO O3, the O3 8-h moving mean
#:   and the PM 24-h sliding means (given as PM10_24H / PM25_24H).
INDICATOR_SETS: Final = MappingProxyType(
    {
        "daily-2012": ("SO2_24H", "NO2_24H", "PM10_24H", "PM25_24H", "CO_24H", "O3_1H", "O3_8H"),
        "daily-2026": ("SO2_24H", "NO2_24H", "PM10_24H", "PM25_24H", "CO_24H", "O3_8H"),
        "hourly-1h": ("SO2_1H", "NO2_1H", "PM10_1H", "PM25_1H", "CO_1H", "O3_1H"),
        "hourly-2012-sliding": (
            "SO2_1H",
            "NO2_1H",
            "PM10_24H",
            "PM25_24H",
            "CO_1H",
            "O3_1H",
            "O3_8H",
        ),
    }
)

#: Default set per (edition, kind): the daily sets of each edition; for the real-time
#: (hourly) AQI the six 1-hour means in both editions (see ``hourly-1h`` above).
DEFAULT_SET: Final = MappingProxyType(
    {
        ("2012", "daily"): "daily-2012",
        ("2026", "daily"): "daily-2026",
        ("2012", "hourly"): "hourly-1h",
        ("2026", "hourly"): "hourly-1h",
    }
)

INDICATORS: Final = MappingProxyType(
    {key: INDICATOR_SETS[name] for key, name in DEFAULT_SET.items()}
)
"""``INDICATORS[(edition, kind)]``: the default indicator set's items."""


def indicator_set(name: str) -> tuple[str, ...]:
    """The items of a named indicator set (:data:`INDICATOR_SETS`); ``ValueError`` if unknown."""
    try:
        return INDICATOR_SETS[name]
    except KeyError:
        known = ", ".join(INDICATOR_SETS)
        raise ValueError(f"unknown indicator set {name!r}; use one of {known}") from None


@dataclass(frozen=True)
class Level:
    """One AQI level: HJ 633-2012 Table 2 + Annex A; HJ 633-2026 Table 1 + Annex A.

    [@hj633-2012:t2] [@hj633-2026:t1]
    """

    level: int
    upper: int | None  # highest AQI of the level; None = open (> 300)
    category_zh: str
    category_en: str
    colour_zh: str
    rgb: tuple[int, int, int]
    cmyk: tuple[int, int, int, int]

    @property
    def colour(self) -> str:
        """The RGB colour as ``#RRGGBB``."""
        return "#{:02X}{:02X}{:02X}".format(*self.rgb)


#: Same bounds and colours in both editions (2026 writes the first band as 1–50).
LEVELS: Final = (
    Level(1, 50, "优", "Excellent", "绿色", (0, 228, 0), (40, 0, 100, 0)),
    Level(2, 100, "良", "Good", "黄色", (255, 255, 0), (0, 0, 100, 0)),
    Level(3, 150, "轻度污染", "Lightly Polluted", "橙色", (255, 126, 0), (0, 52, 100, 0)),
    Level(4, 200, "中度污染", "Moderately Polluted", "红色", (255, 0, 0), (0, 100, 100, 0)),
    Level(5, 300, "重度污染", "Heavily Polluted", "紫色", (153, 0, 76), (10, 100, 40, 30)),
    Level(6, None, "严重污染", "Severely Polluted", "褐红色", (126, 0, 35), (30, 100, 100, 30)),
)
