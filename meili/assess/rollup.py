"""Roll-up consistency of reported values: county → city (prefecture) → province.

For an extensive quantity (a unit that adds up, declared in ``data/additive_units.yaml``)
a parent division's reported value should equal the sum of its children's, as in the
vertical consistency checks of official statistics (cf. the OECD/JRC Handbook 2008, Step 3
on data quality). Shares, concentrations and intensities do not add up: their roll-up is
reported as ``not_checkable`` and never estimated (no weights are guessed).

Statuses: ``ok`` (all children reported, ``|parent − Σ children| ≤ tolerance·|parent|``),
``mismatch`` (all reported, beyond the tolerance), ``incomplete`` (some children missing:
listed, the partial difference shown), ``not_checkable`` (unit not additive, or a child's unit
cannot be converted to the parent's).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
from ruamel.yaml import YAML

from meili.db.session import session
from meili.errors import UserError
from meili.framework import units
from meili.methods import open_context
from meili.methods.reported import stats_table
from meili.registry.division_store import list_divisions

UNITS_FILE = "data/additive_units.yaml"
COLUMNS = [
    "parent", "parent_name", "level", "indicator", "unit", "parent_value", "children_sum",
    "children", "reported", "missing_children", "difference", "relative_difference",
    "status", "reason",
]  # fmt: skip


@cache
def _unit_table() -> tuple[frozenset[str], dict[str, str]]:
    text = resources.files("meili.assess").joinpath(UNITS_FILE).read_text("utf-8")
    data = YAML(typ="safe").load(text)
    return frozenset(data["additive"]), dict(data.get("aliases") or {})


def canonical_unit(unit: object) -> str:
    """A unit's canonical spelling (framework aliases, then yearbook spellings)."""
    text = "" if unit is None or (isinstance(unit, float) and np.isnan(unit)) else str(unit)
    text = units.canonical(text) or ""
    return _unit_table()[1].get(text, text)


def is_additive(unit: str) -> bool:
    """True when values in ``unit`` (canonical) add up across divisions."""
    return unit in _unit_table()[0]


def _factor(src: str, dst: str) -> float:
    f = units.factor(src, dst)
    return np.nan if f is None else float(f)


def rollup_check(
    values: pd.DataFrame, divisions: pd.DataFrame, tolerance: float = 0.01
) -> pd.DataFrame:
    """Compare each parent's reported value with the sum of its children's.

    ``values``: area_code, indicator, value, unit (one year; the first row of a duplicated
    area × indicator is used). ``divisions``: code, name, level, parent_code. A row is given
    for every parent × indicator where the parent and at least one child reported a value.
    """
    if tolerance < 0:
        raise UserError("tolerance must be >= 0")
    divs = divisions[["code", "name", "level", "parent_code"]].drop_duplicates("code")
    vals = values[values["area_code"].astype(str).isin(divs["code"])].copy()
    vals["area_code"] = vals["area_code"].astype(str)
    vals = vals.dropna(subset=["value"]).drop_duplicates(["area_code", "indicator"])
    vals["unit"] = vals["unit"].map(canonical_unit)
    parents = vals.merge(divs, left_on="area_code", right_on="code")
    kids = divs[divs["parent_code"].isin(parents["code"])][["code", "parent_code"]]
    pairs = parents[["code", "indicator", "unit"]].merge(
        kids.rename(columns={"code": "child", "parent_code": "code"}), on="code"
    )
    pairs = pairs.merge(
        vals[["area_code", "indicator", "value", "unit"]].rename(
            columns={"area_code": "child", "value": "child_value", "unit": "child_unit"}
        ),
        on=["child", "indicator"],
        how="left",
    )
    reported = pairs["child_value"].notna()
    unit_pairs = pairs.loc[reported, ["child_unit", "unit"]].drop_duplicates()
    factors = {(a, b): _factor(a, b) for a, b in unit_pairs.itertuples(index=False)}
    factor = pd.Series(list(zip(pairs["child_unit"], pairs["unit"], strict=True))).map(factors)
    pairs["converted"] = pairs["child_value"].to_numpy() * factor.to_numpy(float)
    pairs["reported"] = reported
    pairs["unconvertible"] = reported & pairs["converted"].isna()
    pairs["missing"] = pairs["child"].where(~reported)
    keys = ["code", "indicator"]
    grouped = pairs.groupby(keys, sort=True)
    summary = pd.DataFrame(
        {
            "children_sum": grouped["converted"].sum(min_count=1),
            "children": grouped["child"].size(),
            "reported": grouped["reported"].sum(),
            "unconvertible": grouped["unconvertible"].sum(),
            "missing_children": grouped["missing"].agg(lambda s: ", ".join(sorted(s.dropna()))),
        }
    ).reset_index()
    out = parents.rename(columns={"value": "parent_value"}).merge(summary, on=keys)
    out = out[out["reported"] > 0].reset_index(drop=True)
    if out.empty:
        return pd.DataFrame(columns=COLUMNS)
    additive = out["unit"].map(is_additive).astype(bool)
    diff = out["parent_value"] - out["children_sum"]
    scale = out["parent_value"].abs()
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(scale > 0, diff / scale, np.where(diff == 0, 0.0, np.inf))
    checkable = additive & (out["unconvertible"] == 0)
    complete = out["reported"] == out["children"]
    beyond = np.abs(rel) > tolerance
    out["status"] = np.select(
        [~checkable, ~complete, beyond], ["not_checkable", "incomplete", "mismatch"], "ok"
    )
    out["difference"] = diff.where(checkable)
    out["relative_difference"] = pd.Series(rel).where(checkable)
    out["children_sum"] = out["children_sum"].where(checkable)
    n_missing = out["children"] - out["reported"]
    out["reason"] = np.select(
        [
            ~additive,
            ~checkable,
            ~complete,
            beyond,
        ],
        [
            "unit " + out["unit"].replace("", "(none)") + " is not additive (share or intensity)",
            "a child's unit cannot be converted to " + out["unit"],
            n_missing.astype(str) + " of " + out["children"].astype(str) + " children missing",
            "differs from the sum of its children by more than " + f"{tolerance:.1%}",
        ],
        "",
    )
    out = out.rename(columns={"code": "parent", "name": "parent_name"})
    return (
        out[COLUMNS]
        .sort_values(["indicator", "level", "parent"], kind="stable")
        .reset_index(drop=True)
    )


def rollup(year: int, indicator: str | None = None, tolerance: float = 0.01) -> pd.DataFrame:
    """:func:`rollup_check` on the lake's ``stats`` rows of ``year`` with the divisions
    valid in that year (the current ones when the year is outside the division list)."""
    stats = stats_table(open_context())
    if not len(stats):
        raise UserError("the lake has no stats data; run `meili ingest stats FILE`")
    keep = (stats["year"] == year) & (stats["indicator"] == indicator if indicator else True)
    values = stats.loc[keep, ["area_code", "indicator", "value", "unit"]].reset_index(drop=True)
    with session() as s:
        try:
            divs = list_divisions(s, year=year)
        except UserError:
            divs = list_divisions(s)
        divisions = pd.DataFrame(
            [(d.code, d.name, d.level, d.parent_code) for d in divs],
            columns=["code", "name", "level", "parent_code"],
        )
    return rollup_check(values, divisions, tolerance)
