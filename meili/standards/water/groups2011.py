"""Many sections: river/basin/zone status and change, 环办〔2011〕22号.

[@hbb2011-22:groups] [@hbb2011-22:change] — the method's text was not read; the share
thresholds rest on one source and the change thresholds on memory (both unconfirmed; the
full text of 环办〔2011〕22号 would confirm them).


* status of a group with ≥ 5 sections by the section-class-share method
  (河流、流域（水系）水质评价):
  优 Ⅰ–Ⅲ ≥ 90 %; 良好 75 % ≤ Ⅰ–Ⅲ < 90 %; 轻度 Ⅰ–Ⅲ < 75 % and 劣Ⅴ < 20 %; 中度 Ⅰ–Ⅲ < 75 % and
  20 % ≤ 劣Ⅴ < 40 %; 重度 Ⅰ–Ⅲ < 75 % and 劣Ⅴ ≥ 40 %. The last row is also read "Ⅰ–Ⅲ < 60 %";
  Meili uses "< 75 %", which leaves no gap (the two differ only at Ⅰ–Ⅲ = 60 %, 劣Ⅴ = 40 %);
* fewer than 5 sections: mean of each item over the sections, then the single-factor class,
  graded like a section;
* change between periods (水质变化趋势): ΔG − ΔD with |ΔG − ΔD| ≤ 10 no significant
  change, 10 < … ≤ 20 some change, > 20 significant change (10/20 from memory,
  unconfirmed); change of a grade or class: same = no significant change,
  1 step = some change, ≥ 2 steps = significant.

Shares are percentages (0–100) of the sections with a class.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from meili.standards.water.evaluation2011 import classify, quality_grade
from meili.standards.water.gb3838 import CLASS_LABELS, TABLE1, class_numbers

MIN_SECTIONS_FOR_SHARES: Final = 5
STATUS_GRADES: Final = ("优", "良好", "轻度污染", "中度污染", "重度污染")


def class_shares(classes: pd.Series, by: pd.Series | pd.DataFrame | None = None) -> pd.DataFrame:
    """Per group: ``n_sections`` and the percentage of each class, of Ⅰ–Ⅲ and of 劣Ⅴ.

    环办〔2011〕22号 断面水质类别比例法 [@hbb2011-22:groups]. ``classes`` are section labels
    (NA excluded);
    ``by`` the group key(s) aligned with it (None = one group, index ``"all"``).
    """
    n = class_numbers(classes)
    keep = n.notna()
    n = n[keep].astype(int)
    if by is None:
        keys: list[pd.Series] = [pd.Series("all", index=n.index, name="group")]
    elif isinstance(by, pd.DataFrame):
        keys = [by.loc[n.index, c] for c in by.columns]
    else:
        keys = [by.loc[n.index].rename(by.name or "group")]
    counts = pd.crosstab(keys, n).reindex(columns=range(1, 7), fill_value=0)
    total = counts.sum(axis=1)
    pct = counts.div(total, axis=0) * 100.0
    out = pct.set_axis([f"share_{lab}" for lab in CLASS_LABELS], axis=1)
    out.insert(0, "n_sections", total)
    out["share_I_III"] = pct[[1, 2, 3]].sum(axis=1)
    out["share_worse_V"] = pct[6]
    return out


def status_from_shares(share_i_iii: object, share_worse_v: object) -> pd.Series:
    """River/basin status 优…重度污染 from Ⅰ–Ⅲ and 劣Ⅴ percentages.

    环办〔2011〕22号 河流、流域（水系）水质评价 [@hbb2011-22:groups].
    """
    g = pd.to_numeric(pd.Series(share_i_iii), errors="coerce").to_numpy(np.float64)
    d = pd.to_numeric(pd.Series(share_worse_v), errors="coerce").to_numpy(np.float64)
    grade = np.select(
        [g >= 90, g >= 75, d < 20, d < 40, d >= 40],
        list(STATUS_GRADES),
        default="",
    )
    out = pd.Series(grade, index=_index_of(share_i_iii), dtype="string")
    return out.mask(np.isnan(g) | np.isnan(d) | (grade == ""))


def group_status(
    sections: pd.DataFrame, by: str | list[str], waterbody: object = "river"
) -> pd.DataFrame:
    """Status of each group of sections (one row per section, item columns = period means).

    环办〔2011〕22号 河流、流域（水系）水质评价: ≥ 5 sections → class shares; < 5 → mean
    of each item over the sections, classify, grade as a section (``method`` =
    ``"shares"``/``"mean"``; ``class`` set only for ``"mean"``). ``waterbody`` scalar or
    per-row Series (a group's mean uses its first).
    [@hbb2011-22:groups]
    """
    keys = [by] if isinstance(by, str) else list(by)
    cls = classify(sections, waterbody)
    key_frame = sections[keys]
    shares = class_shares(cls, key_frame if len(keys) > 1 else key_frame[keys[0]])
    items = [c for c in TABLE1 if c in sections.columns]
    means = sections.groupby(keys, sort=True)[items].mean()
    if isinstance(waterbody, pd.Series):
        wb = waterbody.groupby([sections[k] for k in keys], sort=True).first().reindex(means.index)
    else:
        wb = waterbody
    mean_class = classify(means, wb)
    out = shares.reindex(means.index)
    out["n_sections"] = out["n_sections"].fillna(0).astype(int)
    small = out["n_sections"] < MIN_SECTIONS_FOR_SHARES
    out["method"] = np.where(small, "mean", "shares")
    out["class"] = mean_class.where(small)
    share_status = status_from_shares(out["share_I_III"], out["share_worse_V"])
    out["status"] = quality_grade(mean_class).where(small, share_status)
    return out


def _index_of(values: object) -> pd.Index | None:
    return values.index if isinstance(values, pd.Series) else None


def _degree(magnitude: np.ndarray, some: float, significant: float) -> np.ndarray:
    return np.select([magnitude > significant, magnitude > some], ["明显", "有所"], "")


def change_by_shares(
    g_before: object, d_before: object, g_after: object, d_after: object
) -> pd.DataFrame:
    """ΔG − ΔD change of a group between two periods.

    环办〔2011〕22号 水质变化趋势, 组合类别比例法 [@hbb2011-22:change].

    ΔG, ΔD: change (later − earlier) of the Ⅰ–Ⅲ and 劣Ⅴ percentages. > 0 better, < 0 worse;
    |ΔG − ΔD| ≤ 10 无明显变化, ≤ 20 有所好转/变差, > 20 明显好转/变差.
    """

    def arr(x: object) -> np.ndarray:
        return pd.to_numeric(pd.Series(x), errors="coerce").to_numpy(np.float64)

    dg = arr(g_after) - arr(g_before)
    dd = arr(d_after) - arr(d_before)
    score = dg - dd
    degree = _degree(np.abs(score), 10.0, 20.0)
    word = np.where(score > 0, "好转", "变差")
    verdict = np.where(degree == "", "无明显变化", np.char.add(degree.astype(str), word))
    verdict = np.where(np.isnan(score), None, verdict)
    return pd.DataFrame(
        {"delta_g": dg, "delta_d": dd, "score": score, "change": pd.array(verdict, dtype="string")},
        index=_index_of(g_after),
    )


def change_by_class(before: object, after: object) -> pd.Series:
    """Change of a section class between periods — 环办〔2011〕22号 水质变化趋势.

    0 steps 无明显变化, 1 step 有所好转/变差, ≥ 2 steps 明显好转/变差
    (Ⅰ and Ⅱ count as one grade, 优).
    [@hbb2011-22:change]
    """
    b = _grade_step(class_numbers(pd.Series(before)).to_numpy(np.float64, na_value=np.nan))
    a = _grade_step(class_numbers(pd.Series(after)).to_numpy(np.float64, na_value=np.nan))
    return _step_change(b, a, _index_of(after))


def change_by_status(before: object, after: object) -> pd.Series:
    """Change of a river/basin status grade (优…重度污染), as for classes.

    环办〔2011〕22号 水质变化趋势 [@hbb2011-22:change].
    """
    rank = {g: i for i, g in enumerate(STATUS_GRADES)}
    b = pd.Series(before).map(rank).to_numpy(np.float64)
    a = pd.Series(after).map(rank).to_numpy(np.float64)
    return _step_change(b, a, _index_of(after))


def _grade_step(classes: np.ndarray) -> np.ndarray:
    return np.where(classes <= 2, 0.0, classes - 2)  # Ⅰ, Ⅱ → 优 (one grade)


def _step_change(before: np.ndarray, after: np.ndarray, index: pd.Index | None) -> pd.Series:
    step = before - after  # positive = better
    degree = _degree(np.abs(step), 0.5, 1.5)
    word = np.where(step > 0, "好转", "变差")
    verdict = np.where(degree == "", "无明显变化", np.char.add(degree.astype(str), word))
    verdict = np.where(np.isnan(step), None, verdict)
    return pd.Series(verdict, index=index, dtype="string")
