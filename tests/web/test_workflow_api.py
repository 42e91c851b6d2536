"""The workflow API: sign-in tokens, plans through the tiers with ETag/If-Match, evidence,
the role × endpoint × zone matrix, and concurrent review (one wins, the other 409/412)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from workflow_support import PASSWORD, PDF, PEOPLE, PLAN, add_people

from meili.web.app import create_app


@pytest.fixture
def api(people: Path) -> TestClient:
    return TestClient(create_app())


def token(client: TestClient, name: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_sign_in_and_revoke(api: TestClient) -> None:
    bad = api.post("/api/v1/auth/token", data={"username": "ca", "password": "nope"})
    assert bad.status_code == 401 and bad.json() == {"error": bad.json()["error"]}
    assert bad.headers["www-authenticate"] == "Bearer"
    auth = token(api, "ca")
    me = api.get("/api/v1/auth/me", headers=auth).json()
    assert me == {"username": "ca", "display_name": "", "roles": ["county_editor@X-330127"]}
    assert api.delete("/api/v1/auth/token", headers=auth).status_code == 204
    gone = api.get("/api/v1/auth/me", headers=auth)
    assert gone.status_code == 401 and "revoked" in gone.json()["error"]
    assert api.get("/api/v1/auth/me").status_code == 401
    assert api.get("/api/v1/auth/me", headers={"Authorization": "Basic x"}).status_code == 401
    for _ in range(5):
        api.post("/api/v1/auth/token", data={"username": "hz", "password": "wrong"})
    locked = api.post("/api/v1/auth/token", data={"username": "hz", "password": PASSWORD})
    assert locked.status_code == 429


def test_plan_through_the_api(api: TestClient) -> None:
    ca, hz, zj, mee = (token(api, n) for n in ("ca", "hz", "zj", "mee"))
    r = api.post(
        "/api/v1/plans",
        json={"zone": "X-330127", "title": "淳安县方案", "content": PLAN},
        headers=ca,
    )
    assert r.status_code == 201, r.text
    doc = r.json()
    url, etag = f"/api/v1/plans/{doc['id']}", r.headers["etag"]
    assert doc["state"] == "draft" and doc["draft"]["specialty"] == PLAN["specialty"]
    assert api.get(url).status_code == 404  # the public never sees a draft
    # writes need the version read
    assert api.post(f"{url}/submit", json={}, headers=ca).status_code == 428
    r = api.post(f"{url}/submit", json={}, headers={**ca, "If-Match": etag})
    assert r.status_code == 200 and r.json()["state"] == "submitted"
    stale = api.post(f"{url}/approve", json={}, headers={**hz, "If-Match": etag})
    assert stale.status_code == 412 and "changed meanwhile" in stale.json()["error"]
    etag = r.headers["etag"]
    wrong_level = api.post(f"{url}/approve", json={}, headers={**zj, "If-Match": etag})
    assert wrong_level.status_code == 409 and "city level" in wrong_level.json()["error"]
    r = api.post(f"{url}/approve", json={"version": int(etag.strip('"'))}, headers=hz)
    assert r.status_code == 200 and r.json()["chain"][0]["approved"] is True
    body_stale = api.post(f"{url}/return", json={"version": 1, "reason": "x"}, headers=zj)
    assert body_stale.status_code == 409
    etag = r.headers["etag"]
    no_reason = api.post(f"{url}/return", json={"reason": " "}, headers={**zj, "If-Match": etag})
    assert no_reason.status_code == 400
    r = api.post(
        f"{url}/return", json={"reason": "请细化项目资金来源"}, headers={**zj, "If-Match": etag}
    )
    assert r.status_code == 200 and r.json()["state"] == "returned"
    # comments per section on the returned version
    c = api.post(
        f"{url}/comments", json={"section": "projects", "body": "资金来源需说明"}, headers=zj
    )
    assert c.status_code == 201
    assert (
        api.post(f"{url}/comments", json={"section": "nope", "body": "x"}, headers=zj).status_code
        == 400
    )
    # the county edits, attaches a file and resubmits
    changed = {**PLAN, "specialty": "千岛湖"}
    r = api.put(url, json={"content": changed, "version": r.json()["lock"]}, headers=ca)
    assert r.status_code == 200
    files = {"file": ("方案正文.pdf", PDF, "application/pdf")}
    assert api.post(f"{url}/attachments", files=files, headers=ca).status_code == 201
    bad = {"file": ("evil.pdf", b"MZ\x90\x00", "application/pdf")}
    refused = api.post(f"{url}/attachments", files=bad, headers=ca)
    assert refused.status_code == 400 and "not a PDF" in refused.json()["error"]
    lock = api.get(url, headers=ca).json()["lock"]
    r = api.post(f"{url}/submit", json={"version": lock}, headers=ca)
    assert r.json()["state"] == "resubmitted" and r.json()["version"] == 2
    diff = api.get(f"{url}/versions/2/diff", headers=hz).json()
    assert {c["section"] for c in diff["changes"]} == {"specialty", "attachments"}
    for who in (hz, zj, mee):
        r = api.post(f"{url}/approve", json={"version": r.json()["lock"]}, headers=who)
        assert r.status_code == 200, r.text
    assert r.json()["state"] == "approved"
    public = api.get(url).json()
    assert public["state"] == "approved" and public["draft"] is None  # no draft for the public
    assert public["created_by"] == "" and {r["reviewer"] for r in public["reviews"]} == {""}
    assert api.get(f"{url}/comments").status_code == 401  # review comments: signed in only
    assert api.get("/api/v1/plans").json()["count"] == 1
    targets = api.get("/api/v1/zones/X-330127/targets").json()
    assert {t["indicator_code"] for t in targets["records"]} == {
        "env.pm25_annual_mean",
        "env.good_day_ratio",
    }
    ledger = api.get("/api/v1/zones/P-330000/ledger", params={"within": True}).json()
    item = next(i for i in ledger["records"] if i["key"] == "T1")
    r = api.post(
        f"/api/v1/ledger/{item['id']}/progress",
        json={"percent_complete": 40, "version": item["lock"]},
        headers=ca,
    )
    assert r.status_code == 200 and r.json()["percent_complete"] == 40
    admin = token(api, "admin")
    verify = api.get("/api/v1/audit/verify", headers=admin).json()
    assert verify["intact"] is True and verify["entries"] > 20
    log = api.get("/api/v1/audit", params={"entity": "plan", "limit": 100}, headers=admin).json()
    assert [e["action"] for e in log["records"]][:4] == ["create", "submit", "approve", "return"]
    assert api.get("/api/v1/audit", headers=ca).status_code == 403


def test_evidence_through_the_api(api: TestClient) -> None:
    ca, hz = token(api, "ca"), token(api, "hz")
    r = api.post(
        "/api/v1/evidence",
        headers=ca,
        data={
            "zone": "X-330127",
            "title": "林长制文件",
            "year": "2025",
            "indicator": "ref.river_lake_forest_chief",
            "state": "established",
        },
        files=[("files", ("林长制.pdf", PDF, "application/pdf"))],
    )
    assert r.status_code == 201, r.text
    ev = r.json()
    assert ev["status"] == "pending" and ev["files"][0]["filename"] == "林长制.pdf"
    assert api.get("/api/v1/evidence").json()["count"] == 0  # public: accepted only
    inbox = api.get("/api/v1/evidence", params={"status": "pending"}, headers=hz).json()
    assert [e["id"] for e in inbox["records"]] == [ev["id"]]
    r = api.post(f"/api/v1/evidence/{ev['id']}/accept", json={"version": ev["lock"]}, headers=hz)
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    public = api.get("/api/v1/evidence").json()
    assert public["count"] == 1 and public["records"][0]["submitted_by"] == ""


def test_submission_through_the_api(api: TestClient) -> None:
    ca = token(api, "ca")
    r = api.get("/api/v1/zones/X-330127/submission-template", params={"year": 2024}, headers=ca)
    assert r.status_code == 200 and r.content.startswith(b"PK")
    r = api.post(
        "/api/v1/zones/X-330127/submissions",
        data={"year": "2024"},
        headers=ca,
        files={"file": ("t.xlsx", r.content, "application/octet-stream")},
    )
    assert r.status_code == 400 and "no values filled in" in r.json()["error"]
    status = api.get(
        "/api/v1/zones/P-330000/submissions", params={"year": 2024}, headers=token(api, "zj")
    ).json()
    assert {s["zone"] for s in status["records"]} >= {"P-330000", "X-330127"}


# ---- the role × endpoint × zone matrix ----------------------------------------------------

ANON = "anonymous"
EVERYONE = [*PEOPLE, ANON]


def _expect(default: int, **special: int) -> dict[str, int]:
    return {p: special.get(p, default) for p in EVERYONE}


def test_role_endpoint_zone_matrix(api: TestClient) -> None:
    tokens = {p: token(api, p) for p in PEOPLE}
    tokens[ANON] = {}
    ca, aj = tokens["ca"], tokens["aj"]
    draft = api.post("/api/v1/plans", json={"zone": "X-330127", "title": "草稿"}, headers=ca).json()
    sub = api.post("/api/v1/plans", json={"zone": "X-330523", "title": "安吉"}, headers=aj).json()
    sub = api.post(
        f"/api/v1/plans/{sub['id']}/submit", json={"version": sub["lock"]}, headers=aj
    ).json()
    d, s = f"/api/v1/plans/{draft['id']}", f"/api/v1/plans/{sub['id']}"
    readers_of_s = {"aj", "zj", "zjview", "mee", "expert", "admin"}
    cases = [
        ("GET", d, None, _expect(404, ca=200, admin=200)),
        ("GET", s, None, _expect(404, **{p: 200 for p in readers_of_s})),
        ("GET", f"{d}/versions", None, _expect(404, ca=200, admin=200)),
        (
            "PUT",
            d,
            {"content": {}, "version": draft["lock"]},
            _expect(404, ca=200, admin=200, anonymous=401),
        ),
        (
            "PUT",
            s,
            {"content": {}, "version": sub["lock"]},
            _expect(404, aj=409, zj=403, zjview=403, mee=403, expert=403, admin=409, anonymous=401),
        ),
        (
            "POST",
            f"{s}/approve",
            {"version": sub["lock"]},
            _expect(404, zj=200, aj=403, zjview=403, expert=403, mee=409, admin=409, anonymous=401),
        ),
        (
            "POST",
            f"{d}/submit",
            {"version": draft["lock"]},
            _expect(404, ca=200, admin=200, anonymous=401),
        ),
        (
            "POST",
            "/api/v1/plans",
            {"zone": "X-330127", "title": "新方案"},
            _expect(403, ca=201, admin=201, anonymous=401),
        ),
        ("GET", "/api/v1/audit", None, _expect(403, admin=200, anonymous=401)),
        ("GET", "/api/v1/users", None, _expect(403, admin=200, anonymous=401)),
        (
            "GET",
            "/api/v1/zones/X-330127/submission-template?year=2024",
            None,
            _expect(200, aj=403, fj=403, hy=403, anonymous=401),
        ),
        (
            "GET",
            "/api/v1/permissions/explain?user=ca&action=plan.read&zone=X-330127",
            None,
            _expect(403, admin=200, anonymous=401),
        ),
    ]
    failures = []
    for method, path, body, expected in cases:
        for person in EVERYONE:
            want = expected[person]
            if method == "PUT" or (method == "POST" and want in (200, 201)):
                fresh = api.get(
                    path.split("/submit")[0].split("/approve")[0], headers=tokens[person]
                )
                if fresh.status_code == 200 and isinstance(body, dict) and "version" in body:
                    body = {**body, "version": fresh.json()["lock"]}
            got = api.request(method, path, json=body, headers=tokens[person]).status_code
            if got != want:
                failures.append(f"{person} {method} {path}: {got}, expected {want}")
            if got in (200, 201) and method == "POST" and path.endswith("/submit"):
                break  # the draft is submitted now; the rest would see another state
    assert not failures, "\n".join(failures)


# ---- concurrent review ----------------------------------------------------------------------


@pytest.fixture
def api_any(any_db: str) -> TestClient:
    return TestClient(create_app())


def test_concurrent_review_one_wins(api_any: TestClient) -> None:
    api = api_any
    hy = token(api, "hy")
    doc = api.post(
        "/api/v1/plans", json={"zone": "C-441600", "title": "河源方案"}, headers=hy
    ).json()
    doc = api.post(
        f"/api/v1/plans/{doc['id']}/submit", json={"version": doc["lock"]}, headers=hy
    ).json()
    url, lock = f"/api/v1/plans/{doc['id']}", doc["lock"]
    reviewers = [
        ("approve", token(api, "mee"), {}),
        ("return", token(api, "admin"), {"reason": "资料不全"}),
    ]
    start, results = threading.Barrier(2), {}

    def act(action: str, auth: dict[str, str], body: dict[str, str]) -> None:
        client = TestClient(create_app())
        start.wait()
        r = client.post(f"{url}/{action}", json=body, headers={**auth, "If-Match": f'"{lock}"'})
        results[action] = r.status_code

    threads = [threading.Thread(target=act, args=r) for r in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    codes = sorted(results.values())
    assert codes[0] == 200 and codes[1] in (409, 412), results
    winner = next(a for a, c in results.items() if c == 200)
    final = api.get(url, headers=hy).json()
    assert final["state"] == ("approved" if winner == "approve" else "returned")
    assert [r["decision"] for r in final["reviews"]] == [winner]  # nothing lost, nothing doubled
    admin = token(api, "admin")
    assert api.get("/api/v1/audit/verify", headers=admin).json()["intact"] is True


def test_people_fixture_is_complete() -> None:
    assert set(PEOPLE) >= {"admin", "mee", "expert", "zj", "hz", "ca"}
    assert callable(add_people)


def test_signed_in_answers_are_never_kept_for_the_public(api: TestClient) -> None:
    ca = token(api, "ca")
    api.post("/api/v1/plans", json={"zone": "X-330127", "title": "草稿"}, headers=ca)
    mine = api.get("/api/v1/plans", headers=ca).json()
    assert mine["count"] == 1  # the owner sees its draft…
    assert api.get("/api/v1/plans").json()["count"] == 0  # …the public does not, after it
    assert api.get("/api/v1/plans").json()["count"] == 0  # (nor from the kept answer)
    assert api.get("/api/v1/plans", headers=ca).json()["count"] == 1
