"""Assessment rounds: immutable snapshots of values, verdicts, progress and comparisons.

``run_round`` freezes the inputs (lake version and the batches read), the framework version
and the code version with the results, so a published result can always be reproduced and
two rounds can be compared. A round is written into a temporary folder and published by one
rename; a round that exists is never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from meili import __version__
from meili.assess.aggregate import fill_provinces
from meili.assess.compare import (
    INVALID_EN,
    INVALID_ZH,
    ComparePolicy,
    compare,
    division_key,
    zone_key,
)
from meili.assess.grade import grade_zones, vetoed_zones
from meili.assess.progress import DEFAULT_METHOD, METHODS, MIN_POINTS
from meili.assess.progress_targets import round_progress
from meili.assess.targets import evaluate_targets
from meili.assess.values import higher_tasks, indicator_values
from meili.config import settings
from meili.db.assessment_inputs import accepted_evidence, assigned_targets
from meili.db.session import session
from meili.errors import NotFoundError, ProblemsFound, StoreDamaged, UserError
from meili.framework.rules import AllOf, AnyOf, Rule, Threshold
from meili.framework.schema import Framework
from meili.framework.store import get_framework, zone_frameworks
from meili.methods import RunContext, judged, open_context
from meili.methods.lineage import empty_values
from meili.registry.units import NATIONAL_GROUPS, ZoneUnit, national_units, zone_units

NAME_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")
TABLES = ("values", "verdicts", "progress", "comparison", "grades")


def rounds_dir() -> Path:
    path = settings().home / "rounds"
    path.mkdir(parents=True, exist_ok=True)
    return path


def numeric_target(rule: Rule) -> float | None:
    """The first fixed threshold in a rule, for drawing a reference line on charts (progress
    is measured against the whole rule: :mod:`meili.assess.goal`)."""
    if isinstance(rule, Threshold):
        return float(rule.value)
    if isinstance(rule, AllOf | AnyOf):
        for part in rule.rules:
            found = numeric_target(part)
            if found is not None:
                return found
    return None


#: The lineage each compared value carries from the zone's (or unit's) own value row.
COMPARED = ["zone", "indicator", "value", "valid", "status", "method", "reason_zh", "reason_en",
            "batches"]  # fmt: skip


def _baselines(values: pd.DataFrame, fw: Framework, year: int, first: int) -> pd.DataFrame:
    """zone, indicator, baseline_year, baseline, baseline_valid: each indicator's value in
    its baseline year (the framework's, when within ``first``…``year`` − 1; else ``first``)."""
    when = {
        i.code: i.baseline_year if i.baseline_year and first <= i.baseline_year < year else first
        for i in fw.indicators
    }
    rows = values[values["indicator"].map(when).eq(values["year"]) & (values["year"] < year)]
    return rows[["zone", "indicator", "year", "value", "valid"]].rename(
        columns={"year": "baseline_year", "value": "baseline", "valid": "baseline_valid"}
    )


def baseline_years(fw: Framework, year: int, first: int) -> list[int]:
    """The years the improvement of the compared indicators is measured from."""
    got = {
        i.baseline_year if i.baseline_year and first <= i.baseline_year < year else first
        for i in fw.indicators
        if i.direction in ("up", "down")
    }
    return sorted(y for y in got if y < year)


def _comparison(
    values: pd.DataFrame,
    national: pd.DataFrame,
    fw: Framework,
    year: int,
    zones,
    first: int | None = None,
    policy: ComparePolicy | None = None,
) -> pd.DataFrame:
    """Each zone's rank, percentile, band and 全国前列 on every up/down indicator, by level and
    by improvement from the baseline (改善幅度).

    A zone of one province, city or county is placed among all units of that kind in the
    country (``national``: 31 provinces, 337 cities, all counties); other zones (regions,
    multi-member zones) among the zones of their tier. One truth per zone and year: the value
    ranked for a zone is its own value row (the one its verdict used), with the same valid
    flag and lineage; it stands for its member division, keyed apart from any division
    (:func:`meili.assess.compare.division_key`). Values failing their validity rule are
    shown, flagged, and not ranked (:class:`ComparePolicy` ``include_invalid``). A province
    without a value of its own takes the mean of its cities' valid values
    (:mod:`meili.assess.aggregate`, rule unconfirmed). Both ``values`` and ``national`` are
    value frames with their ``valid`` flags (not blanked).
    """
    first = year if first is None else first
    dirs = {i.code: i.direction for i in fw.indicators if i.direction in ("up", "down")}
    keep = [c for c in COMPARED if c in values]
    now = values[(values["year"] == year) & values["value"].notna()]
    now = now[now["indicator"].isin(dirs)]
    base = _baselines(values[values["indicator"].isin(dirs)], fw, year, first)
    nat_all = national[national["indicator"].isin(dirs)]
    nat = nat_all[nat_all["year"] == year] if "year" in nat_all else nat_all
    nat_base = _baselines(nat_all, fw, year, first) if "year" in nat_all else base.iloc[:0]
    if "province" in set(nat["tier"]):
        prov = nat["tier"] == "province"
        filled = fill_provinces(nat[prov], nat[nat["tier"] == "city"])
        nat = pd.concat([nat[~prov], filled], ignore_index=True)
    frames = []
    for tier, grp in (
        pd.DataFrame({"zone": [z.code for z in zones]})
        .assign(
            tier=[z.tier for z in zones],
            member=[z.members[0] if len(z.members) == 1 else None for z in zones],
        )
        .groupby("tier")
    ):
        national_tier = tier in NATIONAL_GROUPS or tier == "county"
        in_tier = nat[nat["tier"] == tier]
        mine = grp[grp["member"].notna()] if national_tier and len(in_tier) else grp.iloc[:0]
        if len(mine):
            # the pool: every division of the kind, keyed as a division; each zone's own row
            # (value, valid flag, lineage) replaces its member's
            pool = in_tier[[c for c in [*keep, "note", "aggregated_from"] if c in in_tier]]
            pool = pool.assign(unit=pool["zone"].map(division_key), zone=None)
            pool_base = nat_base[nat_base["zone"].isin(set(in_tier["zone"]))]
            pool = pool.merge(
                pool_base.drop(columns="zone").assign(unit=pool_base["zone"].map(division_key)),
                on=["unit", "indicator"],
                how="left",
            )
            member = dict(zip(mine["zone"], mine["member"], strict=True))
            own = now[now["zone"].isin(member)][keep]
            own = own.merge(base, on=["zone", "indicator"], how="left")
            own = own.assign(unit=own["zone"].map(member).map(division_key))
            pool = pd.concat([own, pool]).drop_duplicates(["unit", "indicator"], keep="first")
            size = len(set(in_tier["zone"]))
            table = compare(pool, dirs, policy=policy, group_size=size).table
            table = table[table["zone"].notna() & table["zone"].isin(member)]
            where = f"national:{NATIONAL_GROUPS.get(tier, tier)}"
            table = table.assign(tier=tier, comparison=where)
            frames.append(table.drop(columns=["unit", "code"]))
        rest = now[now["zone"].isin(set(grp["zone"]) - set(mine["zone"]))][keep]
        if len(rest):
            units = rest.merge(base, on=["zone", "indicator"], how="left")
            units = units.assign(unit=units["zone"].map(zone_key))
            table = compare(units, dirs, policy=policy, group_size=len(grp)).table
            table = table.assign(tier=tier, comparison=f"zones:{tier}")
            frames.append(table.drop(columns=["unit", "code"]))
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    first_cols = ["zone", "tier", "indicator", "value", "valid", "rank", "n", "group_size",
                  "coverage", "percentile", "comparison"]  # fmt: skip
    return out[[*first_cols, *[c for c in out.columns if c not in first_cols]]]


def _national(
    ctx: RunContext, fw: Framework, units: list[ZoneUnit], years: list[int]
) -> pd.DataFrame:
    """Values of the national units, tier by tier (a municipality is a province and a city:
    one row of each, each with its tier, never one key for both)."""
    frames = []
    for tier in dict.fromkeys(u.tier for u in units):
        mine = [u for u in units if u.tier == tier]
        frames.append(indicator_values(ctx, fw, mine, years).assign(tier=tier))
    return pd.concat(frames, ignore_index=True) if frames else empty_values().assign(tier=None)


def show_invalid(verdicts: pd.DataFrame, values: pd.DataFrame, year: int) -> pd.DataFrame:
    """``verdicts`` with each value that fails its data-validity rule shown, not hidden: the
    value row's number and ``valid`` False, the reason "不满足 GB 3095 数据有效性要求，仅供参考"
    with why (e.g. fewer than 324 daily values, GB 3095-2012 Table 4); the status stays
    what the verdict said (never *met*: an invalid value is not judged). Every row gets
    ``valid`` from its value row."""
    if verdicts.empty or "valid" not in values:
        return verdicts
    now = values[values["year"] == year].drop_duplicates(["zone", "indicator"])
    now = now.set_index(["zone", "indicator"])
    keys = pd.MultiIndex.from_frame(verdicts[["zone", "indicator"]])
    at = now.index.get_indexer(keys)
    found = at >= 0
    out = verdicts.copy()
    value = now["value"].to_numpy(dtype=float)
    valid = now["valid"].eq(True).to_numpy()
    out["valid"] = np.where(found, valid[np.maximum(at, 0)], False)
    hidden = found & ~out["valid"].to_numpy() & ~np.isnan(value[np.maximum(at, 0)])
    hidden &= out["value"].isna().to_numpy() & (out["status"] != "met").to_numpy()
    if hidden.any():
        rows = at[hidden]
        out["value"] = out["value"].astype(float)
        out.loc[hidden, "value"] = value[rows]
        for lang, text, tail in (
            ("zh", INVALID_ZH, "无法评价"),
            ("en", INVALID_EN, "not evaluable"),
        ):
            why = now[f"reason_{lang}"].to_numpy(dtype=object)[rows]
            sep = "；" if lang == "zh" else "; "
            out.loc[hidden, f"reason_{lang}"] = [
                f"{text}（{w}）{sep}{tail}" if lang == "zh" else f"{text} ({w}){sep}{tail}"
                for w in why
            ]
    return out


def _zone_values(
    ctx: RunContext, fws: dict[str, Framework], zones: list[ZoneUnit], years: list[int]
) -> pd.DataFrame:
    """Values of every zone by the framework in force for it (zones sharing one, together;
    each method still runs once per context)."""
    groups: dict[str, list[ZoneUnit]] = {}
    for z in zones:
        groups.setdefault(fws[z.code].ref, []).append(z)
    by_ref = {f.ref: f for f in fws.values()}
    frames = [indicator_values(ctx, by_ref[ref], members, years) for ref, members in groups.items()]
    return pd.concat(frames, ignore_index=True) if frames else empty_values()


def _union(fw: Framework, others: Iterable[Framework]) -> Framework:
    """``fw`` with the specialty indicators of the zones' frameworks appended (first wins)."""
    inds = {i.code: i for i in fw.indicators}
    for other in others:
        for i in other.indicators:
            inds.setdefault(i.code, i)
    return fw.model_copy(update={"indicators": list(inds.values())})


def in_scope(values: pd.DataFrame, verdicts: pd.DataFrame) -> pd.DataFrame:
    """``values`` without the zone × indicator pairs out of the indicator's scope (they are
    neither tracked for progress nor ranked)."""
    out = verdicts.loc[verdicts["status"] == "not_applicable", ["zone", "indicator"]]
    if out.empty:
        return values
    keys = pd.MultiIndex.from_frame(values[["zone", "indicator"]])
    return values[~keys.isin(pd.MultiIndex.from_frame(out))]


def veto_leading(comparison: pd.DataFrame, grades: pd.DataFrame) -> pd.DataFrame:
    """A vetoed zone is never 全国领先: its ``leading`` flags are cleared and the reason noted."""
    vetoed = vetoed_zones(grades)
    if comparison.empty or not vetoed or "leading" not in comparison:
        return comparison
    out = comparison.copy()
    hit = out["zone"].isin(vetoed) & out["leading"].fillna(False).astype(bool)
    if "change_leading" in out:
        change = out["zone"].isin(vetoed) & out["change_leading"].fillna(False).astype(bool)
        out.loc[change, "change_leading"] = False
        hit |= change
    out.loc[hit, "leading"] = False
    why = out.loc[hit, "zone"].map(lambda z: f"一票否决 veto ({vetoed[z]}): not leading")
    if "note" in out:
        note = out.loc[hit, "note"].fillna("").astype(str)
        why = (note + "; ").where(note != "", "") + why
    out.loc[hit, "note"] = why
    return out


def percentile_history(year: int, comparison: pd.DataFrame) -> pd.DataFrame:
    """Each zone's percentile per indicator and year: ``comparison`` (this year) and, for
    earlier years, the comparison of the newest readable round of that year (zone, indicator,
    year, percentile, n)."""
    cols = ["zone", "indicator", "year", "percentile", "n"]
    frames = []
    if "percentile" in comparison:
        frames.append(comparison.assign(year=year)[cols])
    newest: dict[int, str] = {}
    for meta in scan_rounds()[0]:  # oldest first: the newest of a year wins
        if int(meta["year"]) < year and "comparison" in meta["files"]:
            newest[int(meta["year"])] = meta["round"]
    for y, name in newest.items():
        try:
            _, table = load_round(name, "comparison")
        except StoreDamaged:
            continue
        if "percentile" in table and len(table):
            frames.append(table.assign(year=y)[cols])
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True).drop_duplicates(["zone", "indicator", "year"])


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def compute(
    year: int,
    *,
    first_year: int | None = None,
    target_year: int = 2027,
    framework_version: str | None = None,
    engine: str = "duckdb",
    as_of: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """Values, verdicts, progress and comparison of every zone for ``year`` (not frozen).

    One run context reads the lake as of manifest version ``as_of`` (default: the version
    when the computation starts; data ingested meanwhile are not read) on ``engine``.
    Returns the metadata a round records (without name, time and file hashes) and the tables.
    """
    years = list(range(first_year or year - 5, year + 1))
    with session() as s:
        fw = get_framework(s, version=framework_version)
        zones = zone_units(s)
        fws = zone_frameworks(s, [z.code for z in zones], framework_version)
        codes = [z.code for z in zones]
        targets = assigned_targets(s, codes)
        evidence = accepted_evidence(s, codes, year)
        tiers = {z.tier for z in zones if len(z.members) == 1}
        if "province" in tiers:  # provinces without a value take their cities' mean
            tiers.add("city")
        national_set = [u for t in sorted(tiers) for u in national_units(s, t)]
    ctx = open_context(
        engine=engine,
        as_of=as_of,
        zones=zones,
        peers=national_set,
        year=year,
        frameworks={z: f.ref for z, f in fws.items()},
        targets=targets,
        evidence=evidence,
        progress=progress,
    )
    values = _zone_values(ctx, fws, zones, years)
    union = _union(fw, fws.values())
    ranked = [i for i in fw.indicators if i.direction in ("up", "down")]  # what is compared
    compared = fw.model_copy(update={"indicators": ranked})
    nat_years = [*baseline_years(fw, year, years[0]), year]
    national = _national(ctx, compared, national_set, nat_years)
    ctx.progress("targets, progress and comparison")
    tasks = higher_tasks(ctx, union, zones, year)
    judged_values = judged(values)
    verdicts = evaluate_targets(
        judged_values, fws, zones, year, tasks, targets=ctx.targets, evidence=ctx.evidence
    )
    grades = grade_zones(verdicts, fws, zones, year)
    scoped = in_scope(judged_values, verdicts)
    comparison = _comparison(in_scope(values, verdicts), national, fw, year, zones, first=years[0])
    results = {
        "values": values,
        "verdicts": show_invalid(verdicts, values, year),
        "progress": round_progress(
            scoped,
            fws,
            zones,
            verdicts,
            ctx.targets,
            target_year,
            percentile_history(year, comparison),
        ),
        "comparison": veto_leading(comparison, grades),
        "grades": grades,
    }
    meta = {
        "year": year,
        "years": years,
        "target_year": target_year,
        "progress_methods": list(METHODS),
        "progress_default_method": DEFAULT_METHOD,
        "progress_min_points": MIN_POINTS,
        "framework": fw.ref,
        "frameworks": {z: f.ref for z, f in fws.items()},
        "code_version": f"meili {__version__}",
        "lake_version": ctx.lake_version,
        "engine": ctx.engine.name,
        "input_batches": sorted({b for bs in values["batches"] for b in json.loads(bs)}),
        "assigned_targets": len(targets),
        "accepted_evidence": len(evidence),
        "zones": [z.code for z in zones],
    }
    return meta, results


def run_round(
    name: str,
    year: int,
    *,
    first_year: int | None = None,
    target_year: int = 2027,
    framework_version: str | None = None,
    allow_empty: bool = False,
    engine: str = "duckdb",
    as_of: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Compute and freeze a round; returns its metadata. An existing round is an error.

    A round no lake batch feeds (every value missing) is refused unless ``allow_empty``.
    ``as_of`` recomputes on an earlier lake version (see :func:`compute`).
    """
    if not NAME_RE.match(name):
        raise UserError(f"invalid round name {name!r} (letters, digits, '.', '_', '-')")
    final = rounds_dir() / name
    if final.exists():
        raise UserError(f"round {name!r} exists already; rounds are immutable")
    computed, results = compute(
        year,
        first_year=first_year,
        target_year=target_year,
        framework_version=framework_version,
        engine=engine,
        as_of=as_of,
        progress=progress,
    )
    if not computed["input_batches"] and not allow_empty:
        span = f"{computed['years'][0]}–{year}"
        raise ProblemsFound(
            f"round {name!r} not frozen: no lake batch holds data for {span} (0 input "
            "batches, every value would be missing); ingest data first, or --allow-empty"
        )
    tmp = rounds_dir() / f".tmp-{name}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        files = {}
        for table, frame in results.items():
            path = tmp / f"{table}.parquet"
            frame.to_parquet(path, index=False)
            files[table] = {"rows": len(frame), "sha256": _sha(path)}
        meta = {
            "round": name,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            **computed,
            "files": files,
        }
        (tmp / "round.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), "utf-8")
        for path in tmp.iterdir():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
        os.rename(tmp, final)  # fails if another run published the same name meanwhile
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return meta


def _meta(path: Path) -> dict[str, Any]:
    """A round's ``round.json``; unreadable or incomplete raises :class:`StoreDamaged`."""
    file = path / "round.json"
    try:
        meta = json.loads(file.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreDamaged(file, f"round {path.name!r} is damaged ({exc})") from None
    missing = [k for k in ("round", "created", "files", "year", "framework") if k not in meta]
    if not isinstance(meta, dict) or missing:
        raise StoreDamaged(file, f"round {path.name!r} is damaged (no {', '.join(missing)})")
    return meta


def scan_rounds() -> tuple[list[dict[str, Any]], list[StoreDamaged]]:
    """Metadata of every readable round (oldest first), and the damage met on the others."""
    good, bad = [], []
    for path in sorted(rounds_dir().iterdir()):
        if path.is_dir() and not path.name.startswith(".") and (path / "round.json").exists():
            try:
                good.append(_meta(path))
            except StoreDamaged as exc:
                bad.append(exc)
    return sorted(good, key=lambda m: str(m["created"])), bad


def list_rounds() -> list[dict[str, Any]]:
    """Metadata of every published round, oldest first; a damaged round raises
    :class:`StoreDamaged` (use :func:`scan_rounds` to list the others anyway)."""
    good, bad = scan_rounds()
    if bad:
        raise bad[0]
    return good


def _round_path(name: str) -> Path:
    if not NAME_RE.match(name):
        raise NotFoundError(f"no round {name[:80]!r}; see `meili assess rounds`")
    return rounds_dir() / name


def load_round(name: str, table: str = "verdicts") -> tuple[dict[str, Any], pd.DataFrame]:
    """A round's metadata and one of its tables; the file's hash is checked (a changed or
    unreadable file raises :class:`StoreDamaged`)."""
    path = _round_path(name)
    if not (path / "round.json").exists():
        raise NotFoundError(f"no round {name!r}; see `meili assess rounds`")
    if table not in TABLES:
        raise UserError(f"unknown table {table!r}; one of {', '.join(TABLES)}")
    meta = _meta(path)
    if table not in meta["files"]:
        raise NotFoundError(f"round {name!r} has no {table} table (made before it existed)")
    file = path / f"{table}.parquet"
    try:
        expected = meta["files"][table]["sha256"]
        ok = _sha(file) == expected
    except (KeyError, TypeError, OSError):
        ok = False
    if not ok:
        raise StoreDamaged(
            file, f"round {name!r}: {table}.parquet was changed after publication (or lost)"
        )
    try:
        return meta, pd.read_parquet(file)
    except Exception as exc:  # pyarrow raises several types for broken files
        raise StoreDamaged(
            file, f"round {name!r}: {table}.parquet cannot be read ({exc})"
        ) from None


def round_file_hashes(name: str) -> dict[str, str]:
    """table → SHA-256 of a readable round's files (what a self-assessment wrapping it
    records); a missing or damaged round raises as :func:`load_round` does."""
    meta, _ = load_round(name, "verdicts")
    return {t: f["sha256"] for t, f in meta["files"].items()}


def check_rounds() -> list[tuple[str, str]]:
    """(file, problem) of every damaged round file."""
    found: list[tuple[str, str]] = []
    good, bad = scan_rounds()
    found.extend((exc.file, exc.problem) for exc in bad)
    for meta in good:
        for table in TABLES:
            if table not in meta["files"]:
                continue
            try:
                load_round(meta["round"], table)
            except StoreDamaged as exc:
                found.append((exc.file, exc.problem))
    return found


def set_aside(name: str) -> Path:
    """Move a damaged round out of the list (to ``rounds/.damaged-<name>``); the new path."""
    src = rounds_dir() / name
    dst = rounds_dir() / f".damaged-{name}-{uuid.uuid4().hex[:6]}"
    os.rename(src, dst)
    return dst


def diff_rounds(a: str, b: str) -> pd.DataFrame:
    """Zone × indicator rows whose value or verdict differs between two rounds."""
    _, va = load_round(a, "verdicts")
    _, vb = load_round(b, "verdicts")
    keys = ["zone", "indicator"]
    merged = va.merge(vb, on=keys, how="outer", suffixes=(f"_{a}", f"_{b}"))
    changed = (merged[f"status_{a}"] != merged[f"status_{b}"]) | ~(
        (merged[f"value_{a}"] == merged[f"value_{b}"])
        | (merged[f"value_{a}"].isna() & merged[f"value_{b}"].isna())
    )
    cols = keys + [f"{c}_{r}" for c in ("value", "status") for r in (a, b)]
    return merged.loc[changed, cols].reset_index(drop=True)


def compared_values(a: str, b: str) -> int:
    """How many zone × indicator values the two rounds hold between them (0: nothing to
    compare)."""
    frames = [load_round(r, "verdicts")[1] for r in (a, b)]
    keys = pd.concat([f.loc[f["value"].notna(), ["zone", "indicator"]] for f in frames])
    return len(keys.drop_duplicates())
