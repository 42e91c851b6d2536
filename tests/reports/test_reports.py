"""Self-assessment reports (issue 18 item 3): `meili report` in HTML, PDF and Word, and the
zone page's report buttons, against a published round, an approved plan and an approved
self-assessment made with the workflow's own commands."""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path

import docx
import pytest
from cli_support import one_line_error, run
from docx.oxml.ns import qn
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from portal_support import PM25, populated_round
from pypdf import PdfReader
from workflow_support import PLAN

from meili.assess.rounds import load_round, run_round
from meili.errors import UserError
from meili.reports import pdf as pdf_module
from meili.reports import write as write_module
from meili.reports.content import num
from meili.reports.word import make_template, style_east_asian, template_path
from meili.web.app import create_app

ZONE = "C-441600"  # 河源市: the Ministry alone reviews it (no province zone above)
PROBLEMS = "东江水质保护压力仍然较大。\n农村生活污水收集率偏低。"
NEXT_STEPS = "推进万绿湖流域生态补偿。"
NARRATIVE = "空气质量持续改善，PM2.5 浓度较基期下降。"
HEADINGS_ZH = [
    "一、总体情况",
    "二、各目标领域评估",
    "三、2027 年目标进展",
    "四、全国比较",
    "五、区位示意图",
    "六、任务、项目与证明材料",
    "七、存在问题与下一步工作",
    "附件：数据来源与方法",
]


@pytest.fixture
def assessed(people: Path, tmp_path: Path, capsys) -> dict[str, float]:
    """Round r1 published with values; an approved plan and an approved self-assessment of
    河源市 wrapping r1. Returns indicator → the zone's value in r1 (from load_round)."""
    populated_round("r1", 2024, every=True)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN, ensure_ascii=False), "utf-8")
    code, out, err = run(["plans", "new", ZONE, "--title", "河源方案", "--file", str(plan),
                          "--as", "hy"], capsys)  # fmt: skip
    assert code == 0, err
    plan_id = out.split("#")[1].split()[0]
    for args in (["submit", plan_id, "--as", "hy"], ["approve", plan_id, "--as", "mee"]):
        code, _, err = run(["plans", *args], capsys)
        assert code == 0, err
    words = tmp_path / "sa.json"
    words.write_text(
        json.dumps(
            {
                "round": "r1",
                "narrative": {"environment_quality": NARRATIVE},
                "problems": PROBLEMS,
                "next_steps": NEXT_STEPS,
            },
            ensure_ascii=False,
        ),
        "utf-8",
    )
    code, out, err = run(["selfassess", "new", ZONE, "--round", "r1", "--title", "河源自评估",
                          "--file", str(words), "--as", "hy"], capsys)  # fmt: skip
    assert code == 0, err
    sa_id = out.split("#")[1].split()[0]
    for args in (["submit", sa_id, "--as", "hy"], ["approve", sa_id, "--as", "mee"]):
        code, _, err = run(["selfassess", *args], capsys)
        assert code == 0, err
    _, verdicts = load_round("r1", "verdicts")
    mine = verdicts[(verdicts["zone"] == ZONE) & verdicts["value"].notna()]
    return dict(zip(mine["indicator"], mine["value"].astype(float), strict=True))


def _report(tmp_path: Path, capsys, fmt: str, *extra: str) -> Path:
    out = tmp_path / f"report.{fmt}"
    code, _, err = run(["report", ZONE, "--format", fmt, "--output", str(out), *extra], capsys)
    assert code == 0, err
    assert f"to {out}" in err and out.stat().st_size > 0
    return out


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_numbers_shown_are_the_stored_value_rounded(value: float) -> None:
    shown = num(value)
    assert float(shown) == pytest.approx(round(value, 3), abs=1e-9)
    assert "e" not in shown and not ("." in shown and shown.endswith(("0", ".")))


def test_missing_numbers_are_a_dash() -> None:
    assert num(None) == num(math.nan) == "—"


def test_html_has_every_section_the_round_numbers_and_the_bureau_words(
    assessed: dict[str, float], tmp_path: Path, capsys
) -> None:
    html = _report(tmp_path, capsys, "html").read_text("utf-8")
    assert '<html lang="zh-CN">' in html
    for heading in HEADINGS_ZH:
        assert heading in html
    for section in ("cover", "summary", "areas", "progress", "comparison", "map", "work",
                    "narrative", "annex"):  # fmt: skip
        assert f'id="{section}"' in html
    assert "河源市" in html and "r1" in html
    # every judged value of the zone, in its area's table, equals the stored value
    rows = dict(re.findall(r'<tr data-indicator="([^"]+)"><td>.*?</td><td class="n">([^<]+)</td>',
                           html.split('id="progress"')[0]))  # fmt: skip
    assert rows[PM25] == "24"  # portal_support: 河源市's PM2.5 in 2024 is 22 + 2
    for indicator, value in assessed.items():
        assert float(rows[indicator]) == pytest.approx(round(value, 3)), indicator
    assert "<svg" in html and "示意图，不作为" in html  # charts and map inline, with the notice
    assert "历年数值与 2027 年目标" in html  # the trend chart of PM2.5, the one with progress
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html  # nothing fetched from outside
    for words in (NARRATIVE, "东江水质保护压力仍然较大。", NEXT_STEPS, "千岛湖临湖地带综合整治"):
        assert words in html
    sha = load_round("r1", "verdicts")[0]["files"]["verdicts"]["sha256"]
    assert sha in html  # the annex names the round file it read


def test_english_on_request(assessed: dict[str, float], tmp_path: Path, capsys) -> None:
    html = _report(tmp_path, capsys, "html", "--lang", "en").read_text("utf-8")
    assert '<html lang="en">' in html and "1. Summary" in html and "Annex" in html
    assert "一、总体情况" not in html and "Schematic map" in html


def test_pdf_has_selectable_chinese_text_and_subset_cjk_fonts(
    assessed: dict[str, float], tmp_path: Path, capsys
) -> None:
    reader = PdfReader(_report(tmp_path, capsys, "pdf"))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    squeezed = re.sub(r"\s+", "", text)
    for heading in HEADINGS_ZH:
        assert re.sub(r"\s+", "", heading) in squeezed, heading
    assert "河源市" in squeezed and "东江水质保护压力仍然较大" in squeezed
    assert "示意图，不作为" in squeezed
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    cjk = [f for f in fonts if "CJK" in f]
    assert cjk and all(re.match(r"^/[A-Z]{6}\+", f) for f in cjk), fonts  # embedded subsets
    assert pdf_module.subsetter() == "harfbuzz"  # libharfbuzz-subset0 (installed by .ci/run)


def _cell_runs(doc: docx.document.Document):
    for par in doc.paragraphs:
        yield from par.runs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for par in cell.paragraphs:
                    yield from par.runs


def test_word_tables_hold_the_round_numbers_and_every_run_an_east_asian_font(
    assessed: dict[str, float], tmp_path: Path, capsys
) -> None:
    doc = docx.Document(str(_report(tmp_path, capsys, "docx")))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == HEADINGS_ZH
    found: dict[str, str] = {}
    for table in doc.tables:
        head = [c.text for c in table.rows[0].cells]
        if head[:3] == ["指标", "数值", "单位"]:  # the target areas' tables
            assert table.style.name == "Table Grid"
            for row in table.rows[1:]:
                found[row.cells[0].text] = row.cells[1].text
    names = {"env.pm25_annual_mean": "细颗粒物（PM2.5）年均浓度"}
    assert any(float(v) == 24 for k, v in found.items() if "PM2.5" in k), names
    numbers = sorted(float(v) for v in found.values() if v != "—")
    assert numbers == sorted(round(v, 3) for v in assessed.values())
    runs = list(_cell_runs(doc))
    assert len(runs) > 200
    for run_ in runs:
        fonts = run_._element.rPr.find(qn("w:rFonts"))
        assert fonts is not None and fonts.get(qn("w:eastAsia")) in ("宋体", "黑体"), run_.text
    text = "\n".join(p.text for p in doc.paragraphs)
    assert NEXT_STEPS in text and NARRATIVE in text
    assert len(doc.inline_shapes) >= 2  # PNG charts and the map


def test_word_from_the_ministrys_template(
    assessed: dict[str, float], tmp_path: Path, capsys
) -> None:
    mine = tmp_path / "ministry.docx"
    make_template(mine)
    doc = docx.Document(str(mine))
    normal = doc.styles["Normal"]
    normal.element.rPr.find(qn("w:rFonts")).set(qn("w:eastAsia"), "仿宋")
    doc.save(str(mine))
    out = docx.Document(str(_report(tmp_path, capsys, "docx", "--template", str(mine))))
    body = [r for p in out.paragraphs if p.style.name == "Normal" for r in p.runs]
    assert body and {r._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) for r in body} == {
        "仿宋"
    }
    bad = tmp_path / "not-word.docx"
    bad.write_text("plain text", "utf-8")
    code, _, err = run(["report", ZONE, "--format", "docx", "--output", str(tmp_path / "x.docx"),
                        "--template", str(bad)], capsys)  # fmt: skip
    assert code == 2 and "not a Word .docx" in one_line_error(code, err)


def test_bundled_template_sets_east_asian_fonts_on_its_styles() -> None:
    doc = docx.Document(str(template_path()))
    assert style_east_asian(doc.styles["Normal"]) == "宋体"
    assert style_east_asian(doc.styles["Heading 1"]) == "黑体"
    assert not doc.paragraphs or not any(p.text for p in doc.paragraphs)


def test_pdf_refused_without_cjk_fonts(
    assessed: dict[str, float], tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setattr(write_module, "cjk_fonts", lambda: [])
    out = tmp_path / "r.pdf"
    code, _, err = run(["report", ZONE, "--format", "pdf", "--output", str(out)], capsys)
    line = one_line_error(code, err)
    assert code == 2 and "fonts-noto-cjk" in line and "fc-list" in line
    assert not out.exists()
    with pytest.raises(UserError, match="fonts-noto-cjk"):
        write_module.render(write_module.build(ZONE), "pdf", font_check=list)


def test_cli_errors_are_one_line(people: Path, tmp_path: Path, capsys) -> None:
    out = str(tmp_path / "r.html")
    code, _, err = run(["report", ZONE, "--format", "html", "--output", out], capsys)
    assert code == 3 and "no assessment round covers zone C-441600" in one_line_error(code, err)
    code, _, err = run(["report", "X-NOPE", "--format", "html", "--output", out], capsys)
    assert code == 3 and "X-NOPE" in one_line_error(code, err)
    run_round("r0", 2024, first_year=2023, allow_empty=True)
    code, _, err = run(["report", ZONE, "--round", "nope", "--format", "html", "--output", out],
                       capsys)  # fmt: skip
    assert code == 3 and "nope" in one_line_error(code, err)
    code, _, err = run(["report", ZONE, "--format", "odt", "--output", out], capsys)
    assert code == 2 and "--format" in one_line_error(code, err)
    code, _, err = run(["report", ZONE, "--format", "html", "--output", out, "--lang", "fr"],
                       capsys)  # fmt: skip
    assert code == 2 and "--lang" in one_line_error(code, err)
    code, _, err = run(["report", ZONE, "--format", "html", "--output", out], capsys)
    assert code == 0 and Path(out).exists()  # the latest round (r0) without a value still reads


def test_zone_page_buttons_serve_the_reports(assessed: dict[str, float]) -> None:
    client = TestClient(create_app())
    page = client.get(f"/zones/{ZONE}")
    for ext in ("html", "pdf", "docx"):
        assert f'href="/zones/{ZONE}/report.{ext}"' in page.text
    html = client.get(f"/zones/{ZONE}/report.html")
    assert html.status_code == 200 and "一、总体情况" in html.text and NEXT_STEPS in html.text
    assert "1. Summary" in client.get(f"/zones/{ZONE}/report.html?lang=en").text
    word = client.get(f"/zones/{ZONE}/report.docx")
    assert word.status_code == 200 and "attachment" in word.headers["content-disposition"]
    assert docx.Document(io.BytesIO(word.content)).tables
    pdf = client.get(f"/zones/{ZONE}/report.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "河源市" in text
    assert client.get("/zones/X-NOPE/report.html").status_code == 404
    assert client.get(f"/zones/{ZONE}/report.odt").status_code == 422


def test_no_published_round_no_report_on_the_portal(people: Path) -> None:
    run_round("r9", 2024, first_year=2023, allow_empty=True)  # frozen, not published
    client = TestClient(create_app())
    answer = client.get(f"/zones/{ZONE}/report.html")
    assert answer.status_code == 404 and "no published assessment round" in answer.text
