"""`meili demo` leaves a populated portal: a published round with the demo zones' real air
and water values, a plan in review, an approved self-assessment with its narrative, a
published case; it prints how to sign in and how to serve the portal; a second run changes
nothing."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest
from cli_support import run
from docx import Document as Document_
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from meili.assess.rounds import load_round
from meili.db.models import Document, User
from meili.db.session import session
from meili.demo import DEMO_PASSWORD, DEMO_USERS, PLAN_ZONE, ROUND, SELF_ZONE
from meili.engine.water import demo_summary
from meili.lake.store import connect
from meili.registry.zones import SAMPLE_ZONES, load_zone_file
from meili.web.app import create_app
from meili.web.cases import public_cases
from meili.web.portal import number
from meili.workflow import documents, review


def _counts() -> tuple[int, int]:
    with session() as s:
        return (
            s.scalar(select(func.count()).select_from(Document)),
            s.scalar(select(func.count()).select_from(User)),
        )


@pytest.mark.slow
def test_demo_ends_with_a_populated_portal(home: Path, capsys) -> None:
    code, out, err = run(["demo"], capsys)
    assert code == 0, err

    # the round: frozen over every zone; every sample zone has its real air values (the
    # CNEMC 2019 sample), the Beijing–Tianjin–Hebei zone its water values (April 2021)
    meta, values = load_round(ROUND, "values")
    assert meta["year"] == 2021
    valued = values[values["value"].notna()]
    pm25 = values[(values["indicator"] == "env.pm25_annual_mean") & (values["year"] == 2019)]
    pm25 = pm25.set_index("zone")
    for zone in load_zone_file(SAMPLE_ZONES):
        if zone.tier == "county":  # counties have no city air statistics: missing, said why
            assert pm25.loc[zone.code, "status"] == "missing"
            assert "counties have no city air statistics" in pm25.loc[zone.code, "reason_en"]
        else:
            assert pm25.loc[zone.code, "value"] > 0, zone.code
    # the zone's share of good sections is the sections of its three provinces taken together
    con = connect()
    try:
        provinces = demo_summary(con)
    finally:
        con.close()
    by_province = {p["province"]: p for p in provinces}
    assert set(by_province) == {"北京市", "天津市", "河北省", "福建省"}

    def good_share(names: list[str]) -> float:
        sections = sum(by_province[n]["n_sections"] for n in names)
        good = sum(
            round(by_province[n]["share_I_III"] * by_province[n]["n_sections"] / 100) for n in names
        )
        return 100 * good / sections

    in_2021 = valued[valued["year"] == 2021].set_index(["zone", "indicator"])["value"]
    jjj = in_2021.loc[SELF_ZONE]
    assert jjj["env.water_good_section_share"] == pytest.approx(
        good_share(["北京市", "天津市", "河北省"])
    )
    fujian = in_2021.loc["P-350000"]
    assert fujian["env.water_good_section_share"] == pytest.approx(good_share(["福建省"]))
    # no regional zone holding Zhejiang has a water value computed over part of it
    for zone in ("R-YRD", "R-CJ"):
        water = valued[(valued["zone"] == zone) & valued["indicator"].str.startswith("env.water")]
        assert water.empty, zone

    with session() as s:
        # the plan: approved by the province, in review at the Ministry
        [plan] = s.scalars(select(Document).where(Document.kind == "plan")).all()
        assert (plan.zone_code, plan.state) == (PLAN_ZONE, "under_review")
        chain = {c["level"]: c for c in review.chain_status(s, plan)}
        assert set(chain) == {"province", "ministry"}
        assert chain["province"]["approved"] and chain["province"]["zone"] == "P-330000"
        assert chain["ministry"]["current"] and not chain["ministry"]["approved"]
        # the self-assessment: approved, its narrative written from the round's verdicts
        [sa] = s.scalars(select(Document).where(Document.kind == "self_assessment")).all()
        assert (sa.zone_code, sa.state, sa.round_name) == (SELF_ZONE, "approved", ROUND)
        content = documents.version(s, sa, sa.current_version).content
    _, verdicts = load_round(ROUND, "verdicts")
    unmet = verdicts[(verdicts["zone"] == SELF_ZONE) & (verdicts["status"] == "not_met")]
    assert len(unmet) >= 1
    for reason in unmet["reason_zh"]:
        assert reason in content["problems"]
    assert content["next_steps"].strip() and content["narrative"]
    assert [c.id for c in public_cases(SELF_ZONE)] == ["demo-jjj-water-monitoring"]

    # the portal: the zone pages show the round's values; a demo account signs in
    client = TestClient(create_app())
    page = client.get(f"/zones/{SELF_ZONE}").text
    assert number(jjj["env.water_good_section_share"]) in page
    assert number(jjj["env.water_inferior_v_share"]) in page
    assert number(fujian["env.water_good_section_share"]) in client.get("/zones/P-350000").text
    hz = valued[(valued["zone"] == PLAN_ZONE) & (valued["indicator"] == "env.pm25_annual_mean")]
    assert number(float(hz["value"].iloc[0])) in client.get(f"/zones/{PLAN_ZONE}").text
    assert "京津冀地表水自动监测" in client.get("/cases").text
    for username, *_ in DEMO_USERS:
        token = client.post(
            "/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD}
        )
        assert token.status_code == 200, (username, token.text)

    # the generated report of the self-assessed zone: its approved narrative and the round's
    # numbers, in HTML and in a Word file that opens
    html = home / "reports" / f"{SELF_ZONE}-{ROUND}.html"
    text = html.read_text(encoding="utf-8")
    assert escape(content["problems"].splitlines()[0].strip(), quote=False) in text
    assert number(jjj["env.water_good_section_share"]) in text
    word = Document_(str(home / "reports" / f"{SELF_ZONE}-{ROUND}.docx"))
    assert len(word.tables) >= 1
    assert str(html) in out and "--format pdf" in out
    stamp = html.stat().st_mtime_ns

    # what it prints: how to sign in, and the command and address of the portal
    assert DEMO_PASSWORD in out and all(u in out for u, *_ in DEMO_USERS)
    assert "meili serve" in out and "http://127.0.0.1:8000/" in out

    # a second run finds everything in place and changes nothing
    before = _counts()
    code, out2, err = run(["demo"], capsys)
    assert code == 0, err
    assert _counts() == before
    assert "frozen already" in out2 and "0 added" in out2
    assert html.stat().st_mtime_ns == stamp and "0 written" in out2
    code, out3, err = run(["demo", "--port", "8123"], capsys)
    assert code == 0, err
    assert "meili serve --port 8123" in out3 and "http://127.0.0.1:8123/" in out3
