"""Lake/reservoir guess from a section name, for data that do not say (e.g. CNEMC releases).

GB 3838-2002 Table 1 item 8 has stricter TP limits for 湖、库. A section is guessed to be a
lake/reservoir point when its name says it lies *in* one (湖心, 库心, 湖区, a name ending in 湖,
水库, 淀, …) and not on a river entering or leaving one (入湖口, 入库口, 出口, 闸, 桥, 水厂, 下游…).
This is a heuristic, not a rule of any standard: many lake points carry place names only
(兰山嘴, 南刘庄 on 太湖), so it misses them; callers with a section register should pass the
register's waterbody type instead. [@meili:waterbody-name] [@gb3838-2002:t1]
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

LAKE_PATTERN: Final = (
    r"(?:湖心|库心|湖中|湖区|库区|海中|湖$|水库$|淀$|湖[（(]|库[（(]|(?:湖|库)[南北东西中])"
)
NOT_LAKE_PATTERN: Final = r"(?:入湖|入库|出口|出水|闸|桥|水厂|下游|河口|渡口|湖州|入海)"


def waterbody_from_name(names: pd.Series) -> pd.Series:
    """``"lake"`` or ``"river"`` per section name by the heuristic above (NA name → river)."""
    s = names.astype("string").fillna("")
    lake = s.str.contains(LAKE_PATTERN, regex=True) & ~s.str.contains(NOT_LAKE_PATTERN, regex=True)
    return pd.Series(np.where(lake.to_numpy(dtype=bool), "lake", "river"), index=names.index)
