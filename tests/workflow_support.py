"""Helpers for workflow tests: people with roles, publishing a round, API tokens."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

from meili.db.session import session
from meili.workflow import accounts
from meili.workflow.publication import publish_round
from meili.workflow.roles import Actor, Grant

PASSWORD = "correct horse battery staple"
#: username → (role, zone) of the people the workflow tests use (sample zones of `store`)
PEOPLE = {
    "admin": ("admin", None),
    "mee": ("ministry_reviewer", None),
    "expert": ("expert", None),
    "zj": ("province_editor", "P-330000"),
    "zjview": ("province_viewer", "P-330000"),
    "fj": ("province_editor", "P-350000"),
    "hz": ("city_editor", "C-330100"),
    "hy": ("city_editor", "C-441600"),
    "ca": ("county_editor", "X-330127"),
    "aj": ("county_editor", "X-330523"),
}
MINISTRY = Actor("test-ministry", (Grant("admin"),), user_id=-1)


def add_people(names: list[str] | None = None) -> None:
    with session(write=True) as s:
        for name in names or list(PEOPLE):
            role, zone = PEOPLE[name]
            accounts.add_user(s, name, PASSWORD, role=role, zone=zone, by="test")


def actor(name: str) -> Actor:
    with session() as s:
        return accounts.actor_of(accounts.get_user(s, name))


def publish(name: str) -> None:
    """Publish a round for every zone (as the Ministry would)."""
    with session(write=True) as s:
        publish_round(s, MINISTRY, name)


PLAN = {
    "specialty": "千岛湖生态保护",
    "themes": ["水环境", "生态产品价值实现"],
    "targets": [
        {
            "indicator": "env.pm25_annual_mean",
            "target_value": 25,
            "baseline_year": 2024,
            "baseline_value": 27.5,
        },
        {"indicator": "env.good_day_ratio", "target_value": 95.0},
    ],
    "tasks": [
        {
            "key": "T1",
            "title": "千岛湖临湖地带综合整治",
            "department": "县生态环境局",
            "deadline": "2026-06-30",
            "milestones": [{"title": "方案印发", "due": "2025-12-31"}],
        },
    ],
    "projects": [
        {
            "key": "P1",
            "title": "城镇污水处理厂提标",
            "amount": 12000,
            "funding_source": "special_bonds",
            "status": "under_construction",
        },
    ],
    "sections": {"overview": "总体要求……", "safeguards": "保障措施……"},
}


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def xlsx() -> bytes:
    out = io.BytesIO()
    book = Workbook()
    book.active["A1"] = "指标"
    book.save(out)
    return out.getvalue()


def docx(extra: dict[str, bytes] | None = None, types: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", f"<Types>{types}</Types>")
        z.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()
