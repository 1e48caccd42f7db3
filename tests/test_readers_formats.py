"""Readers for each format, on realistic fixtures (tests/fixtures/formats)."""

from __future__ import annotations

import codecs
import re
import shutil
from pathlib import Path

import pytest

from searchkit import index_corpus, search
from searchkit.errors import ReaderError
from searchkit.readers import read_documents, read_path, reader_for
from searchkit.readers.plain import layout
from searchkit.readers.quirks import clean
from searchkit.readers.sentences import read_lines

from .conftest import FIXTURES

FORMATS = FIXTURES / "formats"


def read_one(relative: str):
    return read_path(FORMATS / relative, relative)


def test_html_word_export() -> None:
    doc = read_one("word_export.html")
    assert doc.symbol == "CTOC/COP/2012/2"
    assert doc.language == "ru"
    assert doc.date == "2012-07-26"
    assert doc.title.startswith("Доклад о работе совещания")
    texts = " ".join(b.text for b in doc.blocks)
    assert "dataLayer" not in texts and "font-family" not in texts  # script and style dropped
    para = {b.number: b for b in doc.blocks if b.number and b.kind != "footnote"}
    assert para["1"].kind == "paragraph"
    assert para["1"].heading == "I. Рекомендации"
    # the footnote reference is gone from the text, the footnote itself is a block
    assert para["1"].text.endswith("для представления Конференции участников.")
    assert para["1 (b)"].text == (
        "государствам следует рассмотреть возможность «обмена информацией» – "
        "в том числе через Интерпол."
    )
    assert para["2"].text.endswith("сослался на документ СТОС/COP/2012/1.")
    rows = [b.text for b in doc.blocks if b.kind == "other"]
    assert rows == ["Государство | Число участников", "Австрия | 3", "Мексика | 2"]
    footnotes = [(b.number, b.text) for b in doc.blocks if b.kind == "footnote"]
    assert footnotes == [
        ("1", "Резолюция 55/25 Генеральной Ассамблеи, приложение III."),
        ("2", "См. также E/CN.15/2012/L.3/Rev.1."),
    ]
    # text order is kept: heading, 1, 1 (a), 1 (b), heading, 2, table, 3, footnotes
    order = [b.number or b.kind for b in doc.blocks]
    assert order[1:6] == ["heading", "1", "1 (a)", "1 (b)", "heading"]
    assert order.index("3") > order.index("other") > order.index("2")


def test_tei_xml_from_the_unpc_spec() -> None:
    en = read_one("unpc/Xml/en/2010/cd/1890.xml")
    ru = read_one("unpc/Xml/ru/2010/cd/1890.xml")
    assert (en.symbol, en.date, en.language) == ("CD/1890", "2010-07-13", "en")
    assert (ru.symbol, ru.language) == ("CD/1890", "ru")
    # <p id> counts masthead lines: the number cited is the one printed in the text
    one = next(b for b in en.blocks if b.number == "1")
    assert one.text.startswith("The Permanent Mission of China")
    assert one.text.endswith("prevention of an arms race in outer space.")  # both sentences
    assert [b.number for b in ru.blocks] == [None, None, "1"]
    assert [b.text for b in ru.blocks[:2]] == ["CD/1890", "Конференция по разоружению"]


def test_generic_xml_with_numbered_elements() -> None:
    doc = read_one("declaration.xml")
    assert doc.language == "ru" and doc.symbol is None
    assert doc.title == "Декларация о принципах (учебный пример)"
    articles = [(b.number, b.text) for b in doc.blocks if b.kind == "article"]
    assert articles == [
        ("1", "Все государства сотрудничают в деле поддержания международного мира."),
        ("2", "Каждое государство уважает суверенитет других государств."),
        ("2", "Споры разрешаются мирными средствами."),
    ]


def test_jsonl_groups_documents_by_symbol_and_language() -> None:
    docs = read_documents(FORMATS / "sdg_targets.jsonl", "sdg_targets.jsonl")
    assert [(d.source, d.symbol, d.language, len(d.blocks)) for d in docs] == [
        ("sdg_targets.jsonl#A/RES/70/1:ru", "A/RES/70/1", "ru", 2),
        ("sdg_targets.jsonl#A/RES/70/1:en", "A/RES/70/1", "en", 1),
    ]
    first = docs[0].blocks[0]
    assert (first.number, first.heading) == (
        "1.1",
        "Цель 1. Повсеместная ликвидация нищеты во всех ее формах",
    )


@pytest.mark.parametrize(
    ("line", "reason"),
    [("not json", "line 1: not JSON"), ('{"symbol": "A/RES/70/1"}', "'text'"),
     ('{"text": "x", "kind": "poem"}', "unknown kind")],
)  # fmt: skip
def test_bad_jsonl_names_the_line(tmp_path: Path, line: str, reason: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ReaderError, match=reason):
        read_documents(path, "bad.jsonl")


def test_cp1251_file() -> None:
    doc = read_one("report_cp1251.txt")
    assert doc.language == "ru"
    para = {b.number: b.text for b in doc.blocks if b.number}
    assert (
        para["2"]
        == "Секретариату было предложено подготовить справочный документ о правовой помощи."
    )


def test_utf16_file_in_sentence_per_line_layout() -> None:
    assert (FORMATS / "notes_utf16.txt").read_bytes().startswith(codecs.BOM_UTF16_LE)
    doc = read_one("notes_utf16.txt")
    para = {b.number: b for b in doc.blocks if b.number}
    assert para["2"].text == (
        "Конференция приняла решение продолжить работу. Секретариату предложено представить "
        "доклад. Доклад будет рассмотрен на следующей сессии."
    )
    assert para["2"].heading == "I. Введение"


def test_corrupt_file_is_a_clear_error() -> None:
    with pytest.raises(ReaderError, match=r"corrupt\.txt: binary file"):
        read_one("corrupt.txt")


def test_unknown_encoding_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "koi8.txt"
    path.write_bytes("Рабочая группа по незаконному ввозу мигрантов".encode("koi8-r") * 3)
    with pytest.raises(ReaderError, match="unknown text encoding"):
        read_path(path, "koi8.txt")


def test_devset_triple_is_read_through_its_ids_file() -> None:
    ids = FORMATS / "devset" / "sample.ids"
    assert reader_for(ids) is not None
    assert reader_for(ids.with_suffix(".ru")) is None  # read through the .ids file only
    docs = read_documents(ids, "devset/sample.ids")
    by_source = {d.source: d for d in docs}
    assert sorted(by_source) == [
        "devset/sample.ids#a/conf_224/pc_iii_/l_1:en",
        "devset/sample.ids#a/conf_224/pc_iii_/l_1:ru",
        "devset/sample.ids#e/cn_15/2015/5:en",
        "devset/sample.ids#e/cn_15/2015/5:ru",
    ]
    ru = by_source["devset/sample.ids#a/conf_224/pc_iii_/l_1:ru"]
    assert (ru.symbol, ru.language, ru.date) == ("A/CONF.224/PC(III)/L.1", "ru", "2015")
    # sentences grouped by the Russian paragraph id, joined in order; the number
    # cited is the one printed (ru paragraph id 8 is printed "3."), else none
    assert [(b.number, b.text) for b in ru.blocks] == [
        ("3", "Подготовительный комитет утвердил повестку дня своей третьей сессии. "
              "Комитет избрал Председателя путем аккламации."),
        (None, "Комитет принял проект доклада."),
    ]  # fmt: skip
    en = by_source["devset/sample.ids#a/conf_224/pc_iii_/l_1:en"]
    assert [b.number for b in en.blocks] == ["3", None]  # en paragraph ids 7 and 10


def test_devset_with_misaligned_sibling_is_an_error(tmp_path: Path) -> None:
    shutil.copytree(FORMATS / "devset", tmp_path / "d")
    (tmp_path / "d" / "sample.ru").write_text("одна строка\n", encoding="utf-8")
    with pytest.raises(ReaderError, match=r"sample\.ru has 1 lines"):
        read_documents(tmp_path / "d" / "sample.ids", "d/sample.ids")


def test_layout_is_decided_by_the_text_not_the_name(shared_corpus: Path, tmp_path: Path) -> None:
    text = (shared_corpus / "un-documents/ref/ru/2009_hri_core_aze_2008.txt").read_text("utf-8")
    assert layout(text) == "sentences"
    assert layout((FORMATS / "report_cp1251.txt").read_bytes().decode("cp1251")) == "chunks"
    moved = tmp_path / "anything.txt"
    moved.write_text(text, encoding="utf-8")
    doc = read_path(moved, "anything.txt")
    assert doc.symbol is None  # nothing in the name or the text says it
    assert sum(1 for b in doc.blocks if b.kind == "paragraph" and b.number) > 250


def test_numbering_goes_on_after_a_list_that_restarts_at_one() -> None:
    """JIU reports put numbered benchmarks ("1." … "5.") between paragraphs 31
    and 37 (here 2 and 5): every paragraph keeps its own number, none
    swallows the next."""
    lines = [
        "1. Инспекторы изучили хартии внутреннего аудита.",
        "2. Инспекторы провели беседы.",
        "Это следует подкрепить требованием.",
        "1. Планирование внутреннего аудита",
        "3. Функциональная независимость аудиторов ущемляется.",
        "2. Отбор руководителя службы аудита",
        "4. Хотя в процессе планирования учитываются мнения руководства.",
        "В позитивном плане Инспекторы отмечают прогресс.",
        "5. Кроме того, передовая практика предполагает участие комитета.",
        "13. Переходные положения",  # a quoted number: follows neither numbering
        "6. Комитеты рассматривают планы проверок.",
    ]
    blocks = read_lines(lines)
    numbered = [(b.number, b.text.split()[0]) for b in blocks if b.number]
    assert numbered == [
        ("1", "Инспекторы"),
        ("2", "Инспекторы"),
        ("1", "Планирование"),
        ("3", "Функциональная"),
        ("2", "Отбор"),
        ("4", "Хотя"),
        ("5", "Кроме"),
        ("6", "Комитеты"),
    ]
    text = {b.number: b.text for b in blocks}
    assert text["4"].endswith("Инспекторы отмечают прогресс.")  # 4 goes on
    assert text["5"].endswith("13. Переходные положения")  # inside paragraph 5


def test_jiu_report_paragraphs_all_numbered(shared_corpus: Path) -> None:
    path = shared_corpus / "un-documents/pro/ru/ru_2010_jiu_rep_2010_5.txt"
    doc = read_path(path, "ru_2010_jiu_rep_2010_5.txt")
    unnumbered = [b.text[:40] for b in doc.blocks if not b.number and re.match(r"\d+\. ", b.text)]
    assert unnumbered == []
    numbers = {int(b.number) for b in doc.blocks if b.kind == "paragraph" and b.number}
    assert len(numbers & set(range(1, 234))) >= 230  # paragraphs 1-233, as printed


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("<<Экологические индикаторы>>", "«Экологические индикаторы»"),
        ("мир -- и безопасность", "мир – и безопасность"),
        ("I. Введение 1\u221213 1", "I. Введение 1–13 1"),
        ("темпе\u00adратура\u00a0воздуха", "температура воздуха"),
        ("Достои\u0306ная работа", "Достойная работа"),  # decomposed й
    ],
)
def test_text_quirks(raw: str, fixed: str) -> None:
    assert clean(raw) == fixed


def test_fixture_corpus_indexes_all_but_the_corrupt_file(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FORMATS, corpus)
    report = index_corpus(corpus, tmp_path / "index")
    assert [(f.source, f.reason) for f in report.failed] == [
        ("corrupt.txt", "binary file (NUL bytes), not text")
    ]
    assert report.formats == {
        "text": [2, 1], "html": [2, 0], "xml": [3, 0], "jsonl": [2, 0], "unpc-ids": [4, 0]
    }  # fmt: skip
    assert report.documents == 13
    assert report.summary().endswith(
        "(html 2 documents; jsonl 2 documents; text 2 documents, 1 failed; "
        "unpc-ids 4 documents; xml 3 documents)"
    )
    hits = search(tmp_path / "index", "гонка вооружений")
    assert [h.citation for h in hits][:1] == ["CD/1890, para. 1"]
    # both spellings of the symbol cited in the HTML report find the same paragraph
    latin = [h.citation for h in search(tmp_path / "index", "CTOC/COP/2012/1")]
    cyrillic = [h.citation for h in search(tmp_path / "index", "СТОС/COP/2012/1")]
    assert latin == cyrillic == ["CTOC/COP/2012/2, para. 2"]


def test_multi_document_file_is_replaced_as_a_whole(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FORMATS / "devset", corpus)
    index_corpus(corpus, tmp_path / "index")
    assert [h.source for h in search(tmp_path / "index", "аккламация")] == [
        "sample.ids#a/conf_224/pc_iii_/l_1:ru"
    ]
    # change the Russian sibling only: the .ids entry point is re-read, old blocks go
    ru = (corpus / "sample.ru").read_text(encoding="utf-8").replace("аккламации", "голосованием")
    (corpus / "sample.ru").write_text(ru, encoding="utf-8")
    report = index_corpus(corpus, tmp_path / "index")
    assert report.updated == ["sample.ids"]
    assert list(search(tmp_path / "index", "аккламация")) == []
    assert len(list(search(tmp_path / "index", "голосование"))) == 1
    (corpus / "sample.ids").unlink()
    report = index_corpus(corpus, tmp_path / "index")
    assert report.deleted == ["sample.ids"]
    assert list(search(tmp_path / "index", "голосование")) == []


def test_html_ods_export_numbers_list_paragraphs() -> None:
    doc = read_one("ods_export.html")
    assert (doc.symbol, doc.language) == ("A/HRC/WG.6/4/RUS/1", "ru")
    assert [(b.kind, b.number) for b in doc.blocks] == [
        ("heading", None),
        ("paragraph", "4"),
        ("paragraph", "5"),
        ("paragraph", None),
    ]
    assert doc.blocks[2].text == "Конституция закрепляет приоритет норм международного права."
    assert doc.blocks[3].text == "Примечание: цифры приводятся по состоянию на 2008 год."


def test_tei_language_from_the_unpc_folder_when_sentences_lack_it(tmp_path: Path) -> None:
    text = (FORMATS / "unpc/Xml/ru/2010/cd/1890.xml").read_text(encoding="utf-8")
    target = tmp_path / "Xml" / "ru" / "2010" / "cd" / "1890.xml"
    target.parent.mkdir(parents=True)
    target.write_text(text.replace(' lang="ru"', ""), encoding="utf-8")
    assert read_path(target, "Xml/ru/2010/cd/1890.xml").language == "ru"
