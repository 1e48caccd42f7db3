"""The Word reader: .docx files built here with zipfile, then the real UNECE file."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from searchkit.errors import ReaderError
from searchkit.model import Document
from searchkit.readers import read_path
from searchkit.readers.docx import read, read_doc

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _part(kind: str) -> str:
    return f"{kind}1.xml" if kind in ("header", "footer") else f"{kind}.xml"


def _rels(parts: list[str]) -> str:
    items = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}{kind}" Target="{_part(kind)}"/>'
        for i, kind in enumerate(parts, start=2)
    )
    return (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        f'package/2006/relationships">{items}</Relationships>'
    )


def p(text: str, style: str | None = None, num: tuple[int, int] | None = None, bold=False,
      size: int | None = None, extra: str = "") -> str:  # fmt: skip
    ppr = ""
    if style or num:
        ppr = "<w:pPr>"
        ppr += f'<w:pStyle w:val="{style}"/>' if style else ""
        if num:
            ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
        ppr += "</w:pPr>"
    rpr = ""
    if bold or size:
        rpr = "<w:rPr>" + ("<w:b/>" if bold else "") + (f'<w:sz w:val="{size}"/>' if size else "")
        rpr += "</w:rPr>"
    run = f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>' if text else ""
    return f"<w:p>{ppr}{run}{extra}</w:p>"


def note_ref(note_id: int, custom: str | None = None) -> str:
    if custom:
        return (
            f'<w:r><w:footnoteReference w:customMarkFollows="1" w:id="{note_id}"/>'
            f"<w:t>{custom}</w:t></w:r>"
        )
    return f'<w:r><w:footnoteReference w:id="{note_id}"/></w:r>'


def table(rows: list[list[str]]) -> str:
    body = "".join(
        "<w:tr>" + "".join(f"<w:tc>{cell}</w:tc>" for cell in row) + "</w:tr>" for row in rows
    )
    return f"<w:tbl>{body}</w:tbl>"


NUMBERING = f"""<?xml version="1.0"?><w:numbering {NS}>
<w:abstractNum w:abstractNumId="0">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
  <w:lvlText w:val="%1."/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>
  <w:lvlText w:val="(%2)"/></w:lvl>
 <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/>
  <w:lvlText w:val="(%3)"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/>
  <w:lvlText w:val="%1."/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="2">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>
  <w:lvlText w:val="•"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="0"/>
 <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:num w:numId="5"><w:abstractNumId w:val="2"/></w:num>
</w:numbering>"""

STYLES = f"""<?xml version="1.0"?><w:styles {NS}>
<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="20"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="HChG"><w:name w:val="_ H _Ch_G"/>
 <w:basedOn w:val="Normal"/><w:rPr><w:b/><w:sz w:val="28"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Chapter"><w:name w:val="heading 1"/>
 <w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr>
 <w:rPr><w:b/><w:sz w:val="24"/></w:rPr></w:style>
</w:styles>"""

FOOTNOTES = f"""<?xml version="1.0"?><w:footnotes {NS}>
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>
 <w:r><w:t xml:space="preserve"> См. A/RES/70/1.</w:t></w:r></w:p></w:footnote>
<w:footnote w:id="2"><w:p><w:r><w:t>*</w:t></w:r>
 <w:r><w:tab/><w:t>Документ не редактировался.</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""

HEADER = f'<?xml version="1.0"?><w:hdr {NS}><w:p><w:r><w:t>A/HRC/99/9</w:t></w:r></w:p></w:hdr>'


def docx(body: str, parts: dict[str, str] | None = None) -> bytes:
    parts = {"numbering": NUMBERING, "styles": STYLES, "footnotes": FOOTNOTES,
             "header": HEADER} if parts is None else parts  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("word/_rels/document.xml.rels", _rels(list(parts)))
        zf.writestr(
            "word/document.xml",
            f'<?xml version="1.0"?><w:document {NS}><w:body>{body}</w:body></w:document>',
        )
        for kind, xml in parts.items():
            zf.writestr(f"word/{_part(kind)}", xml)
    return buffer.getvalue()


MASTHEAD = table(
    [
        [p("Организация Объединенных Наций"), p("A/HRC/40/3")],
        [p("Генеральная Ассамблея", bold=True, size=40),
         p("Distr.: General") + p("12 March 2019") + p("Russian") + p("Original: English")],
    ]
)  # fmt: skip
BODY = MASTHEAD + "".join(
    [
        p("Совет по правам человека", bold=True),
        p("Сороковая сессия", bold=True),
        p("Пункт 3 повестки дня"),
        p("Поощрение и защита всех прав человека"),
        p("Доклад о проверке чтения", "HChG", extra=note_ref(2, "*")),
        p("Введение", "Chapter"),
        p("Первый абзац с автоматическим номером.", num=(1, 0)),
        p(
            "Второй абзац, где есть ссылка",
            num=(1, 0),
            extra=note_ref(1) + "<w:r><w:t>.</w:t></w:r>",
        ),
        p("подпункт один;", num=(1, 1)),
        p("подпункт два, где", num=(1, 1)),
        p("подподпункт.", num=(1, 2)),
        p("Третий абзац: тот же список под другим numId.", num=(2, 0)),
        p("Пункт списка без номера.", num=(5, 0)),
        p("Оценка", "Chapter"),
        p("Новый список с начала.", num=(4, 0)),
        table([[p("Страна"), p("Число")], [p("Италия"), p("34")]]),
    ]
)


@pytest.fixture(scope="module")
def report() -> Document:
    return read(docx(BODY), "reports/report.docx")


def test_masthead_from_the_template_table(report: Document) -> None:
    assert report.symbol == "A/HRC/40/3"
    assert report.date == "2019-03-12"
    assert report.distribution == "General"
    assert report.language == "ru"
    assert report.original_language == "en"
    assert report.session == "Сороковая сессия"
    assert report.body_name == "Совет по правам человека"
    assert report.agenda_item == "Пункт 3 повестки дня: Поощрение и защита всех прав человека"
    assert report.title == "Доклад о проверке чтения"


def test_automatic_numbers_are_the_printed_ones(report: Document) -> None:
    blocks = [(b.kind, b.number, b.text) for b in report.blocks if b.kind != "footnote"]
    assert blocks[2:] == [
        ("heading", None, "I. Введение"),
        ("paragraph", "1", "Первый абзац с автоматическим номером."),
        ("paragraph", "2", "Второй абзац, где есть ссылка."),
        ("subparagraph", "2 (a)", "подпункт один;"),
        ("subparagraph", "2 (b)", "подпункт два, где"),
        ("subparagraph", "2 (b) (i)", "подподпункт."),
        ("paragraph", "3", "Третий абзац: тот же список под другим numId."),
        ("paragraph", None, "Пункт списка без номера."),
        ("heading", None, "II. Оценка"),
        ("paragraph", "1", "Новый список с начала."),
        ("other", None, "Страна | Число"),
        ("other", None, "Италия | 34"),
    ]
    assert blocks[:2] == [
        ("masthead", None, "Совет по правам человека"),
        ("title", None, "Доклад о проверке чтения"),
    ]


def test_footnotes_from_footnotes_xml(report: Document) -> None:
    notes = [(b.number, b.text) for b in report.blocks if b.kind == "footnote"]
    assert notes == [("*", "Документ не редактировался."), ("1", "См. A/RES/70/1.")]
    kinds = [(b.kind, b.number) for b in report.blocks]
    assert kinds.index(("footnote", "1")) == kinds.index(("paragraph", "2")) + 1
    para2 = next(b for b in report.blocks if b.number == "2")
    assert f"{para2.ordinal}:1" in report.extra["footnote_refs"].split(";")


def test_header_gives_the_symbol_when_the_masthead_does_not() -> None:
    document = read(docx(p("Distr.: General") + p("1. Текст абзаца.")), "x.docx")
    assert document.symbol == "A/HRC/99/9"
    assert all("A/HRC/99/9" not in b.text for b in document.blocks)


def test_file_name_gives_the_symbol_last() -> None:
    document = read(docx(p("1. Text of a paragraph."), parts={}), "A_C.3_75_L.2-FR.docx")
    assert document.symbol == "A/C.3/75/L.2"
    assert document.language == "fr"


def test_a_zip_bomb_is_refused_quickly() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(f'<?xml version="1.0"?><w:document {NS}><w:body><w:p><w:r><w:t>'.encode())
            chunk = b" " * (1 << 20)
            for _ in range(300):
                member.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 2_000_000
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ReaderError, match="expand past 256 MB"):
        read(data, "bomb.docx")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert time.perf_counter() - started < 20
    assert peak < 64 * 1024 * 1024


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"not a zip", "not a Word file"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
            "libreoffice --headless --convert-to docx",
        ),
    ],
)
def test_bad_files(data: bytes, reason: str) -> None:
    with pytest.raises(ReaderError, match=reason):
        read(data, "bad.docx")


def test_legacy_doc_says_how_to_convert(tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(ReaderError, match=r"old\.doc: .*libreoffice --headless --convert-to docx"):
        read_path(path, "old.doc")
    assert read_doc(docx(p("1. A docx named .doc.")), "named.doc").blocks[0].number == "1"


def test_a_dtd_is_refused() -> None:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx(p("1. Text.")))) as src,
        zipfile.ZipFile(buffer, "w") as dst,
    ):
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>' + data[21:]
            dst.writestr(item, data)
    with pytest.raises(ReaderError, match="declares a DTD"):
        read(buffer.getvalue(), "dtd.docx")


# --------------------------------------------------------------------------- the real file

ECE = "23.10.2013 ECE-TRANS-WP29-GRPE-2013-13 0930.docx"


@pytest.fixture(scope="module")
def ece(shared_corpus: Path) -> Document:
    return read_path(shared_corpus / "un-pdf" / ECE, ECE)


@pytest.mark.corpus
def test_unece_masthead(ece: Document) -> None:
    assert ece.symbol == "ECE/TRANS/WP.29/GRPE/2013/13"
    assert ece.language == "en"
    assert ece.date == "2013-09-17"
    assert ece.distribution == "General"
    assert ece.original_language == "en"
    assert ece.session == "Sixty-seventh session"
    assert ece.extra["place"] == "Geneva, 14 November 2013"
    assert ece.extra["pages"] == "242"  # as Word saved it
    assert ece.agenda_item == (
        "Item 2 of the provisional agenda: Worldwide harmonized Light vehicles Test "
        "Procedures (WLTP)"
    )
    assert ece.body_name.startswith("Economic Commission for Europe Inland Transport Committee")
    assert ece.title == (
        "Proposal for a new UN Global Technical Regulation on Worldwide harmonized Light "
        "vehicles Test Procedures (WLTP)"
    )


@pytest.mark.corpus
def test_unece_paragraphs_and_footnotes(ece: Document) -> None:
    numbered = [b.number for b in ece.blocks if b.kind == "paragraph" and b.number]
    assert numbered[:19] == [str(n) for n in range(1, 20)]
    blocks: dict[str, str] = {}
    for block in ece.blocks:
        blocks.setdefault(block.number or "", block.text)  # the first of each number
    assert blocks["1"].startswith(
        "The compliance with emission standards is a central issue of vehicle certification"
    )
    assert blocks["8 (b) (i)"] == "PM-PN: Particle mass (PM) and particle number (PN) measurements."
    notes = {b.number: b.text for b in ece.blocks if b.kind == "footnote"}
    assert notes["*"].startswith("In accordance with the programme of work of the Inland")
    assert notes["**"].startswith("This document was submitted late due to its complexity")
    headings = [b.text for b in ece.blocks if b.kind == "heading"]
    assert "I. Statement of technical rationale and justification" in headings
    assert "A. Introduction" in headings
    # the running header (the symbol) is not text
    assert sum("ECE/TRANS/WP.29/GRPE/2013/13" in b.text for b in ece.blocks) == 0


def test_russian_subparagraphs_without_an_opening_bracket() -> None:
    body = p("1. Комитет рекомендует:") + p("а) первое;") + p("b) второе:") + p("i) подпункт.")
    document = read(docx(body), "r.docx")
    assert [(b.number, b.text) for b in document.blocks] == [
        ("1", "Комитет рекомендует:"),
        ("1 (a)", "первое;"),  # a Cyrillic "а" typed for the Latin letter
        ("1 (b)", "второе:"),
        ("1 (b) (i)", "подпункт."),
    ]
