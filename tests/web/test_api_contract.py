"""The API contract: /api/v1, validated path parameters, documented error bodies, no 5xx
(anonymous, and signed in as an administrator so the workflow's writes run too).

schemathesis drives every operation of the OpenAPI with a bounded number of generated
requests and a fixed seed (so the run is fast and repeatable) and checks that no answer is
a server error and that every answer is one the OpenAPI documents.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance
from workflow_support import PDF, PLAN, publish

from meili.assess.rounds import run_round
from meili.db.session import session
from meili.web.app import create_app
from meili.workflow import accounts, documents, evidence

APP = create_app()
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture
def client(store: Path) -> TestClient:
    return TestClient(create_app())


def test_old_paths_redirect_to_v1(client: TestClient) -> None:
    r = client.get("/api/zones/R-GBA", params={"x": "1"}, follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/api/v1/zones/R-GBA?x=1"
    assert client.get("/api/zones/R-GBA").json()["code"] == "R-GBA"
    assert client.get("/api/v1/nothing").status_code == 404


def test_path_parameters_are_validated(client: TestClient) -> None:
    long = "r" * 300  # over 255 bytes: once a 500 from the file system
    for path in (
        f"/api/v1/rounds/{long}/verdicts",
        "/api/v1/rounds/..%2F..%2Fetc/verdicts",
        "/api/v1/rounds/r1/passwd",
        "/api/v1/divisions/44160",
        "/api/v1/zones/%00",
        f"/api/v1/framework/indicators/{'x' * 200}",
    ):
        r = client.get(path)
        assert r.status_code in (404, 422), (path, r.status_code)
        assert "error" in r.json()
    page = client.get(f"/zones/{long}")
    assert page.status_code == 422 and "<html" in page.text


def test_errors_are_documented(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        assert path.startswith("/api/v1/")
        for method, op in ops.items():
            responses = op["responses"]
            ok = {"200", "201", "204"} & set(responses)
            assert ok and {"400", "404", "422", "503"} <= set(responses), (method, path)
            assert responses["503"]["content"]["application/json"]["schema"]["$ref"].endswith(
                "ErrorBody"
            )


def test_cached_answers_follow_the_store(client: TestClient) -> None:
    assert client.get("/api/v1/rounds").json()["count"] == 0
    run_round("r1", 2024, first_year=2023, allow_empty=True)
    assert client.get("/api/v1/rounds").json()["count"] == 0  # not published yet
    publish("r1")
    assert client.get("/api/v1/rounds").json()["count"] == 1


@pytest.fixture
def api_store(store: Path) -> Path:
    run_round("r1", 2024, first_year=2023, allow_empty=True)
    publish("r1")
    return store


@SCHEMA.parametrize()
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case, api_store: Path) -> None:
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance])


@pytest.fixture
def signed_in(people: Path) -> dict[str, str]:
    """An administrator's token on a store with a published round, a submitted plan and
    pending evidence (so generated ids meet real things)."""
    run_round("r1", 2024, first_year=2023, allow_empty=True)
    publish("r1")
    with session(write=True) as s:
        admin = accounts.get_user(s, "admin")
        secret, _ = accounts.issue(s, admin, "token")
        ca = accounts.actor_of(accounts.get_user(s, "ca"))
        doc = documents.create(s, ca, "plan", "X-330127", "方案", PLAN)
        documents.submit(s, ca, doc)
        evidence.submit(
            s,
            ca,
            "X-330127",
            title="证明",
            year=2025,
            indicator="ref.river_lake_forest_chief",
            files=[("a.pdf", PDF)],
        )
    return {"Authorization": f"Bearer {secret}"}


@SCHEMA.parametrize()
@settings(
    max_examples=5,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors_signed_in(case, signed_in: dict[str, str]) -> None:
    """The same, as an administrator: every write route runs with generated bodies."""
    response = case.call(headers=signed_in)
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance])
