"""`meili demo`: a store that shows the whole programme, built from the bundled real samples.

The demo runs :data:`STEPS` in order, each idempotent (a second run finds its work done and
changes nothing): the stores and sample zones; the bundled real air (CNEMC 2019-01-01…03,
UCI Beijing 2017-01…02) and surface-water (CNEMC 2021-04, Beijing–Tianjin–Hebei and
Fujian) samples;
the round :data:`ROUND` frozen over every zone and published by the Ministry; demo accounts
(:data:`DEMO_USERS`, password :data:`DEMO_PASSWORD`); a sample implementation plan left in
review at the Ministry; an approved self-assessment of :data:`SELF_ZONE` whose narrative
(problems, next steps) is written from the round's verdicts; that zone's self-assessment
report (HTML and Word, under the home's ``reports/``); a published case story.
A step is a :class:`Step`; one more slots in by adding it to :data:`STEPS`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from ruamel.yaml import YAML
from sqlalchemy import select
from sqlalchemy.orm import Session

from meili import bootstrap
from meili.assess.rounds import list_rounds, load_round, round_file_hashes, run_round
from meili.config import settings
from meili.db.models import Document, User
from meili.db.session import session
from meili.framework.schema import Framework
from meili.ingest.demo import DEMO_STORE_FILES, ingest_demo_samples
from meili.ingest.pipeline import BatchResult
from meili.reports.write import ReportFormat, write_report
from meili.workflow import documents, review
from meili.workflow.accounts import actor_of, add_user, get_user
from meili.workflow.frameworks import zone_framework
from meili.workflow.publication import ALL, public_zones, publish_round
from meili.workflow.roles import Actor

#: The demo's round: the water sample's year; 2016–2021 holds the air samples of 2017, 2019.
ROUND = "demo-2021"
ROUND_YEAR = 2021
#: Every demo account's password (a demo store only: never use these accounts elsewhere).
DEMO_PASSWORD = "meili-demo-2026"
#: (username, role, zone, display name)
DEMO_USERS: tuple[tuple[str, str, str | None, str], ...] = (
    ("demo-admin", "admin", None, "演示管理员 demo administrator"),
    ("demo-mee", "ministry_reviewer", None, "演示部审核人 demo Ministry reviewer"),
    ("demo-jjj", "region_editor", "R-JJJ", "演示京津冀编辑 demo Beijing–Tianjin–Hebei editor"),
    ("demo-zj", "province_editor", "P-330000", "演示浙江省编辑 demo Zhejiang editor"),
    ("demo-hz", "city_editor", "C-330100", "演示杭州市编辑 demo Hangzhou editor"),
)
#: The zone whose self-assessment is approved: the bundled water sample covers it.
SELF_ZONE = "R-JJJ"
#: The sample plan: Hangzhou's, approved by the province and waiting for the Ministry.
PLAN_ZONE = "C-330100"
PLAN_TITLE = "杭州市美丽城市先行区实施方案（演示）"
CASE_ID = "demo-jjj-water-monitoring"
#: The demo's report of SELF_ZONE: HTML and Word (PDF with ``meili report … --format pdf``,
#: which needs the CJK fonts of Debian's fonts-noto-cjk).
REPORT_FORMATS = (ReportFormat.html, ReportFormat.docx)
BY = "meili demo"


@dataclass
class DemoState:
    """What the steps made or found (read by the later steps and by the CLI)."""

    batches: list[BatchResult] = field(default_factory=list)
    round: dict[str, Any] = field(default_factory=dict)
    users: list[str] = field(default_factory=list)
    plan: dict[str, Any] = field(default_factory=dict)
    self_assessment: dict[str, Any] = field(default_factory=dict)
    case: str = ""
    reports: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    """One step of the demo: a key, a label (zh, en) and what it does (a one-line summary)."""

    key: str
    label: str
    run: Callable[[DemoState], str]


def _stores(state: DemoState) -> str:
    written = bootstrap.initialise(samples=True)
    return "loaded 已载入" if any(written.values()) else "already in place 已就绪"


def _samples(state: DemoState) -> str:
    state.batches = ingest_demo_samples(user=BY, names=DEMO_STORE_FILES)
    statuses = Counter(b.status for b in state.batches)
    return ", ".join(f"{n} {status}" for status, n in sorted(statuses.items())) + " files 个文件"


def _round(state: DemoState) -> str:
    if any(m["round"] == ROUND for m in list_rounds()):
        state.round, _ = load_round(ROUND, "verdicts")
        made = "frozen already 已存在"
    else:
        state.round = run_round(ROUND, ROUND_YEAR)
        made = "frozen 已冻结"
    with session(write=True) as s:
        if ALL not in public_zones(s).get(ROUND, set()):
            publish_round(s, _actor(s, "demo-mee"), ROUND)
    return f"round {ROUND} ({ROUND_YEAR}) {made}, published for every zone 全部公开"


def _actor(s: Session, username: str) -> Actor:
    return actor_of(get_user(s, username))


def _accounts(state: DemoState) -> str:
    added = 0
    with session(write=True) as s:
        for username, role, zone, name in DEMO_USERS:
            if s.scalar(select(User.id).where(User.username == username)) is None:
                add_user(s, username, DEMO_PASSWORD, role=role, zone=zone, display_name=name, by=BY)
                added += 1
    state.users = [u[0] for u in DEMO_USERS]
    return f"{added} added, {len(DEMO_USERS) - added} present 新增/已有"


def _find(s: Session, kind: str, zone: str, **where: Any) -> Document | None:
    query = select(Document).where(Document.kind == kind, Document.zone_code == zone)
    for column, value in where.items():
        query = query.where(getattr(Document, column) == value)
    return s.scalar(query.order_by(Document.id))


PLAN_CONTENT: dict[str, Any] = {
    "specialty": "无废城市与数字化治理（演示方案，数值为示例）",
    "themes": ["无废城市", "数字化治理"],
    "targets": [
        {"indicator": "env.pm25_annual_mean", "target_value": 28.0, "unit": "μg/m³"},
        {"indicator": "env.good_day_ratio", "target_value": 90.0, "unit": "%"},
    ],
    "tasks": [
        {
            "key": "T1",
            "title": "建设全市生态环境数字化监管平台",
            "department": "市生态环境局",
            "deadline": "2026-12-31",
            "milestones": [{"title": "平台上线", "due": "2026-06-30"}],
        }
    ],
    "projects": [
        {
            "key": "P1",
            "title": "生活垃圾分类处理设施提升",
            "amount": 8000,
            "funding_source": "fiscal",
            "status": "approved",
        }
    ],
    "sections": {"overview": "演示用实施方案：目标与任务为示例，非正式文件。"},
}


def _plan(state: DemoState) -> str:
    with session(write=True) as s:
        doc = _find(s, "plan", PLAN_ZONE, title=PLAN_TITLE)
        if doc is None:
            hz = _actor(s, "demo-hz")
            doc = documents.create(s, hz, "plan", PLAN_ZONE, PLAN_TITLE, PLAN_CONTENT)
            documents.submit(s, hz, doc)
            review.approve(s, _actor(s, "demo-zj"), doc)  # the province; the Ministry waits
        state.plan = documents.record(doc)
    return f"plan #{state.plan['id']} of {PLAN_ZONE}: {state.plan['state']}"


def narrative(verdicts: pd.DataFrame, fw: Framework) -> dict[str, Any]:
    """A self-assessment's narrative from one zone's verdicts under its framework ``fw``:
    per target area the indicators with a value and their targets; problems: the
    indicators not met (with the round's reason); next steps."""
    names = {i.code: i.name_zh for i in fw.indicators}
    areas = {a.code: a.name_zh for a in fw.target_areas}
    valued = verdicts[verdicts["value"].notna()]
    by_area = {}
    for area, rows in valued.groupby("target_area", sort=True):
        parts = [
            f"{names.get(r.indicator, r.indicator)} {r.value:.1f}{r.unit or ''}"
            f"（目标 {r.target_zh}）"
            for r in rows.itertuples()
        ]
        by_area[str(area)] = f"{areas.get(str(area), area)}：" + "；".join(parts) + "。"
    unmet = valued[valued["status"] == "not_met"]
    problems = "\n".join(f"- {r.reason_zh}" for r in unmet.itertuples()) or "本轮无未达标指标。"
    missing = int(verdicts["value"].isna().sum())
    steps = (
        "- 针对未达标指标制定整改措施，纳入实施方案任务台账。\n"
        f"- 本轮 {missing} 项指标无数值：按 `meili framework methods` 补报统计数据与佐证材料。"
    )
    return {"narrative": by_area, "problems": problems, "next_steps": steps}


def _self_assessment(state: DemoState) -> str:
    with session(write=True) as s:
        doc = _find(s, "self_assessment", SELF_ZONE, round_name=ROUND)
        if doc is None:
            _, verdicts = load_round(ROUND, "verdicts")
            text = narrative(verdicts[verdicts["zone"] == SELF_ZONE], zone_framework(s, SELF_ZONE))
            data = {**text, "round": ROUND, "round_files": round_file_hashes(ROUND)}
            editor = _actor(s, "demo-jjj")
            title = f"{SELF_ZONE} 自评估 {ROUND}（演示）"
            doc = documents.create(s, editor, "self_assessment", SELF_ZONE, title, data)
            documents.submit(s, editor, doc)
            review.approve(s, _actor(s, "demo-mee"), doc)
        state.self_assessment = documents.record(doc)
    return f"self-assessment #{state.self_assessment['id']}: {state.self_assessment['state']}"


def _report(state: DemoState) -> str:
    folder = settings().reports_dir
    folder.mkdir(parents=True, exist_ok=True)
    state.reports = []
    made = 0
    for fmt in REPORT_FORMATS:
        path = folder / f"{SELF_ZONE}-{ROUND}.{fmt.value}"
        state.reports.append(path)
        if not path.exists():  # kept as it is on a re-run
            write_report(SELF_ZONE, path, fmt, round_name=ROUND)
            made += 1
    names = ", ".join(p.name for p in state.reports)
    return f"{names} ({made} written 新生成, {len(state.reports) - made} present 已存在)"


def _case(state: DemoState) -> str:
    _, values = load_round(ROUND, "values")
    water = values[
        (values["zone"] == SELF_ZONE)
        & (values["indicator"] == "env.water_good_section_share")
        & (values["year"] == ROUND_YEAR)
    ]["value"].dropna()
    share = f"{float(water.iloc[0]):.1f}%" if len(water) else "—"
    case = {
        "id": CASE_ID,
        "zone": SELF_ZONE,
        "title_zh": "京津冀地表水自动监测数据接入与评估（演示案例）",
        "title_en": "Beijing–Tianjin–Hebei surface-water automatic monitoring, ingested and "
        "assessed (demo case)",
        "summary_zh": f"国家地表水自动监测站 2021 年 4 月实时数据入湖，按 GB 3838-2002 评价，"
        f"Ⅰ～Ⅲ类断面比例 {share}（演示数据，仅数日）。",
        "summary_en": f"The national automatic surface-water stations' April 2021 release, "
        f"assessed by GB 3838-2002: class I–III share {share} (demo data, a few days only).",
        "body_zh": "演示案例：展示数据接入、标准计算、评估轮次与案例审核发布的流程。",
        "body_en": "A demo case: ingestion, the standard's computation, the round and the "
        "review and publication of a case.",
        "area": "water",
        "year": ROUND_YEAR,
        "author": "demo-jjj",
        "state": "published",
        "reviewed_by": "demo-mee",
    }
    folder = settings().cases_dir
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{CASE_ID}.yaml"
    state.case = CASE_ID
    if path.exists():  # kept as it is (an editor may have changed it)
        return f"case {CASE_ID} present 已存在"
    with path.open("w", encoding="utf-8") as fh:
        YAML().dump(case, fh)
    return f"case {CASE_ID} published 已发布"


STEPS: tuple[Step, ...] = (
    Step("stores", "stores, zones, framework 数据库与先行区", _stores),
    Step("samples", "bundled real samples 示例监测数据", _samples),
    Step("accounts", "demo accounts 演示账户", _accounts),
    Step("round", "assessment round 评估轮次", _round),
    Step("plan", "sample plan in review 实施方案（审核中）", _plan),
    Step("self_assessment", "approved self-assessment 自评估（已通过）", _self_assessment),
    Step("report", "generated report 自评估报告", _report),
    Step("case", "case story 典型案例", _case),
)


def run_demo(on_step: Callable[[Step, str], None] | None = None) -> DemoState:
    """Run every step in order; ``on_step(step, summary)`` after each."""
    state = DemoState()
    for step in STEPS:
        summary = step.run(state)
        if on_step is not None:
            on_step(step, summary)
    return state
