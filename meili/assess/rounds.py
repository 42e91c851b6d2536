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

import pandas as pd

from meili import __version__
from meili.assess.compare import compare
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


def _comparison(
    values: pd.DataFrame, national: pd.DataFrame, fw: Framework, year: int, zones
) -> pd.DataFrame:
    """Each zone's rank, percentile, band and 全国前列 on every up/down indicator.

    A zone of one province, city or county is placed among all units of that kind in the
    country (``national``: 31 provinces, 337 cities, all counties); other zones (regions,
    multi-member zones) among the zones of their tier.
    """
    dirs = {i.code: i.direction for i in fw.indicators if i.direction in ("up", "down")}
    now = values[(values["year"] == year) & values["value"].notna()]
    now = now[now["indicator"].isin(dirs)]
    nat = national[national["value"].notna() & national["indicator"].isin(dirs)]
    frames = []
    for tier, grp in (
        pd.DataFrame({"zone": [z.code for z in zones]})
        .assign(
            tier=[z.tier for z in zones],
            member=[z.members[0] if len(z.members) == 1 else None for z in zones],
        )
        .groupby("tier")
    ):
        pool = nat[nat["tier"] == tier][["zone", "indicator", "value"]]
        member_of = dict(zip(grp["zone"], grp["member"], strict=True))
        single = grp[grp["member"].isin(set(pool["zone"]) | set(member_of.values()) - {None})]
        if tier in NATIONAL_GROUPS or tier == "county":
            # the zone's own value stands for its member division in the national pool
            own = now[now["zone"].isin(set(single["zone"]))][["zone", "indicator", "value"]]
            own = own.assign(zone=own["zone"].map(member_of))
            pool = pd.concat([own, pool]).drop_duplicates(["zone", "indicator"], keep="first")
        else:
            single = single.iloc[:0]
        if len(single):
            units = pool.rename(columns={"zone": "unit"})
            table = compare(units, dirs).table
            table = table.merge(single.rename(columns={"member": "unit"}), on="unit")
            table["comparison"] = f"national:{NATIONAL_GROUPS.get(tier, tier)}"
            frames.append(table.drop(columns=["unit"]))
        rest = now[now["zone"].isin(set(grp["zone"]) - set(single["zone"]))]
        if len(rest):
            units = rest[["zone", "indicator", "value"]].rename(columns={"zone": "unit"})
            table = compare(units, dirs).table.rename(columns={"unit": "zone"})
            table["tier"] = tier
            table["comparison"] = f"zones:{tier}"
            frames.append(table)
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    first = ["zone", "tier", "indicator", "value", "rank", "n", "percentile", "comparison"]
    return out[[*first, *[c for c in out.columns if c not in first]]]


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
    national = indicator_values(
        ctx, fw.model_copy(update={"indicators": ranked}), national_set, [year]
    )
    national["tier"] = national["zone"].map({u.code: u.tier for u in national_set})
    ctx.progress("targets, progress and comparison")
    tasks = higher_tasks(ctx, union, zones, year)
    judged_values = judged(values)
    verdicts = evaluate_targets(
        judged_values, fws, zones, year, tasks, targets=ctx.targets, evidence=ctx.evidence
    )
    grades = grade_zones(verdicts, fws, zones, year)
    scoped = in_scope(judged_values, verdicts)
    comparison = _comparison(scoped, judged(national), fw, year, zones)
    results = {
        "values": values,
        "verdicts": verdicts,
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
