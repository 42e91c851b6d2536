"""The inputs of a build in COINr's ``iData``/``iMeta`` layout, validated once.

COINr ``new_coin(iData, iMeta)`` (README §0; ``R/new_coin.R:239`` sorts units by ``uCode``).
``iData``: one row per unit, ``uCode`` (and optionally ``uName``, ``Time``), group, denominator
and indicator columns. ``iMeta``: one row per column with ``Level, iCode, Direction, Weight,
Parent, Type`` (and optionally ``Denominator``, ``Target``, …). ``Type`` is ``Indicator``
(level 1), ``Aggregate`` (levels ≥ 2), ``Group``, ``Denominator`` or ``Other``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

META_REQUIRED = ("iCode", "Level", "Direction", "Weight", "Parent", "Type")
TYPES = ("Indicator", "Aggregate", "Group", "Denominator", "Other")


class CoinInputError(ValueError):
    """Bad data or metadata; ``source`` is ``"data"`` or ``"meta"``, ``row`` a 1-based CSV line."""

    def __init__(
        self, message: str, *, source: str, row: int | None = None, column: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.row = row
        self.column = column


@dataclass(frozen=True)
class LevelLink:
    """One aggregation step: ``children`` (level ``level - 1``) → ``parents`` (level ``level``).

    ``membership[i, j]`` is true iff child ``i`` belongs to parent ``j``.
    """

    level: int
    children: tuple[str, ...]
    parents: tuple[str, ...]
    membership: np.ndarray


@dataclass(frozen=True)
class Coin:
    """Validated inputs: ``data`` (raw indicators), ``units`` (other columns), ``meta``.

    All frames are indexed by ``uCode`` (sorted) or ``iCode``; indicator columns follow
    ``iMeta`` order.
    """

    data: pd.DataFrame
    units: pd.DataFrame
    meta: pd.DataFrame

    @property
    def indicators(self) -> list[str]:
        return list(self.data.columns)

    @property
    def directions(self) -> pd.Series:
        """``Direction`` (+1/−1) of each indicator."""
        return self.meta.loc[self.indicators, "Direction"].astype(float)

    @property
    def weights(self) -> pd.Series:
        """``Weight`` of every indicator and aggregate."""
        return self.meta["Weight"].astype(float)

    @property
    def denominators(self) -> pd.Series:
        """Indicator → denominator column, for indicators with a non-empty ``Denominator``."""
        if "Denominator" not in self.meta:
            return pd.Series(dtype=object)
        den = self.meta.loc[self.indicators, "Denominator"]
        den = den[den.notna()].astype(str).str.strip()
        return den[den != ""]

    @property
    def aggregates(self) -> list[str]:
        """Aggregate codes from the top level down (e.g. Index, sub-indices, pillars)."""
        agg = self.meta[self.meta["Type"] == "Aggregate"]
        return list(agg.sort_values("Level", ascending=False, kind="stable").index)

    @cached_property
    def hierarchy(self) -> tuple[LevelLink, ...]:
        """Aggregation links from level 2 up to the top level."""
        return hierarchy_links(self.meta)


def hierarchy_links(meta: pd.DataFrame) -> tuple[LevelLink, ...]:
    """Membership matrices per level from ``iMeta`` (indicator and aggregate rows only)."""
    tree = meta[meta["Type"].isin(("Indicator", "Aggregate"))]
    links = []
    for level in range(2, int(tree["Level"].max()) + 1):
        children = tuple(tree.index[tree["Level"] == level - 1])
        parents = tuple(tree.index[tree["Level"] == level])
        parent_of = tree.loc[list(children), "Parent"].to_numpy()
        membership = parent_of[:, None] == np.asarray(parents, dtype=object)[None, :]
        links.append(LevelLink(level, children, parents, membership))
    return tuple(links)


def _meta_error(meta: pd.DataFrame, code: str, message: str, column: str) -> CoinInputError:
    line = int(meta.index.get_loc(code)) + 2 if code in meta.index else None
    return CoinInputError(message, source="meta", row=line, column=column)


def build_coin(idata: pd.DataFrame, imeta: pd.DataFrame) -> Coin:
    """Validate ``iData``/``iMeta`` and return a :class:`Coin` (COINr ``new_coin``)."""
    for col in META_REQUIRED:
        if col not in imeta.columns:
            raise CoinInputError(f"missing column {col!r} in iMeta", source="meta", column=col)
    meta = imeta.copy()
    meta["iCode"] = meta["iCode"].astype(str).str.strip()
    meta["Type"] = meta["Type"].astype(str).str.strip()
    bad_type = ~meta["Type"].isin(TYPES)
    if bad_type.any():
        i = int(np.flatnonzero(bad_type)[0])
        raise CoinInputError(
            f"unknown Type {meta['Type'].iloc[i]!r} (expected one of {', '.join(TYPES)})",
            source="meta",
            row=i + 2,
            column="Type",
        )
    dup = meta["iCode"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise CoinInputError(
            f"duplicate iCode {meta['iCode'].iloc[i]!r}", source="meta", row=i + 2, column="iCode"
        )
    meta = meta.set_index("iCode", drop=False)
    tree = meta[meta["Type"].isin(("Indicator", "Aggregate"))]
    if (tree["Type"] == "Indicator").sum() == 0:
        raise CoinInputError(
            "iMeta lists no indicator (Type = Indicator)", source="meta", column="Type"
        )
    for col in ("Level", "Direction", "Weight"):
        values = pd.to_numeric(tree[col], errors="coerce")
        bad = values.isna()
        if bad.any():
            code = str(values.index[bad][0])
            raise _meta_error(meta, code, f"{col} of {code!r} is missing or not a number", col)
        meta.loc[tree.index, col] = values
    meta[["Level", "Direction", "Weight"]] = meta[["Level", "Direction", "Weight"]].apply(
        pd.to_numeric, errors="coerce"
    )
    tree = meta.loc[tree.index]
    for code, row in tree.iterrows():
        if row["Type"] == "Indicator" and row["Level"] != 1:
            raise _meta_error(meta, code, f"indicator {code!r} must have Level 1", "Level")
        if row["Type"] == "Aggregate" and row["Level"] < 2:
            raise _meta_error(meta, code, f"aggregate {code!r} must have Level >= 2", "Level")
        if row["Direction"] not in (-1, 1):
            raise _meta_error(meta, code, f"Direction of {code!r} must be 1 or -1", "Direction")
    top = tree["Level"].max()
    for code, row in tree.iterrows():
        parent = row["Parent"]
        has_parent = isinstance(parent, str) and parent.strip() != ""
        if row["Level"] == top:
            if has_parent:
                raise _meta_error(meta, code, f"top-level {code!r} cannot have a Parent", "Parent")
            continue
        if not has_parent:
            raise _meta_error(meta, code, f"{code!r} has no Parent", "Parent")
        parent = parent.strip()
        meta.loc[code, "Parent"] = parent
        if parent not in tree.index or tree.loc[parent, "Level"] != row["Level"] + 1:
            raise _meta_error(
                meta,
                code,
                f"Parent {parent!r} of {code!r} is not an aggregate at level "
                f"{int(row['Level']) + 1}",
                "Parent",
            )
    childless = set(tree.index[tree["Type"] == "Aggregate"]) - set(tree["Parent"].dropna())
    if childless:
        code = sorted(childless)[0]
        raise _meta_error(meta, code, f"aggregate {code!r} has no children", "iCode")

    if "uCode" not in idata.columns:
        raise CoinInputError("missing column 'uCode' in iData", source="data", column="uCode")
    codes = idata["uCode"].astype(str).str.strip()
    if idata["uCode"].isna().any() or codes.duplicated().any():
        bad = idata["uCode"].isna() | codes.duplicated()
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise CoinInputError(
            "uCode is empty or duplicated", source="data", row=i + 2, column="uCode"
        )
    indicators = list(tree.index[tree["Type"] == "Indicator"])
    needed = indicators + [c for c in meta.index[meta["Type"].isin(("Group", "Denominator"))]]
    for col in needed:
        if col not in idata.columns:
            raise CoinInputError(
                f"missing column {col!r} in iData (listed in iMeta)", source="data", column=col
            )
    frame = idata.assign(uCode=codes).set_index("uCode")
    numeric_cols = indicators + list(meta.index[meta["Type"] == "Denominator"])
    for col in numeric_cols:
        values = pd.to_numeric(frame[col], errors="coerce")
        bad = values.isna() & frame[col].notna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise CoinInputError(
                f"non-numeric value {frame[col].iloc[i]!r}", source="data", row=i + 2, column=col
            )
        frame[col] = values.astype(float)
    if "Denominator" in meta:
        for code in indicators:
            den = meta.loc[code, "Denominator"]
            if isinstance(den, str) and den.strip() and den.strip() not in frame.columns:
                raise _meta_error(
                    meta,
                    code,
                    f"denominator {den.strip()!r} of {code!r} is not a column of iData",
                    "Denominator",
                )
    frame = frame.sort_index(kind="stable")
    data = frame[indicators].copy()
    data.columns.name = None
    units = frame.drop(columns=indicators)
    return Coin(data=data, units=units, meta=meta.loc[meta["Type"] != "Other"].copy())
