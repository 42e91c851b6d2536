"""What a zone's self-assessment report says, gathered once for every format.

Numbers come from the stored round (:func:`meili.assess.rounds.load_round`: values,
verdicts, progress, comparison, grades), names from the zone's framework recorded in the
round, and the bureau's words (narrative per target area, problems, next steps) from the
approved self-assessment wrapping that round (:mod:`meili.workflow.documents`). Tasks,
projects and evidence are what the public may read of the zone's work (approved plan,
ledger, accepted evidence). Every format renders this one :class:`Report`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from meili import i18n
from meili.assess.rounds import load_round, scan_rounds
from meili.db.session import session
from meili.errors import NotFoundError
from meili.framework.schema import Framework
from meili.framework.store import get_framework
from meili.output import records
from meili.registry.zones import get_zone, member_names, zone_record
from meili.workflow import documents, evidence, ledger
from meili.workflow.roles import ANONYMOUS

DIGITS = 3  # decimals shown; the annex says so
SECTIONS = (
    "cover",
    "summary",
    "areas",
    "progress",
    "comparison",
    "map",
    "work",
    "narrative",
    "annex",
)


def num(value: Any, digits: int = DIGITS) -> str:
    """A number as every format shows it: rounded to ``digits`` decimals, trailing zeros
    dropped; ``—`` when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    text = f"{round(float(value), digits):.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass
class Area:
    """A target area: its indicator rows and the bureau's narrative on it."""

    code: str
    name_zh: str
    name_en: str
    rows: list[dict[str, Any]]
    narrative: str = ""


@dataclass
class Report:
    """Everything a report shows (one zone, one round, one language)."""

    lang: str
    zone: dict[str, Any]
    round: dict[str, Any]
    framework: str
    generated: str
    counts: dict[str, int]
    grade: dict[str, Any]
    areas: list[Area]
    progress: list[dict[str, Any]]
    comparison: list[dict[str, Any]]
    trends: list[dict[str, Any]]
    members: list[str]
    tasks: list[dict[str, Any]] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    selfassessment: dict[str, Any] | None = None
    methods: list[dict[str, Any]] = field(default_factory=list)

    def t(self, key: str, **values: object) -> str:
        """The catalogue's word (section ``reports``) in the report's language."""
        return i18n.text("reports", key, self.lang, **values)  # type: ignore[arg-type]

    def p(self, zh: Any, en: Any) -> Any:
        """The name in the report's language (the other when that one is empty)."""
        return (en or zh) if self.lang == "en" else (zh or en)

    def paren(self, text: Any) -> str:
        """``text`` in brackets as the language writes them: （…） in Chinese, " (…)" else."""
        return f" ({text})" if self.lang == "en" else f"（{text}）"

    @property
    def sep(self) -> str:
        """The list separator: 、 in Chinese, ", " in English."""
        return ", " if self.lang == "en" else "、"

    @property
    def stop(self) -> str:
        """The full stop between two sentences."""
        return ". " if self.lang == "en" else "。"

    @property
    def colon(self) -> str:
        return ": " if self.lang == "en" else "："

    @property
    def zone_name(self) -> str:
        return str(self.p(self.zone.get("name_zh"), self.zone.get("name_en")))

    @property
    def title(self) -> str:
        return self.t("title", zone=self.zone_name, year=self.round["year"])

    def status(self, key: Any) -> str:
        return i18n.text("verdicts", str(key), self.lang)  # type: ignore[arg-type]


def latest_round(zone: str) -> str:
    """The newest readable round that assessed ``zone``; :class:`NotFoundError` when none
    did (a damaged round is passed over here; ``meili data check`` reports it)."""
    rounds = [m for m in scan_rounds()[0] if zone in m.get("zones", [])]
    if not rounds:
        raise NotFoundError(
            f"no assessment round covers zone {zone}; make one with "
            "`meili assess run --round NAME --year Y`"
        )
    return str(rounds[-1]["round"])


def _framework(s: Any, ref: str) -> Framework:
    code, _, version = ref.partition("@")
    return get_framework(s, code or None, version or None)


def _zone_rows(frame: pd.DataFrame, zone: str) -> pd.DataFrame:
    if frame.empty or "zone" not in frame:
        return frame.iloc[0:0]
    return frame[frame["zone"] == zone].reset_index(drop=True)


def _selfassessment(s: Any, zone: str, round_name: str) -> dict[str, Any] | None:
    """The approved self-assessment of ``zone`` wrapping ``round_name`` (newest), or None."""
    docs = documents.listing(
        s, ANONYMOUS, kind="self_assessment", zone=zone, state="approved", limit=1000
    )
    for doc in reversed(docs):
        if doc.round_name != round_name:
            continue
        versions = documents.versions(s, doc)
        if versions:
            v = versions[-1]
            return {
                "id": doc.id,
                "title": doc.title,
                "version": v.number,
                "approved_at": documents.iso(v.approved_at) if v.approved_at else None,
                "sha256": v.sha256,
                **dict(v.content or {}),
            }
    return None


def _plan(s: Any, zone: str) -> dict[str, Any]:
    docs = documents.listing(s, ANONYMOUS, kind="plan", zone=zone, state="approved", limit=1000)
    for doc in reversed(docs):
        versions = documents.versions(s, doc)
        if versions:
            return dict(versions[-1].content or {})
    return {}


def _work(s: Any, zone: str) -> tuple[list[dict], list[dict], list[dict]]:
    """Tasks and projects (ledger, else the approved plan) and accepted evidence."""
    items = [ledger.record(i) for i in ledger.items(s, ANONYMOUS, zone)]
    tasks = [i for i in items if i["kind"] == "task"]
    projects = [i for i in items if i["kind"] == "project"]
    if not items:
        plan = _plan(s, zone)
        tasks = [dict(t, percent_complete=None) for t in plan.get("tasks", [])]
        projects = [dict(p, percent_complete=None) for p in plan.get("projects", [])]
    accepted = evidence.inbox(s, ANONYMOUS, status="accepted", zone=zone, limit=500)
    keep = ("id", "indicator", "year", "title", "description")
    proofs = [{k: evidence.record(e).get(k) for k in keep} for e in accepted]
    return tasks, projects, proofs


def _trends(values: pd.DataFrame, ind: dict[str, Any]) -> list[dict[str, Any]]:
    if values.empty:
        return []
    data = values.dropna(subset=["value"]).sort_values(["indicator", "year"])
    out = []
    for code, grp in data.groupby("indicator", sort=False):
        i = ind.get(str(code))
        out.append(
            {
                "indicator": str(code),
                "name": (i.name_zh, i.name_en) if i else (str(code), str(code)),
                "unit": str(grp["unit"].iloc[0] or "") if "unit" in grp else "",
                "years": [int(y) for y in grp["year"]],
                "values": [float(v) for v in grp["value"]],
            }
        )
    return out


def _source(value: dict[str, Any], lang: str) -> str:
    """Where a value came from: its lake batches, its statistics row, or why it is missing."""
    batches = json.loads(value.get("batches") or "[]")
    if batches:
        more = f" (+{len(batches) - 3})" if len(batches) > 3 else ""
        return "batch " + ", ".join(map(str, batches[:3])) + more
    if value.get("stats_row") is not None:
        return f"stats row {value['stats_row']}"
    why = value.get("reason_en") if lang == "en" else value.get("reason_zh")
    return str(why or "")


def build(zone: str, round_name: str | None = None, lang: str = "zh") -> Report:
    """The report of ``zone`` for ``round_name`` (default: the newest round covering it).

    An unknown zone or round raises :class:`NotFoundError`; a round that did not assess the
    zone too.
    """
    with session() as s:
        record = zone_record(z := get_zone(s, zone), member_names(s, [z]))
    name = round_name or latest_round(zone)
    meta, verdicts = load_round(name, "verdicts")
    if zone not in meta.get("zones", []):
        raise NotFoundError(f"round {name!r} did not assess zone {zone}")
    tables = {t: _zone_rows(load_round(name, t)[1], zone) for t in ("values", "progress")}
    tables["comparison"] = _zone_rows(load_round(name, "comparison")[1], zone)
    grades = _zone_rows(load_round(name, "grades")[1], zone) if "grades" in meta["files"] else None
    verdicts = _zone_rows(verdicts, zone)
    ref = meta.get("frameworks", {}).get(zone, meta["framework"])
    with session() as s:
        fw = _framework(s, ref)
        sa = _selfassessment(s, zone, name)
        tasks, projects, proofs = _work(s, zone)
    ind = {i.code: i for i in fw.indicators}
    rows = records(verdicts)
    for r in rows:
        i = ind.get(r["indicator"])
        r["name"] = (i.name_zh, i.name_en) if i else (r["indicator"], r["indicator"])
        r["method"] = i.method if i else None
    narrative = (sa or {}).get("narrative", {})
    areas = []
    for area in fw.target_areas:
        mine = [r for r in rows if r.get("target_area") == area.code]
        if mine:
            areas.append(
                Area(area.code, area.name_zh, area.name_en, mine, narrative.get(area.code, ""))
            )
    counts = verdicts["status"].value_counts().to_dict() if "status" in verdicts else {}
    progress = records(tables["progress"])
    comparison = records(tables["comparison"])
    for r in (*progress, *comparison):
        i = ind.get(r["indicator"])
        r["name"] = (i.name_zh, i.name_en) if i else (r["indicator"], r["indicator"])
    values = tables["values"]
    methods = []
    if not values.empty:
        latest = values.sort_values("year").drop_duplicates("indicator", keep="last")
        for r in records(latest):
            i = ind.get(r["indicator"])
            r["name"] = (i.name_zh, i.name_en) if i else (r["indicator"], r["indicator"])
            r["source"] = _source(r, lang)
            methods.append(r)
    grade = records(grades)[0] if grades is not None and len(grades) else {}
    if isinstance(grade.get("veto"), str):  # stored as a JSON list of indicator codes
        grade["veto"] = json.loads(grade["veto"] or "[]")
    return Report(
        lang=lang,
        zone=record,
        round=meta,
        framework=ref,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        counts={str(k): int(v) for k, v in counts.items()},
        grade=grade,
        areas=areas,
        progress=progress,
        comparison=comparison,
        trends=_trends(values, ind),
        members=list(record.get("members") or []),
        tasks=tasks,
        projects=projects,
        evidence=proofs,
        selfassessment=sa,
        methods=methods,
    )
