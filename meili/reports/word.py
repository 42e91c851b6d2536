"""A report as an editable Word document (.docx), written with python-docx from a template.

The template (bundled ``templates/report.docx``, or the Ministry's own by ``--template``)
gives the styles, page set-up, headers and footers; its body is replaced by the report.
Headings, paragraphs and captions use the template's styles (``Title``, ``Subtitle``,
``Heading 1``–``Heading 3``, ``Normal``, ``Caption``) and tables its ``Table Grid`` style.
Word picks the font of Chinese characters from ``w:eastAsia`` of ``w:rFonts``, not from
``font.name``: every run carries it (the East Asian font of its paragraph's style in the
template, else :data:`EAST_ASIAN`). Figures are PNG.
"""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from meili.errors import UserError
from meili.registry.shapes import NOTICE
from meili.reports.charts import Figure, to_png
from meili.reports.content import Report, num

#: East Asian fonts of the bundled template's styles (Word on Chinese Windows has them;
#: elsewhere fontconfig substitutes a CJK font such as Noto CJK).
EAST_ASIAN = {"body": "宋体", "heading": "黑体"}
LATIN = "Times New Roman"
REQUIRED_STYLES = ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Normal",
                   "Caption", "Table Grid")  # fmt: skip


def template_path() -> Path:
    """The bundled template."""
    return Path(str(resources.files("meili.reports").joinpath("templates", "report.docx")))


def set_east_asian(element: Any, font: str) -> None:
    """Set ``w:eastAsia`` (and the Latin fonts) on a run's or style's ``w:rFonts``."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), font)
    for attr in ("w:ascii", "w:hAnsi"):
        if fonts.get(qn(attr)) is None:
            fonts.set(qn(attr), LATIN)
    fonts.set(qn("w:hint"), "eastAsia")


def style_east_asian(style: Any) -> str | None:
    """The East Asian font a style (or a style it is based on) names, if any."""
    while style is not None:
        rpr = style.element.rPr
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return str(fonts.get(qn("w:eastAsia")))
        style = style.base_style
    return None


def make_template(path: Path) -> None:
    """Write the bundled template: python-docx's default document with A4 pages, Chinese
    fonts on its styles (宋体 body, 黑体 headings) and sizes of Chinese official documents."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.5)
    sizes = {"Normal": 10.5, "Title": 22, "Subtitle": 12, "Heading 1": 16, "Heading 2": 14,
             "Heading 3": 12, "Caption": 9}  # fmt: skip
    for name, size in sizes.items():
        style = doc.styles[name]
        font = EAST_ASIAN["body" if name in ("Normal", "Caption") else "heading"]
        set_east_asian(style.element, font)
        style.font.size = Pt(size)
    for p in list(doc.element.body):
        if p.tag != qn("w:sectPr"):
            doc.element.body.remove(p)
    doc.core_properties.title = "Meili self-assessment report template"
    doc.core_properties.author = "Meili"
    doc.save(str(path))


class _Writer:
    def __init__(self, doc: DocumentObject) -> None:
        self.doc = doc
        self.fonts: dict[str, str] = {}

    def font_of(self, style: str) -> str:
        if style not in self.fonts:
            found = style_east_asian(self.doc.styles[style])
            heading = style.startswith(("Heading", "Title"))
            self.fonts[style] = found or EAST_ASIAN["heading" if heading else "body"]
        return self.fonts[style]

    def run(self, par: Paragraph, text: str, style: str, bold: bool = False) -> None:
        run = par.add_run(text)
        set_east_asian(run._element, self.font_of(style))
        if bold:
            run.bold = True

    def para(self, text: str, style: str = "Normal") -> Paragraph:
        par = self.doc.add_paragraph(style=style)
        self.run(par, text, style)
        return par

    def page_break(self) -> None:
        run = self.doc.add_paragraph(style="Normal").add_run()
        run.add_break(WD_BREAK.PAGE)
        set_east_asian(run._element, self.font_of("Normal"))

    def heading(self, text: str, level: int) -> None:
        self.para(text, "Title" if level == 0 else f"Heading {level}")

    def texts(self, text: str, empty: str) -> None:
        lines = [line for line in (text or "").splitlines() if line.strip()]
        for line in lines or [empty]:
            self.para(line)

    def table(self, header: list[str], rows: list[list[str]], numeric: set[int] = frozenset()):
        table: Table = self.doc.add_table(rows=1, cols=len(header), style="Table Grid")
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        first = table.rows[0]
        flag = OxmlElement("w:tblHeader")  # the header row repeats on every page
        first._tr.get_or_add_trPr().append(flag)
        for cell, text in zip(first.cells, header, strict=True):
            self.run(cell.paragraphs[0], text, "Normal", bold=True)
        for values in rows:
            cells = table.add_row().cells
            for k, (cell, text) in enumerate(zip(cells, values, strict=True)):
                par = cell.paragraphs[0]
                self.run(par, text, "Normal")
                if k in numeric:
                    par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        return table

    def figure(self, fig: Figure | None, caption: str | None = None) -> None:
        if fig is None:
            return
        picture = self.doc.add_paragraph(style="Normal")
        run = picture.add_run()
        run.add_picture(io.BytesIO(to_png(fig)), width=Cm(15.5))
        set_east_asian(run._element, self.font_of("Normal"))
        self.para(caption or fig.label, "Caption")


def _open(template: Path | None) -> DocumentObject:
    path = template or template_path()
    try:
        doc = Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise UserError(f"template {path} is not a Word .docx file ({exc})") from None
    missing = [s for s in REQUIRED_STYLES if s not in [x.name for x in doc.styles]]
    if missing:
        raise UserError(f"template {path} lacks the styles {', '.join(missing)}")
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc


def render_docx(report: Report, figs: dict[str, Figure], template: Path | None = None) -> bytes:
    """The report as .docx bytes, from ``template`` (default: the bundled one)."""
    w = _Writer(_open(template))
    r, t = report, report.t
    w.para(t("subtitle"), "Subtitle")
    w.heading(r.title, 0)
    members = r.sep.join(r.zone.get("member_names") or r.zone.get("members") or [])
    w.table(
        [t("zone"), r.zone_name + r.paren(r.zone["code"])],
        [
            [t("members"), members],
            [t("round"), str(r.round["round"])],
            [t("year"), str(r.round["year"])],
            [t("framework"), r.framework],
            [t("generated"), r.generated],
        ],
    )
    w.page_break()

    w.heading(t("summary"), 1)
    judged = r.counts.get("met", 0) + r.counts.get("not_met", 0)
    share = 100 * r.counts.get("met", 0) / judged if judged else None
    summary = [
        [t("judged"), str(judged)],
        [t("met"), str(r.counts.get("met", 0))],
        [t("not_met"), str(r.counts.get("not_met", 0))],
        [t("not_evaluable"), str(r.counts.get("not_evaluable", 0))],
        [t("met_share"), num(share) + ("%" if share is not None else "")],
    ]
    if r.grade:
        summary.append([t("grade"), str(r.p(r.grade.get("grade_zh"), r.grade.get("grade_en")))])
        summary.append([t("score"), num(r.grade.get("score"))])
        if r.grade.get("veto"):
            summary.append([t("veto"), r.sep.join(map(str, r.grade["veto"]))])
    w.table([t("summary"), t("value")], summary, {1})
    w.heading(t("not_met_list"), 2)
    not_met = [x for a in r.areas for x in a.rows if x.get("status") == "not_met"]
    if not_met:
        w.table(
            [t("indicator"), t("value"), t("target"), t("reason")],
            [
                [
                    r.p(*x["name"]),
                    num(x["value"]),
                    r.p(x["target_zh"], x["target_en"]) or "",
                    r.p(x["reason_zh"], x["reason_en"]) or "",
                ]
                for x in not_met
            ],
            {1},
        )
    else:
        w.para(t("all_met"))

    w.heading(t("areas"), 1)
    for k, area in enumerate(r.areas, 1):
        w.heading(f"{k}. {r.p(area.name_zh, area.name_en)}", 2)
        w.table(
            [t("indicator"), t("value"), t("unit"), t("target"), t("verdict"), t("reason")],
            [
                [
                    r.p(*x["name"]),
                    num(x["value"]),
                    x.get("unit") or "",
                    r.p(x["target_zh"], x["target_en"]) or "",
                    r.status(x["status"]),
                    r.p(x["reason_zh"], x["reason_en"]) or "",
                ]
                for x in area.rows
            ],
            {1},
        )
        w.figure(figs.get(f"area:{area.code}"))
        if area.narrative:
            w.heading(t("bureau_says"), 3)
            w.texts(area.narrative, t("none"))

    w.heading(t("progress"), 1)
    if r.progress:
        w.table(
            [t("indicator"), t("baseline"), t("current"), t("target"), t("completion"),
             t("trend")],
            [
                [r.p(*x["name"]), num(x.get("baseline")), num(x.get("current")),
                 num(x.get("target")), num(x.get("distance_pct_clipped")),
                 f"{x.get('arrow_symbol') or ''} {r.p(x.get('arrow_zh'), x.get('arrow_en')) or ''}"]
                for x in r.progress
            ],
            {1, 2, 3, 4},
        )  # fmt: skip
        w.figure(figs.get("progress"))
        for x in r.progress:
            w.figure(figs.get(f"trend:{x['indicator']}"))
    else:
        w.para(t("no_progress"))

    w.heading(t("comparison"), 1)
    if r.comparison:
        w.table(
            [t("indicator"), t("value"), t("rank"), t("percentile"), t("band"),
             t("compared_among")],
            [
                [r.p(*x["name"]), num(x.get("value")),
                 f"{num(x.get('rank'))} / {num(x.get('n'))}" if x.get("rank") is not None
                 else "—", num(x.get("percentile")),
                 r.p(x.get("band_zh"), x.get("band_en")) or "", str(x.get("comparison") or "")]
                for x in r.comparison
            ],
            {1, 2, 3},
        )  # fmt: skip
        w.figure(figs.get("comparison"))
    else:
        w.para(t("no_comparison"))

    w.heading(t("map"), 1)
    notice = NOTICE["en" if r.lang == "en" else "zh"]
    if "map" in figs:
        w.figure(figs["map"], f"{figs['map'].label}{r.stop}{notice}")
    else:
        w.para(t("no_map"))

    w.heading(t("work"), 1)
    w.heading(t("tasks"), 2)
    if r.tasks:
        w.table(
            [t("title_h"), t("department"), t("deadline"), t("percent")],
            [[x["title"], x.get("department") or "", str(x.get("deadline") or ""),
              num(x.get("percent_complete"))] for x in r.tasks],
            {3},
        )  # fmt: skip
    else:
        w.para(t("none"))
    w.heading(t("projects"), 2)
    if r.projects:
        w.table(
            [t("title_h"), t("amount"), t("status"), t("deadline"), t("percent")],
            [[x["title"], num(x.get("amount")), str(x.get("project_status") or
              x.get("status") or ""), str(x.get("deadline") or ""),
              num(x.get("percent_complete"))] for x in r.projects],
            {1, 4},
        )  # fmt: skip
    else:
        w.para(t("none"))
    w.heading(t("evidence"), 2)
    if r.evidence:
        w.table(
            [t("title_h"), t("indicator"), t("year")],
            [[x["title"] or "", x.get("indicator") or "", str(x.get("year") or "")]
             for x in r.evidence],
        )  # fmt: skip
    else:
        w.para(t("none"))

    w.heading(t("narrative"), 1)
    sa = r.selfassessment
    if sa:
        w.heading(t("problems"), 2)
        w.texts(sa.get("problems", ""), t("none"))
        w.heading(t("next_steps"), 2)
        w.texts(sa.get("next_steps", ""), t("none"))
        w.para(t("from_selfassessment", id=sa["id"], version=sa["version"]), "Caption")
    else:
        w.para(t("no_selfassessment", round=r.round["round"]))

    w.heading(t("annex"), 1)
    w.heading(t("lineage"), 2)
    batches = r.round.get("input_batches") or []
    w.table(
        [t("lineage"), t("value")],
        [
            [t("round"), str(r.round["round"])],
            [t("round_created"), str(r.round.get("created", ""))],
            [t("framework"), r.framework],
            [t("code_version"), str(r.round.get("code_version") or "")],
            [t("lake_version"), str(r.round.get("lake_version", ""))],
            [t("engine"), str(r.round.get("engine") or "")],
            [t("input_batches"), f"{len(batches)}: " + ", ".join(batches[:20])],
        ],
    )
    w.heading(t("files"), 2)
    w.table(
        ["file", "rows", "SHA-256"],
        [[f"{k}.parquet", str(f["rows"]), f["sha256"]] for k, f in r.round["files"].items()],
        {1},
    )
    w.heading(t("methods"), 2)
    w.table(
        [t("indicator"), t("method"), t("value_status"), t("source")],
        [
            [r.p(*x["name"]), x.get("method") or "", x.get("status") or "",
             x["source"]]
            for x in r.methods
        ],
    )  # fmt: skip
    w.para(t("rounding") + " " + t("reproduce", zone=r.zone["code"], round=r.round["round"]))
    w.doc.core_properties.title = r.title
    w.doc.core_properties.author = "Meili"
    out = io.BytesIO()
    w.doc.save(out)
    return out.getvalue()
