"""Registry of the method ids an indicator may name, and which engine module computes each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Method:
    """A way an indicator value is obtained: a standard computation or a reported figure."""

    id: str
    name_zh: str
    name_en: str
    standard: str | None
    engine: str | None  # module that computes it; None for reported figures

    @property
    def computed(self) -> bool:
        """True when the platform computes the value from measurements itself."""
        return self.engine is not None


REPORTED = "reported"
#: Prefix of the stats code that reports whether a zone completed the task the higher level
#: assigned for an indicator (1 = completed, 0 = not), e.g. ``task:glc.co2_intensity_reduction``.
TASK_PREFIX = "task:"

_AIR = "meili.standards.air"
_WATER = "meili.standards.water"
_NOISE = "meili.standards.noise"
_CARBON = "meili.standards.carbon"
_ECO = "meili.standards.ecology"
_LAKE = "meili.lake.catalog"

_ALL = [
    Method(REPORTED, "统计报表或台账填报", "reported statistics or ledger", None, None),
    Method(
        "air.pm25_annual_mean",
        "PM2.5 年均浓度",
        "PM2.5 annual mean",
        "HJ 663-2013 / HJ 663-2026",
        _AIR,
    ),
    Method(
        "air.pm10_annual_mean",
        "PM10 年均浓度",
        "PM10 annual mean",
        "HJ 663-2013 / HJ 663-2026",
        _AIR,
    ),
    Method(
        "air.good_day_ratio",
        "空气质量优良天数比例",
        "share of good-air days (AQI ≤ 100)",
        "HJ 633-2012 / HJ 633-2026; HJ 663",
        _AIR,
    ),
    Method(
        "air.heavy_pollution_day_ratio",
        "重污染天数比例",
        "share of heavily polluted days (AQI > 200)",
        "HJ 633-2012 / HJ 633-2026",
        _AIR,
    ),
    Method(
        "air.composite_index",
        "环境空气质量综合指数",
        "ambient air-quality composite index",
        "城市环境空气质量排名技术规定（环办监测〔2018〕19号）",
        _AIR,
    ),
    Method(
        "air.composite_index_rank",
        "环境空气质量综合指数排名",
        "rank by air composite index",
        "城市环境空气质量排名技术规定（环办监测〔2018〕19号）",
        "meili.assess.ranking",
    ),
    Method(
        "water.good_section_share",
        "地表水水质优良（Ⅰ～Ⅲ类）断面比例",
        "share of surface-water sections of class I–III",
        "GB 3838-2002; 环办〔2011〕22号",
        _WATER,
    ),
    Method(
        "water.inferior_v_share",
        "地表水劣Ⅴ类断面比例",
        "share of surface-water sections worse than class V",
        "GB 3838-2002; 环办〔2011〕22号",
        _WATER,
    ),
    Method(
        "water.cwqi",
        "城市水质指数（CWQI）",
        "city water-quality index (CWQI)",
        "城市地表水环境质量排名技术规定（试行）（环办监测〔2017〕51号）",
        _WATER,
    ),
    Method(
        "water.cwqi_rank",
        "城市水质指数排名",
        "rank by CWQI",
        "城市地表水环境质量排名技术规定（试行）（环办监测〔2017〕51号）",
        "meili.assess.ranking",
    ),
    Method(
        "water.drinking_source_compliance",
        "集中式饮用水水源地水质达标率",
        "compliance of centralised drinking-water sources",
        "GB 3838-2002; GB 14848-2017",
        _WATER,
    ),
    Method(
        "sea.good_quality_share",
        "近岸海域水质优良（一、二类）比例",
        "share of coastal waters of class I–II",
        "GB 3097-1997",
        "meili.standards.sea",
    ),
    Method(
        "noise.night_compliance",
        "声环境功能区夜间达标率",
        "night-time compliance of noise functional zones",
        "GB 3096-2008; HJ 640-2012",
        _NOISE,
    ),
    Method(
        "carbon.co2_intensity_reduction",
        "单位 GDP 二氧化碳排放降低率",
        "reduction of CO2 emissions per unit of GDP",
        "省级温室气体清单编制指南; 不变价 GDP",
        _CARBON,
    ),
    Method(
        "carbon.co2_total",
        "二氧化碳排放总量",
        "total CO2 emissions",
        "省级温室气体清单编制指南",
        _CARBON,
    ),
    Method(
        "energy.intensity_reduction",
        "单位 GDP 能耗降低率",
        "reduction of energy use per unit of GDP",
        "GB/T 2589-2020; 不变价 GDP",
        _CARBON,
    ),
    Method(
        "eco.eqi",
        "生态质量指数（EQI）",
        "ecological quality index (EQI)",
        "HJ 1172-2021",
        _ECO,
    ),
    Method(
        "platform.data_sharing_rate",
        "监测数据集成共享率",
        "share of monitoring data integrated and shared",
        "本平台数据目录（Meili catalogue）",
        _LAKE,
    ),
]

METHODS: dict[str, Method] = {m.id: m for m in _ALL}


def get(method_id: str) -> Method | None:
    """The method registered under ``method_id``, or None."""
    return METHODS.get(method_id)


def known_ids() -> list[str]:
    """All registered method ids, sorted."""
    return sorted(METHODS)
