"""The PDF reader: hand-made PDFs that show each rule, then the real UN files."""

from __future__ import annotations

import csv
import re
import shutil
import time
import tracemalloc
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from searchkit.errors import ReaderError
from searchkit.model import Document
from searchkit.readers import ReadOptions, read_documents, read_path
from searchkit.readers.pdf import read
from searchkit.symbols import canonical, find_symbols

from . import pdfgen

# --------------------------------------------------------------------------- made here

LEFT = 100.0


def _paragraph(lines: list[str], y: float, first: float = LEFT) -> tuple[list[pdfgen.Text], float]:
    out = []
    for i, line in enumerate(lines):
        out.append((first if i == 0 else LEFT, y, 10.0, line))
        y -= 12
    return out, y - 6


def _report() -> bytes:
    """Two pages of a UN-style report: masthead, front matter, paragraphs that run
    over lines and the page break, a footnote, running header and job number."""
    bold = [
        (60, 760, 20, "General Assembly"),
        (60, 700, 10, "Seventy-fifth session"),
        (100, 640, 14, "Report on the reading of test documents"),
        (80, 610, 12, "I. Introduction"),
    ]
    texts: list[pdfgen.Text] = [
        (60, 790, 14, "United Nations"),
        (430, 790, 12, "A/TST/75/1"),
        (400, 766, 10, "Distr.: General"),
        (400, 754, 10, "3 March 2020"),
        (400, 730, 10, "Original: French"),
        (60, 688, 10, "Item 5 of the provisional agenda"),
        (60, 676, 10, "Questions of testing"),
    ]
    y = 590.0
    p1, y = _paragraph(
        [
            "1. The first paragraph of this report explains how documents are read by",
            "the reader, and how the work of the government of the day is shown to",
            "everyone who reads the report; it mentions the rights of all migrant-",
            "workers and members of their families in the region",
        ],
        y,
    )
    texts += p1
    texts.append((LEFT + 238, 556, 6, "2"))  # a raised footnote marker after "region"
    texts.append((LEFT + 243, 554, 10, "."))
    p2, y = _paragraph(
        [
            "2. The second paragraph speaks of the work of the govern-",
            "ment, which is a word broken at the end of a line, and it goes on",
            "to the foot of the first page, where it does not end but carries",
        ],
        y,
    )
    texts += p2
    texts += [
        (LEFT, 110, 8, "2 This is the note at the foot of the page, which runs over"),
        (LEFT, 100, 8, "two lines of smaller type."),
        (60, 40, 9, "GE.20-01234 (E) 030320 040320"),
        (60, 28, 12, "*2001234*"),
    ]
    page2: list[pdfgen.Text] = [
        (60, 800, 10, "A/TST/75/1"),
        (LEFT, 770, 10, "on at the top of the second page until it ends here."),
        (LEFT, 752, 10, "3. The third paragraph has subparagraphs:"),
        (LEFT + 20, 734, 10, "(a) a first subparagraph;"),
        (LEFT + 20, 716, 10, "(b) a second subparagraph."),
        (60, 40, 9, "2"),
        (450, 40, 9, "GE.20-01234"),
    ]
    page2_bold = [(80, 690, 12, "A. Observations")]
    page2 += [(LEFT, 670, 10, "4. The fourth paragraph closes the report.")]
    return pdfgen.build([pdfgen.content(texts, bold), pdfgen.content(page2, page2_bold)])


@pytest.fixture(scope="module")
def report() -> Document:
    return read(_report(), "A_TST_75_1-EN.pdf")


def test_masthead_and_front_matter(report: Document) -> None:
    assert report.symbol == "A/TST/75/1"
    assert report.body == "A/TST"
    assert report.date == "2020-03-03"
    assert report.distribution == "General"
    assert report.original_language == "fr"
    assert report.language == "en"  # from the file name's -EN: the masthead prints none
    assert report.session == "Seventy-fifth session"
    assert report.agenda_item == "Item 5 of the provisional agenda: Questions of testing"
    assert report.title == "Report on the reading of test documents"
    assert report.extra["pages"] == "2"


def test_paragraphs_across_lines_and_pages(report: Document) -> None:
    blocks = {(b.kind, b.number): b for b in report.blocks}
    assert [b.text for b in report.blocks if b.kind == "heading"] == [
        "I. Introduction",
        "A. Observations",
    ]
    first = blocks[("paragraph", "1")].text
    assert first == (
        "The first paragraph of this report explains how documents are read by the reader, "
        "and how the work of the government of the day is shown to everyone who reads the "
        "report; it mentions the rights of all migrant-workers and members of their "
        "families in the region."
    )
    second = blocks[("paragraph", "2")].text
    assert "of the government, which is a word broken" in second  # "govern-" + "ment"
    assert second.endswith("where it does not end but carries on at the top of the second "
                           "page until it ends here.")  # fmt: skip
    assert blocks[("subparagraph", "3 (a)")].text == "a first subparagraph;"
    assert blocks[("subparagraph", "3 (b)")].text == "a second subparagraph."
    assert blocks[("paragraph", "4")].heading == "A. Observations"


def test_footnote_apart_and_its_marker_out_of_the_text(report: Document) -> None:
    notes = [b for b in report.blocks if b.kind == "footnote"]
    assert [(n.number, n.text) for n in notes] == [
        ("2", "This is the note at the foot of the page, which runs over two lines of "
              "smaller type.")
    ]  # fmt: skip
    kinds = [(b.kind, b.number) for b in report.blocks]
    # after the paragraph that runs over the page's end, not inside it
    assert kinds.index(("footnote", "2")) == kinds.index(("paragraph", "2")) + 1
    para1 = next(b for b in report.blocks if b.number == "1")
    assert "region2" not in para1.text and "region 2" not in para1.text
    assert f"{para1.ordinal}:2" in report.extra["footnote_refs"].split(";")


def test_no_page_furniture_in_any_block(report: Document) -> None:
    for block in report.blocks:
        assert "GE.20" not in block.text
        assert "2001234" not in block.text
        assert "A/TST/75/1" not in block.text
        assert not re.fullmatch(r"\d+", block.text)


def _scan() -> bytes:
    """A page of text drawn as an image: what a scanner gives."""
    page = pdfgen.content(
        [(72, 700, 28, "United Nations"), (72, 640, 20, "The scanned letter says hello.")]
    )
    pdf = pdfium.PdfDocument(pdfgen.build([page]))
    bitmap = pdf[0].render(scale=200 / 72, grayscale=True)
    width, height, stride = bitmap.width, bitmap.height, bitmap.stride
    buffer = bytes(bitmap.buffer)
    pixels = b"".join(buffer[r * stride : r * stride + width] for r in range(height))
    return pdfgen.build([pdfgen.Image(width, height, pixels)])


def test_a_scan_without_text_is_a_reported_failure() -> None:
    with pytest.raises(ReaderError, match=r"scanned image, no text layer .*--ocr") as info:
        read(_scan(), "letters/scan.pdf")
    assert info.value.path == "letters/scan.pdf"


def test_a_scanned_page_among_text_pages_is_noted() -> None:
    image = pdfgen.Image(1, 1, b"\x80")  # a page covered by one grey image
    text = pdfgen.content([(72, 700, 10, "1. The only paragraph with a text layer.")])
    document = read(pdfgen.build([text, image]), "mixed.pdf")
    assert [b.text for b in document.blocks] == ["The only paragraph with a text layer."]
    assert document.extra["pages_without_text"] == "2"


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")
def test_a_scan_is_read_with_ocr() -> None:
    document = read(_scan(), "scan.pdf", ReadOptions(ocr=True))
    assert document.extra["ocr"] == "tesseract"
    assert document.extra["ocr_pages"] == "1"
    text = " ".join(b.text for b in document.blocks)
    assert "scanned letter says hello" in text


def test_ocr_without_tesseract_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ReaderError, match="tesseract is not installed"):
        read(_scan(), "scan.pdf", ReadOptions(ocr=True))


def test_a_huge_compressed_stream_is_refused_quickly() -> None:
    bomb = pdfgen.build(
        [pdfgen.content([(72, 700, 12, "Hello")])], raw_stream=pdfgen.flate_of_zeros(400)
    )
    assert len(bomb) < 1_000_000
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ReaderError, match="expands past 256 MB"):
        read(bomb, "bomb.pdf")
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 10
    assert peak < 32 * 1024 * 1024


def test_an_encrypted_pdf_says_so() -> None:
    locked = pdfgen.build([pdfgen.content([(72, 700, 12, "Secret")])], password="secret")
    assert pdfium.PdfDocument(locked, password="secret")  # a real encrypted PDF
    with pytest.raises(ReaderError, match="encrypted PDF: it needs a password"):
        read(locked, "locked.pdf")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not a PDF"),
        (b"hello world", "not a PDF"),
        (b"%PDF-1.4\ngarbage", "not a readable PDF"),
    ],
)
def test_bad_files(data: bytes, reason: str) -> None:
    with pytest.raises(ReaderError, match=reason):
        read(data, "bad.pdf")


def test_page_bound() -> None:
    two = pdfgen.build([pdfgen.content([(72, 700, 12, "One")]), pdfgen.content([])])
    with pytest.raises(ReaderError, match="has 2 pages, over the limit of 1"):
        read(two, "long.pdf", ReadOptions(max_pages=1))


def test_read_documents_passes_options(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(_scan())
    with pytest.raises(ReaderError, match="scanned image"):
        read_documents(path, "scan.pdf")
    if shutil.which("tesseract"):
        [document] = read_documents(path, "scan.pdf", options=ReadOptions(ocr=True))
        assert document.extra["ocr"] == "tesseract"
        assert document.checksum


# --------------------------------------------------------------------------- the real files


def _manifest(shared: Path) -> dict[str, dict[str, str]]:
    with (shared / "un-pdf" / "MANIFEST.tsv").open(encoding="utf-8") as f:
        return {row["local_name"]: row for row in csv.DictReader(f, delimiter="\t")}


@pytest.fixture(scope="module")
def un_pdf(shared_corpus: Path) -> dict[str, Document | ReaderError]:
    folder = shared_corpus / "un-pdf"
    read_all: dict[str, Document | ReaderError] = {}
    for path in sorted(folder.glob("*.pdf")):
        try:
            read_all[path.name] = read_path(path, path.name)
        except ReaderError as exc:
            read_all[path.name] = exc
    return read_all


@pytest.fixture(scope="module")
def ru(un_pdf: dict[str, Document | ReaderError]) -> Document:
    document = un_pdf["ohchr_1_ru.pdf"]
    assert isinstance(document, Document)
    return document


@pytest.mark.corpus
def test_every_un_pdf_reads_and_the_image_only_scan_is_reported(
    un_pdf: dict[str, Document | ReaderError],
) -> None:
    failed = {name: str(exc) for name, exc in un_pdf.items() if isinstance(exc, ReaderError)}
    assert failed == {
        "A_47_843-EN.pdf": "A_47_843-EN.pdf: scanned image, no text layer "
        "(install tesseract-ocr and use --ocr)"
    }
    for name, document in un_pdf.items():
        if isinstance(document, Document):
            assert len(document.blocks) > 10, name


@pytest.mark.corpus
def test_symbols_and_languages_match_the_manifest(
    shared_corpus: Path, un_pdf: dict[str, Document | ReaderError]
) -> None:
    for name, row in _manifest(shared_corpus).items():
        if name.endswith(".pdf") and isinstance(document := un_pdf[name], Document):
            assert document.symbol == canonical(row["symbol"]), name
            assert document.language == row["language"], name


@pytest.mark.corpus
def test_russian_report_masthead(ru: Document) -> None:
    assert ru.symbol == "A/HRC/WG.6/34/ITA/3"
    assert ru.language == "ru"
    assert ru.date == "2019-08-14"
    assert ru.distribution == "General"
    assert ru.original_language == "en"
    assert ru.session == "Тридцать четвертая сессия"
    assert (
        ru.body_name
        == "Совет по правам человека Рабочая группа по универсальному периодическому обзору"
    )
    assert ru.title == "Резюме материалов по Италии, представленных заинтересованными сторонами"


@pytest.mark.corpus
def test_russian_report_paragraphs_by_number(ru: Document) -> None:
    para = {b.number: b.text for b in ru.blocks if b.kind == "paragraph" and b.number}
    assert para["1"] == (
        "Настоящий доклад был подготовлен во исполнение резолюций 5/1 и 16/21 Совета по правам "
        "человека с учетом периодичности проведения универсального периодического обзора. "
        "Доклад содержит резюме 34 материалов, полученных от заинтересованных сторон в рамках "
        "универсального периодического обзора и изложенных в краткой форме в связи с "
        "ограничениями в отношении объема документов."
    )
    assert para["2"] == (
        "В совместном представлении 7 (СП7) было отмечено, что Италия еще не ратифицировала "
        "Международную конвенцию о защите прав всех трудящихся-мигрантов и членов их семей, "
        "несмотря на то, что ей неоднократно выносились рекомендации в этой связи. В СП7 и "
        "представлении организации «Адвокаты за правосудие в Ливии» Италии было рекомендовано "
        "ратифицировать Международную конвенцию о защите прав всех трудящихся-мигрантов и "
        "членов их семей."
    )
    assert para["4"] == (
        "Международная кампания за ликвидацию ядерного оружия (МКЛЯО) рекомендовала Италии "
        "принять меры по удалению со своей территории всех ядерных вооружений, а также "
        "подписать и ратифицировать Договор о запрещении ядерного оружия."
    )  # the first paragraph of page 2, after the page's running header
    assert para["5"].endswith("в которых оно по-прежнему отсутствует.")
    assert para["12"] == (
        "Агентство Европейского союза по основным правам (АОП) отметило, что Национальный "
        "центр по наблюдению за ненавистнической риторикой в отношении рома и синти сообщил о "
        "насильственных нападениях на рома в различных городах Италии в 2016 году."
    )
    assert [int(n) for n in para] == list(range(1, 95))


@pytest.mark.corpus
def test_russian_report_headings_and_footnotes(ru: Document) -> None:
    headings = [b.text for b in ru.blocks if b.kind == "heading"]
    assert headings[:3] == [
        "I. Справочная информация",
        "II. Информация, представленная заинтересованными сторонами",
        "A. Объем международных обязательств и сотрудничество с международными "
        "правозащитными механизмами и органами",
    ]
    notes = {b.number: b.text for b in ru.blocks if b.kind == "footnote"}
    assert notes["*"] == (
        "Настоящий документ до его передачи в службы письменного перевода Организации "
        "Объединенных Наций не редактировался."
    )
    assert list(notes)[1:] == [str(n) for n in range(1, 170)]
    assert notes["3"] == "For relevant recommendations see A/HRC/28/4, paras. 145.1–145.23; 145.55."
    assert notes["169"] == "JS6, p.14."
    para2 = next(b for b in ru.blocks if b.number == "2")
    assert f"{para2.ordinal}:4,5" in ru.extra["footnote_refs"].split(";")
    assert "A/HRC/28/4" in find_symbols(notes["3"])


@pytest.mark.corpus
def test_endnotes_sit_under_their_notes_heading(ru: Document) -> None:
    """The notes gathered at the end are under "Примечания", not under the
    last section of the text (a query about it must not match 169 notes)."""
    endnotes = [b for b in ru.blocks if b.kind == "footnote" and b.number != "*"]
    assert {b.heading for b in endnotes} == {"Примечания"}
    heading = ru.blocks[endnotes[0].ordinal - 1]
    assert (heading.kind, heading.text) == ("heading", "Примечания")


@pytest.mark.corpus
def test_footnote_rule_is_no_heading_and_long_chapter_titles_are(
    un_pdf: dict[str, Document | ReaderError],
) -> None:
    report = un_pdf["E_2025_15.en.pdf"]
    assert isinstance(report, Document)
    assert not [b for b in report.blocks if "___" in b.text or "___" in (b.heading or "")]
    chapter = next(b for b in report.blocks if b.text.startswith("II. Promoting coherence"))
    assert chapter.kind == "heading" and len(chapter.text) > 160
    para36 = next(b for b in report.blocks if b.number == "36").text
    # the paragraph goes on across the footnote below it, to its last sentence
    assert "especially gender inequality. Against this background" in para36
    assert para36.endswith("including inequality and exclusion.")
    assert next(b for b in report.blocks if b.number == "37").heading == (
        "3. Building inclusive societies: fostering social development and leaving no one behind"
    )


@pytest.mark.corpus
def test_no_furniture_in_the_russian_report(ru: Document) -> None:
    for block in ru.blocks:
        assert "GE.19-13879" not in block.text
        assert "1913879" not in block.text
        assert "A/HRC/WG.6/34/ITA/3" not in block.text, block
        assert not re.fullmatch(r"\d{1,2}", block.text), block
        assert not re.search(r"[\ue000-\uf8ff\ufffe]", block.text)


@pytest.mark.corpus
def test_the_english_pair_has_the_same_paragraph_numbers(
    ru: Document, un_pdf: dict[str, Document | ReaderError]
) -> None:
    en = un_pdf["ohchr_1_en.pdf"]
    assert isinstance(en, Document)
    numbers = [b.number for b in en.blocks if b.kind == "paragraph" and b.number]
    assert numbers == [b.number for b in ru.blocks if b.kind == "paragraph" and b.number]
    para = {b.number: b.text for b in en.blocks if b.kind == "paragraph"}
    assert para["4"] == (
        "The International Campaign to Abolish Nuclear Weapons (ICAN) recommended that Italy "
        "take measures to remove all nuclear weapons from its territory, and sign and ratify "
        "the UN Treaty on the Prohibition of Nuclear Weapons."
    )
    assert en.language == "en" and en.date == ru.date and en.symbol == ru.symbol


@pytest.mark.corpus
def test_joint_symbol_and_job_number_name(un_pdf: dict[str, Document | ReaderError]) -> None:
    letter = un_pdf["A_80_500-EN.pdf"]
    assert isinstance(letter, Document)
    assert letter.symbol == "A/80/500-S/2025/656"
    assert letter.extra["symbols"] == "A/80/500-S/2025/656,A/80/500,S/2025/656"
    assert letter.session == "Eightieth session"
    assert letter.agenda_item == (
        "Agenda item 84: The rule of law at the national and international levels"
    )
    record = un_pdf["N0553261.pdf"]
    assert isinstance(record, Document)
    assert record.symbol == "A/60/PV.25"  # by its masthead; the file name is a job number
    assert record.date == "2005-09-29"
    resolution = un_pdf["S_RES_2803 (2025)-EN.pdf"]
    assert isinstance(resolution, Document)
    assert resolution.symbol == "S/RES/2803(2025)"
    assert resolution.title == "Resolution 2803 (2025)"


@pytest.mark.corpus
def test_a_noisy_ocr_layer_is_read_but_flagged(un_pdf: dict[str, Document | ReaderError]) -> None:
    scan = un_pdf["A_45_311-EN.pdf"]
    assert isinstance(scan, Document)
    assert scan.symbol == "A/45/311-S/21356"
    assert scan.extra["text_layer"] == "ocr"
    assert float(scan.extra["text_quality"]) < 0.99
    assert "misread" in scan.extra["warning"]
    clean = un_pdf["S_2014_258-EN.pdf"]
    assert isinstance(clean, Document)
    assert "warning" not in clean.extra and float(clean.extra["text_quality"]) >= 0.99


@pytest.mark.corpus
def test_reading_speed(shared_corpus: Path) -> None:
    pages = 0
    started = time.perf_counter()
    for path in sorted((shared_corpus / "un-pdf").glob("*.pdf")):
        if path.name != "A_47_843-EN.pdf":
            pages += int(read_path(path, path.name).extra["pages"])
    assert pages / (time.perf_counter() - started) > 5  # about 30 on a laptop


@pytest.mark.corpus
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")
def test_the_image_only_scan_with_ocr(shared_corpus: Path) -> None:
    path = shared_corpus / "un-pdf" / "A_47_843-EN.pdf"
    document = read_path(path, path.name, options=ReadOptions(ocr=True))
    assert document.extra["ocr"] == "tesseract"
    assert document.symbol == "A/47/843"
    assert document.date == "1992-12-24"
    text = " ".join(b.text for b in document.blocks)
    assert "Executive Committee of the Palestine Liberation Organization" in text


def test_reading_speed_bench_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench.readers import main, measure

    (tmp_path / "A_TST_75_1-EN.pdf").write_bytes(_report())
    (tmp_path / "scan.pdf").write_bytes(_scan())
    rows = measure(sorted(tmp_path.iterdir()), repeat=1)
    assert rows[0]["reader"] == "pdf" and rows[0]["pages"] == 2 and rows[0]["blocks"] > 5
    assert rows[1] == {"file": "scan.pdf", "reader": "pdf", "error": rows[1]["error"]}
    assert main([str(tmp_path), "--repeat", "1"]) == 0
    assert "pdf: 2 pages of 1 files" in capsys.readouterr().out
