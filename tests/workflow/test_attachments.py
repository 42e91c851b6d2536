"""Attachments: type sniffed from content, size limit, sanitised names, zip bombs and macros
refused with a clear message, nothing written outside the store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from workflow_support import PDF, actor, docx, xlsx

from meili.db.session import session
from meili.workflow import attachments, documents
from meili.workflow.errors import Invalid

MACRO_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"


def test_accepted_types() -> None:
    assert attachments.check(PDF, "方案.pdf").kind == "pdf"
    assert attachments.check(xlsx(), "目标.xlsx").kind == "xlsx"
    assert attachments.check(docx(), "说明.DOCX").filename == "说明.docx"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00" + b"\x00" * 100, "setup.pdf", "not a PDF, DOCX or XLSX"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "old.doc", "legacy .doc/.xls"),
        (PDF, "report.docx", "content is PDF but the name ends in .docx"),
        (xlsx(), "table.pdf", "content is XLSX"),
        (b"", "empty.pdf", "empty"),
        (
            PDF.replace(b"/Catalog", b"/Catalog /OpenAction << /S /JavaScript >>"),
            "x.pdf",
            "JavaScript",
        ),
        (docx({"word/vbaProject.bin": b"\x00" * 50}), "macro.docx", "macros"),
        (
            docx(types=f'<Override ContentType="{MACRO_TYPE}"/>'),
            "m.docx",
            "macro-enabled",
        ),
        (docx({"word/activeX/activeX1.xml": b"<ax/>"}), "ax.docx", "macros"),
        (b"PK\x03\x04 not really a zip", "broken.xlsx", "damaged zip"),
    ],
)
def test_refused(data: bytes, name: str, message: str) -> None:
    with pytest.raises(Invalid, match=message):
        attachments.check(data, name)


def test_zip_bomb_is_refused(monkeypatch) -> None:
    bomb = docx({"word/media/zeros.bin": b"\x00" * (8 << 20)})  # 8 MiB of zeros: ~1000×
    assert len(bomb) < 100_000
    with pytest.raises(Invalid, match="zip bomb"):
        attachments.check(bomb, "bomb.docx")
    monkeypatch.setattr(attachments, "MAX_UNPACKED", 1 << 20)  # declared sizes are not trusted
    packed = docx(
        {"word/media/a.xml": os.urandom(700_000), "word/media/b.xml": os.urandom(700_000)}
    )
    with pytest.raises(Invalid, match="unpacks to more than"):
        attachments.check(packed, "big.docx")


def test_size_limit(monkeypatch) -> None:
    monkeypatch.setenv("MEILI_ATTACHMENT_MAX_BYTES", "100")
    with pytest.raises(Invalid, match="over the limit of 100 bytes"):
        attachments.check(PDF + b" " * 100, "big.pdf")


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\x.pdf", "x.pdf"),
        ("/abs/path/报告.pdf", "报告.pdf"),
        ("..", "file"),
        ("a\x00b\r\n.pdf", "ab.pdf"),
        ('we<ird>:"|?*.pdf', "we_ird_.pdf"),
        (".hidden.pdf", "hidden.pdf"),
    ],
)
def test_names_are_sanitised(name: str, label: str) -> None:
    assert attachments.sanitise(name) == label


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_name_is_a_plain_label(name: str) -> None:
    label = attachments.sanitise(name)
    assert label and "/" not in label and "\\" not in label and "\x00" not in label
    assert not label.startswith(".") and len(label) <= 125 and label not in ("..", ".")


def test_upload_stays_inside_the_store(people: Path, tmp_path: Path) -> None:
    outside_before = set(tmp_path.parent.rglob("*passwd*"))
    with session(write=True) as s:
        doc = documents.create(s, actor("ca"), "plan", "X-330127", "方案", {})
        entry = documents.attach(s, actor("ca"), doc, PDF, "../../../../passwd.pdf")
        with pytest.raises(Invalid):
            documents.attach(s, actor("ca"), doc, xlsx(), "../../evil.pdf")
    stored = list(attachments.store_dir().iterdir())
    assert [p.name for p in stored] == [entry["sha256"]]
    assert entry["filename"] == "passwd.pdf"
    assert stored[0].read_bytes() == PDF
    assert set(tmp_path.parent.rglob("*passwd*")) == outside_before
