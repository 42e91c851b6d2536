"""National comparison: rank and percentile of each unit among units of the same kind.

Ranks are direction-aware (↑ indicators: largest first; ↓ indicators: smallest first) and ties
share the minimum rank (:func:`meili.assess.composite.rank_min`, R ``ties.method="min"``).
Units with no value are excluded from the ranking and reported (``missing_value``); so are
group members absent from the data (``no_data``) and data units outside the group
(``not_in_group``).

Validity: a row may carry ``valid`` (the value meets its data-validity rule, e.g. GB 3095-2012
Table 4 / HJ 663 for annual air statistics). An invalid value stays in the table, flagged
(``valid`` False, ``validity_zh`` "不满足 GB 3095 数据有效性要求，仅供参考" /
``validity_en``), is never ranked with the valid values, and gets no 前列/领先 — unless the
policy asks for it (``include_invalid``), when it is ranked and still flagged.

Definitions, with ``n`` the number of ranked units for the indicator and ``group_size`` the
number of units of the comparison group (the members of a named group; else the units given):

* ``coverage`` = n / group_size: the share of the group ranked.
* percentile = 100 × (n − rank) / (n − 1): the share of the *other* units that the unit is at
  least as good as (ties count as "as good as"); 100 when n = 1 or when all are tied.
* 全国前列 (``top``): rank ≤ max(1, ⌊top_share × n⌋), top_share default 0.20 — with n = 31,
  the first 6; units tied at the cut-off all qualify (minimum ranks).
* 全国领先 (``leading``): in 全国前列 and either rank ≤ ``leading_top_n`` (default 3) or rank ≤
  max(1, ⌊leading_share × n⌋) (default 0.10). Requiring 前列 keeps a small group's last unit
  from being "leading" by the rank-3 rule; either part can be switched off with None.
* coverage minimum: no 前列 and no 领先 when coverage < ``min_coverage`` (default 0.75: three
  quarters of the group must have a ranked value) — a rank among 1 or 4 of 31 provinces says
  nothing about the country. The rank itself is still shown, with the coverage.
* band: the first of the cumulative shares ``bands`` (default quintiles 0.2…1.0) with rank ≤
  max(1, ⌊share × n⌋); labels 前20% / 20%–40% / …
* 改善幅度 (improvement, when a baseline value is given): the relative change from the
  baseline in the direction of improvement, (baseline − value)/baseline × 100 for ↓
  indicators and (value − baseline)/baseline × 100 for ↑ ones (the change rate of
  《城市环境空气质量排名技术规定》, sign turned so that larger is better; a baseline ≤ 0 gives
  none). Ranked like the level (``change_rank``, ``change_n``, ``change_coverage``,
  ``change_top``, ``change_leading``) over the units whose value and baseline are both valid.
* display ``unranked`` drops rank, percentile and ``leading`` (of level and improvement) and
  shows the band (and 前列, a band statement) only, in the manner of the NDRC 2020 scheme which
  publishes grades, not ranks.

Groups are data, in one place (:mod:`meili.registry.groups`): ``provinces31`` (GB/T 2260),
``east``, ``central``, ``west``, ``northeast`` (NBS four-region division, 2011), ``key168``
and ``cities337``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import numpy as np
import pandas as pd

from meili.assess.composite.rank import rank_min
from meili.errors import UserError
from meili.registry.groups import group_members
from meili.standards.air.ranking import change_rate

EPS = 1e-9
#: Key prefixes of the units of one comparison: a pilot zone and a division are never one key.
ZONE_KEY, DIVISION_KEY = "zone:", "division:"
INVALID_ZH = "不满足 GB 3095 数据有效性要求，仅供参考"
INVALID_EN = "does not meet the GB 3095 data-validity rule; for reference only"


def zone_key(code: str) -> str:
    """The comparison key of a pilot zone (never equal to a division's key)."""
    return ZONE_KEY + str(code)


def division_key(code: str) -> str:
    """The comparison key of a division (GB/T 2260 code) standing as a unit."""
    return DIVISION_KEY + str(code)


@dataclass(frozen=True)
class ComparePolicy:
    """Thresholds of 全国前列 / 全国领先, the coverage minimum, the bands, the display policy
    and whether values failing their validity rule are ranked (flagged) with the valid ones."""

    top_share: float = 0.20
    leading_share: float | None = 0.10
    leading_top_n: int | None = 3
    bands: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8, 1.0)
    display: Literal["ranked", "unranked"] = "ranked"
    min_coverage: float = 0.75
    include_invalid: bool = False

    def __post_init__(self) -> None:
        if not 0 < self.top_share <= 1:
            raise UserError("top_share must be in (0, 1]")
        if not 0 <= self.min_coverage <= 1:
            raise UserError("min_coverage must be in [0, 1]")
        b = self.bands
        if not b or b[-1] != 1.0 or any(x >= y for x, y in pairwise(b)):
            raise UserError("bands must be increasing cumulative shares ending at 1.0")
        if self.display not in ("ranked", "unranked"):
            raise UserError("display must be ranked or unranked")

    def rule(self, lang: str) -> str:
        """The rank rule in words (zh or en), as the explanation quotes it."""
        top, cov = round(self.top_share * 100), round(self.min_coverage * 100)
        if lang == "zh":
            out = (
                f"并列取最小名次；前列 = 前 {top}%，领先 = 前列且前 {self.leading_top_n} 名"
                f"或前 {round((self.leading_share or 0) * 100)}%；覆盖率不足 {cov}% 不评前列/领先"
            )
            extra = "；不满足有效性要求的值一并排名（已标注）" if self.include_invalid else ""
            return out + extra
        out = (
            f"ties share the lowest rank; top = first {top} %, leading = top and first "
            f"{self.leading_top_n} or first {round((self.leading_share or 0) * 100)} %; no top or "
            f"leading below {cov} % coverage"
        )
        return out + ("; invalid values ranked too (flagged)" if self.include_invalid else "")


@dataclass(frozen=True)
class Comparison:
    """The comparison table and the units left out (unit, indicator, reason)."""

    table: pd.DataFrame
    excluded: pd.DataFrame


def _aliases(members: pd.DataFrame) -> dict[str, str]:
    """Any of code, name or short name → code."""
    out: dict[str, str] = {}
    for col in ("short_name", "name", "code"):
        out.update(zip(members[col].astype(str), members["code"].astype(str), strict=True))
    return out


def compare(
    values: pd.DataFrame,
    directions: Mapping[str, str] | str,
    *,
    group: str | Iterable[str] | None = None,
    policy: ComparePolicy | None = None,
    group_size: int | None = None,
) -> Comparison:
    """Rank each unit's value per indicator among the units of ``group``.

    ``values``: columns unit, indicator, value (one row per unit × indicator); optional
    ``valid`` (default True), ``baseline`` and ``baseline_valid`` (the improvement is ranked
    when ``baseline`` is given); other columns are carried through. ``directions``:
    indicator → ``up``/``down`` (or one direction for all). ``group``: a group name (matched on
    code, full or short name), an explicit list of unit ids, or None for all units in the data.
    ``group_size``: the size of the group coverage is measured against when ``group`` is None
    (default: the number of units in the data).
    """
    policy = policy or ComparePolicy()
    missing = {"unit", "indicator", "value"} - set(values.columns)
    if missing:
        raise UserError(f"comparison data lacks columns: {', '.join(sorted(missing))}")
    frame = values.copy()
    frame["unit"] = frame["unit"].astype(str)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    frame["valid"] = frame["valid"].eq(True) if "valid" in frame else True
    if frame.duplicated(["unit", "indicator"]).any():
        raise UserError("more than one value per unit × indicator")
    indicators = frame["indicator"].drop_duplicates().tolist()
    dirs = {i: directions for i in indicators} if isinstance(directions, str) else directions
    unknown = [i for i in indicators if dirs.get(i) not in ("up", "down")]
    if unknown:
        raise UserError(f"no up/down direction for: {', '.join(map(str, unknown))}")

    excluded = []
    if group is not None:
        members = (
            group_members(group)
            if isinstance(group, str)
            else pd.DataFrame({"code": list(map(str, group))}).assign(
                name=lambda d: d["code"], short_name=lambda d: d["code"]
            )
        )
        size = len(members)
        alias = _aliases(members)
        frame["code"] = frame["unit"].map(alias)
        outside = frame[frame["code"].isna()]
        excluded.append(
            pd.DataFrame(
                {
                    "unit": outside["unit"],
                    "indicator": outside["indicator"],
                    "reason": "not_in_group",
                }
            )
        )
        frame = frame[frame["code"].notna()]
        grid = pd.MultiIndex.from_product([members["code"], indicators]).to_frame(
            index=False, name=["code", "indicator"]
        )
        absent = grid.merge(frame[["code", "indicator"]], how="left", indicator=True)
        absent = absent[absent["_merge"] == "left_only"]
        excluded.append(
            pd.DataFrame(
                {"unit": absent["code"], "indicator": absent["indicator"], "reason": "no_data"}
            )
        )
    else:
        size = group_size if group_size is not None else frame["unit"].nunique()
        frame["code"] = frame["unit"]
    nan = frame["value"].isna()
    excluded.insert(
        0,
        pd.DataFrame(
            {"unit": frame.loc[nan, "unit"], "indicator": frame.loc[nan, "indicator"]}
        ).assign(reason="missing_value"),
    )
    frame = frame[~nan].reset_index(drop=True)
    sign = frame["indicator"].map({i: 1.0 if dirs[i] == "up" else -1.0 for i in indicators})
    counted = frame["valid"] | policy.include_invalid
    rank, n = _rank(frame["indicator"], (frame["value"] * sign).where(counted))
    frame["rank"], frame["n"] = rank, n
    frame["group_size"] = size
    frame = _judge(frame, policy, "", frame["valid"])
    if "baseline" in frame:
        base = pd.to_numeric(frame["baseline"], errors="coerce")
        base_ok = (
            frame["baseline_valid"].eq(True)
            if "baseline_valid" in frame
            else pd.Series(True, index=frame.index)
        )
        change = sign * change_rate(frame["value"], base)
        frame["change_pct"] = change.round(2)
        both = (frame["valid"] & base_ok) | policy.include_invalid
        rank, n = _rank(frame["indicator"], change.where(both))
        frame["change_rank"], frame["change_n"] = rank, n
        frame = _judge(frame, policy, "change_", frame["valid"] & base_ok)
    frame["validity_zh"] = np.where(frame["valid"], "", INVALID_ZH)
    frame["validity_en"] = np.where(frame["valid"], "", INVALID_EN)
    frame["rule_zh"], frame["rule_en"] = policy.rule("zh"), policy.rule("en")
    table = frame.sort_values(["indicator", "rank", "unit"], kind="stable", na_position="last")
    table = table.reset_index(drop=True)
    if policy.display == "unranked":
        drop = ["rank", "percentile", "leading", "change_rank", "change_percentile"]
        table = table.drop(columns=[*drop, "change_leading"], errors="ignore")
    gone = pd.concat(excluded, ignore_index=True) if excluded else pd.DataFrame()
    return Comparison(table, gone.reset_index(drop=True))


def _rank(indicator: pd.Series, score: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Per indicator: rank of ``score`` (largest first, ties at the minimum; NaN unranked,
    as nullable Int64) and n, the number of ranked units."""
    rank = score.groupby(indicator).transform(lambda s: pd.Series(rank_min(s.to_numpy()), s.index))
    n = score.notna().groupby(indicator).transform("sum").astype(int)
    return rank.round().astype("Int64"), n


def _cut(share: float, n: np.ndarray) -> np.ndarray:
    return np.maximum(1, np.floor(share * n + EPS))


def _judge(
    table: pd.DataFrame, policy: ComparePolicy, prefix: str, valid: pd.Series
) -> pd.DataFrame:
    """Percentile, coverage, 前列, 领先 and band of the ``<prefix>rank`` column (unranked rows:
    empty percentile and band; never 前列/领先, nor is an invalid value ranked on request)."""
    ranked = table[f"{prefix}rank"].notna().to_numpy()
    rank = table[f"{prefix}rank"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    n = table[f"{prefix}n"].to_numpy(dtype=float)
    size = np.maximum(table["group_size"].to_numpy(dtype=float), n)
    coverage = np.where(size > 0, n / np.where(size > 0, size, 1), 0.0)
    covered = coverage + EPS >= policy.min_coverage
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(n > 1, 100.0 * (n - rank) / (n - 1), 100.0)
    top = ranked & covered & valid.to_numpy(dtype=bool) & (rank <= _cut(policy.top_share, n))
    lead = np.zeros(rank.shape, dtype=bool)
    if policy.leading_top_n is not None:
        lead |= rank <= policy.leading_top_n
    if policy.leading_share is not None:
        lead |= rank <= _cut(policy.leading_share, n)
    band = np.full(rank.shape, len(policy.bands) - 1)
    for k in range(len(policy.bands) - 1, -1, -1):
        band = np.where(rank <= _cut(policy.bands[k], n), k, band)
    edges = (0.0, *policy.bands)
    out = {
        f"{prefix}coverage": np.round(coverage, 4),
        f"{prefix}percentile": np.where(ranked, pct, np.nan),
        f"{prefix}top": top,
        f"{prefix}leading": top & lead,
        f"{prefix}band": pd.array(np.where(ranked, band + 1, 0), dtype="Int64"),
    }
    out[f"{prefix}band"][~ranked] = pd.NA
    for lang in ("zh", "en"):
        out[f"{prefix}band_{lang}"] = [
            _band_label(edges[k], edges[k + 1], lang) if r else None
            for k, r in zip(band, ranked, strict=True)
        ]
    return table.assign(**out)


def _band_label(lo: float, hi: float, lang: str) -> str:
    a, b = round(lo * 100), round(hi * 100)
    if lo == 0:
        return f"前{b}%" if lang == "zh" else f"top {b}%"
    return f"{a}%–{b}%" if lang == "zh" else f"{a}–{b}%"
