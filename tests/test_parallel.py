"""The parallel indexer writes the same index as the serial one, and loses nothing quietly."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from bench.corpus import source_documents, write_corpus
from searchkit import Index, IndexNotFound, index_corpus
from searchkit.errors import IndexWriteError, ReaderError, WriteCheckFailed
from searchkit.index import writer as segment
from searchkit.index._whoosh import cache_length_columns
from searchkit.index.snapshot import Snapshot, open_index
from searchkit.indexing import scan, workers
from tests.conftest import CORPUS

fork_only = pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork",
    reason="the failure tests patch the worker code, which only fork start-up inherits",
)


@pytest.fixture(scope="module")
def mixed_corpus(tmp_path_factory: pytest.TempPathFactory, shared_corpus: Path) -> Path:
    """The bundled corpus plus ~0.6 MB of generated files from the real documents."""
    root = tmp_path_factory.mktemp("mixed")
    shutil.copytree(CORPUS, root, dirs_exist_ok=True)
    docs = source_documents(shared_corpus)[::40]  # whole documents and devset ones, both languages
    write_corpus(docs, 0.6, root / "gen")
    return root


def _contents(index_dir: Path) -> tuple[int, list[Any], list[tuple]]:
    ix = open_index(index_dir)
    with Snapshot(ix.reader()) as snap:
        reader = snap.reader
        stored = sorted(snap.stored.all_blocks(), key=lambda b: b.key)
        terms = [
            (field, text, reader.doc_frequency(field, text), reader.frequency(field, text))
            for field, text in reader.all_terms()
        ]
        return reader.doc_count(), stored, terms


@pytest.mark.slow
@pytest.mark.corpus
def test_parallel_index_equals_serial(mixed_corpus: Path, tmp_path: Path) -> None:
    serial = index_corpus(mixed_corpus, tmp_path / "serial", workers=1)
    parallel = index_corpus(mixed_corpus, tmp_path / "parallel", workers=2)
    assert serial.ok and parallel.ok
    assert parallel.added == serial.added and len(serial.added) > 20
    assert parallel.blocks == serial.blocks > 1000
    count_s, stored_s, terms_s = _contents(tmp_path / "serial")
    count_p, stored_p, terms_p = _contents(tmp_path / "parallel")
    assert count_p == count_s == serial.blocks
    assert stored_p == stored_s
    assert terms_p == terms_s
    symbol = stored_s[-1].document.symbol
    queries = ["незаконный ввоз мигрантов", '"рабочая группа"', "развитие", "конвенции", symbol]
    with Index(tmp_path / "serial") as a, Index(tmp_path / "parallel") as b:
        for q in queries:
            # Blocks sit in one segment per worker, so equal scores may come in another order.
            hits_a = sorted((h.score, h.citation, h.ordinal) for h in a.search(q, 1000))
            assert hits_a, q
            assert sorted((h.score, h.citation, h.ordinal) for h in b.search(q, 1000)) == hits_a


@pytest.mark.slow
def test_parallel_update_delete_and_unchanged(corpus_copy: Path, tmp_path: Path) -> None:
    for i in range(3):
        shutil.copy(corpus_copy / "000_a4c9014b07e334a9.txt", corpus_copy / f"copy{i}.txt")
    first = index_corpus(corpus_copy, tmp_path / "ix", workers=2)
    assert len(first.added) == 4 and first.ok
    (corpus_copy / "copy0.txt").unlink()
    with (corpus_copy / "copy1.txt").open("a", encoding="utf-8") as f:
        f.write("\n\n99. Добавленный пункт о незаконном ввозе мигрантов.\n")
    second = index_corpus(corpus_copy, tmp_path / "ix", workers=2)
    assert second.deleted == ["copy0.txt"]
    assert second.updated == ["copy1.txt"]
    assert sorted(second.unchanged) == ["000_a4c9014b07e334a9.txt", "copy2.txt"]
    assert open_index(tmp_path / "ix").doc_count() == first.blocks // 4 * 2 + second.blocks


@pytest.mark.slow
@fork_only
def test_worker_exception_is_a_failure_of_that_file(
    corpus_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(corpus_copy / "000_a4c9014b07e334a9.txt", corpus_copy / "bad.txt")
    real = scan.prepare

    def flaky(schema, record, cache=None):  # type: ignore[no-untyped-def]
        if record["source"] == "bad.txt":
            raise ValueError("boom in the analyser")
        return real(schema, record, cache)

    monkeypatch.setattr(scan, "prepare", flaky)
    report = index_corpus(corpus_copy, tmp_path / "ix", workers=2)
    assert report.added == ["000_a4c9014b07e334a9.txt"]
    assert [f.source for f in report.failed] == ["bad.txt"]
    assert "ValueError: boom in the analyser" in report.failed[0].reason
    assert open_index(tmp_path / "ix").doc_count() == report.blocks > 0


@pytest.mark.slow
@fork_only
def test_dead_worker_aborts_without_commit(
    corpus_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = index_corpus(corpus_copy, tmp_path / "ix", workers=1)
    shutil.copy(corpus_copy / "000_a4c9014b07e334a9.txt", corpus_copy / "dies.txt")
    real = scan.prepare

    def dying(schema, record, cache=None):  # type: ignore[no-untyped-def]
        if record["source"] == "dies.txt":
            os._exit(3)
        return real(schema, record, cache)

    monkeypatch.setattr(scan, "prepare", dying)
    with pytest.raises(IndexWriteError, match=r"while indexing dies\.txt"):
        index_corpus(corpus_copy, tmp_path / "ix", workers=2)
    assert open_index(tmp_path / "ix").doc_count() == first.blocks


@pytest.mark.slow
@fork_only
def test_block_count_mismatch_is_an_error(
    corpus_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = segment.add_prepared

    def lossy(writer, block):  # type: ignore[no-untyped-def]
        if writer.docnum == 5 and not getattr(writer, "dropped", False):
            writer.dropped = True  # a writer that quietly loses the sixth block
            return
        real(writer, block)

    monkeypatch.setattr(segment, "add_prepared", lossy)
    with pytest.raises(WriteCheckFailed, match=r"reported \d+ blocks but its segment holds"):
        index_corpus(corpus_copy, tmp_path / "ix", workers=2)
    with pytest.raises(IndexNotFound):  # the first build never became the index
        open_index(tmp_path / "ix")


def test_auto_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    assert workers.auto_workers(3) == 1  # a handful of files: one process is quicker
    assert workers.auto_workers(100) == 2
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert workers.auto_workers(100) == 1


@pytest.mark.slow
def test_cli_index_with_workers(corpus_copy: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from searchkit.cli import app

    shutil.copy(corpus_copy / "000_a4c9014b07e334a9.txt", corpus_copy / "copy.txt")
    result = CliRunner().invoke(
        app, ["index", str(corpus_copy), "--index", str(tmp_path / "ix"), "--workers", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output
    result = CliRunner().invoke(
        app, ["search", "незаконный ввоз мигрантов", "--index", str(tmp_path / "ix"), "-n", "3"]
    )
    assert result.exit_code == 0 and "para." in result.output


def test_cached_length_columns_answer_as_whoosh_does(shared_index: tuple[Path, object]) -> None:
    """The length-column patch returns, for every block and field, what whoosh's
    own column reader decodes (lengths drive BM25F scores and skipping bounds)."""
    from whoosh.codec import whoosh3
    from whoosh.util.numeric import byte_to_length

    index, _ = shared_index
    cache_length_columns()
    with open_index(index).searcher() as searcher:
        for sub, _ in searcher.leaf_searchers():
            perdoc = sub.reader()._perdoc
            assert perdoc.doc_field_length(0, "number", default=7) == 7  # no length column
            for field in ("content", "heading_t", "title_t"):
                column = perdoc.column_reader(whoosh3._lenfield(field), whoosh3.LENGTHS_COLUMN)
                for docnum in range(perdoc.doc_count_all()):
                    byte = column[docnum]
                    expected = byte_to_length(byte) if byte else None
                    assert perdoc.doc_field_length(docnum, field) == expected


def test_fast_content_analysis_gives_whoosh_postings(shared_corpus: Path) -> None:
    """The indexer's one-pass analysis of the block text yields exactly the
    postings whoosh's analyzer and Positions format would (terms, frequencies,
    weights, encoded positions), on every block of the real documents."""
    from searchkit.index.records import block_records
    from searchkit.index.schema import build_schema
    from searchkit.indexing import corpus_files
    from searchkit.readers import read_documents

    schema = build_schema()
    content, heading = schema["content"], schema["heading_t"]
    blocks = 0
    for path, source in corpus_files(shared_corpus):
        try:
            documents = read_documents(path, source)
        except ReaderError:  # the image-only scan
            continue
        for document in documents:
            for record in block_records(document, source):
                fast = segment._lemma_postings(content, record["content"])
                assert fast is not None
                assert sorted(fast) == sorted(content.index(record["content"])), record["content"]
                blocks += 1
    assert blocks > 10_000
    assert (
        segment._lemma_postings(heading, "Записка Секретариата") is None
    )  # no positions: whoosh's
