"""The web app: JSON API for divisions, zones and the framework; the zones page; offline docs."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from workflow_support import publish

from meili.web.app import create_app


@pytest.fixture
def client(store) -> TestClient:
    return TestClient(create_app())


def test_zones_api(client: TestClient) -> None:
    body = client.get("/api/v1/zones", params={"tier": "region"}).json()
    assert body["count"] == 5
    gba = client.get("/api/v1/zones/R-GBA").json()
    assert "香港特别行政区" in gba["member_names"] and "澳门特别行政区" in gba["member_names"]
    assert client.get("/api/v1/zones/NOPE").status_code == 404


def test_divisions_api(client: TestClient) -> None:
    found = client.get("/api/v1/divisions", params={"q": "河源"}).json()["records"]
    assert found[0]["code"] == "441600"
    one = client.get("/api/v1/divisions/441600").json()
    assert one["name"] == "河源市" and any(c["code"] == "441602" for c in one["children"])
    provinces = client.get("/api/v1/divisions", params={"level": "province"}).json()
    assert provinces["count"] == 34
    assert client.get("/api/v1/divisions/000000").status_code == 404


def test_framework_api(client: TestClient) -> None:
    fw = client.get("/api/v1/framework").json()
    assert fw["indicator_count"] >= 7
    items = client.get("/api/v1/framework/indicators", params={"measure": "七"}).json()
    assert items["count"] >= 1
    code = items["records"][0]["code"]
    assert client.get(f"/api/v1/framework/indicators/{code}").json()["code"] == code
    assert client.get("/api/v1/framework/indicators/NOPE").status_code == 404


def test_zone_page_renders_zh_and_en(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="zh-CN">' in html
    assert "粤港澳融合创新美丽湾区" in html and "Beautiful Bay Area" in html
    assert "区域先行区" in html and "Regional zones" in html


def test_openapi_and_docs_are_offline(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/v1/zones" in spec["paths"] and "/api/v1/divisions/{code}" in spec["paths"]
    docs = client.get("/docs").text
    assert "cdn.jsdelivr.net" not in docs and "unpkg.com" not in docs
    assert "http://" not in docs.replace("http://testserver", "")


def test_rounds_api(client: TestClient) -> None:
    from meili.assess.rounds import run_round

    # no data in the lake: every value is missing
    run_round("r1", 2024, first_year=2023, allow_empty=True)
    assert client.get("/api/v1/rounds").json()["count"] == 0  # computed, not published
    assert client.get("/api/v1/rounds/r1/verdicts").status_code == 404
    publish("r1")
    assert client.get("/api/v1/rounds").json()["records"][0]["round"] == "r1"
    body = client.get("/api/v1/rounds/r1/verdicts", params={"zone": "R-JJJ"}).json()
    assert body["count"] > 0 and {r["zone"] for r in body["records"]} == {"R-JJJ"}
    assert {r["status"] for r in body["records"]} == {"not_evaluable"}
    assert client.get("/api/v1/rounds/nope/verdicts").status_code == 404
    assert client.get("/api/v1/rounds/r1/nope").status_code == 422


def test_zone_page_with_and_without_a_round(client: TestClient) -> None:
    page = client.get("/zones/R-GBA")
    assert page.status_code == 200 and "香港特别行政区" in page.text
    assert "尚无评估轮次" in page.text
    from meili.assess.rounds import run_round

    run_round("r1", 2024, first_year=2023, allow_empty=True)
    assert "尚无评估轮次" in client.get("/zones/P-330000").text  # not published yet
    publish("r1")
    html = client.get("/zones/P-330000").text
    assert "评估轮次 r1" in html
    assert "推动绿色低碳发展" in html and "Green low-carbon development" in html
    assert "无法评价" in html  # no data in this store: every verdict is not evaluable
    assert client.get("/zones/NOPE").status_code == 404
    assert 'href="/zones/R-GBA"' in client.get("/").text
