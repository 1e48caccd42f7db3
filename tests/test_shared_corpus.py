"""The real UN documents in ../shared/corpus, indexed once per session (``shared_index``)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from searchkit import search
from searchkit.index.snapshot import open_snapshot
from searchkit.index.stored import StoredBlock
from searchkit.readers import read_path
from searchkit.readers.quirks import clean
from searchkit.retrieval.browse import show
from searchkit.symbols import symbol_from_unpc_path

from .test_symbols_file_names import UN_DOCUMENTS

AZE = "un-documents/ref/ru/2009_hri_core_aze_2008.txt"


@pytest.fixture(scope="module")
def stored(shared_index: tuple[Path, Any]) -> dict[str, StoredBlock]:
    """source -> its first block, as stored."""
    found: dict[str, StoredBlock] = {}
    with open_snapshot(shared_index[0]) as snap:
        for block in snap.stored.all_blocks():
            found.setdefault(block.document.source, block)
    return found


def test_everything_indexes_but_the_image_only_scan(shared_index: tuple[Path, Any]) -> None:
    report = shared_index[1]
    assert [(f.source, f.reason) for f in report.failed] == [
        (
            "un-pdf/A_47_843-EN.pdf",
            "scanned image, no text layer (install tesseract-ocr and use --ocr)",
        )
    ]
    assert set(report.formats) == {"text", "xml", "yaml", "unpc-ids", "pdf", "docx"}
    assert report.formats["pdf"] == [12, 1] and report.formats["docx"] == [1, 0]
    assert all(failed == 0 for name, (_, failed) in report.formats.items() if name != "pdf")
    warned = {w.source for w in report.warnings}  # read, with a reason to look
    assert "un-pdf/A_45_311-EN.pdf" in warned  # the 1990 scan's noisy OCR layer


def test_documents_per_folder(stored: dict[str, StoredBlock], shared_corpus: Path) -> None:
    per_folder = Counter(source.split("/", 1)[0] for source in stored)
    ids = (shared_corpus / "unpc-devset/UNv1.0.devset.ids").read_text("utf-8").splitlines()
    symbol_languages = {(line.split()[0], lang) for line in ids for lang in ("ru", "en")}
    assert per_folder == {
        "un-documents": 29,
        "charter": 4,  # raw/ and processed/ copies of the Russian and English text
        "udhr": 2,
        "sdg": 6,
        "unpc-devset": len(symbol_languages) + 1,  # 732 symbols x 2 languages, UNv1.0.pdf
        "un-pdf": 12,  # 13 files, one an image-only scan
    }
    assert len(symbol_languages) == 1464


def test_every_un_document_has_the_symbol_its_name_encodes(
    stored: dict[str, StoredBlock],
) -> None:
    got = {
        s.removeprefix("un-documents/"): f.document.symbol
        for s, f in stored.items()
        if s.startswith("un-documents/")
    }
    assert got == UN_DOCUMENTS
    languages = {s: stored["un-documents/" + s].document.language for s in UN_DOCUMENTS}
    assert {s for s, lang in languages.items() if lang == "en"} == {
        s for s in UN_DOCUMENTS if s.startswith("source/en/")
    }


def paragraph_from_file(path: Path, number: int) -> str:
    """Paragraph ``number`` rebuilt naively: its "N. " line and the lines up to "N+1. "."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{number}. "))
    end = next(i for i in range(start + 1, len(lines)) if re.match(r"^\d+\. ", lines[i]))
    assert lines[end].startswith(f"{number + 1}. ")
    return " ".join([lines[start].removeprefix(f"{number}. "), *lines[start + 1 : end]]).strip()


@pytest.mark.parametrize(
    ("number", "query"),
    [
        (7, "70-летний период нахождения в составе СССР"),
        (9, "территории Зангезура, Гекчая"),
        (12, "Ходжалинского геноцида"),
        (13, "посреднических усилий по урегулированию"),
    ],
)
def test_aze_hits_cite_whole_numbered_paragraphs(
    shared_index: tuple[Path, Any], shared_corpus: Path, number: int, query: str
) -> None:
    expected = paragraph_from_file(shared_corpus / AZE, number)
    assert expected.count(". ") >= 1  # a multi-sentence paragraph
    hits = [h for h in search(shared_index[0], f'"{query}"') if h.source == AZE]
    assert hits, query
    assert hits[0].citation == f"HRI/CORE/AZE/2008, para. {number}"
    assert hits[0].text == expected


def test_aze_table_of_contents_is_not_a_paragraph(shared_corpus: Path) -> None:
    doc = read_path(shared_corpus / AZE, AZE)
    assert [b.kind for b in doc.blocks[:7]] == ["toc"] * 6 + ["heading"]
    numbered = [int(b.number) for b in doc.blocks if b.kind == "paragraph" and b.number]
    assert numbered[:25] == list(range(1, 26))  # (the source itself lost "26. ")
    assert numbered == sorted(set(numbered))  # each number once, in order
    assert numbered[-1] == 270 and len(numbered) > 250


def test_symbol_search_folds_cyrillic_lookalikes(shared_index: tuple[Path, Any]) -> None:
    index = shared_index[0]
    latin = [h.citation for h in search(index, "ECE/TRANS/WP.29/2010/29")]
    cyrillic = [h.citation for h in search(index, "ЕСЕ/TRANS/WP.29/2010/29")]  # Е С Е Cyrillic
    assert latin and latin == cyrillic
    cited = [h.citation for h in search(index, "А/RЕS/62/243")]  # cited in para. 18
    assert "HRI/CORE/AZE/2008, para. 18" in cited
    assert [h.citation for h in search(index, "A/RES/62/243")] == cited


def test_charter_articles_are_cited_as_articles(shared_index: tuple[Path, Any]) -> None:
    ru = [
        h
        for h in search(shared_index[0], "неотъемлемого права на коллективную самооборону")
        if h.source.startswith("charter/") and h.complete
    ]
    # the raw and the processed copy hold the same article: it is shown once
    assert [h.citation for h in ru] == ["Устав Организации Объединенных Наций, статья 51"]
    assert ru[0].source in {
        "charter/raw/raw_un_charter_ru.txt",
        "charter/processed/clean_un_charter_ru.txt",
    }
    en = list(search(shared_index[0], "inherent right of individual or collective self-defence"))
    assert en[0].citation == "Charter of the United Nations, Article 51"
    assert en[0].language == "en"


def test_charter_article_in_english_beside_the_russian(shared_index: tuple[Path, Any]) -> None:
    """The Charter has no symbol: its versions pair by the work their titles name."""
    passage = show(shared_index[0], "Устав Организации Объединенных Наций, статья 51")
    assert passage.citation == "Устав Организации Объединенных Наций, статья 51"
    assert "самооборону" in passage.block.text
    beside = show(shared_index[0], "Устав ООН", "51", parallel_langs=("en",)).parallel["en"]
    assert beside.number == "51" and "self-defence" in beside.text
    english = show(shared_index[0], "UN Charter", "51")
    assert english.document.language == "en" and english.block.text == beside.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Статья 51", "Устав Организации Объединенных Наций, статья 51"),
        ("статья 2 Устава", "Устав Организации Объединенных Наций, статья 2"),
        ("Article 51", "Charter of the United Nations, Article 51"),
    ],
)
def test_an_article_is_found_by_its_label(
    shared_index: tuple[Path, Any], query: str, expected: str
) -> None:
    hits = search(shared_index[0], query, limit=2)
    assert hits[0].citation == expected
    assert hits[1].citation != expected  # the second copy of the Charter is not repeated


def test_article_passage_is_cited_like_its_hits(shared_index: tuple[Path, Any]) -> None:
    passage = show(shared_index[0], "charter/processed/clean_un_charter_ru.txt", "51")
    assert passage.citation == "Устав Организации Объединенных Наций, статья 51"


def test_charter_raw_and_processed_read_alike(shared_corpus: Path) -> None:
    for lang in ("ru", "en"):
        raw = read_path(shared_corpus / f"charter/raw/raw_un_charter_{lang}.txt", "raw")
        clean = read_path(shared_corpus / f"charter/processed/clean_un_charter_{lang}.txt", "c")
        assert [(b.kind, b.number, b.text) for b in raw.blocks] == [
            (b.kind, b.number, b.text) for b in clean.blocks
        ]
        numbers = [b.number for b in raw.blocks if b.kind == "article"]
        assert numbers == [str(n) for n in range(1, 112)]
        assert sum(1 for b in raw.blocks if b.kind == "heading") == 19  # chapters I-XIX


def test_udhr_articles(shared_index: tuple[Path, Any]) -> None:
    hits = list(search(shared_index[0], "standard of living adequate for the health"))
    assert hits[0].citation == "A/RES/217(III), Article 25"
    ru = list(search(shared_index[0], '"право на такой жизненный уровень"'))
    assert ru[0].citation == "A/RES/217(III), статья 25"


def test_devset_documents_are_partial_and_cite_printed_numbers(
    shared_index: tuple[Path, Any], shared_corpus: Path
) -> None:
    ids = (shared_corpus / "unpc-devset/UNv1.0.devset.ids").read_text("utf-8").splitlines()
    ru_lines = (shared_corpus / "unpc-devset/UNv1.0.devset.ru").read_text("utf-8").splitlines()
    # Russian sentences grouped by their paragraph id, for a few documents
    wanted: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for line, text in zip(ids, ru_lines, strict=True):
        path, *address = line.split()
        para, sentence = dict(f.split(":", 1) for f in address)["ru"].split(":")
        wanted[(path, para)].append((int(sentence), text.strip()))
    printed = 0
    for path in ("2015/a/conf_224/pc_iii_/l_1", "2015/s/2015/125", "2015/e/cn_15/2015/5"):
        symbol = symbol_from_unpc_path(path.split("/", 1)[1])
        hits = [h for h in search(shared_index[0], symbol, limit=200) if h.language == "ru"]
        groups = {k: v for k, v in wanted.items() if k[0] == path}
        assert len(hits) == len(groups), path  # one block per paragraph id
        for sentences in groups.values():
            sentences.sort()
            first = clean(sentences[0][1])
            number = re.match(r"(\d+)\. ", first) if sentences[0][0] == 1 else None
            hit = next(
                h
                for h in hits
                if first.removeprefix(f"{number.group(1)}. " if number else "") in h.text
            )
            assert hit.paragraph == (number.group(1) if number else None), (path, first)
            printed += bool(number)
    assert printed >= 3  # the printed numbers are really used


def test_sdg_yaml_targets(shared_index: tuple[Path, Any]) -> None:
    hits = list(search(shared_index[0], "ликвидировать крайнюю нищету"))
    assert any(h.source == "sdg/ru/global_targets.yml" and h.paragraph == "1.1" for h in hits)


def test_sentence_reader_loses_no_text(shared_corpus: Path) -> None:
    """Every line of every un-documents file is in some block (less its number or marker)."""
    from searchkit.readers.quirks import clean

    for name in UN_DOCUMENTS:
        path = shared_corpus / "un-documents" / name
        doc = read_path(path, name)
        blocks = "\n".join(b.text for b in doc.blocks)
        for line in path.read_text(encoding="utf-8").splitlines():
            body = re.sub(r"^(?:\d{1,3}\.\s+|\(?[a-zа-я]{1,4}\)\s+|\*{1,3}\s*)", "", clean(line))
            assert body in blocks, (name, line[:80])


def test_a_joint_symbol_is_found_by_either_part(shared_index: tuple[Path, Any]) -> None:
    index = shared_index[0]
    for query in ("A/80/500", "S/2025/656", "symbol:S/2025/656", "A/80/500-S/2025/656"):
        hits = search(index, query, limit=3).hits
        assert hits and hits[0].symbol == "A/80/500-S/2025/656", query


def test_the_russian_and_english_pdf_report_pair_paragraph_by_paragraph(
    shared_index: tuple[Path, Any],
) -> None:
    """The UN numbers paragraphs alike in every language version: `--parallel
    en` shows the English paragraph of the same number beside the Russian one."""
    from searchkit.retrieval.browse import show

    for para in ("1", "5", "40", "94"):
        passage = show(shared_index[0], "A/HRC/WG.6/34/ITA/3", para, parallel_langs=("en",))
        assert passage.document.language == "ru" and passage.block.number == para
        english = passage.parallel["en"]
        assert english.number == para and english.text != passage.block.text
        assert not english.text.startswith(f"{para}.")  # shown like the hit: number apart
    hits = search(shared_index[0], "национальное правозащитное учреждение Италия", lang="ru")
    assert hits and hits[0].source == "un-pdf/ohchr_1_ru.pdf"
