"""Document metadata is stored once per document, block texts in chunks of a
document's blocks, and both are merged back into every block."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from searchkit import Index, reindex, search
from searchkit.errors import ReaderError, StoredFieldsDamaged
from searchkit.index import stored
from searchkit.index.records import block_records
from searchkit.index.schema import build_schema
from searchkit.index.snapshot import Snapshot, open_index
from searchkit.index.stored import (
    CHUNK_CHARS,
    ROW_LAYOUT,
    StoredBlock,
    StoredDocument,
    StoredReader,
    unpack_document,
)
from searchkit.index.writer import open_writer
from searchkit.indexing import corpus_files
from searchkit.indexing.scan import indexed_files
from searchkit.model import Document
from searchkit.readers import Catalog, file_checksum, read_documents, read_path
from searchkit.retrieval.browse import show
from searchkit.symbols import find_symbols

from .conftest import SEED


def as_stored_before(
    document: Document, file: str, checksum: str | None = None
) -> dict[str, StoredBlock]:
    """key -> the record every block must read back as: its own fields and all
    of its document's, made from the document itself (as each block stored
    them before schema 5), not from the stored layout."""
    year = int(document.date[:4]) if document.date and document.date[:4].isdigit() else None
    headings: list[str] = []
    for block in document.blocks:
        if block.heading is not None and block.heading not in headings:
            headings.append(block.heading)
    doc = StoredDocument(
        source=document.source,
        file=file,
        checksum=checksum or document.checksum or "",
        symbol=document.symbol or None,
        body=document.body or None,
        language=document.language or None,
        date=document.date or None,
        year=year,
        title=document.title or None,
        session=document.session or None,
        agenda_item=document.agenda_item or None,
        body_name=document.body_name or None,
        headings=tuple(headings),
        work=document.work or None,
    )
    return {
        f"{document.source}#{block.ordinal}": StoredBlock(
            document=doc,
            ordinal=block.ordinal,
            text=block.text,
            kind=block.kind,
            number=block.number or None,
            heading=block.heading,
            cites=tuple(find_symbols(block.text)),
        )
        for block in document.blocks
    }


def _expected(corpus: Path) -> dict[str, StoredBlock]:
    catalog = Catalog.load(corpus)
    expected: dict[str, StoredBlock] = {}
    for path, source in corpus_files(corpus):
        try:
            documents = read_documents(path, source, catalog)
        except ReaderError:  # a file the index skips (the image-only scan)
            continue
        for document in documents:
            expected.update(as_stored_before(document, source))
    return expected


def _merged(index: Path) -> dict[str, StoredBlock]:
    with Snapshot(open_index(index).reader()) as snap:
        return {block.key: block for block in snap.stored.all_blocks()}


def test_every_block_of_the_shared_corpus_reads_as_before(
    shared_index: tuple[Path, Any], shared_corpus: Path
) -> None:
    expected = _expected(shared_corpus)
    got = _merged(shared_index[0])
    assert len(got) == len(expected) > 13_000
    assert got == expected
    later = [f for f in got.values() if f.ordinal > 0 and f.document.title and f.heading]
    assert len(later) > 500  # blocks far from their document's first one, titled, headed


def test_every_block_of_the_bundled_document_carries_its_masthead(seed_index: Path) -> None:
    got = _merged(seed_index)
    expected = _expected(seed_index.parent / "corpus")
    assert got == expected
    last = max(got.values(), key=lambda f: f.ordinal)
    doc = last.document
    assert last.ordinal > 0
    assert doc.session == "Шестая сессия"
    assert doc.agenda_item and doc.agenda_item.startswith(
        "Пункт 2 (с) предварительной повестки дня"
    )
    assert doc.title and doc.title.startswith("Доклад о работе совещания Рабочей группы")
    assert doc.date == "2012-07-10" and doc.year == 2012
    assert doc.checksum == file_checksum(SEED)


def test_blocks_are_stored_in_chunks_of_their_document(shared_index: tuple[Path, Any]) -> None:
    with open_index(shared_index[0]).searcher() as searcher:
        raw = list(searcher.all_stored_fields())
        at = searcher.reader().column_reader("at")
        positions = [at[n] for n in range(len(raw))]
    firsts = [n for n, f in enumerate(raw) if "document" in f]
    assert len(firsts) == 1518  # one per document (1,505 of text, 13 PDF and Word)
    assert all(positions[n] == 0 for n in firsts)
    assert [n for n, p in enumerate(positions) if p == 0] == firsts
    documents = {n: unpack_document(raw[n]["document"]) for n in firsts}
    assert all(d.checksum and d.file for d, _ in documents.values())
    assert all(isinstance(raw[n]["document"], tuple) for n in firsts)
    empty = [f for f in raw if not f]
    assert len(empty) > 10_000  # most blocks (of 13,158) store nothing at all
    assert all(set(f) <= {"document", "blocks"} for f in raw)
    chunks = 0
    for i, n in enumerate(firsts):
        end = firsts[i + 1] if i + 1 < len(firsts) else len(raw)
        ends = documents[n][1]
        assert ends[-1] == end - n  # the chunks cover the document's blocks
        holders = [m - n for m in range(n, end) if "blocks" in raw[m]]
        assert holders == [e - 1 for e in ends]  # each chunk in its last block
        start = 0
        for e in ends:
            rows = raw[n + e - 1]["blocks"]
            assert len(rows) == e - start
            assert all(2 <= len(row) <= len(ROW_LAYOUT) for row in rows)
            assert len(rows) == 1 or sum(len(row[0]) for row in rows) <= CHUNK_CHARS
            start = e
        chunks += len(ends)
    assert chunks > len(firsts) + 150  # long documents span several chunks
    with open_index(shared_index[0]).searcher() as searcher:
        reader = StoredReader(searcher.reader())
        headed = next(n for n, f in enumerate(raw) if not f and reader.block(n).heading)
        assert isinstance(reader.block(headed).heading, str)


def test_checksums_come_from_the_document_record(
    shared_index: tuple[Path, Any], shared_corpus: Path
) -> None:
    """Incremental reindexing compares these with the files: every file, also the
    one holding 1,464 devset documents, must give its own checksum back."""
    with Snapshot(open_index(shared_index[0]).reader()) as snap:
        held = indexed_files(snap)
    failed = {f.source for f in shared_index[1].failed}  # the image-only scan
    assert set(held) == {source for _path, source in corpus_files(shared_corpus)} - failed
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
    sources = {b.document.source for b in _merged(seed_index).values()}
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


def test_a_document_is_found_by_its_source(seed_index: Path) -> None:
    with open_index(seed_index).searcher() as searcher:
        reader = StoredReader(searcher.reader())
        snap = Snapshot(searcher.reader())
        source = reader.block(0).document.source
        document = snap.document_named(source)
        assert document is not None
        assert document.checksum == file_checksum(SEED)
        assert document.session == "Шестая сессия"
        assert document.source == source
        assert document.headings
        last = searcher.doc_count_all() - 1
        assert reader.document(last) == document
        assert snap.document_named("no-such-file.txt") is None


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
            got.append(StoredReader(searcher.reader()).block(docnum))
    assert [f.document.source for f in got] == ["a.txt"] * 8 + ["b.txt"] * 8
    assert [f.ordinal for f in got[8:]] == list(range(3, 19, 2))
    assert {f.document.title for f in got[8:]} == {"Другой заголовок"}
    assert {f.document.title for f in got[:8]} == {document.title}
    assert all(f.document.session == "Шестая сессия" and f.document.checksum for f in got)


def _long_document(source: str = "long.txt") -> Document:
    """The bundled document's blocks over and over (600 blocks, many chunks),
    with an empty block and one block longer than a chunk among them."""
    seed = read_path(SEED, source)
    blocks = [
        replace(
            seed.blocks[i % len(seed.blocks)], ordinal=i, text=f"{i}. {seed.blocks[i % 8].text}"
        )
        for i in range(600)
    ]
    blocks[17] = replace(blocks[17], text="", kind="paragraph", number=None)
    huge = " ".join(b.text for b in seed.blocks) * 12
    assert len(huge) > CHUNK_CHARS
    blocks[300] = replace(blocks[300], text=huge)
    return replace(seed, blocks=tuple(blocks))


def _write(path: Path, *documents: Document) -> Any:
    from whoosh import index as windex

    ix = windex.create_in(str(path), build_schema())
    with ix.writer() as writer:
        for document in documents:
            for record in block_records(document):
                writer.add_document(**record)
    return ix


def test_a_long_document_reads_back_from_every_chunk(tmp_path: Path) -> None:
    document = _long_document()
    seed = read_path(SEED, "seed.txt")
    ix = _write(tmp_path, seed, document)
    expected = as_stored_before(seed, "seed.txt") | as_stored_before(document, "long.txt")
    with ix.searcher() as searcher:
        _, ends = unpack_document(searcher.stored_fields(8)["document"])
        assert len(ends) > 20  # the long document spans many chunks
        got = {b.key: b for b in StoredReader(searcher.reader()).all_blocks()}
    assert got == expected
    assert got["long.txt#17"].text == ""
    assert len(got["long.txt#300"].text) > CHUNK_CHARS
    for docnum in (8, 8 + 17, 8 + 299, 8 + 300, 8 + 301, 8 + 599, 3):  # nothing cached yet
        with ix.searcher() as searcher:
            block = StoredReader(searcher.reader()).block(docnum)
            assert block == expected[block.key]


def test_the_cache_holds_at_most_its_bound(tmp_path: Path, monkeypatch: Any) -> None:
    import random

    document = _long_document()
    ix = _write(tmp_path, document)
    expected = as_stored_before(document, "long.txt")
    monkeypatch.setattr(stored, "CACHE_CHARS", 20_000)
    order = list(range(600)) * 2
    random.Random(7).shuffle(order)
    with ix.searcher() as searcher:
        cache = StoredReader(searcher.reader())
        most = 0
        for docnum in order:
            block = cache.block(docnum)
            assert block == expected[f"long.txt#{docnum}"]
            assert cache.held <= 20_000
            most = max(most, cache.held)
        assert most > 15_000  # it did fill up, and dropped old chunks
        huge = cache.block(300).text
        assert len(huge) > 20_000 and ("chunk", 300) not in cache._items  # too big to keep
    monkeypatch.setattr(stored, "CACHE_CHARS", 8_000_000)
    with ix.searcher() as searcher:
        cache = StoredReader(searcher.reader())
        list(cache.all_blocks())
        assert cache.held > sum(len(b.text) for b in document.blocks)


def test_a_damaged_index_names_the_block_and_the_cure(tmp_path: Path) -> None:
    from whoosh import index as windex

    ix = windex.create_in(str(tmp_path), build_schema())
    with ix.writer() as writer:
        for record in block_records(read_path(SEED, "seed.txt")):
            record.pop("document", None)
            writer.add_document(**record)
    with ix.searcher() as searcher:
        try:
            StoredReader(searcher.reader()).block(5)
        except StoredFieldsDamaged as exc:
            assert "block 0" in str(exc) and "reindex --full" in str(exc)
        else:
            raise AssertionError("no error for a document without its first block")


def test_a_changed_file_shows_its_new_text_and_deleted_files_are_gone(
    tmp_path: Path, shared_corpus: Path
) -> None:
    """Incremental reindexing deletes a changed file's blocks and writes them
    again in a new segment: hits, ``show`` and every other document's blocks
    must read the new layout right, also through a searcher opened before."""
    long_source = "un-documents/ref/ru/2009_hri_core_aze_2008.txt"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(shared_corpus / long_source, corpus / "aze.txt")
    shutil.copy(SEED, corpus / "seed.txt")
    shutil.copy(SEED, corpus / "seed2.txt")
    index = tmp_path / "index"
    reindex(corpus, index, workers=1)
    document = read_path(corpus / "aze.txt", "aze.txt")
    block = next(b for b in document.blocks[250:] if b.number and len(b.text) > 200)
    old = " ".join(block.text.split()[:6])
    with Index(index) as ix:
        hit = next(h for h in ix.search(f'"{old}"', limit=5) if h.ordinal == block.ordinal)
        assert hit.text == block.text
        new_text = "Правительство учредило фонд поддержки мигрантов в горных районах. " + block.text
        text = (corpus / "aze.txt").read_text("utf-8")
        assert text.count(block.text) == 1
        (corpus / "aze.txt").write_text(text.replace(block.text, new_text), "utf-8")
        (corpus / "seed2.txt").unlink()
        report = reindex(corpus, index, workers=1)
        assert report.updated == ["aze.txt"] and report.deleted == ["seed2.txt"]
        hits = ix.search('"фонд поддержки мигрантов в горных районах"', limit=5)
        assert [(h.source, h.ordinal) for h in hits] == [("aze.txt", block.ordinal)]
        assert hits[0].text == new_text and hits[0].paragraph == block.number
    passage = show(index, "aze.txt", block.number, context=1)
    assert passage.block.text == new_text
    assert [b.text for b in passage.before] == [document.blocks[block.ordinal - 1].text]
    changed = read_path(corpus / "aze.txt", "aze.txt")
    expected = as_stored_before(
        changed, "aze.txt", file_checksum(corpus / "aze.txt")
    ) | as_stored_before(read_path(SEED, "seed.txt"), "seed.txt", file_checksum(SEED))
    with open_index(index).searcher() as searcher:
        assert searcher.doc_count_all() > searcher.doc_count()  # deleted blocks not merged away
        got = {b.key: b for b in StoredReader(searcher.reader()).all_blocks()}
    assert got == expected
    merged = open_index(index)
    merged.optimize()  # whoosh merges the segments: positions and chunks move with the blocks
    with open_index(index).searcher() as searcher:
        assert searcher.doc_count_all() == searcher.doc_count() == len(expected)
        assert {b.key: b for b in StoredReader(searcher.reader()).all_blocks()} == expected


def test_chunks_hold_consecutive_blocks_up_to_the_limit() -> None:
    from searchkit.index.stored import chunk_ends

    assert chunk_ends([]) == []
    assert chunk_ends([0]) == [1]
    assert chunk_ends([5, 5, 5], limit=10) == [2, 3]
    assert chunk_ends([5, 5, 0, 0, 5], limit=10) == [4, 5]  # empty blocks join a full chunk
    assert chunk_ends([30, 5, 30], limit=10) == [1, 2, 3]  # a longer block is a chunk alone
    assert chunk_ends([CHUNK_CHARS // 2] * 5) == [2, 4, 5]
