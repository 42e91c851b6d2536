"""Composite index of the zones of one tier in a round: per target area and overall.

Built on the composite engine (:mod:`meili.assess.composite`), following the OECD/JRC
Handbook (2008): indicators are the framework's numeric indicators with a direction (Step 2,
data selection: those with at least one value among the tier's zones); normalisation
(Part II §3) by goalposts (Yale EPI: upper goalpost = the framework's numeric target, lower
= a low benchmark, by default the worst observed value), min-max, z-score or distance to the
target; weighted arithmetic or geometric aggregation (§5.1, §5.2) indicator → target area →
overall; ranks with ties at the minimum rank. Missing data (Step 3) are not imputed: an area
is scored only when at least ``coverage`` of its indicators are present, and the overall
only when every area is scored. Uncertainty and sensitivity (Part I Step 7, Part II §6):
seeded Monte Carlo over normalisation, weights and aggregation, giving rank intervals and
first-order sensitivity indices of each zone's rank (:mod:`.composite.uncertainty`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from meili.assess.composite.aggregate import weighted_mean
from meili.assess.composite.coin import LevelLink
from meili.assess.composite.normalise import normalise
from meili.assess.composite.rank import rank_min
from meili.assess.composite.uncertainty import rank_uncertainty
from meili.assess.rounds import load_round, numeric_target
from meili.db.session import session
from meili.errors import UserError
from meili.framework.store import get_framework
from meili.methods import judged
from meili.registry.units import zone_units

Normalisation = Literal["goalposts", "minmax", "zscore", "distance"]
Aggregation = Literal["arithmetic", "geometric"]
Weighting = Literal["equal", "framework"]
NORMALISATIONS: tuple[str, ...] = ("goalposts", "minmax", "zscore", "distance")
AGGREGATIONS: tuple[str, ...] = ("arithmetic", "geometric")
WEIGHTINGS: tuple[str, ...] = ("equal", "framework")
OVERALL = "overall"
SCALE = 100.0
FLOOR = 1.0  # bounded scores are mapped to [FLOOR, SCALE] for geometric means (Handbook §5.2)
COVERAGE_TOLERANCE = 0.005  # coverage is read to two decimals: 2/3 passes a threshold of 0.67
META_COLUMNS = ("indicator", "area", "direction", "weight", "target")


@dataclass(frozen=True)
class IndexSpec:
    """The choices of one build. ``low`` overrides the lower goalpost per indicator."""

    normalise: Normalisation = "goalposts"
    aggregate: Aggregation = "arithmetic"
    weights: Weighting = "equal"
    coverage: float = 2 / 3
    low: dict[str, float] = field(default_factory=dict)
    draws: int = 0
    seed: int = 1
    weight_perturbation: float = 0.25

    def check(self) -> None:
        if self.normalise not in NORMALISATIONS:
            raise UserError(f"unknown normalisation {self.normalise!r}")
        if self.aggregate not in AGGREGATIONS:
            raise UserError(f"unknown aggregation {self.aggregate!r}")
        if self.weights not in WEIGHTINGS:
            raise UserError(f"unknown weighting {self.weights!r}")
        if not 0 < self.coverage <= 1:
            raise UserError(f"coverage must be in (0, 1], got {self.coverage}")
        if self.aggregate == "geometric" and self.normalise == "zscore":
            raise UserError("geometric aggregation needs positive scores; z-scores are not")
        if self.draws < 0:
            raise UserError("draws must be >= 0")


@dataclass(frozen=True)
class ZoneIndex:
    """Tidy results. ``scores``: zone, component (area or ``overall``), score, rank,
    present, indicators, reason. ``normalised``: zone, indicator, area, value, score.
    ``goalposts``: indicator, area, direction, weight, target, low, sources.
    ``uncertainty``: zone, rank, median, p5, p95, s_normalisation, s_weights, s_aggregation
    (empty without draws). ``dropped``: indicators with no value for any zone."""

    scores: pd.DataFrame
    normalised: pd.DataFrame
    goalposts: pd.DataFrame
    uncertainty: pd.DataFrame
    dropped: list[str]
    spec: IndexSpec

    def wide(self) -> pd.DataFrame:
        """One row per zone: each area's score, overall, rank, and the rank interval."""
        s = self.scores
        table = s.pivot(index="zone", columns="component", values="score")
        areas = [c for c in dict.fromkeys(s["component"]) if c != OVERALL]
        table = table[[*areas, OVERALL]]
        overall = s[s["component"] == OVERALL].set_index("zone")
        table["rank"] = overall["rank"]
        table["reason"] = overall["reason"]
        if not self.uncertainty.empty:
            u = self.uncertainty.set_index("zone").drop(columns="rank")
            table = table.join(u)
        table.columns.name = None
        return table.reset_index().sort_values(["rank", "zone"], na_position="last", kind="stable")


def _oriented_goalposts(
    data: pd.DataFrame, meta: pd.DataFrame, low: dict[str, float]
) -> pd.DataFrame:
    """Goalposts per indicator: target (framework, else best observed), low (given, else worst
    observed), and whether every present unit already meets the target."""
    d = meta["direction"]
    best = (data.mul(d, axis=1).max() * d).reindex(meta.index)
    worst = (data.mul(d, axis=1).min() * d).reindex(meta.index)
    target = meta["target"].astype(float)
    target_source = np.where(target.notna(), "framework target", "best observed")
    target = target.fillna(best)
    unknown = sorted(set(low) - set(meta.index))
    if unknown:
        raise UserError(f"low benchmark for unknown indicator(s): {', '.join(unknown)}")
    given = pd.Series(low, dtype=float).reindex(meta.index)
    bad = given.notna() & (given * d >= target * d)
    if bad.any():
        raise UserError(f"low benchmark of {bad.idxmax()} is not worse than its target")
    lo = given.fillna(worst)
    return pd.DataFrame(
        {
            "area": meta["area"],
            "direction": d.map({1: "up", -1: "down"}),
            "weight": meta["weight"],
            "target": target,
            "target_source": target_source,
            "low": lo,
            "low_source": np.where(given.notna(), "given", "worst observed"),
            "all_meet": lo * d >= target * d,  # no observed value is worse than the target
        }
    )


def normalise_scores(
    data: pd.DataFrame, meta: pd.DataFrame, method: str, low: dict[str, float]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Normalised scores (units × indicators, higher = better) and the goalposts table.

    Engine functions (Handbook Part II §3): min-max and distance to target on 0–100,
    z-scores with mean 0 and sd 1, goalposts on 0–100 clipped. A column that cannot
    discriminate (constant for min-max/z-score) gets the midpoint (50; z-score 0); with
    goalposts or distance, a column whose every value meets the target scores 100.
    """
    if method not in NORMALISATIONS:
        raise UserError(f"unknown normalisation {method!r}")
    gp = _oriented_goalposts(data, meta, low)
    d = meta["direction"]
    if method in ("minmax", "zscore"):
        params = {"lower": 0.0, "upper": SCALE} if method == "minmax" else {}
        out = normalise(data, method, d, **params)
        fill = SCALE / 2 if method == "minmax" else 0.0
    else:  # goalposts, distance: columns already meeting their target score the maximum
        cols = list(gp.index[~gp["all_meet"]])
        out = pd.DataFrame(SCALE, index=data.index, columns=data.columns)
        if cols:
            at = gp.loc[cols]
            params = (
                {"low": at["low"], "target": at["target"], "scale": SCALE}
                if method == "goalposts"
                else {"targets": at["target"], "cap": True, "scale": SCALE}
            )
            out[cols] = normalise(data[cols], method, d[cols], **params)
        fill = SCALE / 2
    present = data.notna()
    out = out.where(present)
    out = out.mask(present & ~np.isfinite(out), fill)
    return out, gp


def _links(meta: pd.DataFrame) -> tuple[LevelLink, LevelLink]:
    areas = tuple(dict.fromkeys(meta["area"]))
    first = LevelLink(
        2,
        tuple(meta.index),
        areas,
        meta["area"].to_numpy()[:, None] == np.asarray(areas, dtype=object)[None, :],
    )
    top = LevelLink(3, areas, (OVERALL,), np.ones((len(areas), 1), dtype=bool))
    return first, top


def _weights(meta: pd.DataFrame, weighting: str) -> pd.Series:
    """Indicator weights (1 or the framework's) and equal area weights (the framework has none)."""
    ind = meta["weight"].astype(float)
    if weighting == "equal":
        ind = pd.Series(1.0, index=meta.index)
    areas = pd.Series(1.0, index=list(dict.fromkeys(meta["area"])))
    return pd.concat([ind, areas])


def _positive(scores: pd.DataFrame) -> pd.DataFrame:
    """Bounded 0–100 scores mapped affinely onto [FLOOR, 100] (ranks under arithmetic means
    are unchanged; geometric means need positive values, Handbook §5.2)."""
    return FLOOR + scores * (SCALE - FLOOR) / SCALE


def _reasons(
    present: pd.DataFrame, link: LevelLink, areas: pd.DataFrame, coverage: float
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Why an area or the overall has no score, per zone (empty string when scored)."""
    g = link.membership.astype(float)
    n_present = pd.DataFrame(
        present.to_numpy(float) @ g, index=present.index, columns=list(link.parents)
    )
    total = pd.Series(g.sum(axis=0), index=list(link.parents))
    text = (
        "only "
        + n_present.astype(int).astype(str)
        + " of "
        + total.astype(int).astype(str)
        + f" indicators present (coverage < {coverage:.0%})"
    )
    reasons = text.where(areas.isna(), "")
    unscored = areas.isna()
    overall = unscored.apply(
        lambda row: "" if not row.any() else "no score for " + ", ".join(row.index[row]), axis=1
    )
    reasons[OVERALL] = overall
    n_present[OVERALL] = (~unscored).sum(axis=1)
    total[OVERALL] = len(link.parents)
    return reasons, n_present, total


def composite_index(
    values: pd.DataFrame, meta: pd.DataFrame, spec: IndexSpec | None = None
) -> ZoneIndex:
    """Score zones from ``values`` (zone, indicator, value; one year) and ``meta``
    (indicator, area, direction ±1 or up/down, weight, target — the target may be NaN).

    Every zone in ``values`` is a unit; indicators without any value are dropped.
    """
    spec = spec or IndexSpec()
    spec.check()
    meta = meta.copy()
    meta["direction"] = meta["direction"].map(lambda v: {"up": 1, "down": -1}.get(v, v)).astype(int)
    meta = meta.set_index("indicator")
    data = (
        values[values["indicator"].isin(meta.index)]
        .pivot_table(index="zone", columns="indicator", values="value", aggfunc="first")
        .reindex(index=sorted(values["zone"].unique()))
    )
    data = data.reindex(columns=[c for c in meta.index if c in data.columns]).astype(float)
    dropped = [c for c in meta.index if c not in data.columns or data[c].isna().all()]
    meta = meta.drop(index=dropped)
    data = data[list(meta.index)]
    data.columns.name = None
    if meta.empty:
        raise UserError("no indicator has a value for these zones; nothing to score")
    norm, gp = normalise_scores(data, meta, spec.normalise, spec.low)
    if spec.aggregate == "geometric":
        norm = _positive(norm)
    link, top = _links(meta)
    weights = _weights(meta, spec.weights)
    thresh = spec.coverage - COVERAGE_TOLERANCE
    area_values = weighted_mean(
        norm.to_numpy(float),
        weights[list(link.children)].to_numpy(float),
        link.membership,
        spec.aggregate,
        thresh,
    )
    areas = pd.DataFrame(area_values, index=data.index, columns=list(link.parents))
    overall = weighted_mean(
        area_values, weights[list(top.children)].to_numpy(float), None, spec.aggregate, 1.0
    )
    areas[OVERALL] = overall
    reasons, n_present, total = _reasons(
        data.notna(), link, areas[list(link.parents)], spec.coverage
    )
    ranks = pd.DataFrame(
        rank_min(areas.to_numpy(float), axis=0), index=areas.index, columns=areas.columns
    )

    def long(frame: pd.DataFrame, name: str) -> pd.DataFrame:
        return (
            frame.rename_axis("zone")
            .reset_index()
            .melt(id_vars="zone", var_name="component", value_name=name)
        )

    scores = long(areas, "score")
    for frame, name in ((ranks, "rank"), (n_present, "present"), (reasons, "reason")):
        scores[name] = long(frame, name)[name].to_numpy()
    scores["indicators"] = scores["component"].map(total).astype(int)
    scores["present"] = scores["present"].astype(int)
    scores = scores[["zone", "component", "score", "rank", "present", "indicators", "reason"]]

    normalised = long(norm, "score").rename(columns={"component": "indicator"})
    normalised.insert(2, "value", long(data, "value")["value"].to_numpy())
    normalised.insert(2, "area", normalised["indicator"].map(meta["area"]))

    unc = pd.DataFrame(
        columns=["zone", "rank", "median", "p5", "p95", *(f"s_{f}" for f in _FACTORS)]
    )
    if spec.draws:
        unc = _uncertainty(data, meta, spec, areas[OVERALL], (link, top), weights)
    return ZoneIndex(
        scores=scores,
        normalised=normalised,
        goalposts=gp.drop(columns="all_meet").rename_axis("indicator").reset_index(),
        uncertainty=unc,
        dropped=dropped,
        spec=spec,
    )


_FACTORS = ("normalisation", "weights", "aggregation")


def _uncertainty(
    data: pd.DataFrame,
    meta: pd.DataFrame,
    spec: IndexSpec,
    overall: pd.Series,
    links: tuple[LevelLink, LevelLink],
    weights: pd.Series,
) -> pd.DataFrame:
    """Monte Carlo over normalisation, weights (±``weight_perturbation``) and aggregation
    (Handbook Part II §6; Saltelli 2010 first-order indices) for zones with an overall score.

    Normalisation alternatives: the chosen method first, then the others; bounded scores are
    mapped onto [1, 100] so geometric means are defined. With z-scores (unbounded, signed)
    only arithmetic aggregation is sampled.
    """
    scored = overall.index[overall.notna()]
    if len(scored) < 2:
        raise UserError("uncertainty analysis needs at least two zones with an overall score")
    methods = [spec.normalise, *(m for m in NORMALISATIONS if m != spec.normalise)]
    aggs = [spec.aggregate, *(a for a in AGGREGATIONS if a != spec.aggregate)]
    if spec.normalise == "zscore":
        aggs = ["arithmetic"]
    else:
        methods.remove("zscore")
    alternatives = []
    for m in methods:
        norm, _ = normalise_scores(data, meta, m, spec.low)
        alternatives.append(_positive(norm) if m != "zscore" else norm)
    result = rank_uncertainty(
        [a.loc[scored] for a in alternatives],
        links,
        weights,
        draws=spec.draws,
        seed=spec.seed,
        aggregations=aggs,
        weight_perturbation=spec.weight_perturbation,
    )
    q = result.quantiles
    s = result.first_order
    return pd.DataFrame(
        {
            "zone": list(scored),
            "rank": result.nominal.to_numpy(float),
            "median": q["Median"].to_numpy(float),
            "p5": q["Q05"].to_numpy(float),
            "p95": q["Q95"].to_numpy(float),
            **{f"s_{f}": s[f].to_numpy(float) for f in _FACTORS},
        }
    )


def framework_meta(framework: object, tier: str) -> pd.DataFrame:
    """The framework's numeric indicators with direction up/down that apply to ``tier``."""
    rows = [
        {
            "indicator": i.code,
            "area": i.target_area,
            "direction": 1 if i.direction == "up" else -1,
            "weight": float(i.weight),
            "target": numeric_target(i.target),
        }
        for i in framework.indicators  # type: ignore[attr-defined]
        if i.direction in ("up", "down") and i.computable and tier in i.tiers
    ]
    return pd.DataFrame(rows, columns=list(META_COLUMNS)).astype({"target": float})


def zone_index(
    round_name: str, tier: str, spec: IndexSpec | None = None, year: int | None = None
) -> tuple[dict, ZoneIndex]:
    """The composite index of the ``tier`` zones of a frozen round (its year by default),
    with the round's framework version; returns the round metadata and the results."""
    meta, values = load_round(round_name, "values")
    values = judged(values)
    year = int(meta["year"] if year is None else year)
    code, _, version = str(meta["framework"]).partition("@")
    with session() as s:
        fw = get_framework(s, code or None, version or None)
        tiers = {z.code: z.tier for z in zone_units(s)}
    zones = [z for z in meta["zones"] if tiers.get(z) == tier]
    if not zones:
        raise UserError(f"round {round_name!r} has no zone of tier {tier!r}")
    now = values[(values["year"] == year) & values["zone"].isin(zones)]
    now = pd.concat(
        [now, pd.DataFrame({"zone": zones, "indicator": "", "value": np.nan})],
        ignore_index=True,
    )  # every zone of the tier is a unit, even one without any value
    return meta, composite_index(
        now[["zone", "indicator", "value"]], framework_meta(fw, tier), spec
    )
