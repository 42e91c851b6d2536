"""``meili framework``: validate, show, list and load indicator frameworks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from meili.cli.common import Shown, emit, listing
from meili.config import settings
from meili.db.session import session
from meili.errors import NotFoundError, ProblemsFound, UserError, ValidationFailed
from meili.framework.coverage import bundled_set, coverage, totals
from meili.framework.loader import (
    bundled,
    bundled_frameworks,
    default_framework,
    load_framework_file,
)
from meili.framework.policy import policy
from meili.framework.schema import AREA_NAMES, MEASURES, Framework, Indicator
from meili.framework.store import get_framework, list_frameworks, resolver, save_framework
from meili.methods import find, known_ids, methods
from meili.output import Format

app = typer.Typer(
    help="Indicator frameworks: validate, show, load. 指标体系：校验、查看、加载。",
    no_args_is_help=True,
)

CodeOption = Annotated[
    str | None, typer.Option("--code", help="Framework code (default: the default). 指标体系代码")
]
VersionOption = Annotated[
    str | None, typer.Option("--version", help="Framework version (default: latest). 版本")
]


def _store_exists() -> bool:
    url = settings().database_url
    return not url.startswith("sqlite:///") or Path(url.removeprefix("sqlite:///")).exists()


@contextmanager
def _maybe_session() -> Iterator[Session | None]:
    """A store session when the store is initialised, else None (bundled frameworks only)."""
    if not _store_exists():
        yield None
        return
    try:
        ctx = session()
        s = ctx.__enter__()
    except UserError:
        yield None
        return
    try:
        yield s
    except BaseException as exc:
        if not ctx.__exit__(type(exc), exc, exc.__traceback__):
            raise
    else:
        ctx.__exit__(None, None, None)


def _framework(code: str | None, version: str | None) -> Framework:
    with _maybe_session() as s:
        if s is not None:
            return get_framework(s, code, version)
    if code is None and version is None:
        return default_framework()
    fw = bundled(code or default_framework().code, version or default_framework().version)
    if fw is None:
        raise NotFoundError(f"no framework {code or ''}@{version or ''} (框架不存在)")
    return fw


def _words(ind: Indicator) -> tuple[str, str]:
    return ind.target.describe()


@app.command("validate")
def validate_cmd(
    files: Annotated[list[Path], typer.Argument(help="Framework YAML files. 指标体系文件")],
) -> None:
    """Check framework files and list every error with file, line and field. 校验指标体系文件。"""
    failed = 0
    with _maybe_session() as s:
        resolve = resolver(s) if s is not None else None
        for path in files:
            try:
                fw = load_framework_file(path, resolve, methods=known_ids())
            except ValidationFailed as exc:
                failed += 1
                typer.echo(exc.message)
                for problem in exc.problems:
                    typer.echo(f"  {problem}")
                continue
            typer.echo(f"OK: {len(fw.indicators)} indicators ({path}, {fw.ref})")
    if failed:
        raise ProblemsFound(f"{failed} of {len(files)} framework file(s) invalid; errors above")


@app.command("show")
@listing
def show_cmd(shown: Shown, code: CodeOption = None, version: VersionOption = None) -> None:
    """Summarise a framework by target area. 指标体系概况（按目标领域）。"""
    fw = _framework(code, version)
    records = []
    for area, (zh, en) in AREA_NAMES.items():
        inds = [i for i in fw.indicators if i.target_area == area]
        decl = fw.area(area)
        records.append(
            {
                "area": area,
                "measure": f"（{decl.measure}）" if decl else "",
                "name_zh": decl.name_zh if decl else zh,
                "name_en": decl.name_en if decl else en,
                "indicators": len(inds),
                "computable": sum(i.computable for i in inds),
                "binding": sum(i.binding == "binding" for i in inds),
            }
        )
    meta = {
        "code": fw.code,
        "version": fw.version,
        "name_zh": fw.name_zh,
        "name_en": fw.name_en,
        "effective": fw.effective,
        "extends": fw.extends,
        "zone": fw.zone,
        "indicators": len(fw.indicators),
    }
    if shown.fmt is Format.table:
        typer.echo(f"{fw.name_zh} / {fw.name_en}")
        base = f", extends {fw.extends}" if fw.extends else ""
        typer.echo(f"{fw.ref}, effective {fw.effective}{base}: {len(fw.indicators)} indicators")
    emit(records, shown, meta=meta, sheet="areas")


@app.command("indicators")
@listing
def indicators_cmd(
    shown: Shown,
    area: Annotated[
        str | None, typer.Option("--area", help="Target area, e.g. environment_quality. 目标领域")
    ] = None,
    measure: Annotated[
        str | None, typer.Option("--measure", help="Policy measure 六…十二. 实施意见条目")
    ] = None,
    tier: Annotated[
        str | None, typer.Option("--tier", help="region, province, city or county. 层级")
    ] = None,
    code: CodeOption = None,
    version: VersionOption = None,
) -> None:
    """List indicators, filtered by area, measure or tier. 列出指标。"""
    if area is not None and area not in AREA_NAMES:
        raise UserError(f"unknown target area {area!r}; known: {', '.join(AREA_NAMES)}")
    measure = measure.strip("()（） ") if measure else None
    if measure is not None and measure not in MEASURES:
        raise UserError(f"unknown measure {measure!r}; known: {'、'.join(MEASURES)}")
    if tier is not None and tier not in ("region", "province", "city", "county"):
        raise UserError(f"unknown tier {tier!r}; known: region, province, city, county")
    fw = _framework(code, version)
    records = []
    for ind in fw.indicators:
        if (area and ind.target_area != area) or (measure and ind.measure != measure):
            continue
        if tier and tier not in ind.tiers:
            continue
        zh, en = _words(ind)
        records.append(
            {
                "code": ind.code,
                "name_zh": ind.name_zh,
                "name_en": ind.name_en,
                "unit": ind.unit,
                "direction": ind.direction,
                "area": ind.target_area,
                "measure": ind.measure,
                "tiers": ind.tiers,
                "binding": ind.binding,
                "method": ind.method,
                "target_zh": zh,
                "target_en": en,
            }
        )
    columns = ["code", "name_zh", "unit", "direction", "measure", "binding", "target_zh"]
    asked = ", ".join(
        f"{k} {v}" for k, v in (("area", area), ("measure", measure), ("tier", tier)) if v
    )
    emit(
        records,
        shown,
        columns=columns,
        sheet="indicators",
        empty=f"none of the {len(fw.indicators)} indicators of {fw.ref} has {asked}",
    )


@app.command("indicator")
@listing
def indicator_cmd(
    shown: Shown,
    indicator_code: Annotated[str, typer.Argument(help="Indicator code. 指标代码")],
    code: CodeOption = None,
    version: VersionOption = None,
) -> None:
    """Show one indicator in full, with its target rule in words. 指标完整定义。"""
    fw = _framework(code, version)
    ind = fw.indicator(indicator_code)
    if ind is None:
        raise NotFoundError(f"no indicator {indicator_code!r} in {fw.ref} (指标不存在)")
    zh, en = _words(ind)
    method = find(ind.method)
    scope_zh, scope_en = ind.scope.words()
    area_zh, area_en = AREA_NAMES[ind.target_area]
    fields: dict[str, Any] = {
        "code": ind.code,
        "name_zh": ind.name_zh,
        "name_en": ind.name_en,
        "unit": ind.unit,
        "direction": ind.direction,
        "target_area": f"{ind.target_area} ({area_zh} / {area_en})",
        "measure": f"（{ind.measure}）",
        "tiers": ", ".join(ind.tiers),
        "scope": f"{ind.scope.code}: {scope_zh} / {scope_en}",
        "binding": {"binding": "binding 约束性", "reference": "reference 参考性"}[ind.binding],
        "method": f"{ind.method}: {method.name_zh} / {method.name_en}" if method else ind.method,
        "method_kind": method.kind if method else None,
        "standard": ind.standard or (method.standard if method else None),
        "method_inputs": ", ".join(method.inputs) if method else None,
        "data_source": ind.data_source,
        "comparison_group": ind.comparison_group,
        "weight": ind.weight,
        "baseline_year": ind.baseline_year,
        "computable": ind.computable,
        "target_zh": zh,
        "target_en": en,
        "target_rule": ind.target.model_dump(mode="json", exclude_none=True),
        "notes": ind.notes,
        "framework": fw.ref,
    }
    if shown.fmt is Format.json:
        emit([fields], shown)
        return
    emit([{"field": k, "value": v} for k, v in fields.items() if v is not None], shown)


@app.command("methods")
@listing
def methods_cmd(shown: Shown) -> None:
    """The registered methods an indicator may name: kind, unit, inputs, standard clauses.

    方法登记表：计算（computed）、填报（reported）或审核证明（evidence）。
    """
    rows = [
        {
            "id": m.id,
            "kind": m.kind,
            "name_zh": m.name_zh,
            "name_en": m.name_en,
            "unit": m.unit,
            "inputs": ", ".join(m.inputs),
            "standard": m.standard,
            "citations": ", ".join(m.citations),
        }
        for m in methods()
    ]
    emit(rows, shown, columns=["id", "kind", "name_zh", "unit", "inputs"], sheet="methods")


@app.command("load")
def load_cmd(
    file: Annotated[Path, typer.Argument(help="Framework or zone specialty YAML. 指标体系文件")],
) -> None:
    """Validate a framework (e.g. a zone specialty file) and store it. 校验并入库。"""
    with session() as s:
        fw = load_framework_file(file, resolver(s), methods=known_ids())
        written = save_framework(s, fw)
    state = "stored" if written else "unchanged (already stored)"
    typer.echo(f"{fw.ref}: {state}, {len(fw.indicators)} indicators")


@app.command("versions")
@listing
def versions_cmd(shown: Shown) -> None:
    """List the framework versions in the store and every bundled one (the default's versions
    and the five regional frameworks). 版本列表（已入库与内置）。"""
    with _maybe_session() as s:
        rows = [{**r, "source": "stored"} for r in list_frameworks(s)] if s is not None else []
    stored = {(r["code"], r["version"]) for r in rows}
    for fw in bundled_frameworks():
        if (fw.code, fw.version) in stored:
            continue
        rows.append(
            {
                "code": fw.code,
                "version": fw.version,
                "zone": fw.zone,
                "extends": fw.extends,
                "name_zh": fw.name_zh,
                "name_en": fw.name_en,
                "indicators": len(fw.indicators),
                "sha256": None,
                "loaded_at": None,
                "source": "bundled",
            }
        )
    columns = ["code", "version", "zone", "extends", "name_zh", "indicators", "source", "loaded_at"]
    emit(rows, shown, columns=columns, sheet="versions")


@app.command("coverage")
@listing
def coverage_cmd(
    shown: Shown,
    clause: Annotated[
        str | None, typer.Option("--clause", help="One clause, e.g. 二.四 or 三.七. 条款")
    ] = None,
    gaps: Annotated[
        bool, typer.Option("--gaps", help="Only requirements with a gap. 仅列出缺口")
    ] = False,
    version: VersionOption = None,
) -> None:
    """Policy coverage: each requirement of 国办函〔2025〕2号, the indicators that cover it, how
    each is evaluated (computed, reported, evidence or none) and the gaps; totals at the end.

    政策覆盖：实施意见每项要求对应的指标、评估方式与缺口。
    """
    frameworks = bundled_set(version)
    rows = coverage(frameworks, {m.id: m.kind for m in methods()})
    sums = totals(rows)
    known = {r.clause for r in rows}
    if clause is not None and clause not in known:
        raise UserError(f"unknown clause {clause!r}; known: {', '.join(dict.fromkeys(known))}")
    shown_rows = [r for r in rows if (clause is None or r.clause == clause) and (not gaps or r.gap)]
    meta = {"policy": policy().document.id, "frameworks": [f.ref for f in frameworks], **sums}
    columns = ["clause", "requirement_id", "quote", "basis", "indicators", "evaluated_by", "gap"]
    emit(
        [r.record() for r in shown_rows],
        shown,
        columns=columns,
        meta=meta,
        sheet="coverage",
        empty="no requirement matches",
    )
    if shown.fmt is Format.table and shown.out is None:
        words = {"all": "全部", "measurable": "可量化", "checkable": "可核查", "monitoring": "监测"}
        for name, t in sums.items():
            typer.echo(
                f"{words[name]} {name}: {t['evaluable']}/{t['requirements']} evaluable "
                f"({t['evaluable_pct']} %)"
                f" — computed {t['computed']}, reported {t['reported']}, evidence "
                f"{t['evidence']}, none {t['none']}; targets to confirm {t['targets_to_confirm']}"
            )
