"""Workflow pages: sign-in with CSRF, my zones, plan editor and viewer, review screen with
per-section comments and diff, evidence inbox, task board, submission status, audit view,
admin explanations; zh-CN first with an English switch; labelled forms."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from workflow_support import PASSWORD, PDF

from meili.web.app import create_app

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def sign_in(name: str) -> TestClient:
    client = TestClient(create_app())
    page = client.get("/signin")
    token = CSRF.search(page.text).group(1)
    r = client.post(
        "/signin",
        data={"csrf": token, "username": name, "password": PASSWORD, "next": "/my"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/my", r.text
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    return client


def csrf_of(html: str) -> str:
    return CSRF.search(html).group(1)


class Labels(HTMLParser):
    """Every form control must have a label (keyboard and screen-reader use)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.fors: set[str] = set()
        self.controls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label" and a.get("for"):
            self.fors.add(a["for"] or "")
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append(a.get("id") or "")


def assert_labelled(html: str) -> None:
    parser = Labels()
    parser.feed(html)
    unlabelled = [c for c in parser.controls if not c or c not in parser.fors]
    assert not unlabelled, unlabelled


def test_sign_in_needs_the_form_token(people: Path) -> None:
    client = TestClient(create_app())
    client.get("/signin")
    r = client.post("/signin", data={"csrf": "forged", "username": "ca", "password": PASSWORD})
    assert r.status_code == 403
    page = client.get("/signin")
    r = client.post(
        "/signin", data={"csrf": csrf_of(page.text), "username": "ca", "password": "wrong"}
    )
    assert r.status_code == 401 and "用户名或密码错误" in r.text
    assert client.get("/my", follow_redirects=False).status_code == 303  # to the sign-in page
    evil = client.get("/signin", params={"next": "//evil.example/x"})
    assert 'value="/my"' in evil.text  # never redirected off the site


def test_plan_pages_end_to_end(people: Path) -> None:
    ca = sign_in("ca")
    my = ca.get("/my")
    assert my.status_code == 200 and '<html lang="zh-CN">' in my.text and "我的工作台" in my.text
    assert "X-330127" in my.text
    assert_labelled(my.text)
    plans = ca.get("/plans")
    assert_labelled(plans.text)
    r = ca.post(
        "/plans/new",
        data={
            "csrf": csrf_of(plans.text),
            "kind": "plan",
            "zone": "X-330127",
            "title": "淳安县实施方案",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    edit_url = r.headers["location"]
    doc_url = edit_url.removesuffix("/edit")
    form = ca.get(edit_url)
    assert form.status_code == 200
    assert_labelled(form.text)
    fields = {
        "csrf": csrf_of(form.text),
        "lock": re.search(r'name="lock" value="(\d+)"', form.text).group(1),
        "title": "淳安县实施方案",
        "specialty": "千岛湖",
        "themes": "水；林",
        "targets": "- indicator: env.pm25_annual_mean\n  target_value: 25\n",
        "tasks": "- key: T1\n  title: 整治\n  department: 环境局\n  deadline: 2026-06-30\n",
        "projects": "",
        "sections.overview": "总体要求",
    }
    bad = ca.post(edit_url, data={**fields, "targets": "- [unclosed"})
    assert bad.status_code == 400 and "not valid YAML" in bad.text
    r = ca.post(edit_url, data=fields, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = ca.get(doc_url)
    assert "千岛湖" in page.text and "env.pm25_annual_mean" in page.text
    r = ca.post(
        f"{doc_url}/attach",
        data={"csrf": csrf_of(page.text)},
        files={"file": ("正文.pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 200
    page = ca.get(doc_url)
    lock = re.search(r'action="[^"]+/submit".*?name="lock" value="(\d+)"', page.text, re.S)
    r = ca.post(f"{doc_url}/submit", data={"csrf": csrf_of(page.text), "lock": lock.group(1)})
    assert r.status_code == 200 and "已提交" in r.text
    # the city's review screen: per-section comment, then approve
    hz = sign_in("hz")
    screen = hz.get(f"{doc_url}?version=1&review=1")
    assert screen.status_code == 200 and "与上一版本的差异" in screen.text
    assert 'name="section" value="targets"' in screen.text
    assert_labelled(screen.text)
    r = hz.post(
        f"{doc_url}/comment",
        data={
            "csrf": csrf_of(screen.text),
            "section": "targets",
            "version": "1",
            "body": "PM2.5 目标请再论证",
        },
    )
    assert (
        r.status_code == 200
        and "PM2.5 目标请再论证" in hz.get(f"{doc_url}?review=1&version=1").text
    )
    stale = hz.post(f"{doc_url}/approve", data={"csrf": csrf_of(screen.text), "lock": "1"})
    assert stale.status_code == 409  # an old page cannot overwrite
    fresh = hz.get(doc_url)
    lock = re.search(r'action="[^"]+/approve".*?name="lock" value="(\d+)"', fresh.text, re.S)
    r = hz.post(f"{doc_url}/approve", data={"csrf": csrf_of(fresh.text), "lock": lock.group(1)})
    assert r.status_code == 200 and "审核中" in r.text
    # other counties see nothing of it
    aj = sign_in("aj")
    assert aj.get(doc_url).status_code == 404
    # English on request
    en = hz.get(doc_url, params={"lang": "en"})
    assert '<html lang="en">' in en.text and "Tiered review" in en.text
    assert '<html lang="en">' in hz.get("/my").text  # kept in a cookie
    # a forged form (no CSRF token) is refused
    assert hz.post(f"{doc_url}/approve", data={"lock": lock.group(1)}).status_code == 403


def test_evidence_ledger_submissions_audit_admin(people: Path) -> None:
    ca = sign_in("ca")
    page = ca.get("/evidence")
    assert_labelled(page.text)
    r = ca.post(
        "/evidence/new",
        data={
            "csrf": csrf_of(page.text),
            "zone": "X-330127",
            "indicator": "ref.river_lake_forest_chief",
            "state": "established",
            "year": "2025",
            "title": "林长制",
        },
        files=[("files", ("a.pdf", PDF, "application/pdf"))],
    )
    assert r.status_code == 200 and "林长制" in r.text
    hz = sign_in("hz")
    inbox = hz.get("/evidence")
    assert "林长制" in inbox.text and 'action="/evidence/1/accept"' in inbox.text
    lock = re.search(r'action="/evidence/1/accept".*?name="lock" value="(\d+)"', inbox.text, re.S)
    r = hz.post("/evidence/1/accept", data={"csrf": csrf_of(inbox.text), "lock": lock.group(1)})
    assert r.status_code == 200
    assert "已确认" in hz.get("/evidence", params={"status": "accepted"}).text
    board = ca.get("/ledger/X-330127")
    assert board.status_code == 200 and "未开始" in board.text
    subs = ca.get("/submissions/X-330127", params={"year": 2024})
    assert subs.status_code == 200 and "下载报送模板" in subs.text
    assert_labelled(subs.text)
    template = ca.get("/submissions/X-330127/template", params={"year": 2024})
    assert template.content.startswith(b"PK")
    book = load_workbook(BytesIO(template.content))
    book.worksheets[1]["E2"] = "abc"
    book.worksheets[1]["E3"] = 80
    out = BytesIO()
    book.save(out)
    r = ca.post(
        "/submissions/X-330127",
        data={"csrf": csrf_of(subs.text), "year": "2024"},
        files={"file": ("t.xlsx", out.getvalue(), "application/octet-stream")},
    )
    assert r.status_code == 200 and "部分入库" in r.text and "数值 value" in r.text
    assert ca.get("/audit").status_code == 403
    admin = sign_in("admin")
    audit = admin.get("/audit")
    assert audit.status_code == 200 and "审计链完整" in audit.text
    explained = admin.get(
        "/admin", params={"user": "ca", "action": "plan.submit", "zone": "X-330523"}
    )
    assert "拒绝" in explained.text and "X-330523 is not X-330127" in explained.text
    assert_labelled(explained.text)
    r = admin.post(
        "/admin/grant",
        data={
            "csrf": csrf_of(explained.text),
            "username": "hy",
            "role": "city_viewer",
            "zone": "C-330100",
        },
    )
    assert r.status_code == 200 and "city_viewer@C-330100" in r.text
    r = admin.post("/signout", data={"csrf": csrf_of(r.text)}, follow_redirects=False)
    assert r.status_code == 303
    assert admin.get("/audit", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("path", ["/my", "/evidence", "/audit", "/admin", "/submissions/X-330127"])
def test_pages_need_sign_in(people: Path, path: str) -> None:
    r = TestClient(create_app()).get(path, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/signin")
