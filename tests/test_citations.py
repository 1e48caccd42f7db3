"""Citations on the UN's own layouts: paragraph numbers, page furniture, raised
ordinals, symbols as printed. Each class of error is tried on a PDF made here with
the layout that caused it, and on the shared UN files where they are present."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from searchkit.model import Block, Document
from searchkit.readers import check, read_documents
from searchkit.readers.pdf import read
from searchkit.symbols import canonical

from . import pdfgen

LEFT, TAB, RIGHT = 70.0, 98.0, 520.0


def _numbered(number: int, lines: list[str], y: float) -> tuple[list, list, float]:
    """A UN paragraph: the number at the margin, a tab, the text justified; its
    lines after the first back at the margin; the last line not justified."""
    plain = [(LEFT, y, 10.0, f"{number}.")]
    if len(lines) == 1:
        return [*plain, (TAB, y, 10.0, lines[0])], [], y - 18
    justified = [(TAB, y, 10.0, lines[0])]
    for i, line in enumerate(lines[1:], start=1):
        y -= 12
        (justified if i < len(lines) - 1 else plain).append((LEFT, y, 10.0, line))
    return plain, justified, y - 18


def _page(paragraphs: list[tuple[int, list[str]]], y: float = 700.0) -> bytes:
    plain: list = [(LEFT, 790, 12, "S/TST/2014/1")]
    justified: list = []
    for number, lines in paragraphs:
        p, j, y = _numbered(number, lines, y)
        plain += p
        justified += j
    return pdfgen.content(plain) + b"\n" + pdfgen.justified(justified, RIGHT)


WRAPPED = [
    (25, [
        "The Mission continued to monitor the ceasefire and the military agreements,",
        "including through ground and air patrols across the whole Territory, and its",
        "observers visited units of both parties.",
    ]),
    (26, [
        "The Mission recorded ceasefire violations throughout the period, and the",
        "number of incidents reported to it rose from nine in the previous period to",
        "17. Violations were attributed to both parties, as set out in the annex to this",
        "report, which lists them by date.",
    ]),
    (27, [
        "Mines and explosive remnants of war remained a danger to civilians and to",
        "the observers, as they had been in the period that ended in June of that year.",
        "5. Mines were cleared from 12 sites, and the Mission's teams destroyed the",
        "ordnance that they found.",
    ]),
    (28, ["The Secretary-General thanks the troop-contributing countries."]),
]  # fmt: skip


def _numbers(document: Document) -> list[str]:
    return [b.number for b in document.blocks if b.kind == "paragraph" and b.number]


def test_a_wrapped_line_that_begins_with_a_number_is_no_paragraph() -> None:
    """ "17. Violations …" after a line that runs to the margin mid-sentence, and
    "5. Mines …" after a full stop but with a word space where a paragraph's
    number has a tab and out of the sequence 25–28: both stay in their paragraph."""
    document = read(pdfgen.build([_page(WRAPPED)]), "S_TST_2014_1-EN.pdf")
    assert _numbers(document) == ["25", "26", "27", "28"]
    by_number = {b.number: b.text for b in document.blocks if b.number}
    assert by_number["26"].endswith("rose from nine in the previous period to 17. Violations "
                                    "were attributed to both parties, as set out in the annex "
                                    "to this report, which lists them by date.")  # fmt: skip
    assert "in June of that year. 5. Mines were cleared from 12 sites" in by_number["27"]


def test_a_numbered_paragraph_after_an_unfinished_short_line_still_opens() -> None:
    """The rule keeps real paragraphs: the next number, set off by a tab, after a
    heading-like line that does not end a sentence."""
    paragraphs = [(1, ["A first paragraph that ends here."]), (2, ["The second one."])]
    page = _page(paragraphs) + b"\n" + pdfgen.content([(LEFT, 600, 10, "Observations")])
    page += b"\n" + pdfgen.content([(LEFT, 585, 10, "3."), (TAB, 585, 10, "The third one.")])
    document = read(pdfgen.build([page]), "S_TST_2014_1-EN.pdf")
    assert _numbers(document) == ["1", "2", "3"]


@pytest.fixture(scope="module")
def un_pdf(shared_corpus: Path) -> list[Document]:
    documents, errors = check.read_all([shared_corpus / "un-pdf"])
    assert errors == [
        "un-pdf/A_47_843-EN.pdf: scanned image, no text layer (install tesseract-ocr and use --ocr)"
    ]
    return documents


@pytest.mark.corpus
def test_the_shared_un_files_number_their_paragraphs_in_sequence(un_pdf: list[Document]) -> None:
    numbered = {d.source: _numbers(d) for d in un_pdf if _numbers(d)}
    assert len(numbered) >= 7, sorted(numbered)
    breaks = {source: check.sequence_breaks(n) for source, n in numbered.items()}
    assert {source: found for source, found in breaks.items() if found} == {}


def test_the_sequence_check_sees_an_invented_paragraph() -> None:
    assert check.sequence_breaks(["25", "26", "17", "27", "28", "1", "2", "2", "3"]) == ["17", "27"]


@pytest.mark.corpus
def test_language_versions_number_the_same_paragraphs_alike(
    un_pdf: list[Document], shared_corpus: Path
) -> None:
    """Every pair of language versions in the shared files: the UPR report in English
    and Russian, the Charter and the Universal Declaration in the six languages."""
    multilingual = shared_corpus.parent / "multilingual"
    if not multilingual.is_dir():
        pytest.skip("../shared/multilingual is absent")
    documents, errors = check.read_all([multilingual / "charter-6", multilingual / "udhr-6"])
    assert errors == []
    checks = check.pairs(un_pdf + documents)
    by_work: dict[str, int] = {}
    for c in checks:
        by_work[c.work] = by_work.get(c.work, 0) + 1
    assert by_work == {
        "A/HRC/WG.6/34/ITA/3": 1, "Charter of the United Nations": 15, "A/RES/217(III)": 15,
    }  # fmt: skip
    assert [(c.work, c.languages) for c in checks if not c.ok] == []
    upr = next(c for c in checks if c.work == "A/HRC/WG.6/34/ITA/3")
    assert upr.common == 94 and 0.9 < upr.ratio < 1.6  # Russian runs longer than English


def test_the_pair_check_sees_a_missing_and_a_swallowed_paragraph() -> None:
    def document(language: str, paragraphs: dict[str, str]) -> Document:
        blocks = tuple(
            Block("paragraph", text, i, number)
            for i, (number, text) in enumerate(paragraphs.items())
        )
        return Document("x", blocks, symbol="S/TST/1", language=language, work="S/TST/1")

    text = "A paragraph of the report that says what the Council decided at its meeting. "
    en = document("en", {"1": text, "2": text, "3": text, "4": text})
    fr = document("fr", {"1": text, "2": text + text + text, "4": text})  # 3 swallowed by 2
    [c] = check.pairs([en, fr])
    assert c.only_first == ["3"] and c.only_second == [] and c.other_length == ["2"]
    assert not c.ok


@pytest.mark.corpus
def test_a_reference_to_the_next_article_starts_no_article(shared_corpus: Path) -> None:
    """ "except as provided in Article 12, may make recommendations" is Article 11's
    text in every copy: with its line breaks, without them, in English and Spanish."""
    multilingual = shared_corpus.parent / "multilingual" / "charter-6"
    copies = {
        "en": shared_corpus / "charter/raw/raw_un_charter_en.txt",
        "one line": shared_corpus / "charter/processed/clean_un_charter_en.txt",
        "es": multilingual / "raw_un_charter_es.txt",
    }
    for name, path in copies.items():
        if not path.exists():
            continue
        [document] = read_documents(path, name)
        article = {b.number: b.text for b in document.blocks if b.kind == "article"}
        assert list(article) == [str(n) for n in range(1, 112)], name
        assert article["11"].endswith(("de la Asamblea General.", "10.")), (
            name,
            article["11"][-80:],
        )
        assert article["12"].startswith(("While the Security Council", "Mientras el Consejo")), name


def test_job_numbers_with_reissue_marks_and_the_reissue_note_are_furniture() -> None:
    """A third reissue: the symbol with ``***``, its note at the foot of page 1, the
    job number ``12-27711*** (E) 170412`` glued to the text beside it; and an older
    record's ``97-85299 (E)`` glued to the line that follows it."""
    page1 = _page(WRAPPED[:2]) + b"\n" + pdfgen.content([
        (LEFT, 120, 10, "The members of the Panel are listed below."),
        (LEFT, 84, 8, "*** Third reissue for technical reasons"),
        (LEFT, 50, 9, "12-27711*** (E) 170412 Mohamed Ali Mohamed, Chair of the Panel"),
    ])  # fmt: skip
    page2 = pdfgen.content([
        (LEFT, 790, 10, "S/TST/2014/1"),
        (LEFT, 760, 10, "27. The Panel met in New York and in the region."),
        (LEFT, 60, 9, "97-85299 (E) This record contains the text of speeches in English."),
    ])  # fmt: skip
    document = read(pdfgen.build([page1, page2]), "S_TST_2014_1-EN.pdf")
    texts = [b.text for b in document.blocks]
    assert not [t for t in texts if re.search(r"\d\d-\d{5}|\(E\)|reissue", t)], texts
    assert any(t.startswith("Mohamed Ali Mohamed, Chair of the Panel") for t in texts), texts
    assert any(t.startswith("This record contains the text of speeches") for t in texts), texts
    assert _numbers(document) == ["25", "26", "27"]


def _masthead_page(symbol: str) -> bytes:
    return pdfgen.content([
        (60, 790, 14, "United Nations"),
        (430, 790, 12, symbol),
        (400, 766, 10, "Distr.: General"),
        (400, 754, 10, "3 March 1983"),
        (LEFT, 600, 10, "1. The General Assembly considered the question at its session."),
    ])  # fmt: skip


@pytest.mark.parametrize(
    ("printed", "name", "symbol", "against"),
    [
        ("A/38/2I0", "A_38_210-EN.pdf", "A/38/210", "as the file name gives it"),
        ("A/38/2I0", "scan.pdf", "A/38/210", "UN symbol pattern"),
        ("S/2O14/258", "S_2014_258-EN.pdf", "S/2014/258", "as the file name gives it"),
    ],
)
def test_an_ocr_digit_slip_in_the_masthead_symbol_is_repaired_and_said(
    printed: str, name: str, symbol: str, against: str
) -> None:
    document = read(pdfgen.build([_masthead_page(printed)]), name)
    assert document.symbol == symbol
    assert document.extra["symbol_repaired"] == (
        f"symbol read as {printed} (OCR) repaired to {symbol} ({against})"
    )


def test_a_symbol_read_right_is_left_alone() -> None:
    document = read(pdfgen.build([_masthead_page("E/CN.15/2012/L.3/Rev.1")]), "x.pdf")
    assert document.symbol == "E/CN.15/2012/L.3/Rev.1" and "symbol_repaired" not in document.extra


def test_symbols_keep_the_printed_case_and_are_found_whatever_the_case() -> None:
    document = read(pdfgen.build([_masthead_page("S/Agenda/10026")]), "S_AGENDA_10026-EN.pdf")
    assert document.symbol == "S/Agenda/10026"
    # look-up passes what is typed through the same canonical form
    assert {canonical(s) for s in ("s/agenda/10026", "S/AGENDA/10026", "S/Agenda/10026")} == {
        "S/Agenda/10026"
    }
    assert canonical("unep/ozl.pro.31/9") == "UNEP/OzL.Pro.31/9"


def _runs(x: float, y: float, parts: list[tuple[str, bool]]) -> list[pdfgen.Text]:
    """Text set piece by piece, the raised pieces as a word processor sets a
    superscript (smaller, above the baseline)."""
    out: list[pdfgen.Text] = []
    for text, raised in parts:
        size = 6.5 if raised else 10.0
        if text.startswith(" "):
            x += 0.278 * size  # Helvetica's word space
            text = text[1:]
        out.append((x, y + (3.5 if raised else 0.0), size, text))
        x += pdfgen.width(text, size) + (0.2 if raised else 0.0)
    return out


def test_raised_ordinals_stay_in_the_word_and_footnote_markers_do_not() -> None:
    texts = [(LEFT, 790, 12.0, "A/TST/75/1")]
    texts += _runs(LEFT, 700, [
        ("1. The walls were built in the 18", False), ("th", True),
        (" century, and restored in the 21", False), ("st", True), (" century.", False),
    ])  # fmt: skip
    texts += _runs(LEFT, 680, [
        ("2. Le château date du XVIII", False), ("e", True), (" siècle et de la 2", False),
        ("e", True), (" moitié du 1", False), ("er", True), (" siècle.", False),
    ])  # fmt: skip
    texts += _runs(LEFT, 660, [
        ("3. A marker after a word", False), ("1", True),
        (" stays a marker, as after a year 2005", False), ("2", True), (".", False),
    ])  # fmt: skip
    document = read(pdfgen.build([pdfgen.content(texts)]), "A_TST_75_1-EN.pdf")
    by_number = {b.number: b.text for b in document.blocks if b.number}
    assert (
        by_number["1"]
        == "The walls were built in the 18th century, and restored in the 21st century."
    )
    assert by_number["2"] == "Le château date du XVIIIe siècle et de la 2e moitié du 1er siècle."
    assert by_number["3"] == "A marker after a word stays a marker, as after a year 2005."
    ordinal = next(b.ordinal for b in document.blocks if b.number == "3")
    assert document.extra["footnote_refs"] == f"{ordinal}:1,2"


def _french_report(date: str = "3 mars 2020") -> bytes:
    """A French report: masthead, title, a table of contents without dot leaders
    (its columns apart, one entry wrapped over two lines), then the body."""
    bold = [
        (LEFT, 730, 14, "Rapport du Groupe de travail sur l’Examen périodique universel"),
        (LEFT, 700, 12, "Table des matières"),
        (LEFT, 560, 12, "I. Mandat et méthodes de travail du groupe"),
    ]
    texts: list[pdfgen.Text] = [
        (60, 790, 14, "Nations Unies"), (430, 790, 12, "A/TST/75/1"),
        (400, 766, 10, "Distr. générale"), (400, 754, 10, date),
        (420, 680, 9, "Paragraphes"), (500, 680, 9, "Page"),
    ]  # fmt: skip
    y = 660.0
    entries = [
        ("1.", ["Mandat et méthodes de travail du groupe"], "1–3", "3"),
        ("2.", ["Évolution de la situation dans le pays depuis la dernière",
                "session du Conseil des droits de l'homme"], "4–17", "4"),
        ("3.", ["Conclusions"], "18–20", "6"),
    ]  # fmt: skip
    for label, lines, paragraphs, page in entries:
        texts.append((LEFT, y, 10, label))
        for i, line in enumerate(lines):
            texts.append((LEFT + 20, y, 10, line))
            y -= 12 if i < len(lines) - 1 else 0
        texts += [(430, y, 10, paragraphs), (505, y, 10, page)]
        y -= 16
    y = 540.0
    for n, text in [
        (1, "Le Groupe de travail a tenu sa session."),
        (2, "Il a examiné la situation."),
    ]:
        texts.append((LEFT, y, 10, f"{n}. {text}"))
        y -= 16
    return pdfgen.build([pdfgen.content(texts, bold)])


def test_a_contents_page_without_leaders_is_contents_and_the_french_date_is_read() -> None:
    document = read(_french_report(), "A_TST_75_1-FR.pdf")
    assert document.date == "2020-03-03"
    assert document.title == "Rapport du Groupe de travail sur l’Examen périodique universel"
    toc = [b.text for b in document.blocks if b.kind == "toc"]
    assert len(toc) == 5 and toc[0] == "Paragraphes | Page", toc
    assert _numbers(document) == ["1", "2"]
    assert [b.text for b in document.blocks if b.kind == "paragraph"] == [
        "Le Groupe de travail a tenu sa session.",
        "Il a examiné la situation.",
    ]


@pytest.mark.parametrize(
    ("date", "iso"), [("1er avril 2021", "2021-04-01"), ("3 de marzo de 2020", "2020-03-03")]
)
def test_french_and_spanish_masthead_dates(date: str, iso: str) -> None:
    assert read(_french_report(date), "A_TST_75_1-FR.pdf").date == iso


# --------------------------------------------------------------------------- verbatim records


def test_a_russian_turn_heads_its_blocks_without_the_language_note() -> None:
    from .test_reader_docx import NS, docx, p

    header = f'<?xml version="1.0"?><w:hdr {NS}><w:p><w:r><w:t>S/PV.9999</w:t></w:r></w:p></w:hdr>'
    body = (
        p("Организация Объединенных Наций") + p("S/PV.9999") + p("Совет Безопасности")
        + p("9999-е заседание") + p("Повестка дня", bold=True) + p("Положение на Ближнем Востоке")
        + p("Председатель (говорит по-английски): Слово предоставляется представителю России.")
        + p("Г-н Небензя (Российская Федерация): Мы благодарим Генерального секретаря за доклад.")
        + p("Второй абзац выступления, в котором речь идет о гуманитарной помощи.")
        + p("Г-жа Смит (Соединенное Королевство) (говорит по-английски): Благодарю вас.")
    )  # fmt: skip
    from searchkit.readers.docx import read as read_docx

    document = read_docx(docx(body, {"header": header}), "S_PV.9999-RU.docx")
    headings = {b.text[:19]: b.heading for b in document.blocks if b.kind == "paragraph"}
    assert headings == {
        "Положение на Ближне": "Повестка дня",
        "Председатель (говор": "Председатель",
        "Г-н Небензя (Россий": "Г-н Небензя (Российская Федерация)",
        "Второй абзац выступ": "Г-н Небензя (Российская Федерация)",
        "Г-жа Смит (Соединен": "Г-жа Смит (Соединенное Королевство)",
    }


def test_a_report_paragraph_that_names_someone_is_no_turn() -> None:
    """Only verbatim records have turns: in a report, "Mr. X (Chair): …" is text."""
    texts = [
        (LEFT, 790, 12.0, "S/TST/2014/1"),
        (LEFT, 700, 10.0, "Mr. Smith (Chair): he opened it."),
    ]
    document = read(pdfgen.build([pdfgen.content(texts)]), "S_TST_2014_1-EN.pdf")
    assert [b.heading for b in document.blocks if b.kind == "paragraph"] == [None]


@pytest.fixture(scope="module")
def records(shared_corpus: Path) -> dict[str, Document]:
    out = {}
    for name in ("S_PV.4507-EN.pdf", "N0553261.pdf"):
        [out[name]] = read_documents(shared_corpus / "un-pdf" / name, name)
    return out


@pytest.mark.corpus
def test_a_verbatim_records_turns_head_their_blocks_with_the_page(
    records: dict[str, Document],
) -> None:
    council = records["S_PV.4507-EN.pdf"].blocks
    levitte = [b for b in council if b.heading and b.heading.startswith("Mr. Levitte")]
    assert levitte[0].text.startswith("Mr. Levitte (France) (spoke in French): On the last day")
    assert {b.heading for b in levitte} == {"Mr. Levitte (France), p. 6"}
    speakers = list(dict.fromkeys(b.heading.rsplit(",", 1)[0] for b in council if b.heading
                                  and ", p. " in b.heading))  # fmt: skip
    assert speakers == [
        "The President", "Ms. Bertini", "Mr. Levitte (France)", "Mr. Yap (Singapore)",
        "Mr. Wehbe (Syrian Arab Republic)", "Ms. Lajous (Mexico)", "Mr. Valdivieso (Colombia)",
        "Mr. Kolby (Norway)", "Mr. Eldon (United Kingdom)",
    ]  # fmt: skip
    assembly = records["N0553261.pdf"].blocks
    # the turn's first line, cut off by a line break, is no heading: the question is whole
    assert not [b for b in assembly if b.kind == "heading" and "President" in b.text]
    assert any(
        b.text == "The Acting President: May I take it that the General Assembly takes note of "
        "the report of the Secretary-General on the work of the Organization contained in "
        "document A/60/1?"
        for b in assembly
    )


@pytest.mark.corpus
def test_search_prints_the_address_that_show_opens(shared_corpus: Path, tmp_path: Path) -> None:
    import shutil

    from typer.testing import CliRunner

    from searchkit.cli import app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(shared_corpus / "un-pdf" / "S_PV.4507-EN.pdf", corpus)
    index = tmp_path / "index"
    runner = CliRunner()
    assert runner.invoke(app, ["index", str(corpus), "--index", str(index)]).exit_code == 0
    found = runner.invoke(app, ["search", '"last day of her 10-year term"', "--index", str(index)])
    assert found.exit_code == 0, found.output
    lines = found.output.splitlines()
    assert lines[0].startswith("S/PV.4507  (")
    assert lines[1] == "  Mr. Levitte (France), p. 6"
    address = next(line for line in lines if line.startswith("  show "))
    match = re.fullmatch(r"  show S/PV\.4507 '#(\d+)'", address)
    assert match, address
    shown = runner.invoke(app, ["show", "S/PV.4507", f"#{match.group(1)}", "--index", str(index)])
    assert shown.exit_code == 0, shown.output
    assert "> Mr. Levitte (France) (spoke in French): On the last day of her 10-year term" in (
        shown.output
    )


# ------------------------------------------------------------------ small but sure to be met


def _cli(*args: str) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from searchkit.cli import app

    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_file_given_as_the_corpus_folder_is_said_to_be_a_file(tmp_path: Path) -> None:
    pdf = tmp_path / "S_TST_2014_1-EN.pdf"
    pdf.write_bytes(pdfgen.build([_page(WRAPPED)]))
    code, _, err = _cli("reindex", str(pdf), "--index", str(tmp_path / "index"))
    assert code == 2
    assert err.strip() == (
        f"searchkit: error: corpus folder {pdf} is a file; give the folder that holds it"
    )
    from searchkit.errors import CorpusError
    from searchkit.indexing import reindex

    with pytest.raises(CorpusError, match="is a file; give the folder that holds it"):
        reindex(pdf, tmp_path / "index")


def test_an_empty_file_is_said_to_be_empty(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "empty.pdf").write_bytes(b"")
    (corpus / "S_TST_2014_1-EN.pdf").write_bytes(pdfgen.build([_page(WRAPPED)]))
    code, out, _ = _cli("reindex", str(corpus), "--index", str(tmp_path / "index"), "--json")
    assert code == 1
    import json

    assert json.loads(out)["failed"] == [{"source": "empty.pdf", "reason": "the file is empty"}]


def _corpus_with_a_subfolder(root: Path) -> Path:
    """``root/corpus`` with one PDF at its top and one in ``locked/``; ``root``
    open to everyone, so an ordinary user can write the index beside it."""
    root.chmod(0o777)
    corpus = root / "corpus"
    (corpus / "locked").mkdir(parents=True)
    (corpus / "S_TST_2014_1-EN.pdf").write_bytes(pdfgen.build([_page(WRAPPED)]))
    (corpus / "locked" / "A_TST_1-EN.pdf").write_bytes(pdfgen.build([_page(WRAPPED)]))
    return corpus


def _as_nobody(runs: Callable[[], object]) -> str:
    """``runs()`` in a child process that gives up root (the superuser reads
    any folder), its answer as JSON through a pipe."""
    import json
    import os

    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        try:
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            os.write(writing, json.dumps(runs()).encode())
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading) as pipe:
        answer = pipe.read()
    os.waitpid(child, 0)
    return answer


def _as_ordinary_user(tmp_path: Path) -> None:
    """Before a child gives up root: everything a run imports is imported now,
    since an ordinary user may not read the interpreter's own folders."""
    import encodings.utf_16_le  # noqa: F401  # the PDF reader decodes with it

    warm = tmp_path / "warm"
    warm.mkdir()
    (warm / "S_TST_2014_1-EN.pdf").write_bytes(pdfgen.build([_page(WRAPPED)]))
    for extra in (["--json"], []):
        code, _, err = _cli("reindex", str(warm), "--index", str(tmp_path / "warm-index"), *extra)
        assert code == 0, err
    assert _cli("show", "S/TST/2014/1", "--index", str(tmp_path / "warm-index"), "--json")[0] == 0


def test_an_unreadable_subfolder_is_reported(tmp_path: Path) -> None:
    """In the text and the JSON report. The run is made by an ordinary user (the
    superuser reads any folder): a child process that gives up its rights."""
    import json
    import tempfile

    _as_ordinary_user(tmp_path)
    with tempfile.TemporaryDirectory() as top:
        root = Path(top)
        corpus = _corpus_with_a_subfolder(root)
        corpus.chmod(0o755)
        (corpus / "S_TST_2014_1-EN.pdf").chmod(0o644)
        (corpus / "locked").chmod(0)
        index = str(root / "index")
        answer = _as_nobody(
            lambda: [
                _cli("reindex", str(corpus), "--index", index, "--full", *extra)
                for extra in (["--json"], [])
            ]
        )
        (corpus / "locked").chmod(0o755)
    (code, out, err), (text_code, text_out, text_err) = json.loads(answer)
    assert code == 1, err
    report = json.loads(out)
    assert report["failed"] == [
        {"source": "locked/", "reason": "cannot read folder: Permission denied"}
    ]
    assert report["added"] == ["S_TST_2014_1-EN.pdf"]
    assert text_code == 1
    assert "locked/: cannot read folder: Permission denied" in text_out + text_err


def test_a_language_the_index_does_not_hold_is_named_with_those_it_holds(seed_index: Path) -> None:
    code, _, err = _cli("search", "мигрант", "--index", str(seed_index), "--lang", "xx")
    assert code == 5
    assert (
        err.strip() == "searchkit: error: the index holds no documents in 'xx'; its languages: ru"
    )
    code, out, _ = _cli("search", "мигрант", "--index", str(seed_index), "--lang", "ru")
    assert code == 0 and out.strip()


# --------------------------------------------------------------------------- scans


def _picture(over: bytes) -> pdfgen.Image:
    return pdfgen.Image(60, 80, bytes(range(60)) * 80, over)


def test_a_born_digital_file_with_one_picture_page_is_no_scan() -> None:
    caption = pdfgen.content([(LEFT, 60, 10.0, "Figure 1. The Territory and the positions.")])
    pages = [_page(WRAPPED[:2]), _page(WRAPPED[2:], 760.0), _picture(caption)]
    document = read(pdfgen.build(pages), "S_TST_2014_1-EN.pdf")
    assert "text_layer" not in document.extra and "warning" not in document.extra, document.extra


def test_text_over_page_images_is_a_scanners_ocr_layer() -> None:
    pages = [_picture(_page(WRAPPED[:2])), _picture(_page(WRAPPED[2:], 760.0))]
    document = read(pdfgen.build(pages), "S_TST_2014_1-EN.pdf")
    assert document.extra["text_layer"] == "ocr"
    assert document.extra["warning"] == "text layer made by OCR of a scan: words may be misread"


@pytest.mark.corpus
def test_a_russian_text_with_the_misreadings_of_an_ocr_is_noisy(shared_corpus: Path) -> None:
    """The Russian UPR report reads clean; the same words as a poor OCR of a scan
    reads them (Latin look-alikes for Cyrillic letters, 3 for З, in one word of
    twelve) fall below the bar at which the PDF reader warns."""
    from searchkit.readers.pdf import NOISY
    from searchkit.readers.quality import text_quality

    [document] = read_documents(shared_corpus / "un-pdf" / "ohchr_1_ru.pdf", "ohchr_1_ru.pdf")
    texts = [b.text for b in document.blocks]
    assert text_quality(texts) >= NOISY
    misread = str.maketrans({"о": "o", "е": "e", "р": "p", "З": "3", "с": "c"})
    words = " ".join(texts).split()
    scanned = [w.translate(misread) if i % 12 == 5 else w for i, w in enumerate(words)]
    assert text_quality([" ".join(scanned)]) < NOISY


@pytest.mark.corpus
def test_words_broken_by_a_hyphen_are_mended_and_compounds_kept(shared_corpus: Path) -> None:
    """With the words of the Russian UPR report on Italy: a word a scan broke at a
    line's end or within a line ("Ита- льянской") is one word again; compounds of
    the report broken at their hyphen stay compounds; a suspended hyphen stays."""
    from searchkit.readers.unlayout import join_lines, vocabulary_of

    [document] = read_documents(shared_corpus / "un-pdf" / "ohchr_1_ru.pdf", "ohchr_1_ru.pdf")
    words = vocabulary_of([b.text for b in document.blocks])
    assert join_lines(["в Ита- льянской Республике"], words) == "в Итальянской Республике"
    assert join_lines(["правозащит-", "ных организаций"], words) == "правозащитных организаций"
    assert join_lines(["трудящихся-", "мигрантов"], words) == "трудящихся-мигрантов"
    assert join_lines(["уголовно-", "процессуальном"], words) == "уголовно-процессуальном"
    assert join_lines(["социально-", "экономических прав"], words) == "социально-экономических прав"
    assert join_lines(["двух- и трехсторонних"], words) == "двух- и трехсторонних"
    assert join_lines(["CoE- GRETA"], words) == "CoE- GRETA"


def test_two_columns_run_together_by_the_text_layer_are_read_column_by_column() -> None:
    """A record in two columns with a narrow gutter: the text layer gives each
    printed row as one line across both columns."""
    left = [
        "1. The first column of this old record begins here and it runs",
        "down the left half of the page in lines of about the same",
        "length, as a scanned record of the nineteen eighties would be",
        "set in two columns with a narrow gutter between them both.",
        "2. A second paragraph in the left column goes on for a few",
        "lines more so that the page has enough lines to be measured.",
    ]
    right = [
        "3. The right column starts at the top of the page as well and",
        "it holds the third paragraph of the record, which continues",
        "for some lines in the same type as the left column does, so",
        "that every line of it stands level with a line on the left.",
        "4. The fourth paragraph closes the record in the right column",
        "with a few lines of text that end the page and the document.",
    ]
    assert max(LEFT - 30 + pdfgen.width(line, 9) for line in left) > 300 - 20  # a narrow gutter
    texts: list[pdfgen.Text] = [(40, 790, 12, "A/TST/75/PV.1")]
    for i, (one, two) in enumerate(zip(left, right, strict=True)):
        texts += [(40, 740 - 11 * i, 9, one), (300, 740 - 11 * i, 9, two)]
    document = read(pdfgen.build([pdfgen.content(texts)]), "A_TST_75_PV.1-EN.pdf")
    by_number = {b.number: b.text for b in document.blocks if b.number}
    assert list(by_number) == ["1", "2", "3", "4"]
    assert by_number["1"].endswith("with a narrow gutter between them both.")
    assert by_number["3"].startswith(
        "The right column starts at the top of the page as well and it"
    )


def test_an_old_records_running_head_glued_to_its_text_is_dropped() -> None:
    """The text layer of an old record gives the running head and the first line
    under it as one line: ``A/45/PV.10 Page 2 of the Assembly …``."""
    pages = [pdfgen.content([
        (LEFT, 790, 12.0, "A/45/PV.10"),
        (LEFT, 700, 10.0, "1. The President opened the meeting and spoke of the work"),
    ])]  # fmt: skip
    for n, line in ((2, "of the Assembly at its session, which he said was long,"),
                    (3, "and of the tasks that the Members had set for the year.")):  # fmt: skip
        pages.append(pdfgen.content([(LEFT, 800, 10.0, f"A/45/PV.10 Page {n} {line}")]))
    document = read(pdfgen.build(pages), "A_45_PV.10-EN.pdf")
    assert [b.text for b in document.blocks if b.kind == "paragraph"] == [
        "The President opened the meeting and spoke of the work of the Assembly at its "
        "session, which he said was long, and of the tasks that the Members had set for the year."
    ]


@pytest.mark.corpus
def test_the_check_runs_from_the_command_line(shared_corpus: Path) -> None:
    import subprocess
    import sys

    charter = shared_corpus.parent / "multilingual" / "charter-6"
    if not charter.is_dir():
        pytest.skip("../shared/multilingual is absent")
    done = subprocess.run(
        [sys.executable, "-m", "searchkit.readers.check", str(charter)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "6 documents, 6 with numbered paragraphs, 0 out of sequence; "
        "15 language pairs of 1 works, 15 numbered alike, 0 not"
    ]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("M. Levitte (France) : Je remercie Mme Bertini.", "M. Levitte (France)"),
        ("Sr. Valdivieso (Colombia) (habla en español): La", "Sr. Valdivieso (Colombia)"),
        ("El Presidente: Doy la palabra al representante de Chile.", "El Presidente"),
        ("Исполняющий обязанности Председателя (говорит по-английски): Я",
         "Исполняющий обязанности Председателя"),
        ("Mr. Toro de la Fuente (Chile): I thank you.", "Mr. Toro de la Fuente (Chile)"),
        ("Ms. Bertini noted three points: first, food.", None),
        ("Note: the record is provisional.", None),
    ],
)  # fmt: skip
def test_the_speakers_of_turns(text: str, speaker: str | None) -> None:
    from searchkit.readers.verbatim import speaker_of

    assert speaker_of(text) == speaker


def test_files_under_an_unreadable_subfolder_stay_indexed(tmp_path: Path) -> None:
    """A folder that cannot be listed hides its files; it does not delete them:
    an incremental run keeps what was indexed from it, and reports the folder."""
    import json
    import os
    import tempfile

    _as_ordinary_user(tmp_path)
    with tempfile.TemporaryDirectory() as top:
        root = Path(top)
        corpus = _corpus_with_a_subfolder(root)
        if os.geteuid() == 0:  # the runs are an ordinary user's, who owns the corpus
            for path in (corpus, corpus / "locked", *corpus.rglob("*.pdf")):
                os.chown(path, 65534, 65534)

        def runs() -> list[tuple[int, str, str]]:
            index = str(root / "index")
            first = _cli("reindex", str(corpus), "--index", index, "--json")
            (corpus / "locked").chmod(0)
            second = _cli("reindex", str(corpus), "--index", index, "--json")
            (corpus / "locked").chmod(0o755)
            return [first, second]

        answer = _as_nobody(runs)
        index = root / "index"
        (first_code, first_out, first_err), (code, out, err) = json.loads(answer)
        assert first_code == 0, first_err
        assert sorted(json.loads(first_out)["added"]) == [
            "S_TST_2014_1-EN.pdf",
            "locked/A_TST_1-EN.pdf",
        ]
        assert code == 1, err
        report = json.loads(out)
        assert report["deleted"] == []
        assert report["failed"] == [
            {"source": "locked/", "reason": "cannot read folder: Permission denied"}
        ]
        code, out, err = _cli("stats", "--index", str(index), "--json")
        assert code == 0, err
        assert json.loads(out)["documents"] == 2
