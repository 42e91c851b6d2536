"""Surface water: GB 3838-2002 classes, 环办〔2011〕22号 evaluation, TLI, CWQI, raw-value parsing.

Frames have one column per item code (mg/L; pH dimensionless; fecal coliform 个/L):
``ph do codmn cod bod5 nh3n tp tn cu zn f se as hg cd cr6 pb cn volatile_phenol petroleum las
s2 fecal_coliform`` (TLI also ``chla`` mg/m³ and ``sd`` m). Classes are labelled
``Ⅰ Ⅱ Ⅲ Ⅳ Ⅴ 劣Ⅴ``. [@gb3838-2002:t1] [@hbb2011-22:section-class] [@tli-2001:formula]
[@cwqi-2017:formula]; each module says which of its rules are unconfirmed.
"""

from __future__ import annotations

from meili.standards.water.cwqi import city_cwqi, cwqi, cwqi_change, cwqi_items, cwqi_rank
from meili.standards.water.evaluation2011 import (
    PRIORITY_ITEMS,
    REFERENCE_ITEMS,
    ROUTINE_ITEMS,
    classify,
    classify_period,
    exceedance_multiples,
    main_pollutants,
    meets_target,
    period_means,
    quality_grade,
    section_class_numbers,
)
from meili.standards.water.gb3838 import (
    CLASS_LABELS,
    EDITION,
    ITEMS,
    TABLE1,
    class_labels,
    class_limit,
    class_numbers,
    item_class,
    single_factor_classes,
    table1,
)
from meili.standards.water.groups2011 import (
    change_by_class,
    change_by_shares,
    change_by_status,
    class_shares,
    group_status,
    status_from_shares,
)
from meili.standards.water.names import waterbody_from_name
from meili.standards.water.parse import Parsed, parse_series, parse_values
from meili.standards.water.tli import tli, tli_components, trophic_grade, weights

__all__ = [
    "CLASS_LABELS",
    "EDITION",
    "ITEMS",
    "PRIORITY_ITEMS",
    "REFERENCE_ITEMS",
    "ROUTINE_ITEMS",
    "TABLE1",
    "Parsed",
    "change_by_class",
    "change_by_shares",
    "change_by_status",
    "city_cwqi",
    "class_labels",
    "class_limit",
    "class_numbers",
    "class_shares",
    "classify",
    "classify_period",
    "cwqi",
    "cwqi_change",
    "cwqi_items",
    "cwqi_rank",
    "exceedance_multiples",
    "group_status",
    "item_class",
    "main_pollutants",
    "meets_target",
    "parse_series",
    "parse_values",
    "period_means",
    "quality_grade",
    "section_class_numbers",
    "single_factor_classes",
    "status_from_shares",
    "table1",
    "tli",
    "tli_components",
    "trophic_grade",
    "waterbody_from_name",
    "weights",
]
