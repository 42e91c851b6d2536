"""What the public may read of the assessment rounds: published rounds and their tables.

A round is public for every zone once the Ministry publishes it, or for one zone once that
zone's approved self-assessment wraps it (:mod:`meili.workflow.publication`). Portal pages
and open data read rounds only through here, so nothing unpublished leaks through either.
A damaged round is reported (file, problem) and the others are still read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from meili.assess.rounds import TABLES, load_round, scan_rounds
from meili.db.session import session
from meili.errors import NotFoundError, StoreDamaged
from meili.workflow.publication import ALL, public_zones


@dataclass
class Published:
    """The public rounds (oldest first, each with ``public_zones``) and damage met."""

    rounds: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def for_zone(self, zone: str) -> list[dict[str, Any]]:
        """The rounds public for ``zone``, oldest first."""
        return [m for m in self.rounds if ALL in m["public"] or zone in m["public"]]

    def national(self) -> list[dict[str, Any]]:
        """The rounds published for every zone, oldest first."""
        return [m for m in self.rounds if ALL in m["public"]]

    def get(self, name: str) -> dict[str, Any]:
        for meta in self.rounds:
            if meta["round"] == name:
                return meta
        raise NotFoundError(f"no published round {name[:64]!r}; see /api/v1/rounds")


def published() -> Published:
    """Every readable round that is public for at least one zone."""
    good, bad = scan_rounds()
    with session() as s:
        public = public_zones(s)
    rounds = [{**m, "public": public[m["round"]]} for m in good if public.get(m["round"])]
    return Published(rounds, [exc.problem for exc in bad])


def public_table(meta: dict[str, Any], table: str) -> pd.DataFrame:
    """One table of a published round, only the rows of zones it is public for."""
    if table not in TABLES:
        raise NotFoundError(f"no table {table!r}; one of {', '.join(TABLES)}")
    _, frame = load_round(meta["round"], table)
    if ALL not in meta["public"] and "zone" in frame:
        frame = frame[frame["zone"].isin(meta["public"])]
    return frame.reset_index(drop=True)


def latest_tables(
    pub: Published, zone: str | None = None, tables: tuple[str, ...] = TABLES
) -> tuple[dict[str, Any] | None, dict[str, pd.DataFrame]]:
    """The newest readable round public for ``zone`` (or for every zone) and its tables;
    a damaged round is added to ``pub.problems`` and the one before it is read."""
    rounds = pub.for_zone(zone) if zone else pub.national()
    for meta in reversed(rounds):
        try:
            frames = {t: public_table(meta, t) for t in tables}
        except StoreDamaged as exc:
            pub.problems.append(exc.problem)
            continue
        if zone:
            frames = {t: f[f["zone"] == zone] if "zone" in f else f for t, f in frames.items()}
        return meta, frames
    return None, {}
