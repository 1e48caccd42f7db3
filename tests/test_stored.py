"""Document metadata is stored once per document and merged back into every block."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from searchkit import Index, reindex, search
from searchkit.browse import show
from searchkit.codec import open_writer
from searchkit.indexer import block_records, corpus_files, indexed_sources, open_index
from searchkit.model import Document
from searchkit.readers import Catalog, file_checksum, read_documents, read_path
from searchkit.schema import build_schema
from searchkit.stored import BLOCK_LAYOUT, all_blocks, block_fields, document_fields
from searchkit.symbols import find_symbols

from .conftest import SEED


def as_stored_before(document: Document, file: str) -> dict[str, dict[str, Any]]:
    """key -> the stored fields every block carried before schema 5: its own and
    all of its document's, ``None`` values left out."""
    year = int(document.date[:4]) if document.date and document.date[:4].isdigit() else None
    out = {}
    for block in document.blocks:
        fields = {
            "key": f"{document.source}#{block.ordinal}",
            "source": document.source,
            "file": file,
            "checksum": document.checksum or "",
            "symbol": document.symbol or "",
            "body": document.body or "",
            "lang": document.language or "",
            "date": document.date or "",
            "year": year,
            "title": document.title,
            "session": document.session,
            "agenda": document.agenda_item,
            "body_name": document.body_name,
            "kind": block.kind,
            "number": block.number or "",
            "ordinal": block.ordinal,
            "heading": block.heading,
            "text": block.text,
            "cites": ",".join(find_symbols(block.text)),
        }
        out[fields["key"]] = {k: v for k, v in fields.items() if v is not None}
    return out


def _expected(corpus: Path) -> dict[str, dict[str, Any]]:
    catalog = Catalog.load(corpus)
    expected: dict[str, dict[str, Any]] = {}
    for path, source in corpus_files(corpus):
        for document in read_documents(path, source, catalog):
            expected.update(as_stored_before(document, source))
    return expected


def _merged(index: Path) -> dict[str, dict[str, Any]]:
    with open_index(index).searcher() as searcher:
        return {fields["key"]: fields for fields in all_blocks(searcher)}


def test_every_block_of_the_shared_corpus_reads_as_before(
    shared_index: tuple[Path, Any], shared_corpus: Path
) -> None:
    expected = _expected(shared_corpus)
    got = _merged(shared_index[0])
    assert len(got) == len(expected) > 13_000
    assert got == expected
    later = [f for f in got.values() if f["ordinal"] > 0 and f.get("title") and f.get("heading")]
    assert len(later) > 500  # blocks far from their document's first one, titled, headed


def test_every_block_of_the_bundled_document_carries_its_masthead(seed_index: Path) -> None:
    got = _merged(seed_index)
    expected = _expected(SEED.parent)
    assert got == expected
    last = max(got.values(), key=lambda f: f["ordinal"])
    assert last["ordinal"] > 0
    assert last["session"] == "Шестая сессия"
    assert last["agenda"].startswith("Пункт 2 (с) предварительной повестки дня")
    assert last["title"].startswith("Доклад о работе совещания Рабочей группы")
    assert last["date"] == "2012-07-10" and last["year"] == 2012
    assert last["checksum"] == file_checksum(SEED)


def test_only_the_first_block_stores_the_document(shared_index: tuple[Path, Any]) -> None:
    with open_index(shared_index[0]).searcher() as searcher:
        raw = list(searcher.all_stored_fields())
        firsts = [f for f in raw if "document" in f]
        assert len(firsts) == 1505  # one per document
        assert all(f["block"][1] == 0 for f in firsts)  # readers number blocks from 0
        assert all(f["document"]["checksum"] for f in firsts)
        others = [f for f in raw if "document" not in f]
        assert len(others) > 11_000
        assert all(set(f) == {"block"} for f in others)  # no title, checksum, symbol...
        assert all(3 <= len(f["block"]) <= len(BLOCK_LAYOUT) for f in raw)
        # a plain unnumbered paragraph stores its source, ordinal and text only
        assert any(len(f["block"]) == 3 for f in others)
        headed = next(
            n
            for n, f in enumerate(raw)
            if f["block"][5:6] not in ((), (None,)) and "document" not in f
        )
        assert isinstance(block_fields(searcher, headed)["heading"], str)


def test_checksums_come_from_the_document_record(
    shared_index: tuple[Path, Any], shared_corpus: Path
) -> None:
    """Incremental reindexing compares these with the files: every file, also the
    one holding 1,464 devset documents, must give its own checksum back."""
    ix = open_index(shared_index[0])
    try:
        held = indexed_sources(ix)
    finally:
        ix.close()
    assert set(held) == {source for _path, source in corpus_files(shared_corpus)}
    assert len(held) > 40
    for file, checksum in held.items():
        assert checksum == file_checksum(shared_corpus / file), file


def test_a_hit_deep_in_a_document_shows_its_documents_metadata(
    shared_index: tuple[Path, Any], shared_corpus: Path
) -> None:
    source = "un-documents/ref/ru/2009_hri_core_aze_2008.txt"
    document = read_path(shared_corpus / source, source)
    block = next(b for b in document.blocks[200:] if b.number and b.heading and len(b.text) > 200)
    phrase = " ".join(block.text.split()[:6])
    hits = search(shared_index[0], f'"{phrase}"', limit=10)
    hit = next(h for h in hits if h.source == source and h.ordinal == block.ordinal)
    assert hit.text == block.text and hit.paragraph == block.number
    assert hit.heading == block.heading
    assert hit.symbol == document.symbol == "HRI/CORE/AZE/2008"
    assert hit.date == document.date and hit.language == "ru"
    assert hit.citation == f"HRI/CORE/AZE/2008, para. {block.number}"


def test_show_gives_the_masthead_for_any_paragraph(seed_index: Path) -> None:
    document = read_path(SEED, "seed.txt")
    numbered = [b for b in document.blocks if b.number and b.ordinal > 2]
    with open_index(seed_index).searcher() as searcher:
        sources = {f["source"] for f in all_blocks(searcher)}
    passage = show(seed_index, sources.pop(), numbered[-1].number, context=1)
    assert passage.block.text == numbered[-1].text
    assert passage.block.heading == numbered[-1].heading
    assert passage.document.title == document.title
    assert passage.document.session == "Шестая сессия"
    assert passage.document.agenda_item == document.agenda_item
    assert passage.document.body_name == document.body_name
    assert [b.ordinal for b in passage.before] == [numbered[-1].ordinal - 1]


def test_an_open_index_sees_a_changed_title_after_reindex(tmp_path: Path) -> None:
    """Documents are cached per searcher: a refreshed searcher must not show the old title."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / "seed.txt")
    index = tmp_path / "index"
    reindex(corpus, index)
    with Index(index) as ix:
        before = ix.search("незаконный ввоз мигрантов", limit=3)
        assert before[0].title.startswith("Доклад о работе совещания")
        text = (corpus / "seed.txt").read_text("utf-8")
        (corpus / "seed.txt").write_text(
            text.replace("**Доклад о работе совещания", "**Отчет о работе совещания"), "utf-8"
        )
        assert reindex(corpus, index).updated == ["seed.txt"]
        after = ix.search("незаконный ввоз мигрантов", limit=3)
        assert after[0].title.startswith("Отчет о работе совещания")
        assert after[0].ordinal == before[0].ordinal > 0


def test_a_document_is_found_by_source_when_not_where_expected(
    seed_index: Path,
) -> None:
    with open_index(seed_index).searcher() as searcher:
        source = block_fields(searcher, 0)["source"]
        last = searcher.doc_count_all() - 1
    for near in (None, last, -5, 10**6):  # wrong guesses fall back to its blocks
        with open_index(seed_index).searcher() as searcher:
            document = document_fields(searcher, source, near)
            assert document["checksum"] == file_checksum(SEED)
            assert document["session"] == "Шестая сессия"
        with open_index(seed_index).searcher() as searcher:
            assert document_fields(searcher, "no-such-file.txt", near) == {}


def test_a_document_numbered_from_elsewhere_keeps_its_metadata(tmp_path: Path) -> None:
    """A document whose blocks are numbered from 3 in steps of 2 (no reader does
    that) still finds its metadata: by arithmetic, else among its blocks."""
    from whoosh import index as windex

    document = read_path(SEED, "a.txt")
    shifted = replace(
        document,
        source="b.txt",
        title="Другой заголовок",
        blocks=tuple(replace(b, ordinal=2 * b.ordinal + 3) for b in document.blocks),
    )
    ix = windex.create_in(str(tmp_path), build_schema())
    with open_writer(ix) as writer:
        for doc in (document, shifted):
            for record in block_records(doc):
                writer.add_document(**record)
    got = []
    for docnum in range(16):  # a fresh searcher each time: no document cached
        with ix.searcher() as searcher:
            got.append(block_fields(searcher, docnum))
    assert [f["source"] for f in got] == ["a.txt"] * 8 + ["b.txt"] * 8
    assert [f["ordinal"] for f in got[8:]] == list(range(3, 19, 2))
    assert {f["title"] for f in got[8:]} == {"Другой заголовок"}
    assert {f["title"] for f in got[:8]} == {document.title}
    assert all(f["session"] == "Шестая сессия" and f["checksum"] for f in got)
